"""Push results as terminal text and as the ``chansync.push/1`` JSON document."""

from __future__ import annotations

import json
import time
from typing import Any

from rich.console import Console
from rich.table import Table

from .. import __version__
from ..i18n import _, number
from ..push import DONE, DRY_RUN, FAILED, REFUSED, UNCHANGED, PushPlan, PushResult
from . import safe, word

PUSH_SCHEMA = "chansync.push/1"
STYLE = {DONE: "green", UNCHANGED: "dim", DRY_RUN: "cyan", REFUSED: "bold red", FAILED: "bold red"}


def render_guard(prepared: PushPlan, console: Console) -> None:
    for channel in prepared.channels:
        verdict = prepared.verdicts[channel.name]
        if verdict.ok:
            continue
        verdict_word = _("overridden by --force") if prepared.force else _("refused")
        for reason in verdict.reasons:
            console.print(
                f"[bold red]{_('safety guard')}[/] {safe(channel.name)}: {safe(reason)} ([bold]{verdict_word}[/])"
            )


def render_push(result: PushResult, console: Console, *, last_runs: list[dict[str, Any]] | None = None) -> None:
    table = Table(box=None, header_style="dim", pad_edge=False, padding=(0, 1))
    for column in (_("channel"), _("status"), _("create"), _("update"), _("delist"), _("feeds"), _("delivered")):
        table.add_column(column, overflow="fold")
    for channel in result.channels:
        counts = channel.counts
        table.add_row(
            safe(channel.name),
            f"[{STYLE.get(channel.status, '')}]{word(channel.status)}[/]",
            number(counts["create"]),
            number(counts["update"]),
            number(counts["delist"]),
            safe(", ".join(channel.feeds)) or "-",
            safe(channel.delivered or "-"),
        )
    console.print(table)
    for channel in result.channels:
        if channel.message:
            console.print(f"[red]{safe(channel.name)}:[/] {safe(channel.message)}")
        if channel.failed:
            keys = sorted(channel.failed)
            shown = ", ".join(keys[:20]) + (
                _(" and {count} more").format(count=number(len(keys) - 20)) if len(keys) > 20 else ""
            )
            not_applied = _("{channel}: not applied for {count}:").format(
                channel=safe(channel.name), count=number(len(keys))
            )
            console.print(f"[red]{not_applied}[/] {safe(shown)}")
    if result.write_back:
        console.print(f"[dim]{_('master write-back:')}[/] {safe(result.write_back)}")
    if last_runs:
        console.print(f"\n[dim]{_('earlier runs (chansync log shows more):')}[/]")
        for run in last_runs:
            console.print(f"[dim]  {safe(run_line(run))}[/]")


def run_line(run: dict[str, Any]) -> str:
    """One run in a line a seller reads in the morning: when, what, and each channel's outcome."""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(run["started"]))
    what = run["command"] + (" --dry-run" if run["dry_run"] else "")
    channels = ", ".join(f"{c['channel']} {word(c['status'])}" for c in run["channels"]) or run.get("reason", "")[:120]
    return f"{when}  {run['run']}  {what}: {word(run['status'])} (exit {run['exit_code']})  {channels}"


def push_document(result: PushResult, *, last_runs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "schema": PUSH_SCHEMA,
        "chansync": __version__,
        "run": result.run_id,
        "exit_code": int(result.exit_code),
        "validation": {"errors": result.report.errors, "warnings": result.report.warnings},
        "channels": [
            {
                "channel": c.name,
                "adapter": c.adapter,
                "status": c.status,
                "counts": c.counts,
                "guard": {
                    "live": c.guard.live,
                    "off_sale": c.guard.off_sale,
                    "repriced": c.guard.repriced,
                    "reasons": c.guard.reasons,
                },
                "feeds": c.feeds,
                "delivered": c.delivered,
                "applied": c.applied,
                "failed": [{"key": k, "reason": v} for k, v in sorted(c.failed.items())],
                "message": c.message,
            }
            for c in result.channels
        ],
        "last_runs": last_runs or [],
    }


def push_json(result: PushResult, *, last_runs: list[dict[str, Any]] | None = None) -> str:
    return json.dumps(push_document(result, last_runs=last_runs), ensure_ascii=False) + "\n"
