"""Golden cases per channel: ``tests/golden/<channel>/<case>/`` holds a config, a master and the channel's export;
each file of the channel's feed must equal ``expected<suffix><extension>`` there. ``pytest --update-golden``
rewrites them (review the diff before committing)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from chansync.config import load_config
from chansync.sync import plan

HERE = Path(__file__).resolve().parent
CASES = sorted(p.parent for p in HERE.glob("*/*/channels.yaml"))


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_feed_of_each_case(case: Path, golden: Callable[[Path, bytes], None]) -> None:
    result = plan(load_config(case / "channels.yaml", env={}))
    for channel in result.channels:
        for feed in channel.adapter.feed_files(channel.desired, channel.plan):
            extension = feed.extension or channel.adapter.feed_suffix
            golden(case / f"expected{feed.suffix}{extension}", b"".join(feed.chunks))
