"""Issue #13 for WooCommerce's CSV: files its importer reads as meant (class-wc-product-csv-importer.php in
woocommerce/woocommerce): one file per importer mode, delisted rows not purchasable, no empty Stock cell where
stock is known, descriptions compared as text, and an export's missing columns neither compared nor emptied."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from chansync.config import load_config
from chansync.diff import CREATE, DELIST, UNCHANGED
from chansync.sync import ChannelPlan, plan
from tests.adapters.helpers import write_feed
from tests.conftest import write_config

HEADER = (
    "ID,Type,SKU,GTIN,Name,Published,Description,In stock?,Stock,Sale price,Regular price,Parent,"
    "Attribute 1 name,Attribute 1 value(s),Attribute 1 visible,Attribute 1 global\n"
)
EXPORT = HEADER + (
    '10,variable,TEE,,Tee,1,"<p>Soft &amp; light</p>\\n<p>Organic</p>",1,,,,,Color,"Red, Blue",1,1\n'
    "11,variation,TEE-R,4006381333931,Tee red,1,,1,4,,10.00,TEE,Color,Red,,1\n"
    "12,variation,TEE-B,4006381333948,Tee blue,1,,1,parent,,10.00,TEE,Color,Blue,,1\n"
    "13,simple,MUG,5012345678900,Mug,1,<p>A mug</p>,1,7,,6.00,,,,,\n"
    "14,simple,CAP,,Cap,1,,1,3,,8.00,,,,,\n"
)
MASTER = (
    "sku,title,description,gtin,price,quantity,parent_sku,color\n"
    'TEE,Tee,"Soft & light\n\nOrganic",,,,,\n'
    "TEE-R,Tee red,,4006381333931,10.00,4,TEE,Red\n"
    "TEE-B,Tee blue,,4006381333948,10.00,,TEE,Blue\n"
    "MUG,Mug,A mug,5012345678900,6.50,,,\n"
    "CAP,Cap,,,8.00,3,,\n"
    "BAG,Bag,,,12.00,2,,\n"
)


def planned(tmp_path: Path, export: str = EXPORT, master: str = MASTER) -> ChannelPlan:
    (tmp_path / "export.csv").write_text(export, encoding="utf-8")
    (tmp_path / "master.csv").write_text(master, encoding="utf-8")
    channel = {
        "adapter": "woocommerce",
        "export": "export.csv",
        "feed": "out/woo.csv",
        "listing": {"unknown": "delist"},
    }  # the shop predates chansync: what the master lacks goes
    write_config(tmp_path, {"file": "master.csv"}, {"woo": channel})
    return plan(load_config(tmp_path / "channels.yaml", env={}), channels=["woo"]).channels[0]


def files_of(channel: ChannelPlan, folder: Path) -> dict[str, dict[str, dict[str, str]]]:
    written = write_feed(channel.adapter, channel, channel.plan, folder)
    read = {s: list(csv.DictReader(io.StringIO(p.read_text(encoding="utf-8-sig")))) for s, p in written.items()}
    return {suffix: {r["SKU"]: r for r in rows} for suffix, rows in read.items()}


def without(master: str, *skus: str) -> str:
    return "".join(line for line in master.splitlines(keepends=True) if line.split(",")[0] not in skus)


def test_created_and_updated_products_go_to_separate_files(tmp_path: Path) -> None:
    channel = planned(tmp_path)
    files = files_of(channel, tmp_path)
    assert set(files) == {"-new", "-update"}
    assert list(files["-new"]) == ["BAG"] and files["-new"]["BAG"]["ID"] == ""  # created: by SKU, no ID
    assert "MUG" in files["-update"] and files["-update"]["MUG"]["ID"] == "13"  # updated: matched by ID
    assert not set(files["-new"]) & set(files["-update"])


def test_delisted_rows_cannot_be_bought_after_the_import(tmp_path: Path) -> None:
    channel = planned(tmp_path, master=without(MASTER, "TEE-R", "CAP"))
    outcome = channel.plan.items.set_index("key")["outcome"]
    assert outcome["TEE-R"] == DELIST and outcome["CAP"] == DELIST
    rows = files_of(channel, tmp_path)["-update"]
    variation, simple = rows["TEE-R"], rows["CAP"]
    # The importer publishes a variation written with -1; 0 makes it private (disabled).
    assert (variation["Published"], variation["Stock"], variation["In stock?"]) == ("0", "0", "0")
    assert (simple["Published"], simple["Stock"], simple["In stock?"]) == ("-1", "0", "0")


def test_no_empty_stock_cell_where_the_stock_is_known(tmp_path: Path) -> None:
    channel = planned(tmp_path)
    rows = files_of(channel, tmp_path)["-update"]
    mug = rows["MUG"]  # the master has no stock for it: the shop's own is written, not an empty cell
    assert (mug["Stock"], mug["In stock?"], mug["Regular price"]) == ("7", "1", "6.50")


def test_stock_its_parent_manages_stays_with_the_parent(tmp_path: Path) -> None:
    master = MASTER.replace("TEE-B,Tee blue,,4006381333948,10.00,,", "TEE-B,Tee blue,,4006381333948,11.00,5,")
    channel = planned(tmp_path, master=master)
    fields = set(channel.plan.changes.loc[channel.plan.changes["key"].eq("TEE-B"), "field"])
    assert fields == {"price"}  # the variation's own stock is not compared: its parent holds it
    blue = files_of(channel, tmp_path)["-update"]["TEE-B"]
    assert blue["Stock"] == ""  # an empty cell: the importer leaves the variation on its parent's stock


def test_a_description_whose_html_says_the_masters_text_is_unchanged(tmp_path: Path) -> None:
    channel = planned(tmp_path)
    assert channel.plan.items.set_index("key").loc["TEE", "outcome"] == UNCHANGED
    assert not channel.plan.changes["field"].eq("description").any()
    changed = planned(tmp_path, master=MASTER.replace("MUG,Mug,A mug,", 'MUG,Mug,"A mug < 1 l\n\nfor tea",'))
    assert set(changed.plan.changes.loc[changed.plan.changes["key"].eq("MUG"), "field"]) == {"description", "price"}
    mug = files_of(changed, tmp_path)["-update"]["MUG"]
    assert mug["Description"] == "<p>A mug &lt; 1 l</p><p>for tea</p>"


def without_column(export: str, header: str) -> str:
    rows = list(csv.reader(io.StringIO(export)))
    drop = rows[0].index(header)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([c for i, c in enumerate(r) if i != drop] for r in rows)
    return out.getvalue()


def test_an_export_without_a_gtin_column_plans_only_the_real_price_changes(tmp_path: Path) -> None:
    channel = planned(tmp_path, export=without_column(EXPORT, "GTIN"))
    assert "gtin" not in channel.plan.current.columns
    assert channel.plan.changes[["key", "field"]].values.tolist() == [["MUG", "price"]]
    assert channel.plan.items.set_index("key").loc["BAG", "outcome"] == CREATE
    update = files_of(channel, tmp_path)["-update"]
    assert "GTIN, UPC, EAN, or ISBN" in next(iter(update.values()))  # the master's GTINs are known: written


def test_a_gtin_neither_side_knows_is_not_written_as_an_empty_column(tmp_path: Path) -> None:
    channel = planned(tmp_path, export=without_column(EXPORT, "GTIN"), master=without_column(MASTER, "gtin"))
    update = files_of(channel, tmp_path)["-update"]
    assert update and "GTIN, UPC, EAN, or ISBN" not in next(iter(update.values()))  # empty cells would clear them
