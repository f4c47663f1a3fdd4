"""``validate``: read the master and run every rule; returns a report, never prints."""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import Catalog, read_master
from .config import LoadedConfig
from .errors import MissingColumnError
from .issues import Report
from .rules import check_catalog


@dataclass
class Validation:
    report: Report
    catalog: Catalog | None  # None when the sheet could not be used at all (a required column missing)

    @property
    def ok(self) -> bool:
        return self.report.ok


def validate(config: LoadedConfig, *, channels: list[str] | None = None, strict: bool = False) -> Validation:
    """Read and check the master sheet named by ``config``.

    A missing required or mapped column is reported as a fatal error in the report (so every output format
    carries it); files that cannot be read at all raise :class:`~chansync.errors.InputError`.
    """
    for name in channels or []:
        config.channel(name)  # an unknown channel name is a usage error, before any reading
    try:
        catalog = read_master(config)
    except MissingColumnError as error:
        report = Report(fatal=str(error))
        if error.issues is not None:
            report.add(error.issues)
        return Validation(report.strict() if strict else report, None)
    report = check_catalog(catalog, config.master.limits)
    report.stats["files"] = 1 + int(catalog.stock is not None and catalog.stock.source.file != catalog.source.file)
    return Validation(report.strict() if strict else report, catalog)
