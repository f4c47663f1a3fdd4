"""``chansync push`` to Shopify through the Admin GraphQL API, against a fake on 127.0.0.1 (shopify_server.py here):
stock set absolutely at one location in calls of at most 250, prices per product, delists to no stock, the
cost-based throttle waited out, 429/500 retried, stale stock reported (exit 4) and never overwritten, per-variant
refusals, ``export: api``, and the token kept out of every output and file."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from chansync.adapters.shopify.api import shopify_prices
from chansync.adapters.shopify.graphql import GraphQL
from chansync.config import load_config
from chansync.errors import TransportError
from chansync.push import push as push_api
from chansync.transports.http import HttpClient, RetryPolicy
from tests.push.shopify_server import FakeShopify, Fault, Recorder, serving

TOKEN = "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"
ENV = {"SHOPIFY_TOKEN": TOKEN}
SIZES = ("S", "M", "L")
MASTER_HEADER = ["sku", "title", "price", "sale_price", "quantity", "parent_sku", "color", "size"]


# --- a catalogue, the shop as it drifted from it, and its exports ------------------------------------------------


def catalogue(products: int) -> list[dict[str, str]]:
    """Master rows: per product a parent row and three sizes; every tenth product (from the fourth) on sale."""
    rows = []
    for i in range(products):
        parent = f"P{i:03d}"
        rows.append(
            {
                "sku": parent,
                "title": f"Shirt {i}",
                "price": "",
                "sale_price": "",
                "quantity": "",
                "parent_sku": "",
                "color": "",
                "size": "",
            }
        )
        for j, size in enumerate(SIZES):
            rows.append(
                {
                    "sku": f"{parent}-{size}",
                    "title": f"Shirt {i}",
                    "price": f"{20 + i % 5}.{(i * 7) % 100:02d}",
                    "sale_price": f"{15 + i % 5}.00" if i % 10 == 3 else "",
                    "quantity": str((i + j) % 9 + 1),
                    "parent_sku": parent,
                    "color": "Black",
                    "size": size,
                }
            )
    return rows


def variants_of(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in rows if r["parent_sku"]]


def write_master(folder: Path, rows: list[dict[str, str]]) -> None:
    with open(folder / "master.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, MASTER_HEADER)
        writer.writeheader()
        writer.writerows(rows)


def drifting_shop(rows: list[dict[str, str]]) -> tuple[FakeShopify, str, str]:
    """The shop has every variant, at other stock; every fourth product at another price; the sales not yet on
    sale; and it still sells OLD-1 and OLD-2. A second location's stock must stay as it is."""
    shop = FakeShopify(TOKEN)
    warehouse, floor = shop.add_location("Warehouse"), shop.add_location("Shop floor")
    products: dict[str, str] = {}
    for row in variants_of(rows):
        i = int(row["parent_sku"][1:])
        if row["parent_sku"] not in products:
            products[row["parent_sku"]] = shop.add_product(f"shirt-{i}", row["title"])
        price = "99.00" if i % 4 == 0 else row["price"]
        stock = {warehouse: int(row["quantity"]) + 1, floor: 3}
        shop.add_variant(
            products[row["parent_sku"]],
            row["sku"],
            price,
            stock=stock,
            options={"Color": row["color"], "Size": row["size"]},
        )
    old = shop.add_product("old", "Old")
    shop.add_variant(old, "OLD-1", "5.00", stock={warehouse: 4, floor: 2}, options={"Title": "Default Title"})
    shop.add_variant(old, "OLD-2", "5.00", stock={warehouse: 0}, options={"Title": "Default Title"})
    return shop, warehouse, floor


def write_exports(folder: Path, shop: FakeShopify) -> None:
    """Shopify's product CSV (legacy headers) and inventory CSV, as exported from the shop now."""
    with open(folder / "products.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "Handle",
                "Title",
                "Option1 Name",
                "Option1 Value",
                "Option2 Name",
                "Option2 Value",
                "Variant SKU",
                "Variant Price",
                "Variant Compare At Price",
                "Variant Barcode",
                "Status",
            ]
        )
        seen = set()
        for variant in shop.variants.values():
            product = shop.products[variant["product"]]
            first = product["id"] not in seen
            seen.add(product["id"])
            names = [o["name"] for o in variant["options"]] + ["", ""]
            values = [o["value"] for o in variant["options"]] + ["", ""]
            writer.writerow(
                [
                    product["handle"],
                    product["title"] if first else "",
                    names[0] if first else "",
                    values[0],
                    names[1] if first else "",
                    values[1],
                    variant["sku"],
                    variant["price"],
                    variant["compareAtPrice"] or "",
                    variant["barcode"] or "",
                    product["status"].lower() if first else "",
                ]
            )
    with open(folder / "inventory.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["Handle", "SKU", "Location", "Committed (not editable)", "Available (not editable)", "On hand (current)",
             "On hand (new)"]
        )  # fmt: skip
        for variant in shop.variants.values():
            handle_ = shop.products[variant["product"]]["handle"]
            for (item, location), quantity in shop.stock.items():
                if item == variant["inventoryItem"]:
                    committed = shop.committed.get((item, location), 0)
                    row = [handle_, variant["sku"], shop.locations[location], committed, quantity - committed, quantity]
                    writer.writerow([*row, ""])


def write_config(folder: Path, url: str, *, channel: dict[str, Any] | None = None, **upload: Any) -> Path:
    shopify: dict[str, Any] = {
        "adapter": "shopify",
        "export": "products.csv",
        "inventory_export": "inventory.csv",
        "location": "Warehouse",
        "listing": {"unknown": "delist"},  # the shop predates chansync: products the master lacks go
        "upload": {
            "type": "shopify_api",
            "url": url,
            "token": "${SHOPIFY_TOKEN}",
            "retries": 5,
            "backoff": 0.01,
            "timeout": 5,
            **upload,
        },
        **(channel or {}),
    }
    config = {"version": 1, "master": {"file": "master.csv"}, "state_dir": "state", "channels": {"shopify": shopify}}
    path = folder / "channels.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def push(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chansync", "push", "-c", str(folder / "channels.yaml"), *args],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, **ENV, **(env or {})},
        timeout=120,
    )


def cents(text: str) -> int | None:
    return int(Decimal(text) * 100) if text else None


def money(value: int | None) -> str | None:
    return None if value is None else f"{value // 100}.{value % 100:02d}"


def in_desired_state(
    shop: FakeShopify, rows: list[dict[str, str]], location: str, *, but: frozenset[str] = frozenset()
) -> None:
    for row in variants_of(rows):
        if row["sku"] in but:
            continue
        variant = shop.by_sku(row["sku"])
        price, compare = shopify_prices(cents(row["price"]), cents(row["sale_price"]))
        assert (Decimal(variant["price"]), variant["compareAtPrice"]) == (Decimal(money(price) or 0), money(compare)), (
            row["sku"]
        )
        assert shop.for_sale(row["sku"], location) == int(row["quantity"]), row["sku"]


def journal_text(folder: Path) -> str:
    return (folder / "state" / "journal.jsonl").read_text(encoding="utf-8")


# --- end to end through the CLI ----------------------------------------------------------------------------------


def test_push_sets_stock_and_prices_through_graphql_despite_throttle_and_faults(tmp_path: Path) -> None:
    rows = catalogue(110)  # 330 variants: stock in calls of 250 and 80
    write_master(tmp_path, rows)
    shop, warehouse, floor = drifting_shop(rows)
    write_exports(tmp_path, shop)
    shop.spend = {1: 100.0, 14: 120.0}  # other clients of the shop spend its bucket: at first, and mid-run
    recorder = Recorder(faults=[Fault("429", 0.01), Fault("500")])
    with serving(shop, recorder) as url:
        write_config(tmp_path, url)
        first = push(tmp_path, "--format", "json")
        assert first.returncode == 0, (first.stderr + first.stdout)[:3000]
        channel = json.loads(first.stdout)["channels"][0]
        assert channel["status"] == "done" and channel["failed"] == [], channel
        assert channel["counts"]["update"] == 330 and channel["counts"]["delist"] == 2
        assert shop.violations == []
        in_desired_state(shop, rows, warehouse)
        assert shop.on_hand("OLD-1", warehouse) == 0 and shop.on_hand("OLD-2", warehouse) == 0  # delisted: no stock
        assert shop.by_sku("OLD-1")["price"] == "5.00"  # ...and nothing deleted
        assert all(
            shop.stock[(v["inventoryItem"], floor)] in (2, 3)
            for v in shop.variants.values()
            if (v["inventoryItem"], floor) in shop.stock
        )
        answered = [c for c in shop.calls if not c["throttled"]]
        stock_calls = [c["size"] for c in answered if c["operation"] == "inventorySetQuantities"]
        assert sorted(stock_calls) == [81, 250]  # OLD-2 has no stock already: not sent
        price_calls = [c["size"] for c in answered if c["operation"] == "productVariantsBulkUpdate"]
        assert len(price_calls) == 28 + 11 and set(price_calls) == {3}  # one product per call
        assert max(c["size"] for c in answered) <= 250
        # Throttled calls were waited out as the bucket said: (requested - available) / restoreRate, then resent.
        throttled = [i for i, c in enumerate(shop.calls) if c["throttled"]]
        assert len(throttled) >= 2
        for i in throttled:
            assert shop.calls[i + 1]["at"] - shop.calls[i]["at"] >= shop.calls[i]["wait"] * 0.9
        assert recorder.faults == []  # the 429 and the 500 were met, and retried
        shop_changes = len(shop.applied)
        journal = journal_text(tmp_path)
        assert '"event": "applied"' in journal or '"event":"applied"' in journal

        again = push(tmp_path, "--format", "json")  # the export is older than the journal: nothing left to do
        assert again.returncode == 0, again.stderr
        assert json.loads(again.stdout)["channels"][0]["status"] == "unchanged"
        assert len(shop.applied) == shop_changes

        wrong = push(tmp_path, env={"SHOPIFY_TOKEN": TOKEN + "-wrong"})
        write_master(tmp_path, [{**r, "quantity": "7"} if r["sku"] == "P001-S" else r for r in rows])
        refused = push(tmp_path, env={"SHOPIFY_TOKEN": TOKEN + "-wrong"})
    assert wrong.returncode == 0  # nothing to change: nothing sent
    assert refused.returncode == 4 and "HTTP 401" in refused.stdout + refused.stderr and shop.unauthorised >= 1
    outputs = [
        first.stdout,
        first.stderr,
        again.stdout,
        again.stderr,
        wrong.stdout,
        wrong.stderr,
        refused.stdout,
        refused.stderr,
    ]
    files = [p.read_text(encoding="utf-8", errors="replace") for p in tmp_path.rglob("*") if p.is_file()]
    for secret in (TOKEN, TOKEN + "-wrong"):
        assert not [t for t in outputs + files if secret in t], "the token leaked"


def test_stale_stock_and_refusals_are_reported_and_left_alone(tmp_path: Path) -> None:
    rows = catalogue(6)
    rows.append(
        {
            "sku": "NEW-1",
            "title": "New",
            "price": "4.00",
            "sale_price": "",
            "quantity": "2",
            "parent_sku": "",
            "color": "",
            "size": "",
        }
    )
    shop, warehouse, _ = drifting_shop(rows)
    write_exports(tmp_path, shop)
    rows = [{**r, "title": "Shirt five, renamed"} if r["sku"].startswith("P005") else r for r in rows]
    write_master(tmp_path, rows)
    shop.sell("P001-M", warehouse, 2)  # sold after the export: the export's 4 is stale
    sold: list[str] = []

    def sale_during_the_push(fake: FakeShopify) -> None:  # sold between chansync's look-up and its update
        if not sold:
            fake.sell("P002-L", warehouse, 2)
            sold.append("P002-L")

    shop.after_lookup = sale_during_the_push
    shop.refuse = {"P000-M": "Price must be less than 1000000000"}
    with serving(shop, Recorder()) as url:
        write_config(tmp_path, url)
        result = push(tmp_path, "--format", "json")
    assert result.returncode == 4, result.stderr + result.stdout
    channel = json.loads(result.stdout)["channels"][0]
    assert channel["status"] == "failed"
    failed = {f["key"]: f["reason"] for f in channel["failed"]}
    assert set(failed) == {"P001-M", "P002-L", "P000-M", "NEW-1"}
    assert "no longer 4 as chansync read it (it has 2)" in failed["P001-M"] and "left alone" in failed["P001-M"]
    assert "no longer" in failed["P002-L"] and "left alone" in failed["P002-L"]
    assert failed["P000-M"] == "Shopify refused it: Price must be less than 1000000000 (INVALID)"
    assert failed["NEW-1"] == "new products are created through the product CSV (feed)"
    assert "P005-S" not in failed  # its title goes through the product CSV feed: not a failure of the API upload
    assert shop.for_sale("P001-M", warehouse) == 2 and shop.for_sale("P002-L", warehouse) == 4  # as sold, not reset
    assert shop.on_hand("P001-M", warehouse) == 4  # an order lowers available; on hand only when it ships
    assert shop.by_sku("P000-M")["price"] == "99.00"
    assert shop.violations == []
    in_desired_state(shop, rows, warehouse, but=frozenset({"P001-M", "P002-L", "P000-M", "NEW-1"}))
    assert not [s for s, *_ in shop.applied if s == "NEW-1"]  # never created through the API
    journal = [json.loads(line) for line in journal_text(tmp_path).splitlines()]
    journalled = {i["key"] for r in journal if r["event"] == "applied" for i in r["items"]}
    assert {"P001-M", "P002-L", "NEW-1"}.isdisjoint(journalled) and "P000-L" in journalled


# --- in process: export: api, locations, the throttle -------------------------------------------------------------


def test_export_api_reads_the_shop_and_a_second_push_changes_nothing(tmp_path: Path) -> None:
    rows = catalogue(5)
    write_master(tmp_path, rows)
    shop, warehouse, _ = drifting_shop(rows)
    shop.products[shop.by_sku("P004-S")["product"]]["status"] = "DRAFT"  # wanted, not active: cannot relist it
    with serving(shop, Recorder()) as url:
        path = write_config(
            tmp_path, url, channel={"export": "api", "inventory_export": None}, location_ids={"Warehouse": warehouse}
        )
        result = push_api(load_config(path, env=ENV))
        channel = result.channels[0]
        assert channel.counts["update"] == 15 and channel.counts["delist"] == 2
        assert set(channel.failed) == {"P004-S", "P004-M", "P004-L"}
        assert "the product is draft on Shopify" in channel.failed["P004-S"]
        in_desired_state(shop, rows, warehouse)
        assert shop.on_hand("OLD-1", warehouse) == 0
        assert not [c for c in shop.calls if c["operation"] == "locations"]  # location_ids named it
        calls = len(shop.calls)
        shop.products[shop.by_sku("P004-S")["product"]]["status"] = "ACTIVE"
        again = push_api(load_config(path, env=ENV)).channels[0]
    # Delisting took the stock away but left the product active, so the API still reads OLD-1 and OLD-2 as live: they
    # are planned again, and found done already (nothing sent).
    assert again.counts["update"] == 0 and again.counts["delist"] == 2 and not again.failed, again
    assert {c["operation"] for c in shop.calls[calls:]} == {"productVariants"}
    assert shop.violations == []


def test_stock_needs_a_location_the_shop_has(tmp_path: Path) -> None:
    rows = catalogue(4)
    write_master(tmp_path, rows)
    shop, _, _ = drifting_shop(rows)
    write_exports(tmp_path, shop)
    with serving(shop, Recorder()) as url:
        path = write_config(tmp_path, url, channel={"inventory_export": None, "location": None})
        result = push_api(load_config(path, env=ENV)).channels[0]
    assert result.status == "failed"
    reasons = set(result.failed.values())
    assert len(reasons) == 1 and "Shopify has 2 locations (Shop floor, Warehouse)" in reasons.pop()
    # Without an inventory export the product CSV has no stock column, so stock is not compared: only the delists
    # need a location.
    assert set(result.failed) == {"OLD-1", "OLD-2"}
    assert shop.by_sku("P000-S")["price"] == "20.00"  # prices went through all the same


def client_for(url: str, sleeps: list[float]) -> HttpClient:
    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        time.sleep(seconds)

    endpoint = f"{url}/admin/api/2026-01/graphql.json"
    return HttpClient(
        endpoint,
        policy=RetryPolicy(retries=2, backoff=0.01, timeout=5),
        headers={"X-Shopify-Access-Token": TOKEN},
        secrets=(TOKEN,),
        sleep=sleep,
    )


def test_throttle_waits_what_the_bucket_says_and_paces_the_next_call() -> None:
    shop = FakeShopify(TOKEN, maximum=50, restore=100.0, available=4.0)
    shop.add_location("Warehouse")
    sleeps: list[float] = []
    with serving(shop, Recorder()) as url:
        gql = GraphQL(client_for(url, sleeps))
        shop._at = time.monotonic()
        mutation = "mutation x { productVariantsBulkUpdate(productId: $p, variants: $v) { userErrors { code } } }"
        with pytest.raises(TransportError, match="Shopify refused productVariantsBulkUpdate"):
            gql("productVariantsBulkUpdate", mutation, {"productId": "nope", "variants": []})
        assert len(gql.throttle_waits) == 1 and 0.05 <= gql.throttle_waits[0] <= 0.061  # (10 - 4) / 100 s
        sleeps.clear()
        with pytest.raises(TransportError):  # the bucket is empty (the reply said so): paced, not throttled
            gql("productVariantsBulkUpdate", mutation, {"productId": "nope", "variants": []})
        assert sleeps and sleeps[0] >= 0.05 and len(gql.throttle_waits) == 1
        assert gql("locations", "query { locations(first: 250) { nodes { id name } } }", {})["locations"]["nodes"]
    shop = FakeShopify(TOKEN, maximum=5)  # a mutation costs 10: it can never fit
    with serving(shop, Recorder()) as url, pytest.raises(TransportError, match="more than Shopify's bucket"):
        GraphQL(client_for(url, [])).__call__("m", "mutation { inventorySetQuantities(input: $i) { x } }", {})


def test_variants_shopify_has_twice_lost_unstocked_or_already_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chansync.adapters.shopify import api as shopify_api

    monkeypatch.setattr(shopify_api, "LOOKUP_BATCH", 2)  # look-ups page through what a search finds
    shop = FakeShopify(TOKEN)
    warehouse, floor = shop.add_location("Warehouse"), shop.add_location("Shop floor")
    for sku in ("DUP-1", "GONE-1", "GONE-2", "DONE-1", "BAR-1"):
        shop.add_variant(
            shop.add_product(sku.lower(), sku),
            sku,
            "10.00",
            stock={warehouse: 1},
            options={"Title": "Default Title"},
            barcode="",
        )
    shop.add_variant(shop.add_product("unst-1", "UNST-1"), "UNST-1", "10.00", stock={floor: 1})
    shop.add_variant(shop.add_product("rel-1", "REL-1", status="DRAFT"), "REL-1", "10.00", stock={warehouse: 1})
    write_exports(tmp_path, shop)
    # Since the export: a second DUP-1, two variants deleted, a price already changed, REL-1 made active.
    shop.add_variant(shop.add_product("dup-1-b", "DUP-1 B"), "DUP-1", "10.00", stock={warehouse: 1})
    for sku in ("GONE-1", "GONE-2"):
        del shop.variants[shop.by_sku(sku)["id"]]
    shop.by_sku("DONE-1")["price"] = "12.00"
    shop.products[shop.by_sku("REL-1")["product"]]["status"] = "ACTIVE"
    (tmp_path / "master.csv").write_text(
        "sku,title,price,quantity,gtin\nDUP-1,DUP-1,10.00,3,\nGONE-1,GONE-1,10.00,3,\nUNST-1,UNST-1,10.00,5,\n"
        "DONE-1,DONE-1,12.00,1,\nBAR-1,BAR-1,10.00,1,4006381333931\nREL-1,REL-1,10.00,1,\n",
        encoding="utf-8",
    )
    with serving(shop, Recorder()) as url:
        path = write_config(tmp_path, url)
        result = push_api(load_config(path, env=ENV)).channels[0]
    expected = {"create": 0, "update": 6, "delist": 1, "unchanged": 0, "skipped": 0, "unmanaged": 0}
    assert result.counts == expected, result.counts
    assert result.failed == {
        "DUP-1": "2 variants on Shopify have this SKU; which to change is unclear",
        "GONE-1": "no variant with this SKU on Shopify",
        "UNST-1": "this variant is not stocked at Warehouse on Shopify; stock it there first",
    }
    assert shop.by_sku("BAR-1")["barcode"] == "4006381333931"
    sent = [(sku, name) for sku, name, _ in shop.applied]
    assert sent == [("BAR-1", "barcode")]  # DONE-1's price was there already; REL-1 is active again by itself
    journal = [json.loads(line) for line in journal_text(tmp_path).splitlines()]
    journalled = {i["key"]: i["set"] for r in journal if r["event"] == "applied" for i in r["items"]}
    assert journalled == {
        "GONE-2": {"quantity": 0, "listed": False},
        "DONE-1": {"price": 1200},
        "REL-1": {"listed": True},
        "BAR-1": {"gtin": "4006381333931"},
    }
    assert shop.violations == []


# --- units: replies Shopify may give that the fake does not -----------------------------------------------------


class Replies:
    """A stand-in for the HTTP client that answers each call with the next of ``replies``."""

    def __init__(self, *replies: Any) -> None:
        self.replies, self.sent, self.slept = list(replies), [], []
        self.base_url, self.secrets, self.policy = (
            "https://shop.test/admin/api/2026-01/graphql.json",
            (TOKEN,),
            RetryPolicy(),
        )

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        self.sent.append(kwargs["json"])
        reply = self.replies.pop(0)
        return type("Response", (), {"json": lambda self: reply})()

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def throttled(available: float) -> dict[str, Any]:
    status = {"maximumAvailable": 1000, "currentlyAvailable": available, "restoreRate": 100}
    return {
        "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
        "extensions": {"cost": {"requestedQueryCost": 50, "actualQueryCost": None, "throttleStatus": status}},
    }


def test_graphql_replies_that_are_not_answers() -> None:
    client = Replies(throttled(20), {"data": {"ok": True}})
    assert GraphQL(client)("q", "query { ok }", {}) == {"ok": True}  # type: ignore[arg-type]
    assert client.slept == [0.3]  # (50 - 20) / 100
    for reply, message in (
        ([], "not a GraphQL response"),
        ({"data": None}, "has no data"),
        ({"errors": [{"message": f"no access for {TOKEN}"}]}, "refused q: no access for \\*\\*\\*"),
        ({"errors": "[API] Invalid"}, "refused q: \\[API\\] Invalid"),
    ):
        with pytest.raises(TransportError, match=message):
            GraphQL(Replies(reply))("q", "query { ok }", {}, skus=["A"])  # type: ignore[arg-type]
    with pytest.raises(TransportError, match="kept throttling") as error:
        GraphQL(Replies(*[throttled(0)] * 21))("q", "query { ok }", {}, skus=["A"])  # type: ignore[arg-type]
    assert error.value.retriable and error.value.skus == ("A",)


def test_user_errors_fail_their_items_and_the_rest_is_sent_again_once() -> None:
    from chansync.adapters.shopify.api import API_VERSIONS, _Change, _send, _stock_input, set_stock_mutation

    def changes() -> list[_Change]:
        return [_Change(k, {"quantity": 1}, {"quantity": 1}, read=0) for k in ("A", "B", "C")]

    def run(*replies: Any) -> tuple[dict[str, str], list[list[dict[str, Any]]], Replies]:
        client, failed, applied = Replies(*replies), {}, []
        _send(
            GraphQL(client),
            "inventorySetQuantities",
            "quantities",
            changes(),
            failed,
            applied.append,  # type: ignore[arg-type]
            "Warehouse",
            lambda: set_stock_mutation(API_VERSIONS["2026-04"], "0b7c"),
            _stock_input,
        )
        return failed, applied, client

    def answer(group: Any, *errors: dict[str, Any]) -> dict[str, Any]:
        return {"data": {"inventorySetQuantities": {"inventoryAdjustmentGroup": group, "userErrors": list(errors)}}}

    stale = {
        "field": ["input", "quantities", "1", "changeFromQuantity"],
        "message": "stale",
        "code": "CHANGE_FROM_QUANTITY_STALE",
    }
    failed, applied, _ = run(answer({"id": "g"}, stale))  # applied but for B: not sent again
    assert list(failed) == ["B"] and "no longer 0 as chansync read it" in failed["B"]
    assert [[i["key"] for i in call] for call in applied] == [["A", "C"]]
    failed, applied, client = run(answer(None, stale), answer(None, {**stale, "field": ["input", "quantities", "0"]}))
    assert set(failed) == {"A", "B", "C"} and "twice" in failed["C"] and applied == []
    assert [len(s["variables"]["input"]["quantities"]) for s in client.sent] == [3, 2]
    failed, applied, _ = run(answer(None, {"field": ["input", "name"], "message": "Bad name", "code": "INVALID_NAME"}))
    assert failed == dict.fromkeys("ABC", "Shopify refused it: Bad name (INVALID_NAME)") and applied == []


def test_the_location_stock_is_set_at() -> None:
    from chansync.adapters.shopify.api import resolve_location
    from chansync.errors import AdapterError

    gid = "gid://shopify/Location/7"
    nodes = {"data": {"locations": {"nodes": [{"id": gid, "name": "Warehouse"}, {"id": "x", "name": "Floor"}]}}}
    one = {"data": {"locations": {"nodes": [{"id": gid, "name": "Warehouse"}]}}}

    def resolve(name: str | None, ids: dict[str, str], *replies: Any, master: tuple[str, ...] = ()) -> Any:
        return resolve_location(GraphQL(Replies(*replies)), name, ids, "shop", master)  # type: ignore[arg-type]

    assert resolve("Warehouse", {"Warehouse": gid}) == (gid, "Warehouse")  # no query
    assert resolve(gid, {}) == (gid, gid)
    assert resolve("Warehouse", {"Magazijn": gid, "Winkel": gid}, master=("Magazijn", "Winkel")) == (gid, "Warehouse")
    assert resolve(None, {"Magazijn": gid}) == (gid, "Magazijn")
    assert resolve("warehouse", {}, nodes) == (gid, "warehouse")
    assert resolve(None, {}, one) == (gid, "Warehouse")
    with pytest.raises(AdapterError, match="Shopify has no location 'Attic'; it has Floor, Warehouse"):
        resolve("Attic", {}, nodes)
    with pytest.raises(AdapterError, match=r"name the one chansync sets stock at under channels\.shop\.location"):
        resolve(None, {}, nodes)


# --- the API version decides the request's shape (issue #13) ------------------------------------------------------


@pytest.mark.parametrize("version", ["2026-01", "2026-04", "2026-07", "2026-10"])
def test_each_supported_version_in_its_own_shape(tmp_path: Path, version: str) -> None:
    """The fake answers at that version only and enforces its shape: ``changeFromQuantity`` on every quantity
    (unknown before 2026-01, mandatory from 2026-04) and ``@idempotent`` (mandatory from 2026-04)."""
    rows = catalogue(3)
    write_master(tmp_path, rows)
    shop, warehouse, _ = drifting_shop(rows)
    shop.version = version
    write_exports(tmp_path, shop)
    with serving(shop, Recorder(faults=[Fault("500")])) as url:
        path = write_config(tmp_path, url, api_version=version)
        result = push_api(load_config(path, env=ENV)).channels[0]
    assert result.status == "done" and not result.failed, result.failed
    assert shop.violations == []
    in_desired_state(shop, rows, warehouse)
    assert len(shop.idempotency) == 1  # one stock call, one key


def test_the_fake_refuses_a_stock_call_without_the_directive_from_2026_04() -> None:
    shop = FakeShopify(TOKEN, version="2026-04")
    location = shop.add_location("Warehouse")
    shop.add_variant(shop.add_product("a", "A"), "A-1", "1.00", stock={location: 1})
    item = shop.by_sku("A-1")["inventoryItem"]
    variables = {"input": {"name": "available", "reason": "correction", "quantities": [
        {"inventoryItemId": item, "locationId": location, "quantity": 5, "changeFromQuantity": 1}]}}  # fmt: skip
    bare = "mutation { inventorySetQuantities(input: $input) { userErrors { code } } }"
    _status, reply = shop._answer(bare, variables)
    assert "errors" in reply and shop.on_hand("A-1", location) == 1
    keyed = bare.replace("$input)", '$input) @idempotent(key: "k-1")')
    assert "data" in shop._answer(keyed, variables)[1] and shop.on_hand("A-1", location) == 5
    shop._answer(keyed, variables)  # the same request again (a retry): answered, not applied twice
    assert shop.applied == [("A-1", "available", 5)]
    mismatch = shop._answer(keyed, {**variables, "input": {**variables["input"], "reason": "restock"}})[1]
    assert mismatch["data"]["inventorySetQuantities"]["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"


def test_an_unsupported_api_version_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    rows = catalogue(1)
    write_master(tmp_path, rows)
    shop, _, _ = drifting_shop(rows)
    write_exports(tmp_path, shop)
    with serving(shop, Recorder()) as url:
        write_config(tmp_path, url, api_version="2025-07")
        result = push(tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "2025-07" in result.stdout + result.stderr and "2026-01" in result.stdout + result.stderr
    assert shop.calls == []


def test_export_api_reads_available_and_a_sale_since_is_not_put_back(tmp_path: Path) -> None:
    rows = catalogue(1)
    write_master(tmp_path, rows)
    shop, warehouse, _ = drifting_shop(rows)
    shop.sell("P000-S", warehouse, 1)  # an order, not shipped: on hand stays, available drops
    with serving(shop, Recorder()) as url:
        path = write_config(
            tmp_path, url, channel={"export": "api", "inventory_export": None}, location_ids={"Warehouse": warehouse}
        )
        config = load_config(path, env=ENV)
        from chansync.sync import plan as plan_of

        current = plan_of(config, channels=["shopify"]).channels[0].plan.current
    assert current.loc["P000-S", "quantity"] == shop.for_sale("P000-S", warehouse) == 1
    assert current.loc["P000-S", "shopify_on_hand"] == shop.on_hand("P000-S", warehouse) == 2


def test_export_api_reads_html_as_text_and_a_default_title_product_as_simple(tmp_path: Path) -> None:
    shop = FakeShopify(TOKEN)
    warehouse = shop.add_location("Warehouse")
    product = shop.add_product("jas", "Jas", descriptionHtml="<p>Warm &amp; dry</p>\n<p>Wol</p>")
    shop.add_variant(product, "JAS-1", "10.00", stock={warehouse: 1}, options={"Title": "Default Title"})
    (tmp_path / "master.csv").write_text(
        'sku,title,description,price,quantity,color\nJAS-1,Jas,"Warm & dry\n\nWol",10.00,1,rood\n', encoding="utf-8"
    )
    from chansync.sync import plan as plan_of

    with serving(shop, Recorder()) as url:
        path = write_config(
            tmp_path, url, channel={"export": "api", "inventory_export": None}, location_ids={"Warehouse": warehouse}
        )
        result = plan_of(load_config(path, env=ENV), channels=["shopify"]).channels[0].plan
    assert result.counts()["unchanged"] == 1, result.changes  # no description "change", no colour on a simple product


def test_a_url_naming_another_version_than_api_version_is_refused(tmp_path: Path) -> None:
    from chansync.errors import ConfigError

    write_master(tmp_path, catalogue(1))
    path = write_config(tmp_path, "https://shop.test/admin/api/2026-01/graphql.json", api_version="2026-04")
    with pytest.raises(ConfigError, match="url names API version 2026-01 but api_version is 2026-04"):
        load_config(path, env=ENV)
    assert load_config(write_config(tmp_path, "https://shop.test", api_version="2026-04"), env=ENV)


def test_a_stock_call_whose_answer_was_lost_is_retried_under_its_key_and_applied_once(tmp_path: Path) -> None:
    """Shopify applied the call but the answer was lost: the retry carries the same idempotency key, so Shopify
    answers the first result instead of failing the compare-and-swap against the quantity it has just set."""
    rows = catalogue(2)
    write_master(tmp_path, rows)
    shop, warehouse, _ = drifting_shop(rows)
    shop.version = "2026-04"
    shop.lose_stock_answers = 1
    write_exports(tmp_path, shop)
    with serving(shop, Recorder()) as url:
        result = push_api(load_config(write_config(tmp_path, url, api_version="2026-04"), env=ENV)).channels[0]
    assert result.status == "done" and not result.failed, result.failed
    in_desired_state(shop, rows, warehouse)
    stock_calls = [c for c in shop.calls if c["operation"] == "inventorySetQuantities" and not c["throttled"]]
    assert len(stock_calls) == 2 and len(shop.idempotency) == 1  # sent twice, one key, applied once
    assert len([a for a in shop.applied if a[1] == "available"]) == len(variants_of(rows)) + 1  # OLD-2 is at 0
