"""``chansync report``: one self-contained HTML file whose numbers match the plan and the ledger they came from,
rendered by a real headless Chromium (skipped with a reason where none is installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.push.test_sync_state import export, run, setup

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


class Tables(HTMLParser):
    """Every table's rows as text, and every tag and attribute (to look for anything that would load)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def report_of(tmp_path: Path) -> tuple[Path, Tables]:
    pytest.importorskip("matplotlib", reason="the report extra is not installed")
    config = setup(tmp_path, {"A1": 10, "A2": 5, "A3": 0})
    run(config)
    export(tmp_path, "a", {"A1": 8, "A2": 5, "A3": 0})  # two sold on a
    export(tmp_path, "b", {"A1": 10, "A2": 4, "A3": 0})  # one sold on b
    run(config)
    export(tmp_path, "c", {"A1": 0, "A2": 4, "A3": 2, "GIFT": 1})  # c is out of step, and sells a gift card
    out = tmp_path / "report.html"
    made = subprocess.run([sys.executable, "-m", "chansync", "report", "-c", str(config), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    parsed = Tables()
    parsed.feed(out.read_text(encoding="utf-8"))
    return out, parsed


def test_the_report_is_self_contained_and_its_numbers_match(tmp_path: Path) -> None:
    out, parsed = report_of(tmp_path)
    text = out.read_text(encoding="utf-8")
    assert "<script" not in text and "@import" not in text
    assert not re.search(r"url\((?!#)", text)  # only references inside the page (an SVG's clip paths)
    for tag, attrs in parsed.tags:  # nothing that would fetch: no src, no linked resources
        assert "src" not in attrs and tag != "link", (tag, attrs)
        assert not re.match(r"https?:", attrs.get("href") or ""), (tag, attrs)
    svgs = [attrs for tag, attrs in parsed.tags if tag == "svg"]
    assert len(svgs) >= 4 and all(a.get("role") == "img" and a.get("aria-labelledby") for a in svgs)
    assert text.count("<title id=\"chart") == len(svgs)  # every chart has a title and a description
    tables = {tuple(t[0]): t[1:] for t in parsed.tables if t}
    sold = tables[("day", "a", "b")]
    assert [row[1:] for row in sold] == [["2", "1"]]  # the ledger: 2 sold on a, 1 on b
    coverage = {row[0]: row[1:] for row in tables[("channel", "wanted", "live", "missing", "not managed")]}
    assert coverage["c"] == ["3", "4", "0", "1"]  # A1-A3 wanted; four live, the gift card not managed
    stock = {row[0]: row[1:] for row in tables[("channel", "sold out on the channel, in stock in the master",
                                                "in stock on the channel, none in the master")]}  # fmt: skip
    # A1 at 0 on c is a sale (below what chansync set), so c gets 0 too; A3 stocked on c with none in the master
    assert stock["c"] == ["0", "1"]
    history = tables[("started", "run", "command", "channel", "status", "create", "update", "delist", "fields")]
    assert len(history) == 6  # two pushes, three channels each


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (.ci/run installs Debian's chromium)")
def test_chromium_renders_the_report_without_errors_or_requests(tmp_path: Path) -> None:
    out, _ = report_of(tmp_path)
    shot = tmp_path / "report.png"
    assert CHROMIUM is not None
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
               "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=412,3000",
               f"--screenshot={shot}", out.as_uri()]  # fmt: skip
    shown = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000, shown.stderr[-2000:]
    log = shown.stderr
    assert "Uncaught" not in log and "CONSOLE" not in log, log[-2000:]
    assert "net::ERR" not in log, log[-2000:]  # nothing was asked of the network
    dom = subprocess.run([*command[:-2], "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120)
    assert "How your channels are doing" in dom.stdout and dom.stdout.count("<svg") >= 4
