"""Google Merchant Center and Meta catalogue feeds: real files, Atom and legacy spellings, hostile text, round
trips and the channels' own rules."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import xml.parsers.expat
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from chansync.adapters.base import ChannelContext
from chansync.adapters.google import GoogleMerchantAdapter, GoogleSettings
from chansync.adapters.meta import MetaAdapter
from chansync.adapters.settings import FeedSettings
from chansync.config import ChannelConfig, load_config
from chansync.validation import validate
from tests.adapters.helpers import assert_no_changes, full_plan, sample_channel, with_settings, write_feed
from tests.conftest import REAL_WORLD, write_config

G = "http://base.google.com/ns/1.0"


def google(**settings: object) -> GoogleMerchantAdapter:
    config = ChannelConfig.model_validate({"adapter": "google_merchant"})
    return GoogleMerchantAdapter(ChannelContext("google", config, GoogleSettings(**settings), "EUR"))  # type: ignore[arg-type]


def meta() -> MetaAdapter:
    config = ChannelConfig.model_validate({"adapter": "meta"})
    return MetaAdapter(ChannelContext("meta", config, FeedSettings(), "EUR"))


@pytest.mark.skipif(not (REAL_WORLD / "google").exists(), reason="../shared/real-world/ is not present")
def test_reads_a_real_rss_feed() -> None:
    frame = google().read_export(REAL_WORLD / "google" / "google_merchant_feed.xml", "feed").frame.set_index("sku")
    assert list(frame.index) == ["MINOX-2", "MINOX-5"]
    item = frame.loc["MINOX-2"]
    assert item["title"] == "Миноксидил 2% за жени – 125 мл"
    assert (item["price"], item["currency"], item["availability"], item["condition"]) == (
        4700,
        "BGN",
        "in_stock",
        "new",
    )
    assert item["brand"] == "MinoxidilBG"


@pytest.mark.skipif(not (REAL_WORLD / "meta").exists(), reason="../shared/real-world/ is not present")
def test_reads_a_real_meta_catalogue() -> None:
    state = meta().read_export(REAL_WORLD / "meta" / "facebook_catalog.csv", "facebook_catalog.csv")
    frame = state.frame.set_index("sku")
    assert len(frame) == 80
    first = frame.loc["uyJSzIis1XqQu6ECM9xiqd"]
    assert (first["title"], first["price"], first["currency"], first["quantity"]) == ("100 Euro", 10000, "EUR", 99)
    assert first["availability"] == "in_stock"
    assert "[object Object]" in first["description"]  # the generator's bug, read as it is
    # "gtin" holds shop codes such as GUT100: unreadable values are warnings, located in the file
    warnings = pd.concat(state.issues)
    assert (warnings["code"] == "export-value-invalid").sum() == 64
    assert warnings.iloc[0][["row", "column"]].tolist() == [2, "gtin"]


ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:g="http://base.google.com/ns/1.0">
  <title>Shop</title>
  <entry>
    <g:id>A-1</g:id>
    <title>Tom &amp;amp; Jerry mug</title>
    <link href="https://shop.test/a-1"/>
    <summary>Fine &amp;lt;b&amp;gt;china&amp;lt;/b&amp;gt;</summary>
    <g:image_link>https://shop.test/a-1.jpg</g:image_link>
    <g:additional_image_link>https://shop.test/a-1b.jpg</g:additional_image_link>
    <g:additional_image_link>https://shop.test/a-1c.jpg</g:additional_image_link>
    <g:availability>out of stock</g:availability>
    <g:price>15.00 USD</g:price>
    <g:sale_price>12.5 USD</g:sale_price>
    <g:condition>New</g:condition>
    <g:shipping><g:country>US</g:country><g:price>0.00 USD</g:price></g:shipping>
    <g:item_group_id>A</g:item_group_id>
  </entry>
</feed>
"""


def test_reads_atom_with_legacy_spellings_and_double_escaped_entities(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(ATOM, encoding="utf-8")
    item = google().read_export(path, "feed.xml").frame.set_index("sku").loc["A-1"]
    assert item["title"] == "Tom & Jerry mug"
    assert item["description"] == "Fine <b>china</b>"
    assert item["product_url"] == "https://shop.test/a-1"
    assert item["additional_image_urls"] == "https://shop.test/a-1b.jpg,https://shop.test/a-1c.jpg"
    assert (item["availability"], item["condition"]) == ("out_of_stock", "new")
    assert (item["price"], item["sale_price"], item["currency"]) == (1500, 1250, "USD")  # not the shipping price
    assert item["parent_sku"] == "A"


def test_reads_a_tab_separated_feed(tmp_path: Path) -> None:
    path = tmp_path / "feed.txt"
    path.write_text("id\ttitle\tprice\tavailability\tgtin\nB-1\tBel\t4.95 EUR\tin_stock\t8710000010016\n", "utf-8")
    item = google().read_export(path, "feed.txt").frame.set_index("sku").loc["B-1"]
    assert (item["title"], item["price"], item["availability"], item["gtin"]) == (
        "Bel",
        495,
        "in_stock",
        "8710000010016",
    )


HOSTILE = ["Tom & Jerry <deluxe>", 'Quote "this" & \'that\'', "Fiets 🚲 snel", "Bell\x07 with\x0bcontrol\x1fchars",
           "]]> not a CDATA end", "tab\tand\nnewline"]  # fmt: skip


def hostile_master(tmp_path: Path, fmt: str) -> Path:
    rows = ["sku,title,description,price,image_url,product_url,brand,gtin,quantity"]
    for n, title in enumerate(HOSTILE):
        quoted = '"' + title.replace('"', '""') + '"'
        rows.append(f"H-{n},{quoted},{quoted},9.95,https://x.test/{n}.jpg,https://x.test/p/{n},Merk,,{n + 1}")
    (tmp_path / "master.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "empty.xml").write_text('<rss version="2.0"><channel></channel></rss>', encoding="utf-8")
    return write_config(
        tmp_path,
        {"file": "master.csv"},
        {"google": {"adapter": "google_merchant", "export": "empty.xml", "format": fmt, "feed_title": "A & B"}},
    )


@pytest.mark.parametrize("fmt", ["xml", "tsv"])
def test_hostile_text_gives_a_strict_parseable_feed_that_reads_back(tmp_path: Path, fmt: str) -> None:
    from chansync.sync import plan

    config = load_config(hostile_master(tmp_path, fmt), env={})
    channel = plan(config).channels[0]
    assert channel.plan.counts()["create"] == len(HOSTILE)
    files = write_feed(channel.adapter, channel, channel.plan, tmp_path)
    feed = files[""]
    assert feed.suffix == (".xml" if fmt == "xml" else ".txt")
    if fmt == "xml":
        xml.parsers.expat.ParserCreate().Parse(feed.read_bytes(), True)  # strict: raises on any error
        titles = [e.text for e in ET.parse(feed).getroot().iter(f"{{{G}}}title")]
        assert titles[0] == "Tom & Jerry <deluxe>" and titles[2] == "Fiets 🚲 snel"
        assert titles[3] == "Bell withcontrolchars"  # characters XML cannot hold are dropped
    state = channel.adapter.read_export(feed, "feed")
    if fmt == "tsv":  # the format cannot hold tabs or line breaks: they become spaces
        assert state.frame.set_index("sku").loc["H-5", "title"] == "tab and newline"
        return
    assert assert_no_changes(channel, state).counts()["unchanged"] == len(HOSTILE)


def test_round_trip_google_and_meta(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("google", "meta"):
        channel = sample_channel(name, monkeypatch)
        files = write_feed(channel.adapter, channel, full_plan(channel), tmp_path)
        assert_no_changes(channel, channel.adapter.read_export(files[""], "feed"))
    channel = sample_channel("google", monkeypatch)
    tsv = with_settings(channel.adapter, format="tsv")
    desired = replace(channel.desired, frame=tsv.prepare(channel.desired.frame.copy()))
    channel = replace(channel, adapter=tsv, desired=desired)
    files = write_feed(tsv, channel, full_plan(channel), tmp_path)
    assert files[""].suffix == ".txt"
    assert_no_changes(channel, tsv.read_export(files[""], "feed"))


def test_variants_are_items_of_one_group(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    channel = sample_channel("google", monkeypatch)
    feed = write_feed(channel.adapter, channel, full_plan(channel), tmp_path)[""]
    items = {i.findtext(f"{{{G}}}id"): i for i in ET.parse(feed).getroot().iter("item")}
    assert "JK-RAIN" not in items  # the parent is not an item
    variant = items["JK-RAIN-BLA-M"]
    assert variant.findtext(f"{{{G}}}item_group_id") == "JK-RAIN"
    assert (variant.findtext(f"{{{G}}}color"), variant.findtext(f"{{{G}}}size")) == ("blauw", "M")
    assert variant.findtext(f"{{{G}}}price") == "99.95 EUR"
    assert variant.findtext(f"{{{G}}}identifier_exists") is None  # it has a GTIN
    desired = channel.desired.frame.set_index("sku")
    expected = "in_stock" if desired.loc["JK-RAIN-BLA-M", "quantity"] > 0 else "out_of_stock"
    assert variant.findtext(f"{{{G}}}availability") == expected


def test_the_channels_own_rules_are_placed_in_the_master(tmp_path: Path) -> None:
    (tmp_path / "master.csv").write_text(
        "sku,title,price,image_url,product_url,brand,gtin,mpn,quantity\n"
        f"OK-1,Goed,1.00,https://x.test/1.jpg,https://x.test/1,Merk,8712345678906,,1\n"
        f"IN-1,Winkelcode,1.00,https://x.test/2.jpg,https://x.test/2,Merk,2000000000008,,1\n"
        f"NB-1,Geen merk,1.00,https://x.test/3.jpg,https://x.test/3,,,MPN-1,1\n"
        f"NI-1,Geen foto,1.00,,https://x.test/4,Merk,,,1\n"
        f"LONG-1,{'x' * 160},1.00,https://x.test/5.jpg,https://x.test/5,Merk,,,1\n"
        f"{'L' * 51},Te lange id,1.00,https://x.test/6.jpg,https://x.test/6,Merk,,,1\n",
        encoding="utf-8",
    )
    write_config(
        tmp_path, {"file": "master.csv"}, {"google": {"adapter": "google_merchant"}, "meta": {"adapter": "meta"}}
    )
    report = validate(load_config(tmp_path / "channels.yaml", env={})).report.frame
    found = {(r.code, r.sku, r.channel, r.row, r.column) for r in report[report["channel"].notna()].itertuples()}
    assert ("google-gtin-restricted", "IN-1", "google", 3, "gtin") in found
    assert ("catalogue-brand-missing", "NB-1", "google", 4, "brand") in found
    assert ("channel-required-value", "NI-1", "google", 5, "image_url") in found
    assert ("google-title-cut", "LONG-1", "google", 6, "title") in found
    assert ("google-id-too-long", "L" * 51, "google", 7, "sku") in found
    assert ("meta-title-cut", "LONG-1", "meta", 6, "title") not in found  # 160 is within Meta's 200
    assert ("channel-required-value", "OK-1", "meta", 2, "description") in found  # Meta needs a description


def test_google_needs_a_description_and_meta_a_brand(tmp_path: Path) -> None:
    """Google's product data specification requires a description; Meta's catalogue fields require a brand."""
    (tmp_path / "master.csv").write_text(
        "sku,title,description,price,image_url,product_url,brand,quantity\n"
        "FULL-1,Vaas,Een blauwe vaas,1.00,https://x.test/1.jpg,https://x.test/1,Merk,1\n"
        "NODESC-1,Kaars,,1.00,https://x.test/2.jpg,https://x.test/2,Merk,1\n"
        "NOBRAND-1,Lamp,Een lamp,1.00,https://x.test/3.jpg,https://x.test/3,,1\n",
        encoding="utf-8",
    )
    write_config(
        tmp_path, {"file": "master.csv"}, {"google": {"adapter": "google_merchant"}, "meta": {"adapter": "meta"}}
    )
    result = validate(load_config(tmp_path / "channels.yaml", env={}))
    report = result.report.frame
    required = report[report["code"].eq("channel-required-value")]
    found = {(r.sku, r.channel, r.row, r.column, r.severity) for r in required.itertuples()}
    assert ("NODESC-1", "google", 3, "description", "error") in found
    assert ("NOBRAND-1", "meta", 4, "brand", "error") in found
    assert not [f for f in found if f[0] == "FULL-1"]
    assert ("NOBRAND-1", "google", 4, "brand", "error") not in found  # Google asks a brand only with a GTIN/MPN


def test_absent_export_columns_are_absent_from_the_state(tmp_path: Path) -> None:
    """Google's and Meta's readers give a field no column when the export has none (nothing to compare)."""
    export = tmp_path / "meta.csv"
    export.write_text("id,title,price,availability\nA-1,Vaas,9.95 EUR,in stock\n", encoding="utf-8")
    frame = meta().read_export(export, "meta.csv").frame
    assert {"sku", "title", "price", "currency", "availability"} <= set(frame.columns)
    assert not {"quantity", "description", "brand", "gtin", "additional_image_urls"} & set(frame.columns)
    rss = tmp_path / "google.xml"
    rss.write_text(
        f'<rss version="2.0" xmlns:g="{G}"><channel><item><g:id>A-1</g:id><g:title>Vaas</g:title></item>'
        "</channel></rss>",
        encoding="utf-8",
    )
    frame = google().read_export(rss, "google.xml").frame
    assert {"sku", "title"} <= set(frame.columns) and not {"price", "currency", "description"} & set(frame.columns)


def test_an_id_twice_in_a_catalogue_export_is_a_located_warning(tmp_path: Path) -> None:
    export = tmp_path / "meta.csv"
    export.write_text("id,title\nA-1,Vaas\nB-1,Kaars\nA-1,Vaas blauw\n", encoding="utf-8")
    issues = pd.concat(meta().read_export(export, "meta.csv").issues)
    found = issues[issues["code"].eq("channel-duplicate-key")]
    assert found[["row", "value", "column", "severity"]].values.tolist() == [
        [2, "A-1", "id", "warning"],
        [4, "A-1", "id", "warning"],
    ]
    assert found["message"].str.contains("rows 2, 4", regex=False).all()


def test_the_meta_feed_writes_only_fields_meta_documents(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    channel = sample_channel("meta", monkeypatch)
    written = write_feed(channel.adapter, channel, channel.plan, tmp_path)[""]
    header = written.read_text(encoding="utf-8").splitlines()[0].split(",")
    documented = {"id", "title", "description", "link", "image_link", "additional_image_link", "availability",
                  "price", "sale_price", "brand", "gtin", "mpn", "condition", "item_group_id", "color", "size",
                  "product_type", "quantity_to_sell_on_facebook"}  # fmt: skip
    assert set(header) <= documented and "identifier_exists" not in header
