"""Text inputs that crashed the readers: a cell over the csv module's field limit, bare CR line ends, a plan file
of 200,000 nested brackets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .harness import digests, refused, run_cli, small_project


def _validate_json(folder: Path, config: Path) -> dict:
    run = run_cli("validate", "-c", str(config), "--format", "json", cwd=folder)
    assert run.code in (0, 1), run.text[-3000:]
    return json.loads(run.out)


@pytest.mark.parametrize("size", [131_073, 3_000_000])
def test_a_cell_over_the_csv_field_limit_is_read(tmp_path: Path, size: int) -> None:
    config = small_project(tmp_path)
    master = tmp_path / "master.csv"
    master.write_text(f"sku,title,price,quantity,description\nA-1,Lamp,10.00,5,{'x' * size}\nA-2,Chair,20,3,s\n")
    before = digests([config, master])
    report = _validate_json(tmp_path, config)
    assert [i["code"] for i in report["issues"]] == ["description-too-long"]
    assert digests([config, master]) == before


def test_bare_carriage_returns_end_rows(tmp_path: Path) -> None:
    config = small_project(tmp_path)
    master = tmp_path / "master.csv"
    master.write_bytes(b'sku,title,price,quantity\rA-1,"Lamp\rtwo lines",10.00,5\rA-2,Chair,20.00,3\r')
    before = digests([config, master])
    report = _validate_json(tmp_path, config)
    assert report["issues"] == []
    assert digests([config, master]) == before


def test_an_export_with_bare_carriage_returns_plans_no_change(tmp_path: Path) -> None:
    (tmp_path / "pos.csv").write_bytes(b"sku,title\rA-1,Lamp\rA-2,Chair\r")
    pos = {"adapter": "csv", "export": "pos.csv", "feed": "out/pos.csv", "columns": {"sku": "sku", "title": "title"}}
    config = small_project(tmp_path, {"pos": pos})
    run = run_cli("diff", "--exit-code", "-c", str(config), cwd=tmp_path)
    assert run.code == 0, run.text


def test_a_deeply_nested_plan_file_is_refused(tmp_path: Path) -> None:
    from chansync.errors import ChansyncError
    from chansync.planfile import read_plan_file

    plan = tmp_path / "plan.json"
    plan.write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(ChansyncError, match="nested too deeply"):
        read_plan_file(plan)
    plan.write_text('{"channels": 3}')
    with pytest.raises(ChansyncError, match=r"plan\.json: not a plan"):
        read_plan_file(plan)


def test_push_refuses_a_deeply_nested_plan_file(tmp_path: Path) -> None:
    config = small_project(tmp_path)
    plan = tmp_path / "plan.json"
    plan.write_text("[" * 200_000 + "]" * 200_000)
    before = digests([config, tmp_path / "master.csv", plan])
    run = run_cli("push", "--yes", "--plan", "plan.json", "-c", str(config), cwd=tmp_path)
    refused(run, codes=(2,), says=["plan.json", "nested too deeply"])
    assert digests([config, tmp_path / "master.csv", plan]) == before
