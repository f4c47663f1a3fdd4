from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from chansync.errors import InputError, MissingColumnError
from chansync.fields import ROW
from chansync.sheet import cell_text, read_table
from tests.conftest import SAMPLES, write_xlsx

BROKEN = SAMPLES / "broken"


def test_semicolon_cp1252_with_dutch_headers() -> None:
    table = read_table(BROKEN / "semicolon-cp1252.csv")
    assert table.delimiter == ";" and table.encoding == "cp1252"
    assert table.headers == ["Artikelnummer", "Titel", "Prijs", "Voorraad"]
    assert table.frame["Titel"].tolist() == ["Café-mok", "Crème fraîche schaal € 5"]
    assert table.frame["Prijs"].tolist() == ["12,50", "5,00"]  # text: parsed later, on purpose


def test_utf16_tsv_and_utf8_bom(tmp_path: Path) -> None:
    table = read_table(BROKEN / "utf16.tsv")
    assert table.delimiter == "\t" and table.frame["title"].tolist() == ["Über-lamp"]
    bom = tmp_path / "bom.csv"
    bom.write_bytes(codecs.BOM_UTF8 + "sku,title\nA,Ærø\n".encode())
    assert read_table(bom).headers == ["sku", "title"]
    stray = tmp_path / "stray.csv"  # whitespace before the BOM, as some exporters write
    stray.write_bytes(b" \n" + codecs.BOM_UTF8 + b"sku,title\nA,b\n")
    assert read_table(stray).headers == ["sku", "title"]


def test_title_rows_above_the_header_keep_spreadsheet_row_numbers() -> None:
    table = read_table(BROKEN / "title-rows.csv", header_hints=["sku"])
    assert table.header_row == 3
    assert table.frame[ROW].tolist() == [4, 5]
    assert table.frame["sku"].tolist() == ["T-1", "T-2"]


def test_blank_lines_and_quoted_newlines_keep_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text('sku,description\nA,"two\nlines"\n\nB,plain\n', encoding="utf-8")
    table = read_table(path)
    assert table.frame[ROW].tolist() == [2, 4]
    assert table.frame["description"].tolist() == ["two\nlines", "plain"]


def test_ragged_rows_are_reported_and_numbered(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("sku,title,price\nA,a,1\nB,b,2,extra\nC,c\n", encoding="utf-8")
    table = read_table(path)
    assert table.frame["sku"].tolist() == ["A", "B", "C"] and table.frame[ROW].tolist() == [2, 3, 4]
    ragged = table.issues[0]
    assert ragged["row"].tolist() == [3, 4]
    assert "4 cells but the header has 3" in ragged.loc[0, "message"]


def test_every_cell_is_text_and_formula_cells_give_their_cached_value() -> None:
    table = read_table(SAMPLES / "master.xlsx", sheet="products", header_hints=["Artikelnummer"])
    assert table.header_row == 4
    rows = table.frame.set_index("Artikelnummer")
    assert rows.loc["TL-5003", "Actieprijs"] == "17.05"  # =ROUND(G*0.9,2), read from the cached value
    assert rows.loc["PD-9003", "EAN"] == "8710000090032"  # a numeric cell, never "8.71e+12"
    assert rows.loc["VL-1001", "Prijs"] == "34.95"
    assert all(str(dtype) == "str" for name, dtype in table.frame.dtypes.items() if name != ROW)


def test_cell_text() -> None:
    assert cell_text(12.0) == "12" and cell_text(12.5) == "12.5" and cell_text(8712345678906.0) == "8712345678906"
    assert cell_text(None) == "" and cell_text(True) == "TRUE"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "the file is empty"),
        ("not-really.xlsx", "is named .xlsx but is not a spreadsheet workbook"),
        ("truncated.xlsx", "is not a readable workbook"),
    ],
)
def test_unreadable_files(name: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_table(BROKEN / name)
    assert message in str(caught.value)


def test_header_only_and_unknown_sheet(tmp_path: Path) -> None:
    table = read_table(BROKEN / "header-only.csv")
    assert table.headers == ["sku", "title", "price"] and len(table.frame) == 0
    path = write_xlsx(tmp_path / "m.xlsx", {"products": [["sku"], ["A"]]})
    with pytest.raises(InputError, match="has no sheet named 'stock'; its sheets are 'products'"):
        read_table(path, sheet="stock")
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "nope.csv")


def test_reading_only_the_columns_asked_for(tmp_path: Path) -> None:
    """A diff needs a few of the master's columns: only those are parsed, with the same row numbers and the
    duplicate headers of the whole row still known."""
    path = tmp_path / "m.csv"
    path.write_text("sku,title,price,title,stock\nA,Mok,1,x,3\n,,,,\n,Bord,,y,\nB,Kom,2,z,4\n", encoding="utf-8")
    whole = read_table(path)
    some = read_table(path, keep=lambda header: [header.index("sku"), header.index("price")])
    assert some.headers == ["sku", "price"]
    assert some.frame["sku"].tolist() == ["A", "B"]  # the row with only a title is blank in what was read
    assert some.frame[ROW].tolist() == [2, 5]
    assert some.duplicates == whole.duplicates == {"title"}
    assert read_table(path, keep=lambda header: None).headers == whole.headers


def test_diff_reads_a_mapped_column_it_does_not_need(tmp_path: Path) -> None:
    """A column the config maps by name is still there to check when the channel does not carry its field."""
    from chansync.catalog import read_master
    from chansync.config import load_config
    from chansync.fields import Field

    (tmp_path / "m.csv").write_text("SKU,Naam,Prijs,Omschrijving\nA,Mok,1.50,lang\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text(
        "version: 1\nmaster:\n  file: m.csv\n  currency: EUR\n  columns: {sku: SKU, title: Naam, price: Prijs}\n"
        "channels: {}\n",
        encoding="utf-8",
    )
    config = load_config(str(tmp_path / "c.yaml"), env={})
    catalog = read_master(config, {Field.SKU, Field.PRICE})
    assert catalog.frame[Field.PRICE.value].tolist() == [150]
    (tmp_path / "m.csv").write_text("SKU,Prijs,Omschrijving\nA,1.50,lang\n", encoding="utf-8")
    with pytest.raises(MissingColumnError):  # a mapped column that is gone is an error for every command
        read_master(config, {Field.SKU, Field.PRICE})
