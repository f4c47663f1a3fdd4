"""Validation reports as readable terminal text (rich)."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from ..i18n import N_plural, _, ngettext, number
from ..issues import ISSUE_CODES, Report, Severity
from . import safe, word

STYLE = {Severity.ERROR.value: "bold red", Severity.WARNING.value: "yellow"}
MARK = {Severity.ERROR.value: "✗", Severity.WARNING.value: "!"}


def render_report(report: Report, console: Console, *, title: str, limit: int = 10, quiet: bool = False) -> None:
    """Summary counts first, then issues grouped by rule, at most ``limit`` per group with an "N more" line."""
    errors, warnings = report.errors, report.warnings
    if not quiet:
        console.print(f"[bold]{safe(title)}[/]")
        facts = [
            ngettext(one, many, report.stats[k]).format(count=number(report.stats[k]))
            for k, one, many in _STAT_LABELS
            if report.stats.get(k) is not None
        ]
        if facts:
            console.print("  " + " · ".join(facts))
    if report.fatal:
        console.print(f"[bold red]✗ {_('cannot check this sheet:')}[/] {safe(report.fatal)}")
    if errors:
        summary = f"[bold red]✗ {ngettext('{count} error', '{count} errors', errors).format(count=number(errors))}[/]"
    else:
        summary = f"[bold green]✓ {_('no errors')}[/]"
    if warnings:
        shown = ngettext("{count} warning", "{count} warnings", warnings).format(count=number(warnings))
        summary += f"  [yellow]! {shown}[/]"
    console.print(summary)
    if quiet and not errors:
        return
    for code, group in report.by_code():
        if quiet and group["severity"].iloc[0] != Severity.ERROR.value:
            continue
        _render_group(console, code, group, limit)


def render_issue_groups(report: Report, console: Console, *, limit: int = 10) -> None:
    """The report's issues grouped by rule, as :func:`render_report` shows them, without its summary lines."""
    for code, group in report.by_code():
        _render_group(console, code, group, limit)


_STAT_LABELS = (
    ("rows", *N_plural("{count} product row", "{count} product rows")),
    ("skus", *N_plural("{count} SKU", "{count} SKUs")),
    ("stock_rows", *N_plural("{count} stock row", "{count} stock rows")),
)


def _render_group(console: Console, code: str, group: pd.DataFrame, limit: int) -> None:
    severity = group["severity"].iloc[0]
    summary = _(ISSUE_CODES[code].summary) if code in ISSUE_CODES else ""
    console.print()
    console.print(
        f"[{STYLE[severity]}]{MARK[severity]} {safe(code)}[/] [dim]({number(len(group))} × {word(severity)})[/] "
        + safe(summary)
    )
    table = Table(show_header=True, header_style="dim", box=None, pad_edge=False, padding=(0, 1))
    table.add_column(_("where"), no_wrap=True)
    table.add_column(_("sku"), no_wrap=True, max_width=24)
    table.add_column(_("problem"), overflow="fold")
    for row in group.head(limit).itertuples(index=False):
        table.add_row(safe(_where(row)), safe(_text(row.sku)), safe(_text(row.message)))
    console.print(table)
    if len(group) > limit:
        more = _("… {count} more {code} (see --format json for all)").format(
            count=number(len(group) - limit), code=code
        )
        console.print(f"  [dim]{more}[/]")


def _where(row: object) -> str:
    parts = []
    sheet = _text(getattr(row, "sheet", None))
    file = _text(getattr(row, "file", None))
    parts.append(f"{file}:{sheet}" if sheet else file)
    number = getattr(row, "row", None)
    if number is not None and not pd.isna(number):
        parts.append(_("row {number}").format(number=int(number)))
    column = _text(getattr(row, "column", None))
    if column:
        parts.append(column)
    return " ".join(p for p in parts if p)


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA else str(value)
