"""Terminal output never carries raw control bytes from data, nor runs rich markup or ``:emoji:`` codes in it."""

from __future__ import annotations

from pathlib import Path

from .harness import digests, refused, run_cli, small_project

TITLE = "Lamp \x1b[2J\x1b]0;owned\x07 :fire: [bold red]loud[/] \x9b31m"


def _clean(text: str) -> None:
    assert not any((ord(c) < 32 and c not in "\n\t") or 127 <= ord(c) < 160 for c in text), repr(text[-2000:])
    assert "🔥" not in text


def test_a_title_with_escape_codes_is_shown_escaped(tmp_path: Path) -> None:
    (tmp_path / "pos.csv").write_text("sku,name\nA-1,Lamp\n", encoding="utf-8")
    pos = {"adapter": "csv", "export": "pos.csv", "feed": "out/pos.csv", "columns": {"sku": "sku", "title": "name"}}
    config = small_project(tmp_path, {"pos": pos})
    master = tmp_path / "master.csv"
    master.write_text(f'sku,title,price,quantity\nA-1,"{TITLE}",10.00,5\nB\x07[b]2:fire:,Chair,1,1\n', encoding="utf-8")
    for command in (["diff"], ["validate"], ["push", "--dry-run", "--yes"]):
        run = run_cli(*command, "-c", str(config), cwd=tmp_path)
        assert run.code in (0, 1), run.text
        _clean(run.text)
    run = run_cli("diff", "-c", str(config), cwd=tmp_path)
    assert "\\x1b[2J" in run.out and ":fire: [bold red]" in run.out and "B\\x07[b]2:fire:" in run.out


def test_a_header_with_markup_in_an_error_message_is_printed_as_written(tmp_path: Path) -> None:
    (tmp_path / "pos.csv").write_text("[/]Item,qty\x1b[2J\nA-1,5\n", encoding="utf-8")
    pos = {"adapter": "csv", "export": "pos.csv", "feed": "out/pos.csv", "columns": {"sku": "sku", "quantity": "qty"}}
    config = small_project(tmp_path, {"pos": pos})
    before = digests([config, tmp_path / "master.csv", tmp_path / "pos.csv"])
    run = run_cli("diff", "-c", str(config), cwd=tmp_path)
    refused(run, says=["pos.csv", "[/]Item", "qty\\x1b[2J"])
    _clean(run.text)
    assert digests([config, tmp_path / "master.csv", tmp_path / "pos.csv"]) == before


def test_an_error_quoting_a_huge_header_is_cut_short(tmp_path: Path) -> None:
    (tmp_path / "pos.csv").write_text("H" * 1_000_000 + ",qty\nA-1,5\n", encoding="utf-8")
    pos = {"adapter": "csv", "export": "pos.csv", "feed": "out/pos.csv", "columns": {"sku": "sku", "quantity": "qty"}}
    config = small_project(tmp_path, {"pos": pos})
    run = run_cli("diff", "-c", str(config), cwd=tmp_path)
    refused(run, says=["pos.csv", "more characters"])
    assert len(run.text) < 5000


def test_a_huge_sku_is_cut_in_the_plan(tmp_path: Path) -> None:
    (tmp_path / "pos.csv").write_text("sku,qty\nA-1,5\n", encoding="utf-8")
    pos = {"adapter": "csv", "export": "pos.csv", "feed": "out/pos.csv", "columns": {"sku": "sku", "quantity": "qty"}}
    config = small_project(tmp_path, {"pos": pos})
    (tmp_path / "master.csv").write_text(f"sku,title,price,quantity\n{'S' * 500_000},Lamp,10,5\n", encoding="utf-8")
    for command in ("diff", "validate"):
        run = run_cli(command, "-c", str(config), cwd=tmp_path)
        assert run.code in (0, 1), run.text[-2000:]
        assert len(run.text) < 20_000
