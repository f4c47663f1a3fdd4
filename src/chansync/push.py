"""``push``: plan every channel, refuse what the safety guard refuses, write each feed atomically, deliver it or
apply the changes through the channel's API, and journal what was applied. Returns results; never prints.

Two steps so the CLI can show the plan and ask before anything changes: :func:`prepare` (lock-free, read only)
and :func:`apply` (under the config's lock).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .adapters.base import Adapter
from .adapters.registry import Registry
from .config import HttpUpload, LoadedConfig, SftpUpload
from .connect import default_client, expanded, secrets_of
from .diff import CREATE, DELIST, OUTCOMES, UPDATE, Plan
from .errors import ChansyncError, ExitCode, RefusedError, TransportError
from .guard import GuardVerdict, check_guard
from .issues import Report
from .journal import Journal, StateDir, new_run_id, read_journal
from .sync import ChannelPlan, plan_channel
from .transports.http import HttpClient, redact
from .transports.local import atomic_open
from .validation import validate

DONE, DRY_RUN, REFUSED, FAILED, UNCHANGED = "done", "dry-run", "refused", "failed", "unchanged"


@dataclass
class ChannelPush:
    name: str
    adapter: str
    counts: dict[str, int]
    guard: GuardVerdict
    status: str = ""
    feeds: list[str] = field(default_factory=list)  # as shown to the user
    feed_files: list[Path] = field(default_factory=list)  # the same files, for delivery
    delivered: str | None = None  # what the upload did ("PUT https://…", "applied 12 changes")
    applied: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # key -> reason
    message: str = ""


@dataclass
class PushPlan:
    config: LoadedConfig
    report: Report
    channels: list[ChannelPlan]
    verdicts: dict[str, GuardVerdict]
    force: bool
    #: Channels whose current state could not be read through their API: {name: why}. They fail; the rest go on.
    unreachable: dict[str, str] = field(default_factory=dict)

    def refused(self) -> list[str]:
        return [c.name for c in self.channels if not self.verdicts[c.name].ok and not self.force]


@dataclass
class PushResult:
    run_id: str
    report: Report
    channels: list[ChannelPush]

    @property
    def exit_code(self) -> ExitCode:
        statuses = {c.status for c in self.channels}
        if REFUSED in statuses:
            return ExitCode.ERRORS
        if FAILED in statuses:
            return ExitCode.UPLOAD_FAILED
        return ExitCode.OK


def state_dir(config: LoadedConfig) -> StateDir:
    return StateDir(config.path_of(config.model.state_dir, "state_dir", must_exist=False))


def push(
    config: LoadedConfig,
    *,
    channels: list[str] | None = None,
    dry_run: bool = False,
    no_upload: bool = False,
    force: bool = False,
    strict: bool = False,
    registry: Registry | None = None,
) -> PushResult:
    """The whole push for a Python caller: lock (unless a dry run), plan, guard, write, deliver."""
    with contextlib.nullcontext() if dry_run else state_dir(config).lock():
        prepared = prepare(config, channels=channels, strict=strict, force=force, registry=registry)
        return apply(prepared, dry_run=dry_run, no_upload=no_upload, locked=True)


def prepare(
    config: LoadedConfig,
    *,
    channels: list[str] | None = None,
    strict: bool = False,
    force: bool = False,
    registry: Registry | None = None,
    saved_plan: Path | None = None,
) -> PushPlan:
    """Validate and plan every (or the named) channel, with the guard's verdict for each. Nothing is written."""
    records = read_journal(state_dir(config).journal_path)
    validation = validate(config, channels=channels, strict=strict, registry=registry, only_channel_fields=True)
    report = validation.report
    if validation.catalog is None:
        raise RefusedError(report.fatal or "the master sheet could not be read; nothing was written")
    if strict and report.errors:
        raise RefusedError(f"the master has {report.errors} errors and --strict is on; nothing was written")
    planned, unreachable = [], {}
    for check in validation.channels.values():
        try:
            planned.append(plan_channel(config, check, records))
        except TransportError as error:  # its current state could not be fetched (export: api): only it fails
            unreachable[check.adapter.channel] = error.message
    verdicts = {c.name: check_guard(c.plan, config.channel(c.name).guard) for c in planned}
    if saved_plan is not None:
        _same_as_saved(saved_plan, [c.plan for c in planned])
    return PushPlan(config, report, planned, verdicts, force, unreachable)


def _same_as_saved(path: Path, plans: list[Plan]) -> None:
    """Refuse when the plan now differs from the one saved by ``chansync diff --plan`` (the user reviewed that)."""
    from .render.plan import plan_dict

    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        by_channel = {c["channel"]: c for c in saved["channels"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ChansyncError(f"{path}: not a plan saved by `chansync diff --plan` ({exc})") from None
    differ = []
    for now in plans:
        before = by_channel.get(now.channel)
        current = plan_dict(now)
        if before is None or before.get("items") != current["items"]:
            differ.append(now.channel)
    if differ:
        raise RefusedError(
            f"the plan for {', '.join(differ)} is no longer the one saved in {path}: the master or the channel changed",
            hint="run `chansync diff --plan FILE` again and review it",
        )


def apply(
    prepared: PushPlan,
    *,
    dry_run: bool = False,
    no_upload: bool = False,
    client_factory: Callable[[Any, tuple[str, ...]], HttpClient] | None = None,
    run_id: str | None = None,
    locked: bool = False,
) -> PushResult:
    """Write and deliver every channel that is not refused, under the config's lock (a dry run takes no lock;
    ``locked``: the caller holds it already, as :func:`push` and the CLI do from before planning)."""
    config = prepared.config
    run = run_id or new_run_id()
    failed = [_unreachable(name, reason, prepared) for name, reason in prepared.unreachable.items()]
    if dry_run:
        summaries = [_summary(c, prepared, DRY_RUN) for c in prepared.channels]
        return PushResult(run, prepared.report, summaries + failed)
    factory = client_factory or default_client
    with contextlib.nullcontext() if locked else state_dir(config).lock():
        journal = state_dir(config).journal(run)
        journal.record("start", channels=[c.name for c in prepared.channels])
        pushed = [_push_channel(c, prepared, journal, no_upload, factory) for c in prepared.channels]
        for channel in failed:
            journal.record(FAILED, channel.name, message=channel.message)
        pushed += failed
        journal.record("end", exit_code=int(PushResult(run, prepared.report, pushed).exit_code))
    return PushResult(run, prepared.report, pushed)


def _unreachable(name: str, reason: str, prepared: PushPlan) -> ChannelPush:
    adapter = prepared.config.channel(name).adapter
    counts = dict.fromkeys(OUTCOMES, 0)
    return ChannelPush(
        name, adapter, counts, GuardVerdict(0, 0, 0), FAILED, message=f"reading the channel failed: {reason}"
    )


def _summary(channel: ChannelPlan, prepared: PushPlan, status: str) -> ChannelPush:
    return ChannelPush(
        channel.name, channel.adapter.name, channel.plan.counts(), prepared.verdicts[channel.name], status
    )


def _push_channel(
    channel: ChannelPlan,
    prepared: PushPlan,
    journal: Journal,
    no_upload: bool,
    factory: Callable[[Any, tuple[str, ...]], HttpClient],
) -> ChannelPush:
    config = prepared.config
    settings = config.channel(channel.name)
    verdict = prepared.verdicts[channel.name]
    result = _summary(channel, prepared, "")
    journal.record("planned", channel.name, counts=result.counts)
    if not verdict.ok and not prepared.force:
        result.status, result.message = REFUSED, "; ".join(verdict.reasons)
        journal.record(REFUSED, channel.name, reasons=verdict.reasons, counts=result.counts)
        return result
    try:
        if settings.feed:
            result.feed_files = write_feeds(config, channel)
            result.feeds = [config.display_path(path) for path in result.feed_files]
            journal.record("written", channel.name, feeds=result.feeds, counts=result.counts)
        upload = settings.upload
        if upload is not None and not no_upload and channel.plan.has_changes:
            secrets = secrets_of(config, upload)
            section = expanded(config, channel.name, upload)
            client = factory(section, secrets)
            result.delivered = deliver(config, channel, upload, section, client, journal, result)
    except TransportError as error:
        result.status = FAILED
        result.message = error.message
        keys = error.skus or tuple(str(k) for k in channel.plan.keys(CREATE, UPDATE, DELIST))
        for key in keys:
            result.failed.setdefault(str(key), error.message)
        journal.record(FAILED, channel.name, message=error.message, failed=sorted(result.failed))
        return result
    result.status = FAILED if result.failed else (DONE if channel.plan.has_changes else UNCHANGED)
    event = FAILED if result.failed else "done"
    journal.record(event, channel.name, counts=result.counts, applied=result.applied, failed=sorted(result.failed))
    return result


def write_feeds(config: LoadedConfig, channel: ChannelPlan) -> list[Path]:
    """Every file of the channel's feed, each written to a temporary file and renamed into place."""
    settings = config.channel(channel.name)
    assert settings.feed is not None
    base = config.path_of(settings.feed, f"channels.{channel.name}.feed", must_exist=False)
    written = []
    for feed in channel.adapter.feed_files(channel.desired, channel.plan):
        path = base.with_name(f"{base.stem}{feed.suffix}{feed.extension or base.suffix}")
        with atomic_open(path) as handle:
            for chunk in feed.chunks:
                handle.write(chunk)
        written.append(path)
    return written


# --- delivery ---------------------------------------------------------------------------------------------------


def deliver(
    config: LoadedConfig,
    channel: ChannelPlan,
    upload: Any,
    section: Any,
    client: HttpClient,
    journal: Journal,
    result: ChannelPush,
) -> str:
    """Send the written feed files (``http``, ``sftp``) or apply the plan through the adapter (API types)."""
    if isinstance(upload, HttpUpload | SftpUpload):
        if not result.feed_files:
            raise ChansyncError(f"channel {channel.name!r}: an {upload.type} upload sends the feed file; set `feed`")
        if isinstance(upload, HttpUpload):
            return _send_files(channel.name, result.feed_files, upload, client)
        from .transports.sftp import send_files

        return send_files(result.feed_files, section, client.secrets)
    adapter: Adapter = channel.adapter
    apply_api = getattr(adapter, "apply", None)
    if apply_api is None:
        raise ChansyncError(f"the {adapter.name} adapter cannot apply changes through an API ({upload.type})")

    def applied(items: list[dict[str, Any]]) -> None:
        journal.record("applied", channel.name, items=items)
        result.applied += len(items)

    failed: dict[str, str] = apply_api(channel.plan, channel.desired, client, applied, upload=section)
    result.failed.update({k: redact(v, client.secrets) for k, v in failed.items()})
    return f"applied {result.applied} changes through {upload.type}"


def _send_files(name: str, paths: list[Path], upload: HttpUpload, client: HttpClient) -> str:
    if len(paths) > 1 and "{file}" not in upload.url:
        raise ChansyncError(
            f"channel {name!r}: the feed has {len(paths)} files; put {{file}} in upload.url for their names"
        )
    sent = []
    for path in paths:
        url = client.url(upload.url.replace("{file}", path.name))
        with open(path, "rb") as handle:
            client.request(upload.method, url, data=handle.read(), headers={"Content-Type": _content_type(path)})
        sent.append(redact(url, client.secrets))
    return f"{upload.method} {', '.join(sent)}"


def _content_type(path: Path) -> str:
    return {
        ".xml": "application/xml",
        ".json": "application/json",
        ".txt": "text/tab-separated-values",
        ".tsv": "text/tab-separated-values",
    }.get(path.suffix.lower(), "text/csv")
