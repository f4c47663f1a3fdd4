"""channels.yaml values that crashed or flooded the error message: alias bombs, numbers of thousands of digits,
keys given twice, secrets of the wrong type; and a master whose mapped header appears twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from .harness import MASTER_CSV, digests, refused, run_cli

BOMB = "".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n" for n in range(1, 10))


def _config(folder: Path, text: str) -> Path:
    (folder / "master.csv").write_text(MASTER_CSV, encoding="utf-8")
    path = folder / "channels.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _refused_briefly(
    folder: Path, text: str, *says: str, secret: str | None = None, commands: tuple[str, ...] = ("validate",)
) -> str:
    config = _config(folder, text)
    before = digests([config, folder / "master.csv"])
    for command in [["validate"], ["diff"], ["push", "--no-upload", "--yes"]][: len(commands)]:
        run = run_cli(*command, "-c", str(config), cwd=folder, timeout=60)
        refused(run, codes=(2,), says=["channels.yaml", *says])
        assert len(run.text) < 1500, run.text[:3000]
        if secret:
            assert secret not in run.text
    assert digests([config, folder / "master.csv"]) == before
    return run.text


def test_an_alias_bomb_is_not_expanded(tmp_path: Path) -> None:
    text = "l0: &l0 [lol]\n" + BOMB
    config = f"version: 1\n{text}master: {{file: master.csv, currency: *l9}}\n"
    _refused_briefly(tmp_path, config, "aliases", commands=("validate", "diff", "push"))


def test_a_small_alias_bomb_value_is_shown_cut_short(tmp_path: Path) -> None:
    text = "l0: &l0 [lol]\n" + BOMB[: BOMB.index("l4:")]
    _refused_briefly(tmp_path, f"version: 1\n{text}master: {{file: master.csv, currency: *l3}}\n", "master.currency")


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        ("stock: {buffer: " + "9" * 400 + "}", "400 digits"),
        ("stock: {buffer: " + "9" * 30 + "}", "channels.pos.stock.buffer"),
        ("price: {markup_percent: 1e999999}", "channels.pos.price.markup_percent"),
        ("price: {markup_percent: 1.0e+999999}", "channels.pos.price.markup_percent"),
        ("price: {markup_percent: .nan}", "channels.pos.price.markup_percent"),
        ("price: {add: 1e400}", "channels.pos.price.add"),
        ("price: {markup_percent: '1e-999999'}", "decimal places"),
        ("price: {rate: '1e-999999', currency: USD}", "channels.pos.price.rate"),
        ("upload: {type: http, url: 'http://127.0.0.1/x', timeout: 1e300}", "timeout"),
    ],
)
def test_huge_numbers_are_refused(tmp_path: Path, setting: str, says: str) -> None:
    channel = "{adapter: csv, export: master.csv, feed: out/pos.csv, columns: {sku: sku}, " + setting + "}"
    _refused_briefly(tmp_path, f"version: 1\nmaster: {{file: master.csv}}\nchannels:\n  pos: {channel}\n", says)


def test_a_header_row_of_5000_digits_is_refused(tmp_path: Path) -> None:
    _refused_briefly(tmp_path, f"version: 1\nmaster: {{file: master.csv, header_row: {'7' * 5000}}}\n", "5,000 digits")


def test_a_long_value_is_echoed_cut_short(tmp_path: Path) -> None:
    _refused_briefly(tmp_path, f"version: 1\nmaster: {{file: master.csv, currency: {'E' * 100_000}}}\n", "currency")


def test_a_key_given_twice_is_an_error_naming_it(tmp_path: Path) -> None:
    text = "version: 1\nmaster:\n  file: master.csv\nchannels: {}\nmaster:\n  file: other.csv\n"
    _refused_briefly(tmp_path, text, "'master' is given twice", "line 5")


@pytest.mark.parametrize("value", ["[ck_live_123456]", "{a: ck_live_123456}", "123456789"])
def test_a_secret_of_the_wrong_type_is_never_echoed(tmp_path: Path, value: str) -> None:
    upload = f"{{type: woocommerce_api, url: 'https://shop.example', key: {value}, secret: '${{WC_SECRET}}'}}"
    channel = f"{{adapter: woocommerce, export: api, upload: {upload}}}"
    text = f"version: 1\nmaster: {{file: master.csv}}\nchannels:\n  shop: {channel}\n"
    _refused_briefly(tmp_path, text, "channels.shop.upload.key", secret="123456")


def test_a_mapped_header_given_twice_is_an_error(tmp_path: Path) -> None:
    config = _config(tmp_path, "version: 1\nmaster: {file: master.csv, columns: {price: Prijs}}\n")
    master = tmp_path / "master.csv"
    master.write_text("sku,title,Prijs,quantity,prijs\nA-1,Lamp,10.00,5,12.00\n", encoding="utf-8")
    before = digests([config, master])
    run = run_cli("validate", "-c", str(config), cwd=tmp_path)
    refused(run, says=["master.csv", "'Prijs' appears in more than one column"])
    assert digests([config, master]) == before


def test_an_unused_header_given_twice_is_a_warning(tmp_path: Path) -> None:
    config = _config(tmp_path, "version: 1\nmaster: {file: master.csv}\n")
    (tmp_path / "master.csv").write_text("sku,title,price,quantity,note,Note\nA-1,Lamp,10,5,a,b\n", encoding="utf-8")
    run = run_cli("validate", "-c", str(config), cwd=tmp_path)
    assert run.code == 0, run.text
    assert "duplicate-header" in run.text


def test_deeply_nested_yaml_is_refused(tmp_path: Path) -> None:
    _refused_briefly(tmp_path, "version: 1\nmaster: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply")


def test_a_long_key_is_echoed_cut_short(tmp_path: Path) -> None:
    key = "k" * 1000  # YAML's longest implicit key is 1024 characters
    text = _refused_briefly(tmp_path, f"version: 1\nmaster: {{file: master.csv, columns: {{{key}: x}}}}\n", "unknown")
    assert key[:100] not in text
    text = _refused_briefly(tmp_path, f"version: 1\nmaster: {{file: master.csv}}\nchannels: {{'{key}/': {{}}}}\n")
    assert key[:100] not in text
