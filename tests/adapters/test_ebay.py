"""The eBay adapter: Seller Hub's "All active listings" download (BOM, #INFO line, variations), a translated header
set through header_map, the revise file it writes, and eBay's rules through `chansync validate`."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from chansync.adapters.base import ChannelContext
from chansync.adapters.ebay import EbayAdapter, EbaySettings
from chansync.adapters.ebay.export import ITEM, PARENT_DETAILS, TEMPLATE, template_of
from chansync.cli import app
from chansync.config import ChannelConfig, load_config
from chansync.errors import AdapterError
from chansync.sync import plan
from tests.conftest import write_config

CASE = Path(__file__).resolve().parent.parent / "golden" / "ebay" / "revise"
EXPORT = CASE / "export.csv"


def adapter(header_map: dict[str, str] | None = None, **settings: object) -> EbayAdapter:
    config = ChannelConfig.model_validate({"adapter": "ebay", "header_map": header_map or {}})
    return EbayAdapter(ChannelContext("ebay", config, EbaySettings.model_validate(settings), "USD"))


def test_reads_the_active_listings_download() -> None:
    state = adapter().read_export(EXPORT, "export.csv")
    frame = state.frame.set_index("sku")
    assert state.key == "sku" and not state.issues
    # The variation listing's own row and the listing without a custom label are left out.
    assert list(frame.index) == ["VL-1001", "VL-1002", "JK-RAIN-BLK-M", "JK-RAIN-BLK-L", "JK-RAIN-YEL-M",
                                 "JK-RAIN-YEL-L", "TL-5001", "OLD-0001"]  # fmt: skip
    assert frame.loc["VL-1002", ["price", "quantity", ITEM]].tolist() == [1250, 0, "296512340012"]
    variation = frame.loc["JK-RAIN-YEL-M"]
    assert (variation[ITEM], variation["title"], variation["currency"]) == (
        "296512340020", "Rain jacket breathable", "USD"
    )  # fmt: skip
    assert (variation["price"], variation["quantity"]) == (8995, 7)
    assert variation["ebay_details"] == "Color=Yellow|Size=M"
    assert variation[PARENT_DETAILS] == "Color=Black;Yellow|Size=M;L"
    assert frame[TEMPLATE].eq("eBay-active-revise-price-quantity-download_US").all()
    assert frame["_live"].all() and frame.loc["VL-1001", "_row"] == 3


def test_the_info_line_names_the_template(tmp_path: Path) -> None:
    assert template_of(EXPORT) == "eBay-active-revise-price-quantity-download_US"
    plain = tmp_path / "plain.csv"
    plain.write_text("Item number,Custom label (SKU)\n1,A\n", encoding="utf-8")
    assert template_of(plain) == ""


#: A German Seller Hub download as a seller might receive it: ";"-separated, BOM, the site's template on the #INFO
#: line. The translated headers are illustrative (eBay publishes no list of them); header_map maps them back.
GERMAN = (
    "\ufeff#INFO;Version=1.0.0;Template= eBay-active-revise-price-quantity-download_DE;;;;;;;;;\n"
    "Aktion;Kategoriename;Artikelnummer;Titel;Website;Währung;Startpreis;Sofort-Kaufen-Preis;Verfügbare Menge;"
    "Beziehung;Beziehungsdetails;Bestandseinheit (SKU)\n"
    "Revise;Fahrradlampen (42297);155512340011;Frontlicht 80 Lux;DE;EUR;24,95;;12;;;VL-1001\n"
    'Revise;Jacken (57988);155512340020;Regenjacke;DE;EUR;;;;;"Farbe=Schwarz|Größe=M;L";\n'
    ";;;;;;99,95;;4;Variation;Farbe=Schwarz|Größe=M;JK-RAIN-BLK-M\n"
    ";;;;;;99,95;;2;Variation;Farbe=Schwarz|Größe=L;JK-RAIN-BLK-L\n"
)
GERMAN_MAP = {
    "Aktion": "Action", "Kategoriename": "Category name", "Artikelnummer": "Item number", "Titel": "Title",
    "Website": "Listing site", "Währung": "Currency", "Startpreis": "Start price",
    "Sofort-Kaufen-Preis": "Buy It Now price", "Verfügbare Menge": "Available quantity", "Beziehung": "Relationship",
    "Beziehungsdetails": "Relationship details", "Bestandseinheit (SKU)": "Custom label (SKU)",
}  # fmt: skip


def test_a_german_download_through_header_map(tmp_path: Path) -> None:
    path = tmp_path / "aktive-angebote.csv"
    path.write_text(GERMAN, encoding="utf-8")
    with pytest.raises(AdapterError, match="does not look like a Seller Hub"):
        adapter().read_export(path, "aktive-angebote.csv")
    frame = adapter(GERMAN_MAP).read_export(path, "aktive-angebote.csv").frame.set_index("sku")
    assert frame["price"].to_dict() == {"VL-1001": 2495, "JK-RAIN-BLK-M": 9995, "JK-RAIN-BLK-L": 9995}
    assert frame.loc["JK-RAIN-BLK-L", [ITEM, "currency", "quantity"]].tolist() == ["155512340020", "EUR", 2]
    assert frame[TEMPLATE].eq("eBay-active-revise-price-quantity-download_DE").all()


def feed_rows(data: bytes) -> tuple[str, list[dict[str, str]]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff#INFO,")
    info, _, body = text[1:].partition("\n")
    return info, list(csv.DictReader(io.StringIO(body)))


def case_plan(folder: Path, **settings: object):  # type: ignore[no-untyped-def]
    for name in ("master.csv", "export.csv"):
        (folder / name).write_bytes((CASE / name).read_bytes())
    channel = {"adapter": "ebay", "export": "export.csv", **settings}
    path = write_config(folder, {"file": "master.csv", "currency": "USD"}, {"ebay": channel})
    return plan(load_config(path, env={})).channels[0]


def test_the_revise_file_names_listings_by_item_number_and_delists_with_quantity_zero(tmp_path: Path) -> None:
    channel = case_plan(tmp_path)
    info, rows = feed_rows(b"".join(channel.adapter.render(channel.desired, channel.plan)))
    assert info.startswith("#INFO,Version=1.0.0,Template= eBay-active-revise-price-quantity-download_US,")
    assert info.count(",") == 11  # as wide as the header, as eBay's own download
    by_sku = {r["Custom label (SKU)"]: r for r in rows}
    assert by_sku["VL-1002"]["Action"] == "Revise" and by_sku["VL-1002"]["Item number"] == "296512340012"
    assert (by_sku["VL-1002"]["Start price"], by_sku["VL-1002"]["Available quantity"]) == ("13.50", "5")
    assert by_sku["TL-5001"]["Available quantity"] == "0"  # inactive in the master: delisted
    # A variation follows its listing's row, which carries the item number and the listing's options.
    listing = rows.index(by_sku["JK-RAIN-BLK-M"]) - 1
    assert rows[listing]["Action"] == "Revise" and rows[listing]["Item number"] == "296512340020"
    assert rows[listing]["Relationship details"] == "Color=Black;Yellow|Size=M;L"
    assert by_sku["JK-RAIN-BLK-M"]["Action"] == "" and by_sku["JK-RAIN-BLK-M"]["Relationship"] == "Variation"
    assert all(r["Title"] == "" for r in rows)  # titles are eBay's own unless revise_title is set
    items = channel.plan.items.set_index("sku")
    assert items.loc["NEW-0001", "outcome"] == "skipped"  # chansync does not create eBay listings


def test_titles_are_revised_only_when_asked(tmp_path: Path) -> None:
    channel = case_plan(tmp_path, revise_title=True)
    _, rows = feed_rows(b"".join(channel.adapter.render(channel.desired, channel.plan)))
    by_sku = {r["Custom label (SKU)"]: r for r in rows}
    changes = channel.plan.changes
    assert set(changes.loc[changes["field"].eq("title"), "sku"]) == set()  # variations take the listing's title
    assert by_sku["VL-1002"]["Title"] == "Rear light LED"


def test_a_plan_with_nothing_to_revise_is_a_header_only_file(tmp_path: Path) -> None:
    channel = case_plan(tmp_path)
    empty = channel.plan.items.iloc[0:0]
    quiet = dataclasses.replace(channel.plan, items=empty, changes=channel.plan.changes[0:0])
    _, rows = feed_rows(b"".join(channel.adapter.render(channel.desired, quiet)))
    assert rows == []


def test_ebays_rules_through_validate(tmp_path: Path) -> None:
    long_sku, long_title = "S" * 51, "T" * 81
    (tmp_path / "m.csv").write_text(
        "sku,title,price,quantity\n"
        f"{long_sku},Lamp,5.00,1\n"
        f"OK-1,{long_title},5.00,1\n"
        "CHEAP,Bell,0.50,1\n"
        "FINE,Pump,1.00,1\n",
        encoding="utf-8",
    )
    write_config(tmp_path, {"file": "m.csv", "currency": "USD"}, {"ebay": {"adapter": "ebay", "revise_title": True}})
    result = CliRunner().invoke(app, ["validate", "-c", str(tmp_path / "channels.yaml"), "--format", "json"])
    assert result.exit_code == 1, result.output
    issues = pd.DataFrame(json.loads(result.stdout)["issues"])
    found = issues[issues["code"].str.startswith("ebay-")].sort_values("row")
    assert found[["code", "row", "column", "sku"]].values.tolist() == [
        ["ebay-sku-too-long", 2, "sku", long_sku],
        ["ebay-title-too-long", 3, "title", "OK-1"],
        ["ebay-price-too-low", 4, "price", "CHEAP"],
    ]
    assert "51" in found["message"].iloc[0] and "0.99" in found["message"].iloc[2]


def test_titles_are_not_checked_when_not_revised_and_min_price_can_be_turned_off(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text(f"sku,title,price,quantity\nA,{'T' * 81},0.50,1\n", encoding="utf-8")
    write_config(tmp_path, {"file": "m.csv"}, {"ebay": {"adapter": "ebay", "min_price": None}})
    result = CliRunner().invoke(app, ["validate", "-c", str(tmp_path / "channels.yaml"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert not [i for i in json.loads(result.stdout)["issues"] if i["code"].startswith("ebay-")]


def test_a_custom_label_on_two_listings_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    extra = 'Revise,"Bicycle Lights (42297)",296512340099,Rear light LED (copy),US,USD,12.50,,3,,,VL-1002\n'
    path.write_bytes(EXPORT.read_bytes() + extra.encode("utf-8"))
    state = adapter().read_export(path, "export.csv")
    assert sorted(state.frame.loc[state.frame["sku"].eq("VL-1002"), ITEM]) == ["296512340012", "296512340099"]
    issues = pd.concat(state.issues, ignore_index=True)
    assert issues[["code", "severity", "column", "sku"]].drop_duplicates().values.tolist() == [
        ["channel-duplicate-key", "warning", "Custom label (SKU)", "VL-1002"]
    ]
    assert sorted(issues["row"].tolist()) == [4, 13] and "leaves it alone" in issues["message"].iloc[0]
