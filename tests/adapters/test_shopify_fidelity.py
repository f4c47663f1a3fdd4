"""Issue #13 for Shopify: what the shop holds is read and written as Shopify has it. Descriptions compared as text,
the shop's option names kept, stock as Available, absent columns left out, duplicate SKUs in an export shown."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from chansync.config import load_config
from chansync.diff import UNCHANGED, UPDATE
from chansync.sync import ChannelPlan, plan
from tests.adapters.helpers import write_feed
from tests.conftest import write_config

PRODUCTS = (
    "Handle,Title,Body (HTML),Vendor,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,"
    "Option3 Value,Variant SKU,Variant Price,Status\n"
    'jas,Jas,"<p>Warm &amp; <b>dry</b>.</p>\n<p>Second   line</p>",Tasman,Kleur,rood,Maat,S,Materiaal,wol,'
    "JAS-R-S,50.00,active\n"
    "jas,,,,,rood,,M,,wol,JAS-R-M,50.00,\n"
    "pet,Pet,<p>A cap</p>,Tasman,Title,Default Title,,,,,PET-1,9.00,active\n"
)
MASTER = (
    "sku,title,description,brand,price,parent_sku,color,size\n"
    'JAS,Jas,"Warm & dry.\n\nSecond line",Tasman,,,,\n'
    'JAS-R-S,Jas,"Warm & dry.\n\nSecond line",Tasman,50.00,JAS,rood,S\n'
    'JAS-R-M,Jas,"Warm & dry.\n\nSecond line",Tasman,55.00,JAS,rood,M\n'
    "PET-1,Pet,A cap,Tasman,9.00,,blauw,\n"
)


def planned(tmp_path: Path, products: str = PRODUCTS, master: str = MASTER, **channel: object) -> ChannelPlan:
    (tmp_path / "products.csv").write_text(products, encoding="utf-8")
    (tmp_path / "master.csv").write_text(master, encoding="utf-8")
    settings = {
        "adapter": "shopify",
        "export": "products.csv",
        "feed": "out/shop.csv",
        "location": "Magazijn",
        "listing": {"unknown": "delist"},
    }  # the shop predates chansync: what the master lacks goes
    write_config(tmp_path, {"file": "master.csv"}, {"shop": {**settings, **channel}})
    return plan(load_config(tmp_path / "channels.yaml", env={}), channels=["shop"]).channels[0]


def rows_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_html_that_says_the_masters_text_is_unchanged(tmp_path: Path) -> None:
    channel = planned(tmp_path)
    outcome = channel.plan.items.set_index("key")["outcome"]
    assert outcome["PET-1"] == UNCHANGED  # "<p>A cap</p>" is "A cap"
    assert not channel.plan.changes["field"].eq("description").any()  # nor the jacket's two paragraphs
    assert outcome["JAS-R-M"] == UPDATE  # its price changed
    rows = rows_of(write_feed(channel.adapter, channel, channel.plan, tmp_path)[""])
    jacket = next(r for r in rows if r["Handle"] == "jas")  # the product's first row holds its description
    assert jacket["Body (HTML)"] == "<p>Warm &amp; <b>dry</b>.</p>\n<p>Second   line</p>"  # the shop's own HTML kept


def test_a_changed_description_is_written_as_escaped_paragraphs(tmp_path: Path) -> None:
    channel = planned(tmp_path, master=MASTER.replace("A cap", '"A cap <new>\n\nFor rain & sun"'))
    assert channel.plan.changes.set_index("key").loc["PET-1", "field"] == "description"
    rows = rows_of(write_feed(channel.adapter, channel, channel.plan, tmp_path)[""])
    cap = next(r for r in rows if r["Variant SKU"] == "PET-1")
    assert cap["Body (HTML)"] == "<p>A cap &lt;new&gt;</p><p>For rain &amp; sun</p>"


def test_the_shops_option_names_and_default_title_are_kept(tmp_path: Path) -> None:
    channel = planned(tmp_path, master=MASTER.replace("A cap", "A new cap"))
    assert not channel.plan.changes["field"].isin(["color", "size"]).any()  # the cap has no colour option
    written = rows_of(write_feed(channel.adapter, channel, channel.plan, tmp_path)[""])
    rows = {r["Variant SKU"]: r for r in written}
    jacket = next(r for r in written if r["Handle"] == "jas")  # option names are on the product's first row
    assert [jacket[f"Option{i} Name"] for i in (1, 2, 3)] == ["Kleur", "Maat", "Materiaal"]
    assert [rows["JAS-R-M"][f"Option{i} Value"] for i in (1, 2, 3)] == ["rood", "M", "wol"]
    cap = rows["PET-1"]  # simple on Shopify: stays simple, although the master gives it a colour
    assert (cap["Option1 Name"], cap["Option1 Value"], cap["Option2 Name"]) == ("Title", "Default Title", "")


def test_an_export_without_a_barcode_or_stock_column_plans_only_real_changes(tmp_path: Path) -> None:
    master = MASTER.replace("sku,title", "sku,gtin,quantity,title").replace("\nJAS,", "\nJAS,,,")
    for sku, gtin in (("JAS-R-S", "4006381333931"), ("JAS-R-M", "4006381333948"), ("PET-1", "5012345678900")):
        master = master.replace(f"\n{sku},", f"\n{sku},{gtin},4,")
    channel = planned(tmp_path, master=master)
    assert "gtin" not in channel.plan.current.columns and "quantity" not in channel.plan.current.columns
    assert channel.plan.changes[["key", "field"]].values.tolist() == [["JAS-R-M", "price"]]


def test_one_sku_on_two_variants_is_a_located_warning(tmp_path: Path) -> None:
    products = PRODUCTS + "pet,,,,,,,,,,PET-1,9.00,\n"
    channel = planned(tmp_path, products=products)
    frame = next(f for f in channel.issues if len(f) and (f["code"] == "channel-duplicate-key").any())
    assert frame["severity"].tolist() == ["warning", "warning"]
    assert frame["row"].tolist() == [4, 5] and set(frame["sku"]) == {"PET-1"}
    assert frame["file"].iloc[0].endswith("products.csv") and frame["column"].iloc[0] == "Variant SKU"


INVENTORY = (
    "Handle,SKU,Location,Committed (not editable),Available (not editable),On hand (current),On hand (new)\n"
    "jas,JAS-R-S,Magazijn,2,3,5,\n"
    "jas,JAS-R-M,Magazijn,0,6,6,\n"
    "pet,PET-1,Magazijn,0,1,1,\n"
)


def test_inventory_reads_available_and_asks_the_import_for_on_hand(tmp_path: Path) -> None:
    (tmp_path / "inventory.csv").write_text(INVENTORY, encoding="utf-8")
    master = MASTER.replace("sku,title", "sku,quantity,title").replace("\nJAS,", "\nJAS,,")
    for sku, quantity in (("JAS-R-S", 3), ("JAS-R-M", 4), ("PET-1", 1)):
        master = master.replace(f"\n{sku},", f"\n{sku},{quantity},")
    channel = planned(tmp_path, master=master, inventory_export="inventory.csv")
    assert channel.plan.current.loc["JAS-R-S", "quantity"] == 3  # available: two of five are ordered, not shipped
    changed = channel.plan.changes[channel.plan.changes["field"].eq("quantity")]
    assert changed["key"].tolist() == ["JAS-R-M"]
    rows = rows_of(write_feed(channel.adapter, channel, channel.plan, tmp_path)["-inventory"])
    assert list(rows[0]) == ["Handle", "SKU", "Location", "On hand (current)", "On hand (new)"]
    assert [(r["SKU"], r["On hand (current)"], r["On hand (new)"]) for r in rows] == [("JAS-R-M", "6", "4")]


def test_a_delisted_variant_keeps_what_is_committed_to_orders(tmp_path: Path) -> None:
    (tmp_path / "inventory.csv").write_text(INVENTORY, encoding="utf-8")
    master = "\n".join(line for line in MASTER.splitlines() if not line.startswith("JAS-R-S")) + "\n"
    channel = planned(tmp_path, master=master, inventory_export="inventory.csv")
    rows = rows_of(write_feed(channel.adapter, channel, channel.plan, tmp_path)["-inventory"])
    assert [(r["SKU"], r["On hand (new)"]) for r in rows] == [("JAS-R-S", "2")]  # 0 available, 2 still to ship


def test_a_barcode_neither_side_knows_is_not_written_as_an_empty_column(tmp_path: Path) -> None:
    channel = planned(tmp_path)  # no barcode column in the export, no GTIN in the master
    rows = rows_of(write_feed(channel.adapter, channel, channel.plan, tmp_path)[""])
    assert rows and "Variant Barcode" not in rows[0] and "Body (HTML)" in rows[0]
