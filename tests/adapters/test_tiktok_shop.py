"""The TikTok Shop adapter: Seller Center's batch edit download (xlsx and CSV, a translated file through
header_map, a language chansync has no list of without any), the batch edit file it writes, and TikTok Shop's
rules through `chansync validate`."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from chansync.adapters.base import ChannelContext
from chansync.adapters.tiktok_shop import TikTokShopAdapter, TikTokShopSettings
from chansync.adapters.tiktok_shop.export import PRODUCT_ID, SKU_ID, VARIATION
from chansync.cli import app
from chansync.config import ChannelConfig, load_config
from chansync.diff import diff
from chansync.errors import AdapterError
from chansync.sync import plan
from tests.adapters.tiktok_samples import NAMES, write_download
from tests.conftest import write_config

CASE = Path(__file__).resolve().parent.parent / "golden" / "tiktok_shop" / "batch_edit"
EXPORT = CASE / "export.xlsx"
SKUS = ["VL-1001", "VL-1002", "JK-RAIN-BLK-M", "JK-RAIN-BLK-L", "OLD-0001"]


def adapter(header_map: dict[str, str] | None = None, **settings: object) -> TikTokShopAdapter:
    config = ChannelConfig.model_validate({"adapter": "tiktok_shop", "header_map": header_map or {}})
    return TikTokShopAdapter(ChannelContext("tiktok", config, TikTokShopSettings.model_validate(settings), "USD"))


def check_sample(frame: pd.DataFrame) -> None:
    frame = frame.set_index("sku")
    assert list(frame.index) == SKUS  # the template's own rows and the SKU without a seller SKU are left out
    assert frame.loc["VL-1002", ["price", "quantity", PRODUCT_ID, SKU_ID]].tolist() == [
        1250, 0, "1729384756012345602", "1729384756012345612"
    ]  # fmt: skip
    assert frame.loc["JK-RAIN-BLK-L", ["title", VARIATION, "price", "quantity"]].tolist() == [
        "Rain jacket breathable", "Black, L", 8995, 2
    ]  # fmt: skip
    assert frame["_live"].all()


def test_reads_the_batch_edit_download() -> None:
    state = adapter().read_export(EXPORT, "export.xlsx")
    assert state.key == "sku" and not state.issues
    check_sample(state.frame)
    assert state.frame.set_index("sku").loc["VL-1001", "_row"] == 6  # SKUs start below the template's five rows


def test_reads_the_download_as_csv(tmp_path: Path) -> None:
    path = write_download(tmp_path / "batch-edit.csv")
    check_sample(adapter().read_export(path, "batch-edit.csv").frame)


def test_a_language_without_a_list_is_read_through_the_untranslated_keys_row(tmp_path: Path) -> None:
    path = write_download(tmp_path / "Tiktoksellercenter_batchedit_20261201_sales_information_template.xlsx", "id")
    state = adapter().read_export(path, path.name)
    check_sample(state.frame)  # nothing tuned: Indonesian names are nowhere in chansync
    assert not state.issues


#: A Vietnamese download saved again without its keys row: only the translated names are left.
VIETNAMESE_MAP = dict(zip(NAMES["vi"], NAMES["en"], strict=True))


def test_translated_names_only_through_header_map(tmp_path: Path) -> None:
    path = write_download(tmp_path / "san-pham.xlsx", "vi", keys_row=False)
    with pytest.raises(AdapterError, match="does not look like a TikTok Shop batch edit") as error:
        adapter().read_export(path, "san-pham.xlsx")
    assert "header_map" in (error.value.hint or "")
    check_sample(adapter(VIETNAMESE_MAP).read_export(path, "san-pham.xlsx").frame)


def test_another_file_is_refused_with_its_headers(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("Order ID,SKU ID,Quantity\n576,1729,2\n", encoding="utf-8")
    with pytest.raises(AdapterError, match=r'no column "product_id", "seller_sku"\. Its headers are "Order ID"'):
        adapter().read_export(path, "orders.csv")


def test_a_seller_sku_on_two_skus_is_left_alone(tmp_path: Path) -> None:
    path = write_download(tmp_path / "twice.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Template"]
    sheet.append(["1729384756012345609", "", "Rear light (copy)", "", "1729384756012345619", "", "9.00", "1",
                  "VL-1002"])  # fmt: skip
    book.save(path)
    state = adapter().read_export(path, "twice.xlsx")
    issues = pd.concat(state.issues, ignore_index=True)
    assert issues[["code", "severity", "column", "sku"]].drop_duplicates().values.tolist() == [
        ["channel-duplicate-key", "warning", "seller_sku", "VL-1002"]
    ]
    assert sorted(issues["row"].tolist()) == [7, 12]


def test_an_unreadable_price_is_a_located_warning(tmp_path: Path) -> None:
    path = write_download(tmp_path / "bad.xlsx")
    book = openpyxl.load_workbook(path)
    book["Template"]["G7"] = "twelve"
    book.save(path)
    state = adapter().read_export(path, "bad.xlsx")
    issues = pd.concat(state.issues, ignore_index=True)
    assert issues[["code", "row", "column"]].values.tolist() == [["export-value-invalid", 7, "price"]]
    assert pd.isna(state.frame.set_index("sku").loc["VL-1002", "price"])


def case_plan(folder: Path, **settings: object):  # type: ignore[no-untyped-def]
    for name in ("master.csv", "export.xlsx"):
        (folder / name).write_bytes((CASE / name).read_bytes())
    channel = {"adapter": "tiktok_shop", "export": "export.xlsx", "listing": {"unknown": "delist"}, **settings}
    path = write_config(folder, {"file": "master.csv", "currency": "USD"}, {"tiktok": channel})
    return plan(load_config(path, env={})).channels[0]


def sheet_rows(data: bytes, folder: Path) -> list[list[object]]:
    path = folder / "feed.xlsx"
    path.write_bytes(data)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Template"]
    return [[c.value for c in row] for row in book["Template"].iter_rows()]


def test_the_batch_edit_file_names_skus_by_id_and_delists_with_quantity_zero(tmp_path: Path) -> None:
    channel = case_plan(tmp_path)
    rows = sheet_rows(b"".join(channel.adapter.render(channel.desired, channel.plan)), tmp_path)
    assert rows[0] == ["product_id", "product_name", "sku_id", "variation_value", "seller_sku", "price", "quantity"]
    assert rows[1][:2] == ["V4", "Sales_Information"] and rows[2][0] == "Product ID"
    assert rows[5:] == [
        ["1729384756012345602", "Rear light LED", "1729384756012345612", "Default", "VL-1002", 13.5, 5],
        ["1729384756012345603", "Rain jacket breathable", "1729384756012345613", "Black, M", "JK-RAIN-BLK-M",
         99.95, 3],
        ["1729384756012345604", "Brass bell", "1729384756012345615", "Default", "OLD-0001", 5, 0],
    ]  # fmt: skip
    items = channel.plan.items.set_index("sku")
    assert items.loc["NEW-2001", ["outcome", "reason"]].tolist() == ["skipped", "not-on-channel"]
    assert items.loc["OLD-0001", "outcome"] == "delist"


def test_the_written_file_read_back_leaves_nothing_to_change(tmp_path: Path) -> None:
    channel = case_plan(tmp_path)
    feed = tmp_path / "written.xlsx"
    feed.write_bytes(b"".join(channel.adapter.render(channel.desired, channel.plan)))
    state = channel.adapter.read_export(feed, "written.xlsx")
    assert state.frame["sku"].tolist() == ["VL-1002", "JK-RAIN-BLK-M", "OLD-0001"]
    again = diff(
        channel.desired, state, channel="tiktok", adapter="tiktok_shop", fields=list(channel.adapter.carried())
    )
    outcomes = again.items.set_index("sku")["outcome"]
    assert outcomes[["VL-1002", "JK-RAIN-BLK-M"]].tolist() == ["unchanged", "unchanged"]
    assert again.changes.empty


def test_the_same_plan_writes_the_same_bytes(tmp_path: Path) -> None:
    channel = case_plan(tmp_path)
    first = b"".join(channel.adapter.render(channel.desired, channel.plan))
    assert first == b"".join(channel.adapter.render(channel.desired, channel.plan))
    assert first == (CASE / "expected.xlsx").read_bytes()


def test_titles_are_written_only_when_asked(tmp_path: Path) -> None:
    channel = case_plan(tmp_path, revise_title=True)
    assert "title" in channel.plan.fields
    rows = sheet_rows(b"".join(channel.adapter.render(channel.desired, channel.plan)), tmp_path)
    assert [r[1] for r in rows[5:]] == ["Rear light LED", "Rain jacket breathable", "Brass bell"]
    plain = case_plan(tmp_path)
    assert "title" not in plain.plan.fields


def test_channels_lists_the_adapter(tmp_path: Path) -> None:
    write_config(tmp_path, {"file": "m.csv"}, {})
    (tmp_path / "m.csv").write_text("sku,title,price,quantity\nA,Lamp,5.00,1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["channels", "-c", str(tmp_path / "channels.yaml"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "tiktok_shop" in result.stdout


def validate(folder: Path, master: str, currency: str, **settings: object) -> list[dict[str, object]]:
    (folder / "m.csv").write_text(master, encoding="utf-8")
    channel = {"adapter": "tiktok_shop", **settings}
    write_config(folder, {"file": "m.csv", "currency": currency}, {"tiktok": channel})
    result = CliRunner().invoke(app, ["validate", "-c", str(folder / "channels.yaml"), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    issues = json.loads(result.stdout)["issues"]
    return sorted((i for i in issues if str(i["code"]).startswith("tiktok-")), key=lambda i: int(i["row"]))


def test_tiktok_shops_rules_through_validate(tmp_path: Path) -> None:
    long_sku, long_title = "S" * 51, "T" * 256
    found = validate(
        tmp_path,
        "sku,title,price,quantity\n"
        f"{long_sku},Lamp,5.00,1\n"
        "HAS SPACE,Lamp,5.00,1\n"
        f"OK-1,{long_title},5.00,1\n"
        "CHEAP,Bell,0.00,1\n"
        "DEAR,Bike,7600.01,1\n"
        "MANY,Pump,1.00,99999\n"
        "FINE,Pump,7600.00,99998\n",
        "USD",
        revise_title=True,
    )
    assert [[i["code"], i["row"], i["column"], i["sku"]] for i in found] == [
        ["tiktok-sku-invalid", 2, "sku", long_sku],
        ["tiktok-sku-invalid", 3, "sku", "HAS SPACE"],
        ["tiktok-title-too-long", 4, "title", "OK-1"],
        ["tiktok-price-out-of-range", 5, "price", "CHEAP"],
        ["tiktok-price-out-of-range", 6, "price", "DEAR"],
        ["tiktok-quantity-too-high", 7, "quantity", "MANY"],
    ]
    assert "51" in str(found[0]["message"]) and "0.01 to 7600 USD" in str(found[3]["message"])


def test_the_price_range_follows_the_shops_currency_and_kind(tmp_path: Path) -> None:
    master = "sku,title,price,quantity\nA,Lamp,150.00,1\nB,Lamp,20.00,1\n"
    assert validate(tmp_path, master, "GBP") == []  # a local UK shop takes up to 5600 GBP
    cross = validate(tmp_path, master, "GBP", cross_border=True)  # a cross-border one up to 134.5 GBP
    assert [(i["code"], i["sku"]) for i in cross] == [("tiktok-price-out-of-range", "A")]
    baht = validate(tmp_path, master, "THB")  # a Thai shop's lowest price is 30 THB
    assert [(i["code"], i["sku"]) for i in baht] == [("tiktok-price-out-of-range", "B")]
    assert validate(tmp_path, master, "EUR") == []  # a market the page does not list: above zero only


def test_titles_are_not_checked_when_not_revised(tmp_path: Path) -> None:
    assert validate(tmp_path, f"sku,title,price,quantity\nA,{'T' * 300},5.00,1\n", "USD") == []


def test_push_writes_the_batch_edit_file_through_the_cli(tmp_path: Path) -> None:
    for name in ("master.csv", "export.xlsx"):
        (tmp_path / name).write_bytes((CASE / name).read_bytes())
    channel = {"adapter": "tiktok_shop", "export": "export.xlsx", "feed": "out/tiktok.xlsx",
               "listing": {"unknown": "delist"}, "guard": {"max_delist_share": 1}}  # fmt: skip
    config = write_config(tmp_path, {"file": "master.csv", "currency": "USD"}, {"tiktok": channel})
    result = CliRunner().invoke(app, ["push", "-c", str(config), "--yes", "--format", "json"])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "out" / "tiktok.xlsx").read_bytes()
    assert written == (CASE / "expected.xlsx").read_bytes()  # the golden file, written atomically by push
    rows = sheet_rows(written, tmp_path)
    assert [r[4] for r in rows[5:]] == ["VL-1002", "JK-RAIN-BLK-M", "OLD-0001"]
