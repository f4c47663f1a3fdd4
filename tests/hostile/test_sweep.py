"""A sweep of unlucky inputs: each ends as exit 0, 1 or 2 with a message, never as the internal error 70."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from .harness import MASTER_CSV, digests, refused, run_cli


def _truncated_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("xl/workbook.xml", "<x/>" * 1000)
    return buffer.getvalue()[:200]


MASTER = "version: 1\nmaster: {file: master.csv}\n"


def _export(adapter: str, name: str) -> str:
    return MASTER + f"channels: {{x: {{adapter: {adapter}, export: {name}}}}}\n"


CASES: dict[str, tuple[str | bytes, dict[str, bytes]]] = {
    "empty config": ("", {}),
    "config is a list": ("- a\n- b\n", {}),
    "config is binary": (b"\x00\x01\x02PK", {}),
    "config not UTF-8": (b"version: 1\nmaster: {file: m\xff.csv}\n", {}),
    "python tag": ("version: 1\nmaster: !!python/object:os.system {file: master.csv}\n", {}),
    "master is a folder": ("version: 1\nmaster: {file: .}\n", {}),
    "garbage xlsx": ("version: 1\nmaster: {file: g.xlsx}\n", {"g.xlsx": b"PK\x03\x04garbage" * 10}),
    "truncated xlsx": ("version: 1\nmaster: {file: t.xlsx}\n", {"t.xlsx": _truncated_zip()}),
    "garbage xls": ("version: 1\nmaster: {file: o.xls}\n", {"o.xls": b"\xd0\xcf\x11\xe0" + bytes(600)}),
    "header only": ("version: 1\nmaster: {file: h.csv}\n", {"h.csv": b"sku,title\n"}),
    "broken UTF-16": ("version: 1\nmaster: {file: u.csv}\n", {"u.csv": b"\xff\xfe" + b"\x00\xd8" * 50}),
    "one byte": ("version: 1\nmaster: {file: one.csv}\n", {"one.csv": b"x"}),
    "header_row below the data": ("version: 1\nmaster: {file: master.csv, header_row: 99}\n", {}),
    "unknown encoding": ("version: 1\nmaster: {file: master.csv, encoding: klingon}\n", {}),
    "missing stock file": ("version: 1\nmaster: {file: master.csv, stock_sheet: s.csv}\n", {}),
    "unknown adapter": (MASTER + "channels: {x: {adapter: nope}}\n", {}),
    "export is a folder": (MASTER + "channels: {x: {adapter: csv, export: ., columns: {sku: sku}}}\n", {}),
    "binary woocommerce export": (_export("woocommerce", "w.csv"), {"w.csv": b"\0\1"}),
    "empty woocommerce export": (_export("woocommerce", "w.csv"), {"w.csv": b"ID,SKU,Name\n"}),
    "cut-off Google feed": (_export("google_merchant", "g.xml"), {"g.xml": b"<rss><channel><item>"}),
    "XML entity bomb": (
        _export("google_merchant", "g.xml"),
        {
            "g.xml": b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b"<rss><channel><item><title>&b;</title></item></channel></rss>"
        },
    ),
    "binary Amazon report": (_export("amazon", "a.txt"), {"a.txt": b"\xff\xfe\x00"}),
    "empty Shopify export": (_export("shopify", "s.csv"), {"s.csv": b"Handle,Variant SKU\n"}),
    "empty Meta export": (_export("meta", "b.csv"), {"b.csv": b"id,title\n"}),
    "bol.com without a GTIN column": (_export("bol", "b.csv"), {"b.csv": b"offerId,ean\n"}),
}


@pytest.mark.parametrize(("config", "files"), list(CASES.values()), ids=list(CASES))
def test_unlucky_input_ends_with_a_message(tmp_path: Path, config: str | bytes, files: dict[str, bytes]) -> None:
    (tmp_path / "master.csv").write_text(MASTER_CSV, encoding="utf-8")
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    path = tmp_path / "channels.yaml"
    path.write_bytes(config if isinstance(config, bytes) else config.encode())
    inputs = [path, tmp_path / "master.csv", *(tmp_path / n for n in files)]
    before = digests(inputs)
    for command in (["validate"], ["diff"]):
        run = run_cli(*command, "-c", str(path), cwd=tmp_path, timeout=60)
        if run.code:
            refused(run, codes=(1, 2))
            assert run.text.strip(), "an error exit says why"
        else:
            assert "Traceback" not in run.text
    assert digests(inputs) == before
