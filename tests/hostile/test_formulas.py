"""Cells a spreadsheet would run as formulas: quoted or neutralised in every feed, and read back exactly."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from .harness import digests, run_cli, write_yaml

TITLES = ["Lamp;=cmd|' /C calc'!A0", '=HYPERLINK("http://x")', "'=already quoted", "Tab\there", "-5", "@SUM(A1)"]


def _master(folder: Path, titles: list[str] = TITLES) -> Path:
    rows = [["sku", "title", "price", "quantity", "color"]]
    rows += [[f"A-{i}", title, "10.00", "5", "=red" if i == 1 else "Blue"] for i, title in enumerate(titles)]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path = folder / "master.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_a_csv_feed_quotes_and_neutralises_and_reads_back_unchanged(tmp_path: Path) -> None:
    master = _master(tmp_path)
    (tmp_path / "pos.csv").write_text("ItemCode,Name\n", encoding="utf-8")
    pos = {
        "adapter": "csv",
        "export": "pos.csv",
        "feed": "out/pos.csv",
        "columns": {"sku": "ItemCode", "title": "Name"},
    }
    config = write_yaml(
        tmp_path / "channels.yaml", {"version": 1, "master": {"file": "master.csv"}, "channels": {"pos": pos}}
    )
    before = digests([config, master])
    run = run_cli("push", "--no-upload", "--yes", "-c", str(config), cwd=tmp_path)
    assert run.code == 0, run.text
    feed = (tmp_path / "out" / "pos.csv").read_text(encoding="utf-8")
    assert "A-0,\"Lamp;=cmd|' /C calc'!A0\"\n" in feed  # quoted: Excel with a ; delimiter keeps it one cell
    assert 'A-1,"\'=HYPERLINK(""http://x"")"\n' in feed
    assert "A-2,''=already quoted\n" in feed and "A-4,-5\n" in feed and "A-5,'@SUM(A1)\n" in feed
    assert 'A-3,"Tab\there"\n' in feed
    assert digests([config, master]) == before
    shutil.copy(tmp_path / "out" / "pos.csv", tmp_path / "pos.csv")  # the channel took the feed
    again = run_cli("diff", "--exit-code", "-c", str(config), cwd=tmp_path)
    assert again.code == 0, again.text


def test_a_woocommerce_feed_neutralises_every_column_the_importer_unescapes(tmp_path: Path) -> None:
    _master(tmp_path, [t for t in TITLES if not t.startswith("'")])  # WooCommerce's own format cannot tell "'=" apart
    (tmp_path / "woo.csv").write_text("ID,Type,SKU,Name,Published,Regular price,Stock\n", encoding="utf-8")
    shop = {"adapter": "woocommerce", "export": "woo.csv", "feed": "out/woo.csv"}
    config = write_yaml(
        tmp_path / "channels.yaml", {"version": 1, "master": {"file": "master.csv"}, "channels": {"shop": shop}}
    )
    run = run_cli("push", "--no-upload", "--yes", "-c", str(config), cwd=tmp_path)
    assert run.code == 0, run.text
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "woo-new.csv").read_text(encoding="utf-8-sig"))))
    by_sku = {r["SKU"]: r for r in rows}
    assert by_sku["A-1"]["Attribute 1 value(s)"] == "'=red"
    assert by_sku["A-1"]["Name"] == '\'=HYPERLINK("http://x")'
    assert "\"Lamp;=cmd|' /C calc'!A0\"" in (tmp_path / "out" / "woo-new.csv").read_text(encoding="utf-8-sig")
    shutil.copy(tmp_path / "out" / "woo-new.csv", tmp_path / "woo.csv")
    again = run_cli("diff", "--exit-code", "-c", str(config), cwd=tmp_path)
    assert again.code == 0, again.text
