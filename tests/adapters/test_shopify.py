"""The Shopify adapter: real and unseen exports, the feed it writes, round trip and variants."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from chansync.adapters.base import ChannelContext
from chansync.adapters.shopify import ShopifyAdapter, ShopifySettings
from chansync.config import ChannelConfig
from chansync.errors import AdapterError
from chansync.validation import validate
from tests.adapters.helpers import assert_no_changes, full_plan, sample_channel, with_settings, write_feed
from tests.conftest import REAL_WORLD, REPO

REAL = REAL_WORLD / "shopify" / "product_template.csv"


def adapter(**settings: object) -> ShopifyAdapter:
    mapped = {k: v for k, v in settings.items() if k == "header_map"}
    config = ChannelConfig.model_validate({"adapter": "shopify", **mapped})
    own = {k: v for k, v in settings.items() if k != "header_map"}
    return ShopifyAdapter(ChannelContext("shop", config, ShopifySettings(**own), "EUR"))


@pytest.mark.skipif(not REAL.exists(), reason="../shared/real-world/ is not present in this checkout")
def test_reads_shopifys_own_sample_export() -> None:
    state = adapter().read_export(REAL, "product_template.csv")
    frame = state.frame.set_index("sku")
    assert state.frame["handle"].nunique() == 3
    assert len(frame) == 16
    assert frame.groupby("handle").size().to_dict() == {"example-hat": 1, "example-pants": 3, "example-shirt": 12}
    shirt = frame.loc["SRT_COT_122"]
    assert (shirt["title"], shirt["color"], shirt["size"], shirt["price"]) == ("Example T-Shirt", "Green", "M", 2500)
    hat = frame.loc["HAT_GRY_275"]
    assert (hat["price"], hat["sale_price"]) == (2299, 1799)  # compare-at is the price, the variant price the sale
    assert frame.loc["PNT_DEN_305", "quantity"] == 15
    assert not frame.loc["HAT_GRY_275", "_live"]  # archived
    assert frame.loc["SRT_COT_111", "gtin"] == "3.65275E+11"  # a mangled barcode is kept as found, then replaced


def test_reads_the_current_dialect_with_stock_from_the_inventory_export(monkeypatch: pytest.MonkeyPatch) -> None:
    channel = sample_channel("webshop", monkeypatch)
    current = channel.plan.current
    assert len(current) == 36 and current["handle"].nunique() == 30
    assert current.loc["VL-1003", "quantity"] == 9  # from the inventory file at location Magazijn
    assert list(current.loc[current["handle"].eq("regenjas-storm")].index[:2]) == ["JK-RAIN-ZWA-S", "JK-RAIN-ZWA-M"]
    assert current.loc["JK-RAIN-BLA-L", ["color", "size"]].tolist() == ["blauw", "L"]


def write(path: Path, text: str, *, prefix: bytes = b"") -> Path:
    path.write_bytes(prefix + text.encode("utf-8"))
    return path


LEGACY = (
    "Handle,Title,Body (HTML),Vendor,Type,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,"
    "Variant Price,Variant Compare At Price,Variant Barcode,Image Src,Status,"
    "Kleurpatroon (product.metafields.shopify.color-pattern),Price / International\n"
    "jas,Jas,,Tasman,Jassen,Color,Red,Size,S,JAS-R-S,50.00,,,https://x.test/jas.jpg,active,red,55\n"
    "jas,,,,,,Red,,M,JAS-R-M,52.00,60.00,,,,,57\n"
    "jas,,,,,,,,,,,,,https://x.test/jas-2.jpg,,,\n"  # an extra image, not a variant
)


def test_unseen_export_bom_stray_space_metafields_no_stock_column(tmp_path: Path) -> None:
    path = write(tmp_path / "products.csv", LEGACY, prefix=b" \xef\xbb\xbf")
    frame = adapter().read_export(path, "products.csv").frame.set_index("sku")
    assert list(frame.index) == ["JAS-R-S", "JAS-R-M"]
    assert "quantity" not in frame.columns  # a multi-location export has no stock column: not compared at all
    assert (frame.loc["JAS-R-M", "price"], frame.loc["JAS-R-M", "sale_price"]) == (6000, 5200)
    assert frame.loc["JAS-R-M", "image_url"] == "https://x.test/jas.jpg"


def test_translated_headers_through_the_header_map(tmp_path: Path) -> None:
    text = LEGACY.replace("Variant SKU", "Variant-artikelnummer").replace("Handle", "Adres")
    path = write(tmp_path / "products.csv", text)
    with pytest.raises(AdapterError, match='no column "Handle", "Variant SKU"') as refused:
        adapter().read_export(path, "products.csv")
    assert "channels.shop.header_map" in (refused.value.hint or "")
    mapped = adapter(header_map={"Adres": "Handle", "Variant-artikelnummer": "Variant SKU"})
    assert list(mapped.read_export(path, "products.csv").frame["sku"]) == ["JAS-R-S", "JAS-R-M"]


INVENTORY = (
    "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,Option3 Value,SKU,Location,"
    "Incoming,Unavailable,Committed,Available,On hand\n"
    "jas,Jas,Color,Red,Size,S,,,JAS-R-S,Amsterdam,0,0,1,3,4\n"
    "jas,Jas,Color,Red,Size,S,,,JAS-R-S,Utrecht,0,0,0,9,9\n"
    "jas,Jas,Color,Red,Size,M,,,JAS-R-M,Amsterdam,0,0,0,2,2\n"
)


def test_inventory_of_a_multi_location_store(tmp_path: Path) -> None:
    products = write(tmp_path / "products.csv", LEGACY)
    inventory = write(tmp_path / "inventory.csv", INVENTORY)
    with pytest.raises(AdapterError, match=r"2 locations .*Amsterdam, Utrecht"):
        adapter(inventory_export=str(inventory)).read_export(products, "products.csv")
    frame = adapter(inventory_export=str(inventory), location="Utrecht").read_export(products, "p").frame
    utrecht = frame.set_index("sku")["quantity"]
    assert utrecht["JAS-R-S"] == 9 and utrecht.isna()["JAS-R-M"]  # not stocked there: unknown, left alone
    amsterdam = adapter(inventory_export=str(inventory), location="Amsterdam").read_export(products, "p").frame
    # What the shop may sell (Available), not On hand: one of Amsterdam's four JAS-R-S is committed to an order.
    assert amsterdam.set_index("sku")["quantity"].to_dict() == {"JAS-R-S": 3, "JAS-R-M": 2}
    assert amsterdam.set_index("sku")["shopify_on_hand"].to_dict() == {"JAS-R-S": 4, "JAS-R-M": 2}


def rows_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_round_trip_of_the_whole_catalogue(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Write every product as a feed, read the feed back as an export: nothing differs."""
    channel = sample_channel("webshop", monkeypatch)
    files = write_feed(channel.adapter, channel, full_plan(channel), tmp_path)
    reader = with_settings(channel.adapter, inventory_export=str(as_exported(files["-inventory"])))
    state = reader.read_export(files[""], "feed")
    assert_no_changes(channel, state)


def as_exported(inventory: Path) -> Path:
    """The inventory file chansync wrote, as Shopify exports it after the import (nothing committed yet)."""
    rows = rows_of(inventory)
    out = inventory.with_name("exported-inventory.csv")
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Handle", "SKU", "Location", "Available (not editable)", "On hand (current)", "On hand (new)"])
        for r in rows:
            writer.writerow([r["Handle"], r["SKU"], r["Location"], r["On hand (new)"], r["On hand (new)"], ""])
    return out


def test_variants_keep_their_own_sku_price_and_stock(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    channel = sample_channel("webshop", monkeypatch)
    files = write_feed(channel.adapter, channel, full_plan(channel), tmp_path)
    rows = [r for r in rows_of(files[""]) if r["Handle"] == "jk-rain"]
    assert [r["Variant SKU"] for r in rows] == [f"JK-RAIN-{c}-{s}" for c in ("ZWA", "BLA") for s in "SML"]
    assert rows[0]["Title"] == "Regenjas Tasman Storm" and all(r["Title"] == "" for r in rows[1:])
    assert [(r["Option1 Value"], r["Option2 Value"]) for r in rows[:2]] == [("zwart", "S"), ("zwart", "M")]
    assert (rows[0]["Option1 Name"], rows[0]["Option2 Name"]) == ("Kleur", "Maat")
    stock = {r["SKU"]: r["On hand (new)"] for r in rows_of(files["-inventory"])}
    desired = channel.desired.frame.set_index("sku")
    for r in rows:
        sku = r["Variant SKU"]
        assert stock[sku] == str(desired.loc[sku, "quantity"])
        assert r["Variant Price"] == f"{desired.loc[sku, 'price'] / 100:.2f}"


def test_a_changed_variant_writes_its_whole_product(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    channel = sample_channel("webshop", monkeypatch)
    files = write_feed(channel.adapter, channel, channel.plan, tmp_path)
    rows = rows_of(files[""])
    winter = [r for r in rows if r["Handle"] == "gl-winter"]
    assert len(winter) == 4  # four created variants under one new handle
    assert [r["Status"] for r in rows if r["Handle"] == "oude-bel"] == ["draft"]  # delisted: a draft, not deleted
    inventory = {r["SKU"]: (r["On hand (current)"], r["On hand (new)"]) for r in rows_of(files["-inventory"])}
    assert inventory["OLD-0002"] == ("3", "0") and inventory["VL-1003"] == ("9", "14")
    assert {r["Location"] for r in rows_of(files["-inventory"])} == {"Magazijn"}


def test_duplicate_options_are_a_channel_error(tmp_path: Path) -> None:
    from chansync.config import load_config
    from tests.conftest import write_config

    (tmp_path / "m.csv").write_text(
        "sku,title,price,parent_sku,color,size\nP,Jas,,,,\nP-1,Jas rood,10,P,rood,M\nP-2,Jas rood,10,P,rood,M\n",
        encoding="utf-8",
    )
    write_config(tmp_path, {"file": "m.csv"}, {"shop": {"adapter": "shopify", "location": "X"}})
    report = validate(load_config(tmp_path / "channels.yaml", env={}), channels=["shop"]).report
    found = report.frame[report.frame["code"].eq("shopify-duplicate-options")]
    assert list(found["row"]) == [3, 4] and set(found["channel"]) == {"shop"}


def test_sample_config_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (REPO / "samples" / "exports" / "shopify_products.csv").exists()
    channel = sample_channel("webshop", monkeypatch)
    assert channel.plan.counts()["create"] == 4
