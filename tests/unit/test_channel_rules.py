"""Channel rules turn the master into one channel's desired state: filters, overrides, stock and value maps."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from chansync.adapters.base import SKIP, WANTED
from chansync.adapters.registry import Registry
from chansync.channel_rules import apply_stock_rules
from chansync.config import StockRules, load_config
from chansync.validation import validate
from tests.conftest import write_config, write_xlsx

MASTER = [
    ["sku", "title", "price", "price@pos", "brand", "category", "status", "condition", "parent_sku"],
    ["A", "Lamp", "10.00", "", "Lumo", "Home > Lighting", "active", "new", ""],
    ["B", "Bel", "4.50", "3.99", "Ring", "Bikes > Parts", "active", "used", ""],
    ["C", "Oud", "5.00", "", "Lumo", "Home", "inactive", "new", ""],
    ["D", "Acme mok", "7.00", "", "Acme", "Kitchen", "active", "new", ""],
    ["E", "Fout", "abc", "", "Lumo", "Home", "active", "new", ""],
    ["J", "Jas", "", "", "Tasman", "Clothing", "active", "new", ""],
    ["J-S", "Jas S", "20.00", "", "Tasman", "Clothing", "active", "new", "J"],
]
STOCK = [["sku", "location", "quantity"], ["A", "shop", 5], ["A", "depot", 10], ["B", "shop", 1], ["D", "depot", 3],
         ["E", "shop", 2], ["J-S", "shop", 4]]  # fmt: skip


def desired(tmp_path: Path, channel: dict) -> pd.DataFrame:
    write_xlsx(tmp_path / "m.xlsx", {"products": MASTER, "stock": STOCK})
    base = {"adapter": "csv", "columns": {"sku": "SKU", "price": "Price", "quantity": "Qty", "condition": "Cond",
                                          "category": "Cat"}}  # fmt: skip
    write_config(tmp_path, {"file": "m.xlsx", "sheet": "products", "stock_sheet": "stock"}, {"pos": base | channel})
    result = validate(load_config(tmp_path / "channels.yaml", env={}), registry=Registry.discover())
    return result.channels["pos"].desired.frame.set_index("sku")


def test_filters_overrides_and_skips(tmp_path: Path) -> None:
    frame = desired(tmp_path, {"filter": {"exclude_brands": ["acme"], "include_categories": ["Home", "Bikes"]}})
    wanted = frame[WANTED]
    assert wanted["A"] and wanted["B"]  # "Home > Lighting" is under "Home"
    assert not wanted["C"]  # inactive
    assert not wanted["D"]  # excluded brand (case-insensitive)
    assert not wanted["J"] and not wanted["J-S"]  # Clothing is not included; parents are never listed on a till
    assert frame.loc["B", "price"] == 399  # price@pos wins over every rule
    assert frame.loc["E", SKIP] == "price-invalid" and frame.loc["A", SKIP] == ""


def test_price_and_stock_rules(tmp_path: Path) -> None:
    frame = desired(
        tmp_path,
        {"price": {"markup_percent": 10, "round_to": 0.95}, "stock": {"locations": ["shop"], "buffer": 1, "max": 3}},
    )
    assert frame.loc["A", "price"] == 1195  # 10.00 * 1.10 = 11.00 -> 11.95
    assert frame.loc["A", "quantity"] == 3  # shop 5, minus buffer 1, capped at 3
    assert frame.loc["B", "quantity"] == 0  # 1 - 1
    assert frame.loc["D", "quantity"] == 0  # in the stock sheet, but not at the shop
    assert pd.isna(frame.loc["C", "quantity"])  # no stock row at all: unknown, left as is


def test_field_and_category_maps(tmp_path: Path) -> None:
    frame = desired(tmp_path, {"field_map": {"condition": {"used": "USED"}},
                               "category_map": {"Home > Lighting": "Verlichting"}})  # fmt: skip
    assert frame.loc["B", "condition"] == "USED" and frame.loc["A", "condition"] == "new"
    assert frame.loc["A", "category"] == "Verlichting"


def test_stock_rules_keep_unknown_and_zero_below() -> None:
    rules = StockRules(buffer=2, zero_below=3)
    out = apply_stock_rules(pd.Series([10, 4, 1, None], dtype="Int64"), rules)
    assert out.tolist()[:3] == [8, 0, 0] and pd.isna(out.iloc[3])  # 4-2 = 2 is below 3: offered as 0
