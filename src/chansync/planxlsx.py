"""Plans as a workbook a seller reviews in Excel and hands back: ``chansync diff --format xlsx --output plan.xlsx``
then ``chansync push --plan plan.xlsx`` applies only the rows still marked "yes" in the ``apply`` column.

The summary sheet comes first; then one sheet per channel with a row per listing that changes: what it is now and
what it becomes, side by side, the changed cells highlighted, filters on and the header frozen. A hidden sheet
holds a fingerprint of each channel's plan, so a plan that no longer matches the master or the channel is refused
(as a JSON plan is), whatever the reviewer did to the visible sheets.

Everything a reviewer reads is in the run's language: the headings (``apply``/``toepassen``, ``key``/``sleutel``,
``price now``/``prijs nu`` with the field's name), the outcomes in the summary's headings and the outcome column
(``update``/``bijwerken``) and "yes"/"ja". The reader needs only the ``apply`` and ``key`` columns and accepts their
headings in every language chansync speaks, so a plan written in Dutch is applied by an English run and the other
way round. The hidden sheet keeps its English headings and codes: only chansync reads it.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import ChansyncError, RefusedError
from .i18n import LANGUAGES, N_, _, translations
from .model import CREATE, DELIST, SKIPPED, UNCHANGED, UNMANAGED, UPDATE, Plan
from .planjson import plan_dict
from .render import word

APPLY, KEY_HEADER = N_("apply"), N_("key")
#: The heading word of the ``listed`` change (a listing put on or taken off sale), which is no field of the master.
LISTED = N_("listed")
META_SHEET = "chansync"
SUMMARY_SHEET = N_("summary")
#: What counts as "yes" in the apply column (Dutch sellers write ja).
YES = frozenset({"yes", "y", "ja", "j", "true", "1", "x"})
#: Skip reason of a change the reviewer did not approve.
NOT_APPROVED = "not-approved"
HIGHLIGHT = "FFF2CC"


def _in_every_language(heading: str) -> frozenset[str]:
    """``heading`` as each language chansync speaks writes it, case-folded: what the reader accepts."""
    return frozenset(translations(language).gettext(heading).strip().casefold() for language in LANGUAGES)


def fingerprint(plan: Plan) -> str:
    """A short hash of what the plan would do on its channel (items and changes, as in the JSON plan)."""
    items = plan_dict(plan)["items"]
    return hashlib.sha256(json.dumps(items, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


def plans_xlsx(plans: list[Plan]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _(SUMMARY_SHEET)
    outcomes = (CREATE, UPDATE, DELIST, SKIPPED, UNMANAGED)  # codes, as in the JSON plan
    summary.append([_("channel"), _("adapter"), *(word(o) for o in outcomes), _("changes by field")])
    for plan in plans:
        counts = plan.counts()
        fields = ", ".join(f"{k} {v}" for k, v in plan.field_counts().items())
        summary.append([plan.channel, plan.adapter, *(counts[o] for o in outcomes), fields])
    summary.append([])
    summary.append(
        [
            _(
                "Review each channel's sheet: set {apply} to {no} for a row you do not want, save, then run "
                "chansync push --plan with this file. Rows marked {yes} are applied; nothing else changes."
            ).format(apply=_(APPLY), no=_("no"), yes=_("yes"))
        ]
    )
    bold, fill = Font(bold=True), PatternFill("solid", fgColor=HIGHLIGHT)
    _style_header(summary, bold)
    used = {summary.title, META_SHEET}
    names: dict[str, str] = {}
    for plan in plans:
        sheet = book.create_sheet(_sheet_name(plan.channel, used))
        names[plan.channel] = sheet.title
        _channel_sheet(sheet, plan, fill)
        _style_header(sheet, bold)
    meta = book.create_sheet(META_SHEET)
    meta.append(["channel", "sheet", "fingerprint"])
    for plan in plans:
        meta.append([plan.channel, names[plan.channel], fingerprint(plan)])
    meta.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_name(channel: str, used: set[str]) -> str:
    base = "".join("_" if c in "[]:*?/\\" else c for c in channel)[:28] or "channel"
    name, n = base, 2
    while name.casefold() in {u.casefold() for u in used}:
        name, n = f"{base[:25]}~{n}", n + 1
    used.add(name)
    return name


def _channel_sheet(sheet: Any, plan: Plan, fill: Any) -> None:
    items = plan.items_except(UNCHANGED, UNMANAGED, SKIPPED)
    fields = [f for f in plan.fields if f in set(plan.changes["field"])]
    if len(plan.changes) and "listed" in set(plan.changes["field"]):
        fields.append("listed")
    names = [_field_name(f) for f in fields]
    pairs = ((_("{field} now").format(field=f), _("{field} new").format(field=f)) for f in names)
    header = [_(APPLY), _("outcome"), _(KEY_HEADER), _("sku"), *(h for pair in pairs for h in pair), _("origin")]
    sheet.append(header)
    frame = plan.changes
    changes = {
        (k, f): (o, n, g)
        for k, f, o, n, g in zip(frame["key"], frame["field"], frame["old"], frame["new"], frame["origin"], strict=True)
    }
    yes = _("yes")
    for item in items.itertuples(index=False):
        row: list[Any] = [yes, word(item.outcome), item.key, item.sku]
        changed: list[int] = []
        origins: set[str] = set()
        for field in fields:
            old = new = ""
            if (item.key, field) in changes:
                old, new, origin = (str(v) for v in changes[(item.key, field)])
                origins.add(origin)
                changed.append(len(row) + 2)  # the 1-based column of "new"
            elif item.outcome == CREATE and field in plan.desired.columns:
                new = _shown(plan.desired, str(item.key), field)
            row += [old, new]
        row.append(", ".join(sorted(o for o in origins if o)))
        sheet.append(row)
        for column in changed:
            sheet.cell(row=sheet.max_row, column=column).fill = fill
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _field_name(name: str) -> str:
    """A field's name in a heading, in the current language ("sale price", Dutch "actieprijs"); a column the master
    does not define (a channel's own) as it is."""
    from .fields import Field
    from .wording import label

    if name == "listed":
        return _(LISTED)
    return label(Field(name)) if name in {f.value for f in Field} else name


def _shown(desired: pd.DataFrame, key: str, field: str) -> str:
    """A created listing's value as a plan shows it (money as 12.50)."""
    from .diff import display
    from .fields import Field

    if key not in desired.index or field not in {f.value for f in Field}:
        return ""
    shown = display(Field(field), desired.loc[[key], field].reset_index(drop=True)).iloc[0]
    return "" if shown is None or (not isinstance(shown, str) and bool(pd.isna(shown))) else str(shown)


def _style_header(sheet: Any, bold: Any) -> None:
    for cell in sheet[1]:
        cell.font = bold
    for column in sheet.columns:
        width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)


def read_approvals(path: Path) -> dict[str, tuple[str, set[str]]]:
    """{channel: (fingerprint, keys marked yes)} from a reviewed plan workbook."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a corrupt workbook in many shapes: said, not a traceback
        raise ChansyncError(
            _("{path}: not a plan workbook written by `chansync diff --format xlsx` ({reason})").format(
                path=path, reason=exc
            )
        ) from None
    if META_SHEET not in book.sheetnames:
        raise ChansyncError(
            _("{path}: not a plan workbook written by `chansync diff --format xlsx` (no {sheet!r})").format(
                path=path, sheet=META_SHEET
            )
        )
    out: dict[str, tuple[str, set[str]]] = {}
    apply_headings, key_headings = _in_every_language(APPLY), _in_every_language(KEY_HEADER)
    for row in list(book[META_SHEET].iter_rows(values_only=True))[1:]:
        channel, sheet_name, mark = (str(v) if v is not None else "" for v in (*row, None, None, None)[:3])
        if not channel or sheet_name not in book.sheetnames:
            continue
        rows = list(book[sheet_name].iter_rows(values_only=True))
        if not rows:
            continue
        header = [str(h).strip().casefold() if h is not None else "" for h in rows[0]]
        at_apply = next((i for i, h in enumerate(header) if h in apply_headings), None)
        at_key = next((i for i, h in enumerate(header) if h in key_headings), None)
        if at_apply is None or at_key is None:
            raise ChansyncError(
                _("{path}: the sheet {sheet_name!r} has no {apply!r} or {key!r} column any more").format(
                    path=path, sheet_name=sheet_name, apply=_(APPLY), key=_(KEY_HEADER)
                )
            )
        yes = {str(r[at_key]) for r in rows[1:] if r and str(r[at_apply] or "").strip().casefold() in YES}
        out[channel] = (mark, yes)
    book.close()
    return out


def approved(plans: list[Plan], path: Path) -> list[Plan]:
    """The plans restricted to what the reviewer approved; refused when a plan no longer matches the workbook."""
    approvals = read_approvals(path)
    differ = [p.channel for p in plans if p.channel not in approvals or approvals[p.channel][0] != fingerprint(p)]
    if differ:
        raise RefusedError(
            _("the plan for {channels} is no longer the one in {path}: the master or the channel changed").format(
                channels=", ".join(differ), path=path
            ),
            hint=_("run `chansync diff --format xlsx --output FILE` again and review it"),
        )
    return [restrict(p, approvals[p.channel][1]) for p in plans]


def restrict(plan: Plan, keys: set[str]) -> Plan:
    """The plan with every change outside ``keys`` left alone (skipped: not approved)."""
    items = plan.items
    moving = items["outcome"].isin([CREATE, UPDATE, DELIST]) & ~items["key"].astype("str").isin(keys)
    if not moving.any():
        return plan
    items = items.copy()
    items.loc[moving, "outcome"] = SKIPPED
    items.loc[moving, "reason"] = NOT_APPROVED
    dropped = set(items.loc[moving, "key"].astype("str"))
    plan.items = items
    plan.changes = plan.changes[~plan.changes["key"].astype("str").isin(dropped)].reset_index(drop=True)
    plan.listed_mask = plan.kept_mask = None  # feeds select rows by outcome again
    return plan
