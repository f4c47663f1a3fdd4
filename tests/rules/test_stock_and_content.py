from __future__ import annotations

from pathlib import Path

import pandas as pd

from chansync.catalog import read_master
from chansync.config import load_config
from tests.conftest import MasterFactory, check, write_config, write_xlsx


def test_quantity_must_be_a_non_negative_whole_number(master: MasterFactory) -> None:
    found = check(
        master(
            "sku,title,price,Voorraad\nA,a,1,3\nB,b,1,-3\nC,c,1,2.5\nD,d,1,ten\nE,e,1,4.0\n",
            columns={"quantity": "Voorraad"},
        ),
        "quantity-invalid",
    )
    assert found["row"].tolist() == [3, 4, 5] and set(found["column"]) == {"Voorraad"}
    assert found["message"].tolist() == [
        'The quantity "-3" is negative; stock must be 0 or more.',
        'The quantity "2.5" is not a whole number.',
        'The quantity "ten" is not a number.',
    ]


def test_stock_sheet_unknown_sku_and_doubled_location(tmp_path: Path) -> None:
    write_xlsx(
        tmp_path / "m.xlsx",
        {
            "products": [["sku", "title", "price"], ["A", "a", 1], ["B", "b", 2], ["C", "c", 3]],
            "stock": [
                ["SKU", "Locatie", "Aantal"],
                ["A", "shop", 2],
                ["A", "depot", 5],
                ["X", "shop", 1],
                ["B", "shop", 1],
                ["B", "shop", 4],
                ["C", "depot", "-1"],
            ],
        },
    )
    write_config(
        tmp_path,
        {
            "file": "m.xlsx",
            "sheet": "products",
            "stock_sheet": "stock",
            "stock_columns": {"location": "Locatie", "quantity": "Aantal"},
        },
    )
    config = load_config(tmp_path / "channels.yaml", env={})
    unknown = check(config, "stock-unknown-sku")
    assert unknown[["sheet", "row", "column", "sku"]].values.tolist() == [["stock", 4, "SKU", "X"]]
    doubled = check(config, "stock-duplicate-location")
    assert doubled[["row", "column", "sku", "field"]].values.tolist() == [[6, "Locatie", "B", "quantity"]]
    assert doubled.loc[0, "message"].startswith('SKU "B" at location "shop" is already in row 5')
    bad = check(config, "quantity-invalid")
    assert bad[["sheet", "row", "column"]].values.tolist() == [["stock", 7, "Aantal"]]
    catalog = read_master(config)
    assert catalog.stock is not None
    totals = catalog.stock.totals(["shop"])
    assert totals["A"] == 2 and totals.isna()["B"]  # B's stock at shop is ambiguous
    assert catalog.stock.totals()["A"] == 7
    assert catalog.stock.totals(["depot"])["A"] == 5
    assert pd.isna(catalog.stock.totals(["nowhere"])["A"])  # a location typo never zeroes the stock


def test_links_conditions_statuses_lengths(master: MasterFactory) -> None:
    config = master(
        "sku,title,price,image_url,product_url,condition,status,description\n"
        "A,a,1,https://x.nl/a.jpg,https://x.nl/a,new,active,ok\n"
        f"B,{'t' * 151},1,ftp://x/y.jpg,www.x.nl/b,mint,deleted,{'d' * 5001}\n"
        "C,c,1,,,Used,INACTIVE,\n",
    )
    urls = check(config, "url-invalid")
    assert urls[["row", "column"]].values.tolist() == [[3, "image_url"], [3, "product_url"]]
    assert (
        urls.loc[0, "message"]
        == 'The image URL "ftp://x/y.jpg" is not a web address starting with http:// or https://.'
    )
    assert check(config, "condition-invalid")["row"].tolist() == [3]
    status = check(config, "status-invalid")
    assert status["row"].tolist() == [3] and "active, inactive" in status.loc[0, "message"]
    title = check(config, "title-too-long")
    assert title["row"].tolist() == [3] and title.loc[0, "severity"] == "warning"
    assert "151 characters" in title.loc[0, "message"]
    assert check(config, "description-too-long")["row"].tolist() == [3]
