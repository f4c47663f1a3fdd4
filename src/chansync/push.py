"""``push``: plan every channel, refuse what the safety guard refuses, write each feed atomically, deliver it or
apply the changes through the channel's API, and journal what was applied. Returns results; never prints.

Two steps so the CLI can show the plan and ask before anything changes: :func:`prepare` (lock-free, read only)
and :func:`apply` (under the config's lock).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import progress
from .adapters.base import Adapter
from .adapters.registry import Registry
from .catalog import Catalog
from .config import HttpUpload, LoadedConfig, SftpUpload
from .errors import ChansyncError, ExitCode, RefusedError, TransportError
from .guard import GuardVerdict, check_guard
from .i18n import N_, _, ngettext, number
from .issues import Report
from .journal import Journal, new_run_id
from .model import CREATE, DELIST, OUTCOMES, UPDATE, Plan
from .state.ledger import Observed
from .state.snapshot import base_after, for_parquet
from .state.store import SyncState
from .sync import ChannelPlan, plan
from .transports.local import atomic_open
from .wording import indefinite

if TYPE_CHECKING:
    from .transports.http import HttpClient

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
    fields: dict[str, int] = field(default_factory=dict)  # changes per field
    logged: bool = False  # its outcome is in the run log already


@dataclass
class PushPlan:
    config: LoadedConfig
    report: Report
    channels: list[ChannelPlan]
    verdicts: dict[str, GuardVerdict]
    force: bool
    #: Channels whose current state could not be read (a missing export, an API): {name: why}. They fail alone.
    unreachable: dict[str, str] = field(default_factory=dict)
    #: The sync state (None: planned two-way, nothing recorded), the ledger after this run's sales, and the sales.
    state: SyncState | None = None
    ledger: pd.DataFrame | None = None
    observed: list[Observed] = field(default_factory=list)
    command: str = "push"
    #: Sentences for the person running it (undo: channels with nothing to go back to).
    notes: list[str] = field(default_factory=list)
    #: The master as read for this plan (write-back sets its stock cells without reading it again).
    catalog: Catalog | None = None

    def refused(self) -> list[str]:
        return [c.name for c in self.channels if not self.verdicts[c.name].ok and not self.force]


@dataclass
class PushResult:
    run_id: str
    report: Report
    channels: list[ChannelPush]
    dry_run: bool = False
    write_back: str = ""  # what write-back did, or why it did not

    @property
    def exit_code(self) -> ExitCode:
        statuses = {c.status for c in self.channels}
        if REFUSED in statuses:
            return ExitCode.ERRORS
        if FAILED in statuses:
            return ExitCode.UPLOAD_FAILED
        return ExitCode.OK


def state_path(config: LoadedConfig) -> Path:
    return config.path_of(config.model.state_dir, "state_dir", must_exist=False)


def open_state(config: LoadedConfig) -> SyncState:
    """The config's sync state, created on first use."""
    return SyncState.open(state_path(config))


def peek_state(config: LoadedConfig) -> SyncState | None:
    """The sync state when there is one (commands that only read never create it)."""
    return SyncState.peek(state_path(config))


def journal_for(config: LoadedConfig, run: str) -> Journal:
    """The append-only audit trail beside the state database (never read back to plan)."""
    return Journal(state_path(config) / "journal.jsonl", run)


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
    """The whole push for a Python caller: lock (unless a dry run), plan, guard, write, deliver, record."""
    state = open_state(config)
    try:
        with contextlib.nullcontext() if dry_run else state.lock():
            run = new_run_id()
            try:
                prepared = prepare(config, channels=channels, strict=strict, force=force, registry=registry,
                                   state=state)  # fmt: skip
            except ChansyncError as error:
                record_refusal(state, run, "push", error, dry_run=dry_run)
                raise
            return apply(prepared, dry_run=dry_run, no_upload=no_upload, locked=True, run_id=run)
    finally:
        state.close()


def record_refusal(state: SyncState | None, run: str, command: str, error: ChansyncError, *, dry_run: bool) -> None:
    """A run that stopped before any channel was planned is in the run log too, with its reason."""
    if state is None:
        return
    status = "refused" if error.exit_code == ExitCode.ERRORS else "failed"
    with contextlib.suppress(ChansyncError, OSError):
        state.begin_run(run, command, dry_run=dry_run)
        state.end_run(run, status=status, exit_code=int(error.exit_code), reason=error.message)


def prepare(
    config: LoadedConfig,
    *,
    channels: list[str] | None = None,
    strict: bool = False,
    force: bool = False,
    registry: Registry | None = None,
    saved_plan: Path | None = None,
    state: SyncState | None = None,
    command: str = "push",
) -> PushPlan:
    """Read every (or the named) channel, book the sales they show, validate and plan, with the guard's verdict
    for each channel. Nothing is written (the sales are recorded by :func:`apply`)."""
    result = plan(config, channels=channels, strict=strict, registry=registry, state=state)
    report = result.report
    if result.validation.catalog is None:
        raise RefusedError(report.fatal or _("the master sheet could not be read; nothing was written"))
    if strict and report.errors:
        raise RefusedError(
            ngettext(
                "the master has {count} error and --strict is on; nothing was written",
                "the master has {count} errors and --strict is on; nothing was written",
                report.errors,
            ).format(count=number(report.errors))
        )
    planned = result.channels
    if saved_plan is not None and saved_plan.suffix.lower() in (".xlsx", ".xlsm"):
        from .planxlsx import approved  # a reviewed workbook: only the rows still marked yes

        for channel, restricted in zip(planned, approved([c.plan for c in planned], saved_plan), strict=True):
            channel.plan = restricted
    elif saved_plan is not None:
        _same_as_saved(saved_plan, [c.plan for c in planned])
    verdicts = {c.name: check_guard(c.plan, config.channel(c.name).guard) for c in planned}
    prepared = PushPlan(config, report, planned, verdicts, force, result.failed, state, result.ledger,
                        result.observed, command)  # fmt: skip
    prepared.catalog = result.validation.catalog
    return prepared


def _same_as_saved(path: Path, plans: list[Plan]) -> None:
    """Refuse when the plan now differs from the one saved by ``chansync diff --plan`` (the user reviewed that)."""
    from .planfile import read_plan_file
    from .planjson import plan_dict

    saved = read_plan_file(path)
    by_channel = {c["channel"]: c for c in saved["channels"]}
    differ = []
    for now in plans:
        before = by_channel.get(now.channel)
        current = plan_dict(now)
        if before is None or before.get("items") != current["items"]:
            differ.append(now.channel)
    if differ:
        raise RefusedError(
            _("the plan for {channels} is no longer the one saved in {path}: the master or the channel changed").format(
                channels=", ".join(differ), path=path
            ),
            hint=_("run `chansync diff --plan FILE` again and review it"),
        )


def apply(
    prepared: PushPlan,
    *,
    dry_run: bool = False,
    no_upload: bool = False,
    client_factory: Callable[[Any, tuple[str, ...]], HttpClient] | None = None,
    run_id: str | None = None,
    locked: bool = False,
    on_channel: Callable[[str], None] | None = None,
) -> PushResult:
    """Write and deliver every channel that is not refused, under the config's lock (a dry run takes no lock;
    ``locked``: the caller holds it already, as :func:`push` and the CLI do from before planning)."""
    config = prepared.config
    run = run_id or new_run_id()
    state = prepared.state
    failed = [_unreachable(name, reason, prepared) for name, reason in prepared.unreachable.items()]
    if state is not None:
        state.begin_run(run, prepared.command, dry_run=dry_run)
    if dry_run:  # a dry run predicts the real one: what the guard would refuse is refused here too
        summaries = [_summary(c, prepared, _dry_status(c, prepared)) for c in prepared.channels]
        for channel in summaries:
            if channel.status == REFUSED:
                channel.message = "; ".join(channel.guard.reasons) + _(_FORCE_HINT)
        result = PushResult(run, prepared.report, summaries + failed, dry_run=True)
        _log(state, run, result)
        return result
    if client_factory is None:  # imported here: plans and dry runs need no HTTP stack (requests)
        from .connect import default_client

        client_factory = default_client
    factory = client_factory
    with contextlib.nullcontext() if locked or state is None else state.lock():
        journal = journal_for(config, run)
        journal.record("start", channels=[c.name for c in prepared.channels])
        if state is not None:
            _record_sales(state, run, prepared)
        pushed = []
        for planned in prepared.channels:
            if on_channel is not None:  # progress: which channel is being written and sent
                on_channel(planned.name)
            pushed.append(_push_channel(planned, prepared, journal, no_upload, factory, run))
        for channel in failed:
            journal.record(FAILED, channel.name, message=channel.message)
        pushed += failed
        result = PushResult(run, prepared.report, pushed)
        if state is not None and config.master.write_back:
            from .writeback import write_back

            result.write_back = write_back(config, state, prepared.ledger, prepared.catalog)
        journal.record("end", exit_code=int(result.exit_code))
        _log(state, run, result)
    return result


_FORCE_HINT = N_("; run with --force to push anyway, or raise the limit in the channel's guard settings")


def _dry_status(channel: ChannelPlan, prepared: PushPlan) -> str:
    return REFUSED if not prepared.verdicts[channel.name].ok and not prepared.force else DRY_RUN


def _record_sales(state: SyncState, run: str, prepared: PushPlan) -> None:
    """The sales seen on every channel and the ledger they make, in one transaction, before anything is sent:
    from then on the same sale is never seen again, whatever happens to this run."""
    sales = [o.sales for o in prepared.observed if len(o.sales)]
    seen = [o.seen for o in prepared.observed if len(o.seen)]
    if prepared.ledger is None:
        return
    state.record_sales(run, prepared.ledger, sales, seen)


def _log(state: SyncState | None, run: str, result: PushResult) -> None:
    """The run and each channel's outcome in the run log."""
    if state is None:
        return
    for channel in result.channels:
        if channel.logged:
            continue
        state.record_channel(run, channel.name, status=channel.status, reason=channel.message,
                             counts=channel.counts, fields=channel.fields, applied=channel.applied,
                             failed=sorted(channel.failed))  # fmt: skip
    statuses = {c.status for c in result.channels}
    exit_code = int(result.exit_code)
    status = DRY_RUN if result.dry_run and exit_code == 0 else _overall(statuses, exit_code)
    reasons = "; ".join(f"{c.name}: {c.message}" for c in result.channels if c.message)
    state.end_run(run, status=status, exit_code=exit_code, reason=reasons)


def _overall(statuses: set[str], exit_code: int) -> str:
    if REFUSED in statuses:
        return REFUSED
    if FAILED in statuses or exit_code:
        return FAILED
    return DONE


def _unreachable(name: str, reason: str, prepared: PushPlan) -> ChannelPush:
    adapter = prepared.config.channel(name).adapter
    counts = dict.fromkeys(OUTCOMES, 0)
    message = _("reading the channel failed: {reason}").format(reason=reason)
    return ChannelPush(name, adapter, counts, GuardVerdict(0, 0, 0), FAILED, message=message)


def _summary(channel: ChannelPlan, prepared: PushPlan, status: str) -> ChannelPush:
    return ChannelPush(
        channel.name,
        channel.adapter.name,
        channel.plan.counts(),
        prepared.verdicts[channel.name],
        status,
        fields=channel.plan.field_counts(),
    )


def _push_channel(
    channel: ChannelPlan,
    prepared: PushPlan,
    journal: Journal,
    no_upload: bool,
    factory: Callable[[Any, tuple[str, ...]], HttpClient],
    run: str,
) -> ChannelPush:
    config = prepared.config
    settings = config.channel(channel.name)
    verdict = prepared.verdicts[channel.name]
    result = _summary(channel, prepared, "")
    journal.record("planned", channel.name, counts=result.counts)
    if not verdict.ok and not prepared.force:
        result.status, result.message = REFUSED, "; ".join(verdict.reasons) + _(_FORCE_HINT)
        journal.record(REFUSED, channel.name, reasons=verdict.reasons, counts=result.counts)
        return result
    applies = settings.upload is not None and not no_upload and channel.plan.has_changes
    try:
        if settings.feed:
            result.feed_files = write_feeds(config, channel)
            result.feeds = [config.display_path(path) for path in result.feed_files]
            journal.record("written", channel.name, feeds=result.feeds, counts=result.counts)
        upload = settings.upload
        if upload is not None and not no_upload and channel.plan.has_changes:
            from .connect import expanded, secrets_of

            secrets = secrets_of(config, upload)
            section = expanded(config, channel.name, upload)
            client = factory(section, secrets)
            result.delivered = deliver(config, channel, upload, section, client, journal, result, prepared.state, run)
    except TransportError as error:
        result.status = FAILED
        result.message = error.message
        keys = error.skus or tuple(str(k) for k in channel.plan.keys(CREATE, UPDATE, DELIST))
        for key in keys:
            result.failed.setdefault(str(key), error.message)
        journal.record(FAILED, channel.name, message=error.message, failed=sorted(result.failed))
        _commit_base(prepared, channel, result, run, applied_all=False)
        return result
    result.status = FAILED if result.failed else (DONE if channel.plan.has_changes else UNCHANGED)
    event = FAILED if result.failed else "done"
    journal.record(event, channel.name, counts=result.counts, applied=result.applied, failed=sorted(result.failed))
    if settings.upload is None or applies or not channel.plan.has_changes:
        _commit_base(prepared, channel, result, run, applied_all=True)
    elif prepared.state is not None:  # --no-upload on a channel that takes its changes through an upload
        _log_channel(prepared.state, run, result, before=channel.base.snapshot if channel.base else None, after=None)
    return result


def _commit_base(prepared: PushPlan, channel: ChannelPlan, result: ChannelPush, run: str, *, applied_all: bool) -> None:
    """The channel's new base (what it should now hold), committed with its outcome in the run log. Keys whose
    changes failed keep their previous base; when the whole channel failed, only what was confirmed counts."""
    state = prepared.state
    if state is None:
        return
    before = channel.base.snapshot if channel.base else None
    failed = set(result.failed)
    if not applied_all:  # nothing is known to have taken but what the API confirmed (already in the deltas)
        failed |= {str(k) for k in channel.plan.keys(CREATE, UPDATE, DELIST)}
    frame = base_after(channel.plan, list(channel.adapter.needed()), channel.base, failed)
    # What this run's API calls confirmed (bol's new offer ids, a batch before a failure), laid over the previous
    # base; read only when there is any (reading a million-listing base again costs time and memory).
    confirmed = state.base(channel.name) if state.has_deltas(channel.name, run) else None
    if confirmed is not None:
        if not applied_all:
            frame = _with_confirmed(frame, confirmed.frame)
        for column in confirmed.frame.columns.difference(frame.columns):  # channel ids an API gave (bol's offer id)
            frame[column] = confirmed.frame[column].reindex(frame.index)
    snapshot = state.write_snapshot(channel.name, run, for_parquet(frame))
    state.commit_base(channel.name, snapshot, run)
    _log_channel(state, run, result, before=before, after=snapshot)


def _with_confirmed(frame: pd.DataFrame, confirmed: pd.DataFrame) -> pd.DataFrame:
    """Values an API confirmed before the channel failed win over the frame's."""
    keys = confirmed.index.intersection(frame.index)
    for column in confirmed.columns.intersection(frame.columns):
        values = confirmed.loc[keys, column]
        if str(frame[column].dtype) == "Int64":
            values = pd.to_numeric(values, errors="coerce").astype("Int64")
        frame.loc[keys, column] = values.to_numpy()
    return frame


def _log_channel(state: SyncState, run: str, result: ChannelPush, *, before: str | None, after: str | None) -> None:
    state.record_channel(run, result.name, status=result.status, reason=result.message, counts=result.counts,
                         fields=result.fields, applied=result.applied, failed=sorted(result.failed),
                         snapshot_before=before, snapshot_after=after)  # fmt: skip
    result.logged = True


def write_feeds(config: LoadedConfig, channel: ChannelPlan) -> list[Path]:
    """Every file of the channel's feed, each written to a temporary file and renamed into place."""
    settings = config.channel(channel.name)
    assert settings.feed is not None
    base = config.path_of(settings.feed, f"channels.{channel.name}.feed", must_exist=False)
    written = []
    for feed in channel.adapter.feed_files(channel.desired, channel.plan):
        path = base.with_name(f"{base.stem}{feed.suffix}{feed.extension or base.suffix}")
        with (
            progress.task(_("writing {file}").format(file=path.name), unit=progress.BYTES) as step,
            atomic_open(path) as handle,
        ):
            for chunk in feed.chunks:
                handle.write(chunk)
                step.advance(len(chunk))
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
    state: SyncState | None = None,
    run: str = "",
) -> str:
    """Send the written feed files (``http``, ``sftp``) or apply the plan through the adapter (API types)."""
    if isinstance(upload, HttpUpload | SftpUpload):
        if not result.feed_files:
            kind = indefinite(upload.type)  # "an sftp", Dutch "een sftp"
            raise ChansyncError(
                _("channel {name!r}: {kind} upload sends the feed file; set `feed`").format(
                    name=channel.name, kind=kind
                )
            )
        if isinstance(upload, HttpUpload):
            return _send_files(channel.name, result.feed_files, upload, client)
        from .transports.sftp import send_files

        size = sum(p.stat().st_size for p in result.feed_files)
        description = _("{channel}: sending over sftp").format(channel=channel.name)
        with progress.task(description, total=size, unit=progress.BYTES) as step:
            sent = send_files(result.feed_files, section, client.secrets)
            step.advance(size)
        return sent
    adapter: Adapter = channel.adapter
    apply_api = getattr(adapter, "apply", None)
    if apply_api is None:
        raise ChansyncError(
            _("the {name} adapter cannot apply changes through an API ({type})").format(
                name=adapter.name, type=upload.type
            )
        )

    counts = channel.plan.counts()
    changes = sum(counts.get(o, 0) for o in (CREATE, UPDATE, DELIST))
    description = _("{channel}: applying through {upload}").format(channel=channel.name, upload=upload.type)
    with progress.task(description, total=changes, unit=_("changes")) as step:

        def applied(items: list[dict[str, Any]]) -> None:
            journal.record("applied", channel.name, items=items)
            if state is not None:  # confirmed values count at once: a push killed after this never sends them again
                state.add_deltas(channel.name, run, items)
            result.applied += len(items)
            step.advance(len(items))

        failed: dict[str, str] = apply_api(channel.plan, channel.desired, client, applied, upload=section)
    result.failed.update({k: _redact(v, client.secrets) for k, v in failed.items()})
    return ngettext(
        "applied {count} change through {upload}", "applied {count} changes through {upload}", result.applied
    ).format(count=number(result.applied), upload=upload.type)


def _redact(text: str, secrets: tuple[str, ...]) -> str:
    """Secrets out of a message (the HTTP stack is imported only by runs that send something)."""
    from .transports.http import redact

    return redact(text, secrets)


def _send_files(name: str, paths: list[Path], upload: HttpUpload, client: HttpClient) -> str:
    if len(paths) > 1 and "{file}" not in upload.url:
        raise ChansyncError(
            _("channel {name!r}: the feed has {count} files; put {{file}} in upload.url for their names").format(
                name=name, count=number(len(paths))
            )
        )
    sent = []
    for path in paths:
        url = client.url(upload.url.replace("{file}", path.name))
        with open(path, "rb") as handle:
            data = handle.read()
        description = _("{channel}: sending {file}").format(channel=name, file=path.name)
        with progress.task(description, total=len(data), unit=progress.BYTES) as step:
            client.request(upload.method, url, data=data, headers={"Content-Type": _content_type(path)})
            step.advance(len(data))
        sent.append(_redact(url, client.secrets))
    return f"{upload.method} {', '.join(sent)}"


def _content_type(path: Path) -> str:
    return {
        ".xml": "application/xml",
        ".json": "application/json",
        ".txt": "text/tab-separated-values",
        ".tsv": "text/tab-separated-values",
    }.get(path.suffix.lower(), "text/csv")
