"""Shared steps of the adapter tests: plan a sample channel, write its feed, read the feed back."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from chansync.adapters.base import LIVE, Adapter, ChannelState
from chansync.config import load_config
from chansync.diff import CREATE, DELIST, UPDATE, Plan, diff
from chansync.sync import ChannelPlan, plan
from tests.conftest import REPO


def sample_channel(name: str, monkeypatch: Any) -> ChannelPlan:
    """The plan of one channel of channels.example.yaml against its sample export."""
    monkeypatch.chdir(REPO)
    result = plan(load_config(REPO / "channels.example.yaml", env=dict(os.environ)), channels=[name])
    return result.channels[0]


def empty_state(adapter: Adapter) -> ChannelState:
    frame = pd.DataFrame({adapter.key.value: pd.Series([], dtype="str"), LIVE: pd.Series([], dtype=bool)})
    return ChannelState(frame, adapter.key.value, "nothing")


def write_feed(adapter: Adapter, channel: ChannelPlan, the_plan: Plan, folder: Path) -> dict[str, Path]:
    """Each file of the feed, written under ``folder`` by suffix ("" is the main file)."""
    written = {}
    for feed in adapter.feed_files(channel.desired, the_plan):
        path = folder / f"{channel.name}{feed.suffix}{feed.extension or adapter.feed_suffix}"
        path.write_bytes(b"".join(feed.chunks))
        written[feed.suffix] = path
    return written


def full_plan(channel: ChannelPlan) -> Plan:
    """Everything the master wants on the channel, as if the channel were empty (every item a create)."""
    adapter = channel.adapter
    return diff(channel.desired, empty_state(adapter), channel=channel.name, adapter=adapter.name,
                fields=list(adapter.carried()))  # fmt: skip


def with_settings(adapter: Adapter, **settings: Any) -> Adapter:
    context = adapter.context
    changed = context.settings.model_copy(update=settings)
    return type(adapter)(replace(context, settings=changed))


def assert_no_changes(channel: ChannelPlan, state: ChannelState) -> Plan:
    again = diff(channel.desired, state, channel=channel.name, adapter=channel.adapter.name,
                 fields=list(channel.adapter.carried()))  # fmt: skip
    changed = again.items[again.items["outcome"].isin([CREATE, UPDATE, DELIST])]
    assert changed.empty, f"the feed read back still differs:\n{again.changes.to_string()}\n{changed.to_string()}"
    return again
