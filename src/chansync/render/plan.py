"""Plans as terminal text. The ``chansync.plan/1`` JSON document lives in :mod:`chansync.planjson` (re-exported
here: ``plan_dict``, ``plans_document``, ``plans_json``, ``PLAN_SCHEMA``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rich.console import Console
from rich.table import Table

from .. import columns
from ..i18n import N_, _, number
from ..model import CREATE, DELIST, OUTCOMES, SKIPPED, UNCHANGED, UNMANAGED, UPDATE, Plan
from ..planjson import PLAN_SCHEMA as PLAN_SCHEMA
from ..planjson import plan_dict as plan_dict
from ..planjson import plans_document as plans_document
from ..planjson import plans_json as plans_json
from . import safe, word

STYLE = {CREATE: "green", UPDATE: "yellow", DELIST: "red", SKIPPED: "magenta", "unchanged": "dim", UNMANAGED: "blue"}
#: How a change's origin reads in a plan (docs/plan.md).
ORIGIN_NOTE = {
    "master": "",
    "channel": N_("edited on the channel; set back"),
    "both": N_("changed on both"),
}


def render_plans(plans: list[Plan], console: Console, *, limit: int = 20) -> None:
    for plan in plans:
        counts = plan.counts()
        said = [o for o in OUTCOMES if o != UNMANAGED or counts[o]]
        head = " · ".join(f"[{STYLE[o]}]{number(counts[o])} {word(o)}[/]" for o in said)
        console.print(f"\n[bold]{safe(plan.channel)}[/] [dim]({safe(plan.adapter)})[/]  {head}")
        _field_line(plan, console)
        _biggest_moves(plan, console)
        changing = sum(n for outcome, n in counts.items() if outcome not in (UNCHANGED, UNMANAGED))
        if not changing:
            console.print(f"  [green]{_('in step: nothing to change')}[/]")
            continue
        table = Table(box=None, show_header=True, header_style="dim", pad_edge=False, padding=(0, 1))
        for column in (_("outcome"), _("key"), _("sku"), _("change")):
            table.add_column(column, overflow="fold")
        shown = plan.items_except(UNCHANGED, UNMANAGED, first=limit)
        changes = plan.changes[plan.changes["key"].isin(shown["key"].tolist())]
        grouped = {str(key): group for key, group in changes.groupby("key", sort=False)} if len(changes) else {}
        for item in shown.itertuples(index=False):
            outcome, key, sku = str(item.outcome), str(item.key), str(item.sku)
            detail = _detail(item, grouped.get(key))
            table.add_row(f"[{STYLE[outcome]}]{word(outcome)}[/]", safe(key), safe(sku), detail)
        console.print(table)
        if changing > limit:
            more = _("… {count} more (--limit N, or --format json for all)").format(count=number(changing - limit))
            console.print(f"  [dim]{more}[/]")


def _field_line(plan: Plan, console: Console) -> None:
    """Changes per field, what the export could not be compared on, and channel edits kept."""
    fields = plan.field_counts()
    if fields:
        by_field = ", ".join(f"{safe(k)} {number(v)}" for k, v in fields.items())
        console.print(f"  [dim]{_('changes by field:')}[/] " + by_field)
    origins = {k: v for k, v in plan.origin_counts().items() if k in ("channel", "both")}
    if origins:
        console.print(
            f"  [dim]{_('since the last push:')}[/] "
            + ", ".join(
                (
                    _("{count} edited on the channel")
                    if k == "channel"
                    else _("{count} edited on the channel and in the master")
                ).format(count=number(v))
                for k, v in origins.items()
            )
        )
    kept = plan.meta.get("kept_channel_edits") or {}
    if kept:
        console.print(f"  [dim]{_('kept as edited on the channel (on_channel_edit: keep):')}[/] "
                      + ", ".join(f"{safe(k)} {number(v)}" for k, v in kept.items()))  # fmt: skip
    missing = plan.meta.get("not_compared") or []
    if missing:
        console.print(f"  [dim]{_('not compared (the export has no column for them):')}[/] {safe(', '.join(missing))}")
    if plan.counts().get(UNMANAGED):
        unmanaged = _(
            "{count} listings on the channel are not in the master and were never managed by chansync: left as they are"
        ).format(count=number(plan.counts()[UNMANAGED]))
        console.print(f"  [dim]{unmanaged}[/]")


def _detail(item: Any, changes: pd.DataFrame | None) -> str:
    if item.outcome == SKIPPED:
        return _("left as is: {reason}").format(reason=safe(str(item.reason)))
    if changes is None or item.outcome != UPDATE:
        return ""
    parts = []
    for change in changes.itertuples():
        old, new = _around_difference(str(change.old), str(change.new))
        origin = ORIGIN_NOTE.get(str(getattr(change, "origin", "")), "")
        note = f" [cyan]({_(origin)})[/]" if origin else ""
        parts.append(f"{safe(str(change.field))}: {safe(old)} → {safe(new)}{note}")
    return "; ".join(parts)


def _around_difference(old: str, new: str, width: int = 40) -> tuple[str, str]:
    """Long texts cut to the part where they differ, so the change is visible."""
    if len(old) <= width and len(new) <= width:
        return old, new
    start = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    start = max(0, start - 10)

    def cut(text: str) -> str:
        piece = text[start : start + width]
        return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")

    return cut(old), cut(new)


def _numbers(values: pd.Series) -> np.ndarray:
    """Display text of prices and stock ("12.50", "7", "" for none) as floats, NaN where there is none. Arrow's
    cast reads them; text it cannot read (none is expected) goes through pandas, as NaN."""
    data = columns.arrow(values)
    try:
        read = pc.cast(pc.if_else(pc.equal(data, ""), pa.scalar(None, data.type), data), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.asarray(read.to_numpy(zero_copy_only=False), dtype=float)


def _biggest_moves(plan: Plan, console: Console) -> None:
    """The largest price and stock moves, so a glance shows whether the plan is sane."""
    for field, label in (("price", _("biggest price moves:")), ("quantity", _("biggest stock moves:"))):
        moves = plan.changes[plan.changes["field"].eq(field)]
        if not len(moves):
            continue
        delta = pd.Series(np.abs(_numbers(moves["new"]) - _numbers(moves["old"])), index=moves.index)
        top = moves.assign(_delta=delta).nlargest(3, "_delta")
        shown = ", ".join(f"{safe(str(r.sku))} {safe(str(r.old))} → {safe(str(r.new))}" for r in top.itertuples())
        console.print(f"  [dim]{label}[/] {shown}")
