"""Progress bars: on stderr, only on a terminal and only with text output, with counts and rates for reading the
sheet, reading the channels, planning, writing feeds and each upload; nothing in cron (no terminal) or JSON."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from chansync import progress
from tests.e2e.test_cli import CHANSYNC

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def _run(args: list[str], cwd: Path, *, terminal: bool) -> tuple[int, str, str]:
    """The real CLI with stderr on a pseudo-terminal (a person watching) or on a pipe (cron); stdout a pipe."""
    assert CHANSYNC
    env = {**os.environ, "COLUMNS": "160", "LANG": "C.UTF-8", "TERM": "xterm"}
    env.pop("CHANSYNC_DEBUG", None)
    if not terminal:
        done = subprocess.run([CHANSYNC, *args], cwd=cwd, env=env, capture_output=True, stdin=subprocess.DEVNULL)
        return done.returncode, done.stdout.decode(), done.stderr.decode()
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [CHANSYNC, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=follower, stdin=subprocess.DEVNULL
    )
    os.close(follower)
    seen = b""
    while select.select([leader], [], [], 60)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the process closed its end
            break
        if not chunk:
            break
        seen += chunk
    stdout, _ = process.communicate(timeout=60)
    os.close(leader)
    return process.returncode, stdout.decode(), ANSI.sub(b"", seen).decode("utf-8", "replace")


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    rows = "".join(f"S-{i},Item {i},{10 + i % 7}.50,{i % 5}\n" for i in range(3000))
    (tmp_path / "master.csv").write_text("sku,title,price,quantity\n" + rows, encoding="utf-8")
    (tmp_path / "till.csv").write_text("ItemCode,OnHand\nS-1,4\nS-2,9\n", encoding="utf-8")
    channels = {
        "till": {
            "adapter": "csv",
            "export": "till.csv",
            "feed": "out/till.csv",
            "columns": {"sku": "ItemCode", "quantity": "OnHand"},
        }
    }
    config = {"version": 1, "master": {"file": "master.csv"}, "channels": channels}
    (tmp_path / "channels.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return tmp_path


def test_a_person_at_a_terminal_sees_each_step_with_counts_and_rates(shop: Path) -> None:
    code, stdout, stderr = _run(["push", "--yes"], shop, terminal=True)
    assert code == 0, stdout + stderr
    assert "reading master.csv" in stderr and "3,000/3,000 rows" in stderr and "rows/s" in stderr
    assert "planning" in stderr and "channels" in stderr
    assert "writing till.csv" in stderr and re.search(r"[0-9.,]+ (B|kB|MB)/s", stderr)
    assert "writing and sending" in stderr or "till: writing and sending" in stderr
    assert "rows/s" not in stdout and "━" not in stdout  # the bars never reach stdout


def test_cron_and_json_get_no_progress(shop: Path) -> None:
    code, stdout, stderr = _run(["push", "--yes"], shop, terminal=False)  # cron: stderr is no terminal
    assert code == 0 and stderr == "" and "rows/s" not in stdout
    code, stdout, stderr = _run(["diff", "--format", "json"], shop, terminal=True)  # JSON: none even on a terminal
    assert code == 0 and stderr.strip() == "" and stdout.lstrip().startswith("{")
    code, stdout, stderr = _run(["validate", "--format", "json"], shop, terminal=True)
    assert stderr.strip() == "" and '"schema"' in stdout


def test_a_dutch_terminal_sees_dutch_steps(shop: Path) -> None:
    code, _, stderr = _run(["--lang", "nl", "validate"], shop, terminal=True)
    assert code == 0 and "master.csv lezen" in stderr and "rijen/s" in stderr


def test_the_library_is_silent_without_a_reporter() -> None:
    assert not progress.watched()
    with progress.task("reading", total=3, unit="rows") as step:
        step.advance(2)  # nothing happens, nothing fails
        step.total(None)
        step.describe("still nothing")


def test_the_rich_reporter_shows_count_total_and_rate() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=160, color_system=None)
    with progress.RichReporter(console) as reporter, progress.reporting(reporter):
        assert progress.watched()
        with progress.task("reading master.xlsx", total=1200, unit="rows") as step:
            step.advance(1200)
        with progress.task("writing feed.csv", unit=progress.BYTES) as step:
            step.advance(3 * 2**20)
    text = buffer.getvalue()
    assert "reading master.xlsx" in text and "1,200/1,200 rows" in text and "rows/s" in text
    assert "writing feed.csv" in text and "3.0 MB" in text and re.search(r"[0-9.] [kMG]?B/s", text)
    assert not progress.watched()
