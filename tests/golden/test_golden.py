"""Golden files: the plan for the bundled samples, and each channel's written feed. ``pytest --update-golden``
rewrites them after an intended change (review the diff before committing)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from chansync.config import load_config
from chansync.planjson import plans_document
from chansync.sync import plan
from tests.conftest import REPO

HERE = Path(__file__).resolve().parent


@pytest.fixture
def sample_plan(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(REPO)
    return plan(load_config(REPO / "channels.example.yaml", env=dict(os.environ)))


def test_the_samples_plan_equals_the_checked_in_plan(sample_plan, golden: Callable[[Path, bytes], None]) -> None:
    document = plans_document([c.plan for c in sample_plan.channels], report_summary={})
    document.pop("chansync")
    golden(HERE / "samples" / "plan.json", (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode())


def test_each_channel_feed(sample_plan, golden: Callable[[Path, bytes], None]) -> None:
    for channel in sample_plan.channels:
        for feed in channel.adapter.feed_files(channel.desired, channel.plan):
            suffix = feed.extension or channel.adapter.feed_suffix
            golden(HERE / "samples" / f"{channel.name}{feed.suffix}{suffix}", b"".join(feed.chunks))
