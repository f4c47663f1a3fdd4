"""Shared helpers: write a small master (csv or xlsx) with a config beside it, and validate it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import settings

from chansync.config import LoadedConfig, load_config
from chansync.validation import Validation, validate

# Property tests check invariants, not speed (benchmarks do that): no per-example deadline, which a shared 2-core
# machine running the suite in parallel would trip at random.
settings.register_profile("chansync", deadline=None)
settings.load_profile("chansync")

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
REAL_WORLD = REPO.parent / "shared" / "real-world"


def write_config(folder: Path, master: dict[str, Any], channels: dict[str, Any] | None = None) -> Path:
    path = folder / "channels.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "master": master, "channels": channels or {}}), encoding="utf-8")
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    first = True
    for name, rows in sheets.items():
        sheet = book.active if first else book.create_sheet(name)
        assert sheet is not None
        sheet.title = name
        first = False
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


MasterFactory = Callable[..., LoadedConfig]


def pytest_configure(config: pytest.Config) -> None:
    """The suite reads English messages; a machine whose locale is Dutch would make it read Dutch. The tests of Dutch
    ask for it themselves (``--lang nl``, ``LANG=nl_NL.UTF-8`` in a command's environment)."""
    import os

    from chansync import i18n

    if i18n.choose(None, os.environ) != i18n.DEFAULT:
        os.environ["LC_ALL"] = "C.UTF-8"
        os.environ.pop("LANGUAGE", None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite the expected files under tests/golden/")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[Path, bytes], None]:
    """Compare bytes with a checked-in file (or rewrite it with --update-golden)."""
    update = request.config.getoption("--update-golden")

    def compare(path: Path, actual: bytes) -> None:
        if update or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(actual)
            if not update:
                pytest.fail(f"{path} did not exist; written now, check it in")
        if path.suffix == ".xlsx":  # a workbook (TikTok Shop's batch edit file): its bytes are fixed too
            assert actual == path.read_bytes(), f"differs from {path}"
            return
        assert actual.decode("utf-8") == path.read_text(encoding="utf-8"), f"differs from {path}"

    return compare


@pytest.fixture
def master(tmp_path: Path) -> MasterFactory:
    """``master("sku,title\\n…", columns={...})`` writes master.csv (or bytes as given) and returns the config."""

    def make(content: str | bytes, *, name: str = "master.csv", **settings: Any) -> LoadedConfig:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        write_config(tmp_path, {"file": name, **settings})
        return load_config(tmp_path / "channels.yaml", env={})

    return make


def issues(result: Validation, code: str | None = None) -> pd.DataFrame:
    frame = result.report.frame
    return frame[frame["code"] == code].reset_index(drop=True) if code else frame


def check(config: LoadedConfig, code: str) -> pd.DataFrame:
    return issues(validate(config), code)
