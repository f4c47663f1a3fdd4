"""``validate``: read the master and run every rule; returns a report, never prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from .adapters.base import Adapter, Desired
from .adapters.registry import Registry
from .catalog import Catalog, read_master
from .channel_rules import desired_state, mark_skips, unknown_locations
from .config import LoadedConfig
from .errors import MissingColumnError
from .i18n import _
from .issues import Report, Severity, define, frame_of
from .rules import check_catalog


@dataclass
class ChannelCheck:
    """One channel's desired state, with the items its rules (or master errors) make it leave alone."""

    adapter: Adapter
    desired: Desired
    issues: list[pd.DataFrame]


@dataclass
class Validation:
    report: Report
    catalog: Catalog | None  # None when the sheet could not be used at all (a required column missing)
    channels: dict[str, ChannelCheck] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.report.ok


MASTER_OPEN = define(
    "master-open-in-excel",
    Severity.WARNING,
    "The master workbook is open in Excel: it is read as last saved, without unsaved edits.",
)


def _open_in_excel(config: LoadedConfig) -> list[pd.DataFrame]:
    from .writeback import open_in_excel

    path = config.path_of(config.master.file, "master.file", must_exist=False)
    owner = open_in_excel(path)
    if owner is None:
        return []
    return [frame_of(MASTER_OPEN, file=config.display_path(path),
                     message=_("The workbook is open in Excel ({owner} beside it): chansync reads it as last saved; "
                               "edits not yet saved are not included.").format(owner=owner.name))]  # fmt: skip


def validate(
    config: LoadedConfig,
    *,
    channels: list[str] | None = None,
    strict: bool = False,
    registry: Registry | None = None,
    only_channel_fields: bool = False,
    before_channels: Callable[[Catalog, list[Adapter]], None] | None = None,
) -> Validation:
    """Read and check the master sheet named by ``config``, then each channel's own rules (all configured
    channels, or those named).

    A missing required or mapped column is reported as a fatal error in the report (so every output format
    carries it); files that cannot be read at all raise :class:`~chansync.errors.InputError`.

    ``only_channel_fields`` (used by diff and push) reads and checks only the fields the channels carry, plus
    what identifies and filters a product: on a big catalogue that skips work no channel needs.

    ``before_channels`` is called with the catalogue and the adapters before the channels' desired states are
    built (push and diff read the channels there and book their sales, so the desired stock is what is left).
    """
    names = list(config.channels) if channels is None else channels
    if names:
        registry = registry or Registry.discover()
    adapters = [registry.build(config, name) for name in names] if registry else []  # usage errors first
    try:
        fields = {f for a in adapters for f in a.needed()} if only_channel_fields and adapters else None
        catalog = read_master(config, fields)
    except MissingColumnError as error:
        report = Report(fatal=str(error))
        if error.issues is not None:
            report.add(error.issues)
        return Validation(report.strict() if strict else report, None)
    report = check_catalog(catalog, config.master.limits)
    report.add(_open_in_excel(config))
    report.stats["files"] = 1 + int(catalog.stock is not None and catalog.stock.source.file != catalog.source.file)
    if strict:
        report = report.strict()
    if before_channels is not None:
        before_channels(catalog, adapters)
    checks = {}
    for adapter in adapters:
        desired = desired_state(catalog, adapter)
        issues = mark_skips(desired, adapter, report, catalog.stock) + unknown_locations(catalog, adapter)
        checks[adapter.channel] = ChannelCheck(adapter, desired, issues)
    for check in checks.values():
        report.add(check.issues)
    if strict:
        report = report.strict()
    return Validation(report, catalog, checks)
