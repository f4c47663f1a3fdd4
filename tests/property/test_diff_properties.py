"""Diff invariants: a state against itself is empty; applying a plan yields the desired state; items with
errors are never touched; price rules never go below their floor."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chansync.adapters.base import LIVE, SKIP, WANTED, ChannelState, Desired
from chansync.catalog import Source
from chansync.channel_rules import apply_price_rules
from chansync.config import PriceRules
from chansync.diff import CREATE, DELIST, OUTCOMES, UNCHANGED, UNMANAGED, UPDATE, apply_plan, diff
from chansync.fields import ROW, Field

FIELDS = [Field.PRICE, Field.QUANTITY, Field.TITLE]
SKUS = st.sampled_from([f"S{i}" for i in range(12)])
ITEM = st.fixed_dictionaries(
    {
        "price": st.one_of(st.none(), st.integers(1, 10**7)),
        "quantity": st.one_of(st.none(), st.integers(0, 999)),
        "title": st.text("abc xyz", max_size=6),
    }
)
STATE = st.dictionaries(SKUS, ITEM, max_size=10)


def frame(state: dict[str, dict], **extra: object) -> pd.DataFrame:
    skus = list(state)
    data = pd.DataFrame(
        {
            "sku": pd.Series(skus, dtype="str"),
            "price": pd.Series([state[s]["price"] for s in skus], dtype="Int64"),
            "quantity": pd.Series([state[s]["quantity"] for s in skus], dtype="Int64"),
            "title": pd.Series([state[s]["title"] for s in skus], dtype="str"),
        }
    )
    for name, value in extra.items():
        data[name] = value
    return data


def desired_of(state: dict[str, dict], skip: set[str] = frozenset(), unwanted: set[str] = frozenset()) -> Desired:
    data = frame(state)
    data[ROW] = range(2, 2 + len(data))
    data[WANTED] = ~data["sku"].isin(unwanted)
    data[SKIP] = data["sku"].map(lambda s: "price-invalid" if s in skip else "").astype("str")
    return Desired(data, "sku", Source("m.csv", None, {}, 1), "EUR")


def current_of(state: dict[str, dict]) -> ChannelState:
    return ChannelState(frame(state, **{LIVE: True}), "sku", "export.csv")


def plan_of(desired: Desired, current: ChannelState):
    return diff(desired, current, channel="c", adapter="csv", fields=FIELDS, delist_unknown=True)


@given(STATE)
def test_a_state_against_itself_has_no_changes(state: dict[str, dict]) -> None:
    plan = plan_of(desired_of(state), current_of(state))
    assert not plan.has_changes
    assert plan.changes.empty


def comparable(data: pd.DataFrame, known_quantity: pd.Series | None = None) -> pd.DataFrame:
    out = data.set_index(data["sku"].astype(str))[["price", "quantity", "title"]].sort_index()
    out["title"] = out["title"].astype(str).str.strip()
    return out


@given(STATE, STATE)
def test_applying_the_plan_yields_the_desired_state(want: dict[str, dict], have: dict[str, dict]) -> None:
    desired, current = desired_of(want), current_of(have)
    plan = plan_of(desired, current)
    after = apply_plan(plan.current, plan)
    expected = comparable(desired.frame)
    got = comparable(after.reset_index(drop=True))
    # Unknown stock (NA) is left as it is on the channel, so compare quantities only where they are known.
    known = expected["quantity"].notna()
    assert list(got.index) == list(expected.index)
    pd.testing.assert_series_equal(got["price"], expected["price"], check_names=False)
    pd.testing.assert_series_equal(got.loc[known, "quantity"], expected.loc[known, "quantity"], check_names=False)
    assert got["title"].tolist() == expected["title"].tolist()
    again = plan_of(desired, ChannelState(after.reset_index(drop=True), "sku", "after"))
    assert not again.has_changes  # idempotent: a re-run has nothing left to do


@given(STATE, STATE, st.sets(SKUS), st.sets(SKUS))
def test_items_with_errors_are_never_changed_or_delisted(
    want: dict[str, dict], have: dict[str, dict], skipped: set[str], unwanted: set[str]
) -> None:
    plan = plan_of(desired_of(want, skip=skipped, unwanted=unwanted), current_of(have))
    touched = plan.items[plan.items["outcome"].isin([CREATE, UPDATE, DELIST])]
    assert not set(touched["key"]) & (skipped & set(want))
    assert set(plan.items.loc[plan.items["outcome"].eq(DELIST), "key"]) <= (set(have) - set(want)) | (
        set(have) & unwanted - skipped
    )


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(1, 10**9), min_size=1, max_size=20),
    st.decimals(-50, 300, places=2),
    st.decimals(0, 20, places=2),
    st.sampled_from([None, Decimal("0.99"), Decimal("0.95"), Decimal("0")]),
    st.decimals(0, 10000, places=2),
    st.one_of(st.none(), st.decimals(Decimal("0.1"), 10, places=4)),
)
def test_price_rules_never_go_below_the_floor(
    cents: list[int], markup: Decimal, add: Decimal, round_to: Decimal | None, floor: Decimal, rate: Decimal | None
) -> None:
    rules = PriceRules(markup_percent=markup, add=add, round_to=round_to, min=floor,
                       currency="USD" if rate else None, rate=rate)  # fmt: skip
    out = apply_price_rules(pd.Series(cents, dtype="Int64"), rules)
    assert (out >= int(floor * 100)).all()
    if round_to is not None:
        ending = int(round_to * 100)
        above_floor = out > int(floor * 100)
        assert ((out[above_floor] % 100) == ending).all()


def test_rounding_examples() -> None:
    rules = PriceRules(markup_percent=Decimal(5), add=Decimal("0.50"), round_to=Decimal("0.99"), min=Decimal(1))
    out = apply_price_rules(pd.Series([1000, 1249, 10], dtype="Int64"), rules)
    # 10.00*1.05+0.50 = 11.00 -> 11.99; 12.49 -> 13.61 -> 13.99; 0.10 -> 0.61 -> 0.99, below the floor -> 1.00
    assert out.tolist() == [1199, 1399, 100]


def base_of(state: dict[str, dict]) -> pd.DataFrame:
    data = frame(state, **{"_listed": True})
    data["key"] = data["sku"]
    return data.set_index(data["sku"].astype(str).to_numpy())


@given(STATE, STATE)
def test_with_the_base_equal_to_the_channel_every_change_is_the_masters(want: dict, have: dict) -> None:
    """No edit on the channel since the last push: the three-way plan is the two-way plan, every change from the
    master, and nothing the channel holds that the master lacks is unmanaged (it was pushed)."""
    two_way = plan_of(desired_of(want), current_of(have))
    three_way = diff(desired_of(want), current_of(have), channel="c", adapter="csv", fields=FIELDS,
                     base=base_of(have))  # fmt: skip
    assert three_way.counts() == two_way.counts()
    assert set(three_way.changes["origin"]) <= {"master"}
    assert three_way.changes.drop(columns="origin").equals(two_way.changes.drop(columns="origin"))


@given(STATE, STATE, STATE)
def test_keep_never_changes_a_field_edited_on_the_channel(want: dict, base: dict, have: dict) -> None:
    keep = diff(desired_of(want), current_of(have), channel="c", adapter="csv", fields=FIELDS, base=base_of(base),
                keep_channel_edits=True)  # fmt: skip
    assert not keep.changes["origin"].isin(["channel", "both"]).any()
    overwrite = diff(desired_of(want), current_of(have), channel="c", adapter="csv", fields=FIELDS,
                     base=base_of(base))  # fmt: skip
    assert len(keep.changes) <= len(overwrite.changes)


@given(STATE, STATE)
def test_listings_never_managed_are_never_delisted_by_default(want: dict, have: dict) -> None:
    plan = diff(desired_of(want), current_of(have), channel="c", adapter="csv", fields=FIELDS)
    delisted = set(plan.keys(DELIST))
    assert not delisted - set(want)  # only what the master names (inactive, filtered out) is taken off
    assert set(plan.keys("unmanaged")) == set(have) - set(want)


@given(STATE, STATE, STATE, st.sets(SKUS), st.sets(SKUS), st.sets(SKUS))
def test_the_base_after_a_push_is_the_same_with_diffs_key_codes_or_hashed_again(
    want: dict, base: dict, have: dict, skip: set[str], unwanted: set[str], failed: set[str]
) -> None:
    """base_after reuses the codes diff hashed the keys into; without them (a plan whose items were replaced) it
    hashes again, and both ways give the same base."""
    from chansync.state.snapshot import base_after

    plan = diff(desired_of(want, skip, unwanted), current_of(have), channel="c", adapter="csv", fields=FIELDS,
                base=base_of(base))  # fmt: skip
    assert plan.meta["codes"].of(plan) is not None
    reused = base_after(plan, FIELDS, None, failed)
    plan.meta.pop("codes")
    hashed = base_after(plan, FIELDS, None, failed)
    pd.testing.assert_frame_equal(reused, hashed)


@given(STATE, STATE, STATE, st.sets(SKUS), st.sets(SKUS))
def test_unchanged_items_are_counted_unbuilt_and_built_in_their_place(
    want: dict, base: dict, have: dict, skip: set[str], unwanted: set[str]
) -> None:
    """diff leaves the unchanged listings' items unbuilt: the counts, the changes and the items a plan reports say
    the same before and after they are built, and once built they sit after the delists with their key codes."""
    plan = diff(desired_of(want, skip, unwanted), current_of(have), channel="c", adapter="csv", fields=FIELDS,
                base=base_of(base))  # fmt: skip
    counts, moving = plan.counts(), plan.has_changes
    reported = plan.items_except(UNCHANGED, UNMANAGED).reset_index(drop=True)
    first = plan.items_except(UNCHANGED, UNMANAGED, first=2).reset_index(drop=True)
    changed = set(plan.keys(CREATE, UPDATE, DELIST))
    deferred = plan.__dict__.get("_deferred")  # every listing here is live: the unchanged ones are the master's
    assert (deferred is not None) == (counts[UNCHANGED] > 0)
    assert deferred is None or (deferred.outcome == UNCHANGED and deferred.count == counts[UNCHANGED])
    items = plan.items  # builds them
    assert plan.__dict__.get("_deferred") is None
    assert counts == {o: int((items["outcome"] == o).sum()) for o in OUTCOMES}
    assert moving == plan.has_changes == bool(changed)
    pd.testing.assert_frame_equal(reported, plan.items_except(UNCHANGED, UNMANAGED).reset_index(drop=True))
    pd.testing.assert_frame_equal(first, reported.iloc[:2])
    order = [OUTCOMES.index(o) for o in items["outcome"]]
    head = order[: counts[CREATE] + counts[UPDATE] + counts[DELIST] + 1]
    assert head == sorted(head)  # creates, updates, delists, then the unchanged listings
    unchanged = set(plan.keys(UNCHANGED))
    assert not unchanged & changed and not unchanged & set(plan.changes["key"])
    codes = plan.meta["codes"].of(plan)
    assert codes is not None and len(codes.item) == len(items)
    same_key = items["key"].to_numpy()[:, None] == items["key"].to_numpy()[None, :]
    assert (same_key == (codes.item[:, None] == codes.item[None, :])).all()


@given(STATE, st.lists(st.one_of(SKUS, st.just("")), max_size=12))
def test_rows_whose_key_is_twice_on_the_channel_are_found_and_left_alone(want: dict, keys: list[str]) -> None:
    """diff names the export rows whose key is on another row too (what the duplicate warning locates), and
    changes, creates or delists none of those listings."""
    have = pd.DataFrame({"sku": pd.Series(keys, dtype="str"), "price": pd.Series([1] * len(keys), dtype="Int64"),
                         LIVE: True})  # fmt: skip
    plan = diff(desired_of(want), ChannelState(have, "sku", "export.csv"), channel="c", adapter="csv",
                fields=FIELDS, delist_unknown=True)  # fmt: skip
    counts = pd.Series(keys, dtype=object).value_counts()
    expected = [i for i, key in enumerate(keys) if key and counts[key] > 1]
    assert plan.meta["channel_twice"].tolist() == expected
    doubled = {keys[i] for i in expected}
    assert not doubled & set(plan.keys(CREATE, UPDATE, DELIST))
