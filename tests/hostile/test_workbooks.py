"""Workbooks that make a reader allocate gigabytes or abort: a far-away cell, a zip bomb, a password, a panic."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from chansync.errors import InputError
from chansync.sheet import read_table

from .harness import digests, refused, run_cli, write_yaml


def _book(path: Path, far: str | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["sku", "title", "price", "quantity"])
    sheet.append(["A-1", "Lamp", "10.00", 5])
    if far:
        sheet[far] = "x"
    book.save(path)
    return path


def _rewrite(path: Path, change: Callable[[bytes], bytes]) -> Path:
    """The workbook with each worksheet part passed through ``change``."""
    parts = {}
    with zipfile.ZipFile(path) as book:
        for info in book.infolist():
            data = book.read(info.filename)
            parts[info.filename] = change(data) if info.filename.startswith("xl/worksheets/") else data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return path


def _no_dimension(data: bytes) -> bytes:
    return re.sub(rb"<dimension[^>]*/>", b"", data)


def _check(folder: Path, name: str, *says: str) -> None:
    config = write_yaml(folder / "channels.yaml", {"version": 1, "master": {"file": name}})
    before = digests([config, folder / name])
    run = run_cli("validate", "-c", str(config), cwd=folder, timeout=60)
    refused(run, codes=(2,), says=[name, *says])
    assert digests([config, folder / name]) == before


@pytest.mark.parametrize("far", ["XFD1048576", "Z1048576"])
def test_a_far_away_cell_is_refused_before_reading(tmp_path: Path, far: str) -> None:
    _book(tmp_path / "master.xlsx", far)
    _check(tmp_path, "master.xlsx", "cells chansync reads from a sheet")


def test_a_far_away_cell_without_a_dimension_is_found(tmp_path: Path) -> None:
    _rewrite(_book(tmp_path / "master.xlsx", "XFD1048576"), _no_dimension)
    _check(tmp_path, "master.xlsx", "cells chansync reads from a sheet")


def test_a_lying_dimension_and_a_column_beyond_excel_is_refused(tmp_path: Path) -> None:
    def lie(data: bytes) -> bytes:
        data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:D3"', data)
        return data.replace(b'r="Z3"', b'r="ZZZZZZZZZZZZZ3"')

    _rewrite(_book(tmp_path / "master.xlsx", "Z3"), lie)
    _check(tmp_path, "master.xlsx", "cells chansync reads from a sheet")


def test_a_zip_bomb_of_empty_rows_is_refused(tmp_path: Path) -> None:
    def bomb(data: bytes) -> bytes:
        end = data.index(b"</sheetData>")
        return data[:end] + b'<row r="3"></row>' * 12_000_000 + data[end:]  # ~200 MB that zips to ~0.5 MB

    _rewrite(_book(tmp_path / "master.xlsx"), bomb)
    assert (tmp_path / "master.xlsx").stat().st_size < 2 << 20
    _check(tmp_path, "master.xlsx", "unpacks to")


def test_a_password_protected_workbook_says_so(tmp_path: Path) -> None:
    """Excel encrypts a workbook into an OLE container whose directory names an ``EncryptedPackage`` stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    entry = "EncryptedPackage".encode("utf-16-le").ljust(128, b"\x00")
    (tmp_path / "master.xlsx").write_bytes(header + bytes(512) + entry + bytes(4096))
    _check(tmp_path, "master.xlsx", "password-protected")


def test_trailing_empty_rows_are_trimmed(tmp_path: Path) -> None:
    def blank_rows(data: bytes) -> bytes:
        end = data.index(b"</sheetData>")
        rows = b"".join(
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t></t></is></c></row>' % (n, n) for n in range(3, 50)
        )
        return data[:end] + rows + data[end:]

    _rewrite(_book(tmp_path / "master.xlsx"), blank_rows)
    table = read_table(tmp_path / "master.xlsx")
    assert len(table.frame) == 1


class _Panic(BaseException):
    """What python-calamine raises when its Rust code panics: not an Exception."""


def test_a_reader_panic_is_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def panic(*args: object) -> None:
        raise _Panic("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr("chansync.sheet._calamine_rows", panic)
    with pytest.raises(InputError, match="is not a readable workbook"):
        read_table(_book(tmp_path / "master.xlsx"), display="master.xlsx")


def test_rows_with_other_attributes_first_are_counted(tmp_path: Path) -> None:
    def spans_first(data: bytes) -> bytes:
        return _no_dimension(data).replace(b"<row r=", b'<row spans="1:26" r=')

    _rewrite(_book(tmp_path / "master.xlsx", "Z900000"), spans_first)
    _check(tmp_path, "master.xlsx", "cells chansync reads from a sheet")


def _ods(path: Path, tail: str) -> Path:
    """A minimal OpenDocument spreadsheet: a header, one product, then ``tail`` (more table rows)."""

    def cell(text: str) -> str:
        return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'

    rows = "".join(
        "<table:table-row>" + "".join(cell(v) for v in values) + "</table:table-row>"
        for values in (["sku", "title", "price", "quantity"], ["A-1", "Lamp", "10.00", "5"])
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="S">{rows}{tail}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", content)
        book.writestr("META-INF/manifest.xml", manifest)
    return path


def test_an_opendocument_row_repeated_with_a_value_is_refused(tmp_path: Path) -> None:
    filled = (
        '<table:table-row table:number-rows-repeated="200000"><table:table-cell table:number-columns-repeated="200" '
        'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
    )
    _ods(tmp_path / "master.ods", filled)
    _check(tmp_path, "master.ods", "repeated rows expand to 40,000,000 cells")


def test_opendocument_empty_rows_repeated_below_the_data_are_read(tmp_path: Path) -> None:
    empty = (
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    config = write_yaml(tmp_path / "channels.yaml", {"version": 1, "master": {"file": "master.ods"}})
    _ods(tmp_path / "master.ods", empty)
    run = run_cli("validate", "-c", str(config), cwd=tmp_path, timeout=60)
    assert run.code == 0, run.text
    assert "1 product row ·" in run.text
