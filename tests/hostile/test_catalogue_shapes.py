"""Catalogue shapes that used to blow up: one SKU on every row, a csv channel whose SKU header is ``sku``."""

from __future__ import annotations

import json
from pathlib import Path

from .harness import digests, refused, run_cli, small_project


def test_one_sku_on_every_row_reports_in_linear_memory(tmp_path: Path) -> None:
    rows = 20_000
    body = "".join(f"SAME,Lamp {i},10.00,1\n" for i in range(rows))
    config = small_project(tmp_path)
    (tmp_path / "master.csv").write_text("sku,title,price,quantity\n" + body, encoding="utf-8")
    before = digests([config, tmp_path / "master.csv"])
    run = run_cli("validate", "-c", str(config), "--format", "json", cwd=tmp_path, timeout=90)
    refused(run, codes=(1,))
    issues = [i for i in json.loads(run.out)["issues"] if i["code"] == "duplicate-sku"]
    assert len(issues) == rows
    assert "rows 2, 3, 4, 5, 6 and 19,995 more" in issues[0]["message"]
    assert max(len(i["message"]) for i in issues) < 200
    assert digests([config, tmp_path / "master.csv"]) == before


def test_a_csv_channel_whose_sku_header_is_sku_pushes(tmp_path: Path) -> None:
    (tmp_path / "pos.csv").write_text("sku,qty\nA-1,3\n", encoding="utf-8")
    channel = {
        "adapter": "csv",
        "export": "pos.csv",
        "feed": "out/pos.csv",
        "columns": {"sku": "sku", "quantity": "qty"},
    }
    config = small_project(tmp_path, {"pos": channel})
    before = digests([config, tmp_path / "master.csv", tmp_path / "pos.csv"])
    run = run_cli("push", "--no-upload", "--yes", "-c", str(config), cwd=tmp_path)
    assert run.code == 0, run.text
    assert (tmp_path / "out" / "pos.csv").read_text(encoding="utf-8") == "sku,qty\nA-1,5\nA-2,3\n"
    assert digests([config, tmp_path / "master.csv", tmp_path / "pos.csv"]) == before
    (tmp_path / "pos.csv").write_bytes((tmp_path / "out" / "pos.csv").read_bytes())  # the channel took the feed
    again = run_cli("diff", "--exit-code", "-c", str(config), cwd=tmp_path)
    assert again.code == 0, again.text
