"""Plan every channel against the master and the sync state. Returns results; never prints.

The order matters: the channels are read first (each one's failure is its own), the sales they show since their
base go into the stock ledger, and only then is each channel's desired state built, so every channel gets what is
available after the sales seen anywhere. Then each channel is compared three ways: master, base, channel now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import progress
from .adapters.base import Adapter
from .adapters.registry import Registry
from .catalog import Catalog
from .channel_rules import DUPLICATE_KEY as CHANNEL_DUPLICATE_KEY
from .config import LoadedConfig
from .diff import diff, without_creates
from .errors import ChansyncError, ConfigError
from .fields import ROW
from .i18n import _
from .issues import Report, Severity, define, frame_of
from .model import CREATE_OFF, DUPLICATE_KEY, LIVE, ChannelState, Desired, Plan
from .state.ledger import NO_LOCATION, Observed, book_sales, location_name, observe, renew_counts
from .state.store import KEY, LEDGER_COLUMNS, LISTED, SKU, Base, SyncState
from .validation import ChannelCheck, Validation, validate
from .wording import label

EXPORT_STALE = define(
    "export-stale",
    Severity.WARNING,
    "The export file is older than the last push to its channel; what chansync set stands in for it.",
)


@dataclass
class ChannelPlan:
    name: str
    adapter: Adapter
    desired: Desired
    plan: Plan
    issues: list[pd.DataFrame] = field(default_factory=list)
    base: Base | None = None
    observed: Observed | None = None
    #: What reading the channel's export found (a value it cannot read, a key twice, a stale export): shown by diff.
    export_issues: list[pd.DataFrame] = field(default_factory=list)


@dataclass
class PlanResult:
    validation: Validation
    channels: list[ChannelPlan]
    #: Channels that could not be read (a missing export, an API that did not answer): {name: why}.
    failed: dict[str, str] = field(default_factory=dict)
    #: The stock ledger after this run's sales (sku, location, count, sold); what push records.
    ledger: pd.DataFrame | None = None
    observed: list[Observed] = field(default_factory=list)

    @property
    def report(self) -> Report:
        return self.validation.report


def read_current(config: LoadedConfig, adapter: Adapter) -> ChannelState:
    """The channel's current state: its export file or, with ``export: api``, fetched through its API."""
    channel = adapter.context.config
    key = f"channels.{adapter.channel}.export"
    if channel.export is None:
        raise ConfigError(
            _("no export to compare with: set `export` to the channel's export file"), key=key, file=config.display
        )
    if channel.export == "api":
        fetch = getattr(adapter, "fetch", None)
        if fetch is None:
            raise ConfigError(
                _("export: api is not available for the {adapter} adapter; use an export file").format(
                    adapter=adapter.name
                ),
                key=key,
                file=config.display,
            )
        if channel.upload is None:
            raise ConfigError(
                _("export: api needs the channel's `upload` section (its API and credentials)"),
                key=key,
                file=config.display,
            )
        from .connect import section_and_client

        section, client = section_and_client(config, adapter.channel)
        state: ChannelState = fetch(client, upload=section)
        return state
    path = config.path_of(channel.export, key)
    return adapter.read_export(path, config.display_path(path))


def export_time(config: LoadedConfig, adapter: Adapter) -> float | None:
    """When the channel's export file was taken (its modification time); None for an API read."""
    export = adapter.context.config.export
    if export in (None, "api"):
        return None
    try:
        return Path(config.path_of(str(export), f"channels.{adapter.channel}.export")).stat().st_mtime
    except (OSError, ChansyncError):
        return None


def stand_in(state: ChannelState, base: Base) -> ChannelState:
    """An export taken before the last push does not show it yet: for the listings chansync manages, the values
    it set stand in for the export's (never a stale figure counted as a sale, never a change sent again), and
    listings it created since are added."""
    frame = state.frame.copy()
    keys = frame[state.key].astype("str")
    known = base.frame
    position = known.index.get_indexer(pd.Index(keys))
    hit = position >= 0
    for column in known.columns:
        target = LIVE if column == LISTED else column
        if column in (KEY, SKU) or target not in frame.columns or not hit.any():
            continue
        values = known[column].iloc[position[hit]].to_numpy()
        if target == LIVE:
            frame.loc[hit, target] = values.astype(bool)
        else:
            frame.loc[hit, target] = pd.Series(values, dtype=frame[target].dtype).to_numpy()
    created = known.index.difference(pd.Index(keys))
    if len(created):
        added = pd.DataFrame({state.key: pd.Series(created.astype("str"), dtype="str")})
        for column in known.columns:
            target = LIVE if column == LISTED else column
            if column != KEY and target in frame.columns and target != state.key:
                added[target] = known.loc[created, column].to_numpy()
        if LIVE in frame.columns and LIVE not in added:
            added[LIVE] = True
        frame = pd.concat([frame, added], ignore_index=True)
    return ChannelState(frame, state.key, state.source, state.issues)


def export_duplicates(adapter: Adapter, state: ChannelState, twice: np.ndarray) -> list[pd.DataFrame]:
    """A located warning for each row of the channel's export whose key is on another row too (``twice``: their
    positions, which diff finds while matching keys)."""
    if not len(twice):
        return []
    keys = state.frame[state.key].iloc[twice].astype("str")
    rows = state.frame[ROW].iloc[twice].astype("Int64") if ROW in state.frame.columns else None
    return [
        frame_of(
            CHANNEL_DUPLICATE_KEY,
            severity=Severity.WARNING,
            message=_(
                "This {field} appears more than once in the export; chansync cannot tell which listing is meant, so "
                "it leaves all of them alone."
            ).format(field=label(adapter.key)),
            rows=rows,
            skus=keys,
            values=keys,
            file=state.source,
            field=adapter.key.value,
            channel=adapter.channel,
        )
    ]


class ChannelReader:
    """Reads every channel, lays the base over stale exports, and books the sales they show into the ledger
    before the desired states are built (the hook :func:`~chansync.validation.validate` calls)."""

    def __init__(self, config: LoadedConfig, state: SyncState | None) -> None:
        self.config = config
        self.state = state
        self.currents: dict[str, ChannelState] = {}
        self.bases: dict[str, Base | None] = {}
        self.failed: dict[str, str] = {}
        self.observed: list[Observed] = []
        self.issues: dict[str, list[pd.DataFrame]] = {}
        self.ledger: pd.DataFrame | None = None

    def __call__(self, catalog: Catalog, adapters: list[Adapter]) -> None:
        with progress.task(_("reading the channels"), total=len(adapters), unit=_("channels"), rate=False) as step:
            for adapter in adapters:
                step.describe(_("reading {channel}").format(channel=adapter.channel))
                self._read(adapter)
                step.advance()
        self._book(catalog, adapters)

    def _read(self, adapter: Adapter) -> None:
        name = adapter.channel
        try:
            current = read_current(self.config, adapter)
        except ChansyncError as error:  # a missing export or an API that cannot be read: this channel fails alone
            self.failed[name] = error.message
            return
        base = self.state.base(name) if self.state is not None else None
        issues: list[pd.DataFrame] = []
        taken = export_time(self.config, adapter)
        if base is not None and taken is not None and taken < base.pushed_at:
            current = stand_in(current, base)
            issues.append(frame_of(
                EXPORT_STALE,
                message=_("The export is older than the last push to this channel and does not show it yet; "
                          "chansync uses what it set instead. Take a fresh export to see sales and edits made since."),
                file=current.source, channel=name,
            ))  # fmt: skip
        self.currents[name], self.bases[name], self.issues[name] = current, base, issues
        self.observed.append(observe(name, base, current))

    def _book(self, catalog: Catalog, adapters: list[Adapter]) -> None:
        ledger = self.state.ledger() if self.state is not None else pd.DataFrame(columns=LEDGER_COLUMNS)
        sold = [o for o in self.observed if len(o.sales)]
        if not len(ledger) and not sold:
            self.ledger = ledger
            return
        skus = pd.Index(ledger["sku"]).append(pd.Index([s for o in sold for s in o.sales["sku"]])).unique()
        counts = catalog.counts(skus)
        ledger = renew_counts(ledger, counts)
        by_name = {a.channel: a for a in adapters}
        for seen in sold:
            locations = self._locations(catalog, by_name[seen.channel])
            seen.sales["location"] = locations[0]
            ledger = book_sales(ledger, counts, seen.sales, locations)
        self.ledger = ledger
        catalog.sold = ledger[["sku", "location", "sold"]] if len(ledger) else None

    @staticmethod
    def _locations(catalog: Catalog, adapter: Adapter) -> list[str]:
        """Where a channel's sales come off: the locations it lists, in order (all, in sheet order, if none)."""
        if catalog.stock is None:
            return [NO_LOCATION]
        named = adapter.context.config.stock.locations
        if named:
            return location_name(named).tolist()
        return list(dict.fromkeys(catalog.stock.location_keys().tolist()))[:1] or [NO_LOCATION]


def _keep_on_channel(desired: Desired, kept: dict[str, pd.Series]) -> None:
    """Fields kept as edited on the channel (``on_channel_edit: keep``) are what the channel should hold: a full
    feed writes the channel's value, not the master's."""
    keys = desired.frame[desired.key].astype("str")
    for name, values in kept.items():
        hit = keys.isin(values.index).to_numpy()
        if hit.any():
            desired.frame.loc[hit, name] = keys[hit].map(values).to_numpy()


def plan_channel(check: ChannelCheck, reader: ChannelReader) -> ChannelPlan:
    adapter, desired = check.adapter, check.desired
    name = adapter.channel
    current, base = reader.currents[name], reader.bases.get(name)
    settings = adapter.context.config
    plan = diff(
        desired, current, channel=name, adapter=adapter.name, fields=list(adapter.carried()),
        base=base.frame if base is not None else None,
        keep_channel_edits=settings.on_channel_edit == "keep",
        delist=settings.listing.delist,
        delist_unknown=settings.listing.unknown == "delist",
    )  # fmt: skip
    if not adapter.creates:
        plan = without_creates(plan, "not-on-channel")
    elif not settings.listing.create:
        plan = without_creates(plan, CREATE_OFF)
    _keep_on_channel(desired, plan.meta.get("kept_values") or {})
    said = any(len(i) and (i["code"] == CHANNEL_DUPLICATE_KEY.code).any() for i in current.issues)
    if not said:  # unless its reader said so already
        reader.issues.setdefault(name, []).extend(export_duplicates(adapter, current, plan.meta["channel_twice"]))
    observed = next((o for o in reader.observed if o.channel == name), None)
    export_issues = [i for i in current.issues + reader.issues.get(name, []) if len(i)]
    return ChannelPlan(name, adapter, desired, plan, check.issues + export_issues, base, observed, export_issues)


def plan(
    config: LoadedConfig,
    *,
    registry: Registry | None = None,
    channels: list[str] | None = None,
    strict: bool = False,
    state: SyncState | None = None,
) -> PlanResult:
    """Read every (or the named) channel, book the sales they show, validate the master and each channel's rules,
    and plan each channel that could be read. ``state``: the sync state (None: two-way plans, no ledger)."""
    reader = ChannelReader(config, state)
    validation = validate(
        config, channels=channels, strict=strict, registry=registry, only_channel_fields=True, before_channels=reader
    )
    if validation.catalog is None:
        return PlanResult(validation, [], reader.failed)
    checks = [check for name, check in validation.channels.items() if name in reader.currents]
    planned = []
    with progress.task(_("planning"), total=len(checks), unit=_("channels"), rate=False) as step:
        for check in checks:
            step.describe(_("planning {channel}").format(channel=check.adapter.channel))
            planned.append(plan_channel(check, reader))
            step.advance()
    for channel in planned:
        validation.report.add([i for i in reader.issues.get(channel.name, []) if len(i)])
    return PlanResult(validation, planned, reader.failed, reader.ledger, reader.observed)


__all__ = ["DUPLICATE_KEY", "ChannelPlan", "PlanResult", "plan", "plan_channel", "read_current"]
