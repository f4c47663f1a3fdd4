"""One bad byte must not turn a UTF-8 file into Windows-1252; a NUL byte anywhere makes a file binary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .harness import digests, refused, run_cli, small_project

HEADER = "sku,title,price,quantity\n"
BODY = "".join(f"A-{i},Café {i} ünïcode {'x' * 40},10.00,5\n" for i in range(30_000))  # ~2 MiB: past the first MiB


def _report(folder: Path, config: Path) -> dict:
    run = run_cli("validate", "-c", str(config), "--format", "json", cwd=folder)
    assert run.code in (0, 1), run.text[-2000:]
    return json.loads(run.out)


@pytest.mark.parametrize("late", [False, True])
def test_one_invalid_byte_keeps_the_file_utf8_and_is_located(tmp_path: Path, late: bool) -> None:
    config = small_project(tmp_path)
    master = tmp_path / "master.csv"
    bad = b"B-1,Bad \xff byte,1,1\n"
    body = BODY.encode()
    master.write_bytes(HEADER.encode() + (body + bad if late else bad + body))
    before = digests([config, master])
    report = _report(tmp_path, config)
    codes = [i["code"] for i in report["issues"]]
    assert "encoding-fallback" not in codes
    (issue,) = [i for i in report["issues"] if i["code"] == "invalid-utf8"]
    assert (
        issue["row"] == (30_002 if late else 2) and issue["column"] == "title" and "Bad \ufffd byte" in issue["message"]
    )
    run = run_cli("diff", "--format", "json", "-c", str(config), cwd=tmp_path)
    assert run.code == 0 and "Café 7 ünïcode" not in run.text  # no channels: nothing planned, nothing mangled
    assert digests([config, master]) == before


def test_a_windows_1252_file_is_still_read_as_such(tmp_path: Path) -> None:
    config = small_project(tmp_path)
    (tmp_path / "master.csv").write_bytes((HEADER + BODY[: BODY.index("\n", 5000) + 1]).encode("cp1252"))
    report = _report(tmp_path, config)
    assert [i["code"] for i in report["issues"]] == ["encoding-fallback"]


def test_a_nul_byte_past_the_first_mib_is_a_binary_file(tmp_path: Path) -> None:
    config = small_project(tmp_path)
    master = tmp_path / "master.csv"
    master.write_bytes((HEADER + BODY).encode() + b"B-1,Bad \x00 byte,1,1\n")
    before = digests([config, master])
    refused(run_cli("validate", "-c", str(config), cwd=tmp_path), codes=(2,), says=["master.csv", "binary file"])
    assert digests([config, master]) == before
