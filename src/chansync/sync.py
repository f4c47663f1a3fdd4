"""One channel at a time: build its adapter, read its current state, plan. Returns results; never prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .adapters.base import LIVE, Adapter, ChannelState, Desired
from .adapters.registry import Registry
from .config import LoadedConfig
from .diff import LISTED, Plan, diff, without_creates
from .errors import ConfigError
from .issues import Report
from .journal import applied_values
from .validation import ChannelCheck, Validation, validate


@dataclass
class ChannelPlan:
    name: str
    adapter: Adapter
    desired: Desired
    plan: Plan
    issues: list[pd.DataFrame] = field(default_factory=list)


@dataclass
class PlanResult:
    validation: Validation
    channels: list[ChannelPlan]

    @property
    def report(self) -> Report:
        return self.validation.report


def read_current(config: LoadedConfig, adapter: Adapter, journal: list[dict[str, Any]] | None = None) -> ChannelState:
    """The channel's current state: its export file (with what later pushes applied laid over it, from the
    journal), or, with ``export: api``, fetched through the channel's API."""
    channel = adapter.context.config
    key = f"channels.{adapter.channel}.export"
    if channel.export is None:
        raise ConfigError(
            "no export to compare with: set `export` to the channel's export file", key=key, file=config.display
        )
    if channel.export == "api":
        fetch = getattr(adapter, "fetch", None)
        if fetch is None:
            raise ConfigError(
                f"export: api is not available for the {adapter.name} adapter; use an export file",
                key=key,
                file=config.display,
            )
        if channel.upload is None:
            raise ConfigError("export: api needs the channel's `upload` section (its API and credentials)", key=key,
                              file=config.display)  # fmt: skip
        from .connect import client_for

        state: ChannelState = fetch(client_for(config, adapter.channel))
        return state
    path = config.path_of(channel.export, key)
    state = adapter.read_export(path, config.display_path(path))
    if journal:
        applied = applied_values(journal, adapter.channel, since=path.stat().st_mtime)
        if applied:
            state = overlay(state, applied)
    return state


def overlay(state: ChannelState, applied: dict[str, dict[str, Any]]) -> ChannelState:
    """The state with values that pushes applied after the export was taken: a re-run after a crash does not send
    them again. ``listed`` sets whether the listing is live."""
    frame = state.frame.copy()
    keys = frame[state.key].astype("str")
    created = [key for key in applied if key not in set(keys)]
    if created:  # listings a push created after the export was taken
        added = pd.DataFrame({state.key: pd.Series(created, dtype="str")})
        if LIVE in frame.columns:
            added[LIVE] = True
        frame = pd.concat([frame, added], ignore_index=True)
        keys = frame[state.key].astype("str")
    names = sorted({name for fields in applied.values() for name in fields})
    for name in names:
        values = {key: fields[name] for key, fields in applied.items() if name in fields}
        column = LIVE if name == LISTED else name
        if column not in frame.columns:
            continue
        hit = keys.isin(list(values)).to_numpy()  # a value set to nothing (a sale price removed) counts too
        if hit.any():
            new = keys[hit].map(values)
            frame.loc[hit, column] = new.astype(frame[column].dtype) if column != LIVE else new.astype(bool)
    return ChannelState(frame, state.key, state.source, state.issues)


def plan_channel(config: LoadedConfig, check: ChannelCheck, journal: list[dict[str, Any]] | None = None) -> ChannelPlan:
    adapter, desired = check.adapter, check.desired
    current = read_current(config, adapter, journal)
    plan = diff(desired, current, channel=adapter.channel, adapter=adapter.name, fields=list(adapter.carried()))
    if not adapter.creates:
        plan = without_creates(plan, "not-on-channel")
    return ChannelPlan(adapter.channel, adapter, desired, plan, check.issues + current.issues)


def plan(
    config: LoadedConfig,
    *,
    registry: Registry | None = None,
    channels: list[str] | None = None,
    strict: bool = False,
    journal: list[dict[str, Any]] | None = None,
) -> PlanResult:
    """Validate the master (and each channel's rules) and plan every (or the named) channel. ``journal``: the
    state folder's records, to lay what earlier pushes applied over export files taken before them."""
    validation = validate(config, channels=channels, strict=strict, registry=registry, only_channel_fields=True)
    if validation.catalog is None:
        return PlanResult(validation, [])
    return PlanResult(validation, [plan_channel(config, check, journal) for check in validation.channels.values()])
