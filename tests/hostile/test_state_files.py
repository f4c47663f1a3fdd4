"""The state folder under attack or damaged: planted links are refused, never followed; a state folder that is a
file and odd journal lines end in a plain message (or are tolerated), never an internal error after feeds were
written, and never again on every later push."""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml

from tests.hostile.harness import digests, refused, run_cli, small_project


def project(tmp_path: Path) -> Path:
    (tmp_path / "pos.csv").write_text("ItemCode,OnHand\nA-1,3\n", encoding="utf-8")
    pos = {"adapter": "csv", "export": "pos.csv", "feed": "out/pos.csv",
           "columns": {"sku": "ItemCode", "quantity": "OnHand"}}  # fmt: skip
    config = small_project(tmp_path, {"pos": pos})
    data = yaml.safe_load(config.read_text())
    data["state_dir"] = "state"
    config.write_text(yaml.safe_dump(data))
    return config


def test_a_planted_lock_link_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    config = project(tmp_path)
    victim = tmp_path / "precious.txt"
    victim.write_text("do not truncate me\n", encoding="utf-8")
    (tmp_path / "state").mkdir()
    os.symlink(victim, tmp_path / "state" / "push.lock")
    run = run_cli("push", "--yes", "-c", str(config), cwd=tmp_path)
    refused(run, says=["push.lock", "link"])
    assert victim.read_text(encoding="utf-8") == "do not truncate me\n"
    assert not (tmp_path / "out").exists()


def test_a_planted_journal_link_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    config = project(tmp_path)
    victim = tmp_path / "precious.txt"
    victim.write_text("keep\n", encoding="utf-8")
    (tmp_path / "state").mkdir()
    os.symlink(victim, tmp_path / "state" / "journal.jsonl")
    before = digests([victim, config, tmp_path / "master.csv", tmp_path / "pos.csv"])
    run = run_cli("push", "--yes", "-c", str(config), cwd=tmp_path)
    refused(run, says=["journal.jsonl", "link"])
    assert digests([victim, config, tmp_path / "master.csv", tmp_path / "pos.csv"]) == before


def test_a_planted_database_link_is_refused(tmp_path: Path) -> None:
    config = project(tmp_path)
    victim = tmp_path / "precious.db"
    victim.write_bytes(b"not a database")
    (tmp_path / "state").mkdir()
    os.symlink(victim, tmp_path / "state" / "state.db")
    refused(run_cli("push", "--yes", "-c", str(config), cwd=tmp_path), says=["state.db", "link"])
    assert victim.read_bytes() == b"not a database"


def test_a_state_folder_that_is_a_file_is_said_before_anything_is_written(tmp_path: Path) -> None:
    config = project(tmp_path)
    (tmp_path / "state").write_text("oops", encoding="utf-8")
    for _ in range(2):  # and the same on the next run: a message, not an internal error
        run = run_cli("push", "--yes", "-c", str(config), cwd=tmp_path)
        refused(run, codes=(2,), says=["state", "is a file"])
    assert not (tmp_path / "out").exists() and (tmp_path / "state").read_text(encoding="utf-8") == "oops"


def test_journal_lines_that_are_json_but_not_records_are_tolerated(tmp_path: Path) -> None:
    config = project(tmp_path)
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "journal.jsonl").write_text('[1, 2]\n"text"\n{"run": 5}\nnull\n{"torn', encoding="utf-8")
    for _ in range(2):
        run = run_cli("push", "--yes", "-c", str(config), cwd=tmp_path)
        assert run.code == 0, run.text
    lines = (tmp_path / "state" / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[1, 2]" and any(json.loads(line).get("event") == "end" for line in lines[5:])


def test_a_damaged_state_database_is_a_message(tmp_path: Path) -> None:
    config = project(tmp_path)
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "state.db").write_bytes(b"\x00garbage" * 1000)
    run = run_cli("push", "--yes", "-c", str(config), cwd=tmp_path)
    refused(run, codes=(2,), says=["state.db"])
