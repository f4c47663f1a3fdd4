"""One channel at a time: build its adapter, read its current state, plan. Returns results; never prints."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .adapters.base import Adapter, ChannelState, Desired
from .adapters.registry import Registry
from .config import LoadedConfig
from .diff import Plan, diff, without_creates
from .errors import ConfigError
from .issues import Report
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


def read_current(config: LoadedConfig, adapter: Adapter) -> ChannelState:
    channel = adapter.context.config
    key = f"channels.{adapter.channel}.export"
    if channel.export is None:
        raise ConfigError(
            "no export to compare with: set `export` to the channel's export file", key=key, file=config.display
        )
    if channel.export == "api":
        raise ConfigError(
            f"export: api is not available for the {adapter.name} adapter yet; use an export file",
            key=key,
            file=config.display,
        )
    path = config.path_of(channel.export, key)
    return adapter.read_export(path, config.display_path(path))


def plan_channel(config: LoadedConfig, check: ChannelCheck) -> ChannelPlan:
    adapter, desired = check.adapter, check.desired
    current = read_current(config, adapter)
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
) -> PlanResult:
    """Validate the master (and each channel's rules) and plan every (or the named) channel."""
    validation = validate(config, channels=channels, strict=strict, registry=registry, only_channel_fields=True)
    return PlanResult(validation, [plan_channel(config, check) for check in validation.channels.values()])
