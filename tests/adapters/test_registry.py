"""The adapter registry: a run loads only the adapters its channels name; duplicates and broken plugins are
reported where they are used, and listed by `chansync channels`."""

from __future__ import annotations

import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from chansync.adapters.csv import CsvAdapter
from chansync.adapters.registry import GROUP, Registry
from chansync.errors import AdapterError

CSV = EntryPoint("csv", "chansync.adapters.csv:CsvAdapter", GROUP)


def test_only_the_named_adapter_is_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "unused_plugin_for_registry_test.py").write_text(
        "from chansync.adapters.csv import CsvAdapter\n\nclass Other(CsvAdapter):\n    name = 'other'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    other = EntryPoint("other", "unused_plugin_for_registry_test:Other", GROUP)
    registry = Registry(entries=[CSV, other])
    assert registry.get("csv") is CsvAdapter
    assert "unused_plugin_for_registry_test" not in sys.modules
    assert registry.names() == ["csv", "other"]  # listing every adapter loads them all
    assert "unused_plugin_for_registry_test" in sys.modules


def test_a_broken_plugin_fails_only_the_channels_that_use_it() -> None:
    broken = EntryPoint("broken", "no_such_module_for_chansync:Adapter", GROUP)
    registry = Registry(entries=[CSV, broken])
    assert registry.get("csv") is CsvAdapter
    with pytest.raises(AdapterError, match="failed to load"):
        registry.get("broken")
    listed = {info.name: info for info in registry.available()}
    assert listed["csv"].ok and not listed["broken"].ok


def test_a_name_registered_twice_is_refused_when_used() -> None:
    twice = EntryPoint("csv", "chansync.adapters.csv:CsvAdapter", GROUP)
    with pytest.raises(AdapterError, match="more than once"):
        Registry(entries=[CSV, twice]).get("csv")
    with pytest.raises(AdapterError, match="unknown adapter 'cvs' \\(did you mean 'csv'\\?\\)"):
        Registry(entries=[CSV]).get("cvs")
