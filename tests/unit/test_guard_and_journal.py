"""The safety guard's counts and limits, and the journal: records, the lock, and laying applied values over an
export taken before them."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pandas as pd
import pytest

from chansync.adapters.base import LIVE, SKIP, WANTED, ChannelState, Desired
from chansync.catalog import Source
from chansync.config import GuardRules
from chansync.diff import diff
from chansync.fields import Field
from chansync.guard import check_guard
from chansync.journal import Journal, read_journal
from chansync.state.store import LISTED, Base, LockedError, SyncState
from chansync.sync import stand_in

SOURCE = Source("master.csv", None, {}, 1)


def states(want: dict[str, tuple[int, int]], have: dict[str, tuple[int, int]]) -> tuple[Desired, ChannelState]:
    desired = pd.DataFrame(
        {
            "sku": list(want),
            "price": pd.array([p for p, _ in want.values()], dtype="Int64"),
            "quantity": pd.array([q for _, q in want.values()], dtype="Int64"),
            WANTED: True,
            SKIP: "",
            "_row": range(2, len(want) + 2),
        }
    )
    current = pd.DataFrame(
        {
            "sku": list(have),
            "price": pd.array([p for p, _ in have.values()], dtype="Int64"),
            "quantity": pd.array([q for _, q in have.values()], dtype="Int64"),
            LIVE: True,
        }
    )
    return Desired(desired, "sku", SOURCE, "EUR"), ChannelState(current, "sku", "export.csv")


def plan_of(want: dict[str, tuple[int, int]], have: dict[str, tuple[int, int]]):  # type: ignore[no-untyped-def]
    desired, current = states(want, have)
    return diff(desired, current, channel="c", adapter="csv", fields=[Field.PRICE, Field.QUANTITY],
                delist_unknown=True)


def test_the_guard_counts_delists_and_zeroed_stock_against_live_listings() -> None:
    have = {f"S{i}": (100, 5) for i in range(10)}
    want = {f"S{i}": (100, 0 if i < 2 else 5) for i in range(9)}  # S9 delisted, S0 and S1 zeroed
    verdict = check_guard(plan_of(want, have), GuardRules(max_delist_share=0.2))
    assert (verdict.live, verdict.off_sale) == (10, 3) and not verdict.ok
    assert "3 of 10 live listings off sale (30%" in verdict.reasons[0]
    assert check_guard(plan_of(want, have), GuardRules(max_delist_share=0.3)).ok
    have_at_zero = {**have, "S9": (100, 0)}  # delisted at 0 already (a channel that keeps the listing): not counted
    assert check_guard(plan_of(want, have_at_zero), GuardRules()).off_sale == 2


def test_the_guard_limits_price_changes_and_lets_a_new_channel_fill() -> None:
    have = {f"S{i}": (100, 5) for i in range(4)}
    want = {f"S{i}": (120 if i < 3 else 100, 5) for i in range(4)}
    verdict = check_guard(plan_of(want, have), GuardRules(max_price_change_share=0.5))
    assert verdict.repriced == 3 and "price of 3 of 4" in verdict.reasons[0]
    assert check_guard(plan_of(want, {}), GuardRules()).ok  # nothing live yet: nothing to protect


def test_journal_records_survive_a_torn_last_line_and_odd_lines(tmp_path: Path) -> None:
    path = tmp_path / "state" / "journal.jsonl"
    journal = Journal(path, "run-1")
    journal.record("start")
    journal.record("applied", "shop", items=[{"key": "A", "set": {"price": 1250}}])
    journal.record("done", "shop", counts={"update": 1})
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('[1, 2]\n"text"\n{"no": "run"}\n')  # valid JSON that is not a record
        handle.write('{"run": "run-2", "event": "appl')  # killed mid-write
    assert [r["event"] for r in read_journal(path)] == ["start", "applied", "done"]


def test_the_base_stands_in_for_an_export_taken_before_the_push() -> None:
    _, current = states({}, {"A": (1000, 3), "B": (500, 1)})
    base = pd.DataFrame(
        {"key": ["A", "B", "C"], "sku": ["A", "B", "C"], LISTED: [True, False, True],
         "price": pd.array([1250, 500, 300], dtype="Int64"), "quantity": pd.array([7, 1, 2], dtype="Int64")},
        index=["A", "B", "C"],
    )  # fmt: skip
    after = stand_in(current, Base(base, time.time(), "s", "r"))
    frame = after.frame.set_index("sku")
    assert (frame.loc["A", "price"], frame.loc["A", "quantity"]) == (1250, 7)
    assert not frame.loc["B", LIVE] and frame.loc["B", "price"] == 500
    assert frame.loc["C", "price"] == 300 and frame.loc["C", LIVE]  # created by a push after the export


def _hold(path: str, ready: multiprocessing.synchronize.Event, done: multiprocessing.synchronize.Event) -> None:
    with SyncState.open(Path(path)).lock():
        ready.set()
        done.wait(10)


def test_the_lock_refuses_a_second_holder_at_once(tmp_path: Path) -> None:
    ready, done = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(str(tmp_path), ready, done))
    holder.start()
    try:
        assert ready.wait(10)
        refused = pytest.raises(LockedError, match=r"another chansync push is running for this config \(pid \d+")
        with refused, SyncState.open(tmp_path).lock():
            pass
    finally:
        done.set()
        holder.join(10)
    with SyncState.open(tmp_path).lock():  # released when the holder ends
        pass
