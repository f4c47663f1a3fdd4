"""The WooCommerce adapter: real and translated exports, the importer file it writes, round trip and variations."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from chansync.adapters.base import ChannelContext
from chansync.adapters.woocommerce import WooCommerceAdapter, WooCommerceSettings
from chansync.config import ChannelConfig
from chansync.errors import AdapterError
from tests.adapters.helpers import assert_no_changes, full_plan, sample_channel, write_feed
from tests.conftest import REAL_WORLD

REAL = REAL_WORLD / "woocommerce" / "sample_products.csv"


def adapter(header_map: dict[str, str] | None = None) -> WooCommerceAdapter:
    config = ChannelConfig.model_validate({"adapter": "woocommerce", "header_map": header_map or {}})
    return WooCommerceAdapter(ChannelContext("woo", config, WooCommerceSettings(), "EUR"))


@pytest.mark.skipif(not REAL.exists(), reason="../shared/real-world/ is not present in this checkout")
def test_reads_woocommerces_own_sample_file() -> None:
    frame = adapter().read_export(REAL, "sample_products.csv").frame.set_index("sku")
    assert len(frame) == 25
    variations = frame[frame["wc_type"].eq("variation")]
    assert len(variations) == 7 and len(frame) - len(variations) == 18
    assert variations.groupby("parent_sku").size().to_dict() == {"woo-hoodie": 4, "woo-vneck-tee": 3}
    red = frame.loc["woo-hoodie-red"]
    assert (red["price"], red["sale_price"], red["color"]) == (4500, 4200, "Red")
    assert pd.isna(frame.loc["woo-vneck-tee", "color"])  # a variable product lists every variation's colour
    assert frame.loc["wp-pennant", "price"] == 1105  # "11.05"
    assert frame.loc["woo-tshirt", "category"] == "Clothing > Tshirts"
    assert frame.loc["logo-collection", "additional_image_urls"].count(",") == 2


RUSSIAN = (
    'ID,Тип,Артикул,Имя,Опубликован,Описание,"В наличии?",Запасы,"Цена распродажи","Базовая цена",Категории,'
    'Изображения,Родительский,"Meta: _wpcom_is_markdown"\n'
    '10,simple,A-1,Чайник,1,"Первая строка\\nвторая",1,5,,12.50,Кухня > Посуда,,,1\n'
    "11,variable,B,Кружка,1,,1,,,,Кухня,,,\n"
    "12,variation,B-1,Кружка красная,1,,1,3,,4.5,,,id:11,\n"
    "13,simple,C-1,'=Формула,0,,0,0,,1,Кухня,,,\n"
)
RUSSIAN_MAP = {
    "Тип": "Type", "Артикул": "SKU", "Имя": "Name", "Опубликован": "Published", "Описание": "Description",
    "В наличии?": "In stock?", "Запасы": "Stock", "Цена распродажи": "Sale price", "Базовая цена": "Regular price",
    "Категории": "Categories", "Изображения": "Images", "Родительский": "Parent",
}  # fmt: skip


def test_a_translated_export_with_whitespace_before_its_bom(tmp_path: Path) -> None:
    path = tmp_path / "wc-product-export.csv"
    path.write_bytes(b"  \xef\xbb\xbf" + RUSSIAN.encode("utf-8"))
    with pytest.raises(AdapterError, match='no column "SKU", "Name"'):
        adapter().read_export(path, "export")
    frame = adapter(RUSSIAN_MAP).read_export(path, "export").frame.set_index("sku")
    assert list(frame.index) == ["A-1", "B", "B-1", "C-1"]
    assert frame.loc["A-1", "description"] == "Первая строка\nвторая"
    assert frame.loc["B-1", "parent_sku"] == "B"  # "id:11" resolved through the ID column
    assert (frame.loc["B-1", "price"], frame.loc["B-1", "quantity"]) == (450, 3)
    assert frame.loc["C-1", "title"] == "=Формула"  # the exporter's apostrophe is not part of the name
    assert not frame.loc["C-1", "_live"] and frame.loc["A-1", "_live"]


def test_the_dutch_sample_reads_through_the_config_header_map(monkeypatch: pytest.MonkeyPatch) -> None:
    current = sample_channel("woo", monkeypatch).plan.current
    assert len(current) == 40
    assert current.loc["JK-RAIN-BLA-M", ["parent_sku", "color", "size"]].tolist() == ["JK-RAIN", "blauw", "M"]
    assert current.loc["BR-3002", "quantity"] == 3
    assert current.loc["PD-9002", "description"].count("\n") == 1


def rows_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_round_trip_of_the_whole_catalogue(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    channel = sample_channel("woo", monkeypatch)
    files = write_feed(channel.adapter, channel, full_plan(channel), tmp_path)
    state = adapter().read_export(files["-new"], "feed")  # the feed is in English: no header map needed
    assert_no_changes(channel, state)


def test_variations_follow_their_parent_with_their_own_values(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    channel = sample_channel("woo", monkeypatch)
    files = write_feed(channel.adapter, channel, full_plan(channel), tmp_path)
    rows = rows_of(files["-new"])
    order = [r["SKU"] for r in rows]
    for parent in ("JK-RAIN", "HM-URBAN", "GL-WINTER"):
        children = [r for r in rows if r["Parent"] == parent]
        assert all(order.index(parent) < order.index(c["SKU"]) for c in children)
        assert all(c["Type"] == "variation" for c in children)
    jacket = next(r for r in rows if r["SKU"] == "JK-RAIN")
    assert jacket["Type"] == "variable"
    assert (jacket["Attribute 1 value(s)"], jacket["Attribute 2 value(s)"]) == ("zwart, blauw", "S, M, L")
    desired = channel.desired.frame.set_index("sku")
    for row in (r for r in rows if r["Parent"] == "JK-RAIN"):
        sku = row["SKU"]
        assert row["Stock"] == str(desired.loc[sku, "quantity"])
        assert row["Regular price"] == f"{desired.loc[sku, 'price'] / 100:.2f}"
        assert (row["Attribute 1 value(s)"], row["Attribute 2 value(s)"]) == tuple(desired.loc[sku, ["color", "size"]])


def test_the_update_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    channel = sample_channel("woo", monkeypatch)
    files = write_feed(channel.adapter, channel, channel.plan, tmp_path)
    rows = {r["SKU"]: r for r in rows_of(files["-update"])}
    new = {r["SKU"]: r for r in rows_of(files["-new"])}
    assert rows["OLD-0003"]["Published"] == "-1"  # delisted: a draft, never deleted
    assert rows["BT-8001"]["Published"] == "1"  # private in the shop, active in the master: published again
    assert rows["BR-3002"]["ID"] != "" and new["HM-URBAN"]["ID"] == ""  # updates by ID, creates by SKU
    assert "HM-URBAN" not in rows and not set(new) & set(rows)  # one file per run of the importer
    assert rows["BR-3002"]["In stock?"] == "1"
    assert "JK-RAIN-ZWA-S" not in rows  # unchanged items are not in the file
