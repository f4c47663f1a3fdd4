"""``chansync undo``: set every channel a push changed back to the values it had before that push.

The plan is an ordinary three-way plan: the desired state is the base from before the run, the base is what the
run set, and the channel is read now. A listing changed on the channel since that run (its values now differ from
what the run set) is a conflict and left alone unless ``force``; listings the run created are delisted, listings it
delisted are listed again. It is then applied exactly like a push: lock, guard, feeds, uploads, state, run log.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .adapters.base import Adapter
from .adapters.registry import Registry
from .catalog import Source
from .config import LoadedConfig
from .diff import diff, normalized
from .errors import ChansyncError, ExitCode
from .fields import Field
from .guard import check_guard
from .i18n import _
from .issues import Report
from .model import LIVE, SKIP, WANTED, ChannelState, Desired
from .push import PushPlan
from .state.store import KEY, LISTED, SKU, SyncState
from .sync import ChannelPlan, read_current, stand_in

#: Skip reason of a listing changed on the channel since the run being undone.
CONFLICT = "changed-since"


class NothingToUndo(ChansyncError):
    exit_code = ExitCode.ERRORS


def undo_run(state: SyncState, run_id: str | None) -> dict[str, Any]:
    """The run to undo: the one named, else the newest push that set a base on some channel."""
    runs = state.runs(limit=1_000)
    for run in runs:
        if run_id is not None and run["run"] != run_id:
            continue
        if run_id is None and (run["command"] != "push" or run["dry_run"]):
            continue
        if any(c["snapshot_after"] for c in run["channels"]):
            return run
        if run_id is not None:
            raise NothingToUndo(_("run {run} changed no channel, so there is nothing to undo").format(run=run_id))
    if run_id is not None:
        raise NothingToUndo(_("no run {run} in the log (`chansync log` lists the runs)").format(run=run_id))
    raise NothingToUndo(_("no push to undo yet (`chansync log` lists the runs)"))


def prepare_undo(
    config: LoadedConfig,
    state: SyncState,
    *,
    run_id: str | None = None,
    channels: list[str] | None = None,
    force: bool = False,
    registry: Registry | None = None,
) -> PushPlan:
    """Plan setting each channel of the run back; nothing is written."""
    run = undo_run(state, run_id)
    registry = registry or Registry.discover()
    planned, unreachable, first = [], {}, []
    for entry in run["channels"]:
        name = entry["channel"]
        if (channels and name not in channels) or not entry["snapshot_after"] or name not in config.channels:
            continue
        if not entry["snapshot_before"]:
            first.append(name)
            continue
        adapter = registry.build(config, name)
        try:
            planned.append(_plan_back(config, state, adapter, entry, force=force, since=float(run["started"])))
        except ChansyncError as error:
            unreachable[name] = error.message
    note = ""
    if first:
        note = _(
            "run {run} was the first push to {channels}: there are no values from before it to go back to there"
        ).format(run=run["run"], channels=", ".join(first))
    if not planned and not unreachable:
        raise NothingToUndo(note or _("run {run} changed none of the channels asked for").format(run=run["run"]))
    verdicts = {c.name: check_guard(c.plan, config.channel(c.name).guard) for c in planned}
    prepared = PushPlan(config, Report(), planned, verdicts, force, unreachable, state, None, [], "undo")
    prepared.notes = [note] if note else []
    return prepared


def _plan_back(
    config: LoadedConfig, state: SyncState, adapter: Adapter, entry: dict, *, force: bool, since: float
) -> ChannelPlan:
    name = adapter.channel
    before = state.read_snapshot(name, entry["snapshot_before"])
    after = state.read_snapshot(name, entry["snapshot_after"])
    current = read_current(config, adapter)
    base_now = state.base(name)
    if base_now is not None:  # an export from before the last push does not show it: what was set stands in
        from .sync import export_time

        taken = export_time(config, adapter)
        if taken is not None and taken < base_now.pushed_at:
            current = stand_in(current, base_now)
    desired = _desired_from(before, adapter)
    _less_sold_since(desired, state, since)
    conflicts = _changed_since(after, current, adapter)
    if len(conflicts) and not force:
        hit = desired.frame[desired.key].astype("str").isin(conflicts).to_numpy()
        desired.frame.loc[hit, SKIP] = CONFLICT
    plan = diff(desired, current, channel=name, adapter=adapter.name, fields=list(adapter.carried()),
                base=after, delist=True, delist_unknown=False)  # fmt: skip
    if len(conflicts) and not force:  # created by the run and changed since: left alone too
        plan.meta["conflicts"] = sorted(conflicts)
        items = plan.items
        created = items["key"].isin(conflicts) & items["outcome"].eq("delist")
        if created.any():
            items.loc[created, "outcome"], items.loc[created, "reason"] = "skipped", CONFLICT
    return ChannelPlan(name, adapter, desired, plan, [], base_now, None)


def _less_sold_since(desired: Desired, state: SyncState, since: float) -> None:
    """Stock never goes back up by units sold since that run (on any channel): undoing a push must not put a sold
    unit back on sale. The next push sets stock from the master and the ledger as usual."""
    quantity = Field.QUANTITY.value
    sales = state.sales(since=since)
    if quantity not in desired.frame.columns or not len(sales):
        return
    sold = sales.groupby("sku")["units"].sum()
    skus = desired.frame[Field.SKU.value].astype("str")
    hit = skus.isin(sold.index).to_numpy()
    if hit.any():
        column = desired.frame[quantity].astype("Int64")
        less = skus[hit].map(sold).astype("int64").to_numpy()
        column[hit] = (column[hit] - less).clip(lower=0)
        desired.frame[quantity] = column


def _desired_from(snapshot: pd.DataFrame, adapter: Adapter) -> Desired:
    """A desired state from a base snapshot: what the channel held before the run."""
    key = adapter.key.value
    frame = snapshot.reset_index(drop=True).copy()
    if key != KEY:
        frame[key] = frame[KEY].astype("str") if key not in frame.columns else frame[key]
    if Field.SKU.value not in frame.columns:
        frame[Field.SKU.value] = frame[SKU]
    frame[WANTED] = frame[LISTED].astype(bool) if LISTED in frame.columns else True
    frame[SKIP] = ""
    frame = frame.drop(columns=[c for c in (KEY, LISTED) if c in frame.columns and c != key])
    return Desired(frame, key, Source(_("sync state"), None, {}, 1), config_currency(adapter))


def config_currency(adapter: Adapter) -> str:
    return adapter.context.config.price.currency or adapter.context.currency


def _changed_since(after: pd.DataFrame, current: ChannelState, adapter: Adapter) -> list[str]:
    """Keys whose values on the channel now differ from what the run set (a sale, an edit, another push)."""
    frame = current.frame.drop_duplicates(current.key).set_index(current.key, drop=False)
    frame.index = frame.index.astype("str")
    keys = after.index.intersection(frame.index)
    if not len(keys):
        return []
    moved = np.zeros(len(keys), dtype=bool)
    for field_ in adapter.carried():
        name = field_.value
        if name in after.columns and name in frame.columns:
            then = normalized(field_, after.loc[keys, name].reset_index(drop=True))
            now = normalized(field_, frame.loc[keys, name].reset_index(drop=True))
            moved |= ~((then == now).fillna(False) | (then.isna() & now.isna())).to_numpy(dtype=bool)
    if LISTED in after.columns and LIVE in frame.columns:
        moved |= after.loc[keys, LISTED].astype(bool).to_numpy() != frame.loc[keys, LIVE].fillna(True).astype(
            bool).to_numpy()  # fmt: skip
    return [str(k) for k in keys[moved]]
