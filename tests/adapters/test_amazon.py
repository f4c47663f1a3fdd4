"""The Amazon adapter: the All Listings report, the JSON listings feed it writes (patches of what changed, split at
the message limit), the processing report Amazon returns, and Amazon's own rules."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from chansync.adapters.amazon import AmazonAdapter, AmazonSettings
from chansync.adapters.amazon.feed import Number, dumps
from chansync.adapters.amazon.report import feed_messages, message_results, read_processing_report, report_summary
from chansync.adapters.base import ChannelContext, ChannelState
from chansync.config import ChannelConfig, load_config
from chansync.diff import Plan, diff
from chansync.errors import AdapterError, ConfigError
from chansync.sync import ChannelPlan, plan
from chansync.validation import validate
from tests.adapters.helpers import with_settings
from tests.conftest import REAL_WORLD, REPO, SAMPLES, write_config

REAL_FEED = REAL_WORLD / "amazon" / "listings-feed-schema-v2.example.json"
REAL_REPORT = REAL_WORLD / "amazon" / "listings-feed-processing-report-schema-v2.example.json"
real_world = pytest.mark.skipif(
    not REAL_REPORT.exists(), reason="../shared/real-world/ is not present in this checkout"
)
EXPORT = SAMPLES / "exports" / "amazon_listings.txt"
SELLER = {"seller_id": "A2EXAMPLE", "marketplace_id": "A1805IZSGTT6HS"}


def adapter(**settings: Any) -> AmazonAdapter:
    config = ChannelConfig.model_validate({"adapter": "amazon"})
    return AmazonAdapter(ChannelContext("amazon", config, AmazonSettings(**(SELLER | settings)), "EUR"))


def sample_plan(folder: Path, export: Path = EXPORT) -> ChannelPlan:
    """The bundled master (mapped as in channels.example.yaml) against an Amazon listings report."""
    example = yaml.safe_load((REPO / "channels.example.yaml").read_text(encoding="utf-8"))
    master = example["master"] | {"file": str(SAMPLES / "master.xlsx")}
    channel = {"adapter": "amazon", "export": str(export), "listing": {"unknown": "delist"}, **SELLER}
    path = write_config(folder, master, {"amazon": channel})
    return plan(load_config(path, env={}), channels=["amazon"]).channels[0]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> ChannelPlan:
    return sample_plan(tmp_path_factory.mktemp("amazon"))


def feed_of(channel: ChannelPlan, the_plan: Plan | None = None) -> list[dict[str, Any]]:
    """Each file of the feed as parsed JSON (prices as exact decimals)."""
    files = channel.adapter.feed_files(channel.desired, the_plan or channel.plan)
    return [json.loads(b"".join(f.chunks), parse_float=Decimal) for f in files]


def price_patch(value: str) -> dict[str, Any]:
    offer = {"marketplace_id": "A1805IZSGTT6HS", "currency": "EUR", "audience": "ALL",
             "our_price": [{"schedule": [{"value_with_tax": Decimal(value)}]}]}  # fmt: skip
    return {"op": "merge", "path": "/attributes/purchasable_offer", "value": [offer]}


def stock_patch(quantity: int) -> dict[str, Any]:
    value = [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}]
    return {"op": "merge", "path": "/attributes/fulfillment_availability", "value": value}


# --- Amazon's own example files -------------------------------------------------------------------------------


@real_world
def test_reads_amazons_example_processing_report() -> None:
    data = REAL_REPORT.read_bytes()
    issues = read_processing_report(data)
    assert issues["messageId"].tolist() == [4, 4, 5]
    assert issues["sku"].tolist() == ["My-SKU-B", "My-SKU-B", "My-SKU-C"]
    assert issues["severity"].tolist() == ["ERROR"] * 3
    assert issues["code"].tolist() == ["90220", "90220", "99022"]
    assert issues["attribute"].tolist() == ["", "", "purchasable_offer.our_price"]
    assert issues.loc[0, "message"] == "'[batteries_required]' is required but not supplied."
    summary = {"errors": 3, "warnings": 0, "messagesProcessed": 4, "messagesAccepted": 2, "messagesInvalid": 2}
    assert report_summary(data) == summary and issues.attrs["summary"] == summary
    assert read_processing_report(data.decode("utf-8")).equals(issues)  # bytes, text or the parsed dict
    assert read_processing_report(json.loads(data)).equals(issues)


@real_world
def test_results_per_message_of_a_feed() -> None:
    issues = read_processing_report(REAL_REPORT.read_bytes())
    # The feed the report answers: four messages, of which 4 and 5 are refused (as its summary says).
    sent = ((2, "My-SKU-A"), (3, "My-SKU-D"), (4, "My-SKU-B"), (5, "My-SKU-C"))
    feed = {"messages": [{"messageId": n, "sku": sku, "operationType": "PATCH"} for n, sku in sent]}
    results = message_results(issues, feed)
    assert results.values.tolist() == [
        [2, "My-SKU-A", "accepted", 0, 0],
        [3, "My-SKU-D", "accepted", 0, 0],
        [4, "My-SKU-B", "invalid", 2, 0],
        [5, "My-SKU-C", "invalid", 1, 0],
    ]
    counts = results["result"].value_counts().to_dict()
    summary = report_summary(REAL_REPORT.read_bytes())
    assert (counts["accepted"], counts["invalid"]) == (summary["messagesAccepted"], summary["messagesInvalid"])


@real_world
def test_amazons_example_feed_and_the_shape_of_our_patches(sample: ChannelPlan) -> None:
    example = json.loads(REAL_FEED.read_bytes())
    messages = feed_messages(REAL_FEED.read_bytes())
    assert messages["operationType"].tolist() == ["DELETE", "PARTIAL_UPDATE", "UPDATE", "PATCH", "PATCH"]
    assert messages["sku"].tolist() == [f"My-SKU-{c}" for c in "ABCDE"]
    theirs = example["messages"][4]  # a PATCH merging the quantity into fulfillment_availability, as chansync writes
    ours = next(m for m in feed_of(sample)[0]["messages"] if m["sku"] == "BR-3001")
    assert ours.keys() == theirs.keys()
    assert ours["patches"][0].keys() == theirs["patches"][0].keys()
    assert ours["patches"][0]["op"] == theirs["patches"][0]["op"] == "merge"
    assert ours["patches"][0]["path"] == theirs["patches"][0]["path"]
    assert ours["patches"][0]["value"][0].keys() == theirs["patches"][0]["value"][0].keys()
    assert feed_of(sample)[0]["header"].keys() == {"sellerId", "version", "issueLocale"}
    assert example["header"]["version"] == feed_of(sample)[0]["header"]["version"] == "2.0"


def test_warnings_and_issues_without_a_message() -> None:
    report = {
        "issues": [
            {"messageId": 1, "sku": "A", "code": "18448", "severity": "WARNING", "message": "Image has text",
             "attributeNames": ["main_image", "item_name"]},
            {"code": "4000", "severity": "ERROR", "message": "The feed header is not valid"},
        ],
        "summary": {"errors": 1, "warnings": 1, "messagesProcessed": 2},
    }  # fmt: skip
    issues = read_processing_report(report)
    assert issues["attribute"].tolist() == ["main_image,item_name", ""]
    assert pd.isna(issues.loc[1, "messageId"]) and issues.loc[1, "sku"] == ""
    results = message_results(issues, [{"messageId": 1, "sku": "A"}, {"messageId": 2, "sku": "B"}])
    assert results["result"].tolist() == ["accepted-with-warnings", "accepted"]
    assert report_summary(report)["messagesInvalid"] == 0
    with pytest.raises(AdapterError, match="not JSON"):
        read_processing_report(b"<html>")


# --- reading the listings report ------------------------------------------------------------------------------


def test_reads_the_sample_all_listings_report() -> None:
    state = adapter().read_export(EXPORT, "amazon_listings.txt")
    frame = state.frame.set_index("sku")
    assert len(frame) == 37 and not state.issues
    assert frame["_live"].sum() == 36
    fba = frame.loc["PD-9001"]
    assert (fba["fulfillment_channel"], fba["price"]) == ("AMAZON_EU", 3150) and pd.isna(fba["quantity"])
    inactive = frame.loc["BT-8001"]
    assert (inactive["amazon_status"], inactive["_live"], inactive["quantity"]) == ("inactive", False, 0)
    variant = frame.loc["JK-RAIN-BLA-M"]
    assert (variant["price"], variant["quantity"], variant["title"]) == (9995, 14, "Regenjas Tasman Storm blauw M")
    assert frame.loc["BT-8003", "asin"] != frame.loc["BT-8004", "asin"]  # two UPCs, two ASINs
    assert frame.loc["BT-8003", ["product_id", "product_id_type"]].tolist() == ["036000291452", "3"]
    assert frame.loc["OLD-0004", "_live"] and frame.loc["VL-1001", "listing_id"] == "0101Z327A3B"
    assert "JK-RAIN" not in frame.index and "HM-URBAN-GRI-SM" not in frame.index


def test_an_active_listings_report_a_bad_price_and_a_file_that_is_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "active.txt"
    path.write_text(
        "item-name\tseller-sku\tprice\tquantity\tfulfillment-channel\n"
        "Lamp\tL-1\t12,50\t3\tDEFAULT\nBel\tB-1\tabc\t\tAMAZON_NA\nPomp\tP-1\t8.00\t0\t\n",
        encoding="utf-8",
    )
    state = adapter().read_export(path, "active.txt")
    frame = state.frame.set_index("sku")
    assert frame["_live"].all()  # no status column: every listing in the report is active
    assert frame["price"].tolist()[0::2] == [1250, 800] and pd.isna(frame.loc["B-1", "price"])
    assert frame["fulfillment_channel"].tolist() == ["DEFAULT", "AMAZON_NA", "DEFAULT"]
    assert [i.loc[0, "code"] for i in state.issues] == ["export-value-invalid"]
    assert (state.issues[0].loc[0, "row"], state.issues[0].loc[0, "column"]) == (3, "price")
    path.write_text("sku-code\ttitle\nA\tLamp\n", encoding="utf-8")
    with pytest.raises(AdapterError, match='no column "seller-sku"'):
        adapter().read_export(path, "other.txt")


# --- the plan and the feed ------------------------------------------------------------------------------------


def test_the_sample_plan(sample: ChannelPlan) -> None:
    the_plan = sample.plan
    assert the_plan.counts() == {"create": 0, "update": 6, "delist": 2, "unchanged": 29, "skipped": 4, "unmanaged": 0}
    skipped = the_plan.items[the_plan.items["outcome"].eq("skipped")]
    assert sorted(skipped["key"]) == ["BT-8002", "HM-URBAN-GRI-LXL", "HM-URBAN-GRI-SM", "TR-4001"]
    assert set(skipped["reason"]) == {"not-on-channel"}  # chansync cannot create an Amazon listing
    delisted = the_plan.items[the_plan.items["outcome"].eq("delist")]
    assert sorted(delisted["key"]) == ["LK-6003", "OLD-0004"]  # inactive in the master; gone from the master


def test_the_written_feed(sample: ChannelPlan) -> None:
    files = sample.adapter.feed_files(sample.desired, sample.plan)
    assert len(files) == 1 and files[0].suffix == "" and sample.adapter.feed_suffix == ".json"
    text = b"".join(files[0].chunks).decode("utf-8")
    assert '"value_with_tax": 24.50' in text  # the exact number, written from the cents
    document = json.loads(text, parse_float=Decimal)
    assert document["header"] == {"sellerId": "A2EXAMPLE", "version": "2.0", "issueLocale": "en_US"}
    expected = [
        ("BR-3001", [stock_patch(19)]),
        ("BT-8001", [stock_patch(9)]),  # inactive on Amazon (sold out): its stock makes it live again
        ("JK-RAIN-BLA-M", [stock_patch(12)]),
        ("KT-2002", [price_patch("24.50")]),
        ("LK-6003", [stock_patch(0)]),  # delisted: stock 0, never a DELETE
        ("OLD-0004", [stock_patch(0)]),
        ("PD-9001", [price_patch("32.50")]),  # fulfilled by Amazon: the price only, never its stock
        ("TL-5001", [price_patch("27.95")]),
    ]
    messages = document["messages"]
    assert [m["messageId"] for m in messages] == list(range(1, 9))
    assert [(m["sku"], m["patches"]) for m in messages] == expected
    assert {(m["operationType"], m["productType"]) for m in messages} == {("PATCH", "PRODUCT")}
    assert text.endswith("}\n") and "\n  " in text  # indented for review


def test_the_feed_is_deterministic(sample: ChannelPlan) -> None:
    first = [b"".join(f.chunks) for f in sample.adapter.feed_files(sample.desired, sample.plan)]
    again = [b"".join(f.chunks) for f in sample.adapter.feed_files(sample.desired, sample.plan)]
    assert first == again


def test_amazons_stock_is_never_touched_and_incomplete_listings_are_not_live(tmp_path: Path) -> None:
    lines = EXPORT.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = [
        line.replace("\tDEFAULT\t", "\tAMAZON_EU\t").replace("\t2\t", "\t\t") if "\tOLD-0004\t" in line
        else line.replace("\tActive\n", "\tIncomplete\n") if "\tKT-2002\t" in line
        else line
        for line in lines
    ]  # fmt: skip
    export = tmp_path / "listings.txt"
    export.write_text("".join(changed), encoding="utf-8")
    channel = sample_plan(tmp_path, export)
    items = channel.plan.items.set_index("key")
    assert items.loc["OLD-0004", "outcome"] == "delist" and items.loc["KT-2002", "fields"] == "price,listed"
    messages = {m["sku"]: m["patches"] for m in feed_of(channel)[0]["messages"]}
    assert "OLD-0004" not in messages  # fulfilled by Amazon: its stock cannot be set to 0 from here
    # Not live on Amazon: its stock is sent along (the one lever chansync has to make a listing live again).
    assert messages["KT-2002"] == [price_patch("24.50"), stock_patch(9)]


def apply_patches(current: pd.DataFrame, documents: list[dict[str, Any]]) -> pd.DataFrame:
    """What Amazon holds after the feed: each PATCH's price and stock set on the listing."""
    state = current.copy()
    for document in documents:
        for message in document["messages"]:
            assert message["operationType"] == "PATCH"
            for patch in message["patches"]:
                value = patch["value"][0]
                if patch["path"] == "/attributes/purchasable_offer":
                    amount = value["our_price"][0]["schedule"][0]["value_with_tax"]
                    state.loc[message["sku"], "price"] = int(amount * 100)
                elif patch["path"] == "/attributes/fulfillment_availability":
                    state.loc[message["sku"], "quantity"] = value["quantity"]
    return state


def test_round_trip_apply_the_patches_and_nothing_is_left(sample: ChannelPlan) -> None:
    adapter_, the_plan = sample.adapter, sample.plan
    state = apply_patches(the_plan.current, feed_of(sample))
    again = diff(sample.desired, ChannelState(state.reset_index(drop=True), "sku", "patched"), channel="amazon",
                 adapter="amazon", fields=list(adapter_.carried()))  # fmt: skip
    left = sorted(zip(again.changes["key"], again.changes["field"], strict=True))
    # Amazon turns BT-8001 live when the stock arrives; PD-9001's stock is Amazon's own (neither compared nor written).
    assert left == [("BT-8001", "listed")]
    assert state.loc[["LK-6003", "OLD-0004"], "quantity"].tolist() == [0, 0]


def test_variants_keep_their_own_sku_price_and_stock(sample: ChannelPlan) -> None:
    current = sample.plan.current.copy()
    variants = current.index[current.index.str.startswith("JK-RAIN-")]
    current.loc[variants, "price"] = 100
    current.loc[variants, "quantity"] = 0
    the_plan = diff(sample.desired, ChannelState(current.reset_index(drop=True), "sku", "x"), channel="amazon",
                    adapter="amazon", fields=[*sample.adapter.carried()])  # fmt: skip
    messages = {m["sku"]: m["patches"] for m in feed_of(sample, the_plan)[0]["messages"]}
    desired = sample.desired.frame.set_index("sku")
    assert sorted(k for k in messages if k.startswith("JK-RAIN")) == sorted(variants)
    for sku in variants:
        own = desired.loc[sku]
        assert messages[sku] == [price_patch(f"{own['price'] / 100:.2f}"), stock_patch(int(own["quantity"]))]
    assert [p[1]["value"][0]["quantity"] for k, p in sorted(messages.items()) if k.startswith("JK-RAIN-ZWA")] == [
        19, 11, 3]  # fmt: skip


def test_the_feed_splits_at_messages_per_feed(sample: ChannelPlan) -> None:
    small = with_settings(sample.adapter, messages_per_feed=3)
    files = small.feed_files(sample.desired, sample.plan)
    assert [f.suffix for f in files] == ["", "-2", "-3"]
    documents = [json.loads(b"".join(f.chunks)) for f in files]
    assert [[m["messageId"] for m in d["messages"]] for d in documents] == [[1, 2, 3], [1, 2, 3], [1, 2]]
    skus = [m["sku"] for d in documents for m in d["messages"]]
    assert skus == [m["sku"] for m in feed_of(sample)[0]["messages"]]
    assert all(d["header"]["sellerId"] == "A2EXAMPLE" for d in documents)
    exact = with_settings(sample.adapter, messages_per_feed=8)
    assert [f.suffix for f in exact.feed_files(sample.desired, sample.plan)] == [""]


def test_creates_are_not_written_and_no_change_is_one_feed_without_messages(sample: ChannelPlan) -> None:
    empty = ChannelState(sample.plan.current.reset_index(drop=True).iloc[0:0], "sku", "nothing")
    the_plan = diff(sample.desired, empty, channel="amazon", adapter="amazon", fields=[*sample.adapter.carried()])
    assert the_plan.counts()["create"] == 39  # the sync layer reports these as skipped: Amazon's are not created
    documents = feed_of(sample, the_plan)
    assert len(documents) == 1 and documents[0]["messages"] == []


def test_json_numbers_are_written_exactly() -> None:
    document = {"a": [{"b": Number("19.99"), "c": 7, "d": 'Regenjas "Storm" ö'}], "e": {}, "f": [], "g": True}
    assert dumps(document) == (
        '{\n  "a": [\n    {\n      "b": 19.99,\n      "c": 7,\n      "d": "Regenjas \\"Storm\\" ö"\n    }\n  ],\n'
        '  "e": {},\n  "f": [],\n  "g": true\n}'
    )
    plain = {"a": [{"c": 7, "d": "x"}], "e": {}, "f": [], "g": None}
    assert dumps(plain) == json.dumps(plain, indent=2, ensure_ascii=False)
    assert json.loads(dumps({"p": Number("123456789.01")}), parse_float=Decimal)["p"] == Decimal("123456789.01")


# --- settings and Amazon's rules ------------------------------------------------------------------------------


def test_settings_are_checked(tmp_path: Path) -> None:
    from chansync.adapters.registry import Registry

    (tmp_path / "m.csv").write_text("sku,title,price\nA,Lamp,1.00\n", encoding="utf-8")
    path = write_config(tmp_path, {"file": "m.csv"}, {"amazon": {"adapter": "amazon", "seller_id": "A2EXAMPLE"}})
    with pytest.raises(ConfigError) as missing:
        Registry.discover().build(load_config(path, env={}), "amazon")
    assert "marketplace_id" in str(missing.value)
    path = write_config(tmp_path, {"file": "m.csv"}, {"amazon": {"adapter": "amazon", **SELLER,
                                                                 "messages_per_feed": 10001}})  # fmt: skip
    with pytest.raises(ConfigError, match="messages_per_feed"):
        Registry.discover().build(load_config(path, env={}), "amazon")
    built = Registry.discover().build(load_config(write_config(tmp_path, {"file": "m.csv"}, {"amazon": {
        "adapter": "amazon", **SELLER}}), env={}), "amazon")  # fmt: skip
    assert isinstance(built, AmazonAdapter) and built.settings.messages_per_feed == 10000
    assert (built.settings.product_type, built.settings.fulfillment_channel_code) == ("PRODUCT", "DEFAULT")


def test_a_sku_longer_than_amazon_takes_is_a_channel_error_in_the_master(tmp_path: Path) -> None:
    long, limit = "FIETSTAS-" + "X" * 32, "L-" + "Y" * 38  # 41 and 40 characters
    (tmp_path / "m.csv").write_text(
        f"Artikelnummer,Titel,Prijs,Voorraad\nOK-1,Lamp,1.00,3\n{long},Tas,2.00,1\n{limit},Bel,3.00,2\n",
        encoding="utf-8",
    )
    columns = {"sku": "Artikelnummer", "title": "Titel", "price": "Prijs", "quantity": "Voorraad"}
    path = write_config(tmp_path, {"file": "m.csv", "columns": columns}, {"amazon": {"adapter": "amazon", **SELLER}})
    result = validate(load_config(path, env={}), channels=["amazon"])
    found = result.report.frame[result.report.frame["code"].eq("amazon-sku-too-long")]
    assert found[["severity", "row", "column", "sku", "channel", "field"]].values.tolist() == [
        ["error", 3, "Artikelnummer", long, "amazon", "sku"]
    ]
    assert found["file"].iloc[0].endswith("m.csv")
    skips = result.channels["amazon"].desired.frame.set_index("sku")["_skip"]
    assert skips[long] == "amazon-sku-too-long" and skips[limit] == "" and skips["OK-1"] == ""


def test_the_sample_report_is_what_the_tool_writes(tmp_path: Path) -> None:
    from tools.marketplace_exports import write_amazon

    assert write_amazon(tmp_path).read_bytes() == EXPORT.read_bytes()


#: The selectors that identify one element of each attribute chansync patches (Amazon's "Manage purchasable offer"
#: and "Merge a listing" pages).
SELECTORS = {"purchasable_offer": ("marketplace_id", "currency", "audience"),
             "fulfillment_availability": ("fulfillment_channel_code",)}  # fmt: skip


def amazon_applies(attributes: dict[str, list[dict[str, Any]]], patch: dict[str, Any]) -> None:
    """A patch as Amazon documents it: ``replace`` sets the whole attribute; ``merge`` sets the given
    sub-attributes of the element its selectors name and keeps the rest."""
    name = patch["path"].removeprefix("/attributes/")
    if patch["op"] == "replace":
        attributes[name] = [dict(v) for v in patch["value"]]
        return
    assert patch["op"] == "merge"
    for value in patch["value"]:
        keys = SELECTORS[name]
        assert all(value.get(k) for k in keys[:1]), "a merge must name its selectors"
        match = [e for e in attributes.get(name, []) if all(e.get(k, "ALL") == value.get(k, "ALL") for k in keys)]
        if match:
            match[0].update(value)
        else:
            attributes.setdefault(name, []).append(dict(value))


def test_a_patch_changes_only_the_price_or_the_quantity(sample: ChannelPlan) -> None:
    """What the seller set on Amazon beside our price and stock (a sale price, minimum and maximum prices, the
    business offer, handling time, a restock date) is still there after the feed."""
    marketplace = {"marketplace_id": "A1805IZSGTT6HS", "currency": "EUR"}
    sale = [{"schedule": [{"value_with_tax": 19.0, "start_at": "2026-12-01", "end_at": "2026-12-31"}]}]
    attributes: dict[str, list[dict[str, Any]]] = {
        "purchasable_offer": [
            {**marketplace, "audience": "ALL", "our_price": [{"schedule": [{"value_with_tax": 22.0}]}],
             "discounted_price": sale, "minimum_seller_allowed_price": [{"schedule": [{"value_with_tax": 15.0}]}],
             "maximum_seller_allowed_price": [{"schedule": [{"value_with_tax": 40.0}]}]},
            {**marketplace, "audience": "B2B", "our_price": [{"schedule": [{"value_with_tax": 18.0}]}]},
        ],
        "fulfillment_availability": [
            {"fulfillment_channel_code": "DEFAULT", "quantity": 3, "lead_time_to_ship_max_days": 4,
             "restock_date": "2027-01-15"},
        ],
    }  # fmt: skip
    messages = {m["sku"]: m["patches"] for m in feed_of(sample)[0]["messages"]}
    for patch in [*messages["KT-2002"], *messages["BR-3001"]]:  # a new price; a new quantity
        amazon_applies(attributes, patch)
    offer, business = attributes["purchasable_offer"]
    assert offer["our_price"] == [{"schedule": [{"value_with_tax": Decimal("24.50")}]}]
    assert offer["discounted_price"] == sale and offer["minimum_seller_allowed_price"][0]["schedule"][0] == {
        "value_with_tax": 15.0} and "maximum_seller_allowed_price" in offer  # fmt: skip
    assert business["our_price"] == [{"schedule": [{"value_with_tax": 18.0}]}]  # the B2B offer is another offer
    assert attributes["fulfillment_availability"] == [
        {"fulfillment_channel_code": "DEFAULT", "quantity": 19, "lead_time_to_ship_max_days": 4,
         "restock_date": "2027-01-15"},
    ]  # fmt: skip
    for patch in [*messages["KT-2002"], *messages["BR-3001"]]:
        value = patch["value"][0]
        assert patch["op"] == "merge" and set(value) in (
            {"marketplace_id", "currency", "audience", "our_price"},
            {"fulfillment_channel_code", "quantity"},
        )


def test_a_report_without_quantity_or_price_leaves_them_uncompared(tmp_path: Path) -> None:
    frame = pd.read_csv(EXPORT, sep="\t", dtype=str, keep_default_na=False)
    export = tmp_path / "listings.txt"
    frame.drop(columns=["quantity", "item-name"]).to_csv(export, sep="\t", index=False)
    channel = sample_plan(tmp_path, export)
    assert not {"quantity", "title"} & set(channel.plan.current.columns)
    assert set(channel.plan.changes["field"]) <= {"price", "listed"}


def test_a_sku_twice_in_the_report_is_a_located_warning(tmp_path: Path) -> None:
    lines = EXPORT.read_text(encoding="utf-8").splitlines(keepends=True)
    export = tmp_path / "twice.txt"
    export.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    channel = sample_plan(tmp_path, export)
    issues = channel.issues if isinstance(channel.issues, pd.DataFrame) else pd.concat(channel.issues)
    found = issues[issues["code"].eq("channel-duplicate-key")]
    assert found["row"].tolist() == [2, len(lines) + 1] and set(found["column"]) == {"seller-sku"}
    assert set(found["severity"]) == {"warning"}
