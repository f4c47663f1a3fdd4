"""Etsy's Open API v3 route for price and quantity, against a fake Etsy on 127.0.0.1 (etsy_server.py here) that
refuses a partial inventory, a request without x-api-key or bearer token, and unequal shared prices."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import requests

from chansync.adapters.base import LIVE, ChannelState
from chansync.adapters.etsy.api import apply_plan, changes_of
from chansync.config import load_config
from chansync.diff import Plan, diff
from chansync.errors import TransportError
from chansync.fields import Field
from chansync.sync import ChannelPlan, plan
from chansync.transports.http import HttpClient, RetryPolicy
from tests.adapters.etsy_server import FakeEtsy, Fault, Recorder, serving
from tests.conftest import write_config

KEY, TOKEN = "etsy-key-123456", "etsy-token-abcdef"
CASE = Path(__file__).resolve().parent.parent / "golden" / "etsy" / "review"


def fake(*, cups: bool = False) -> FakeEtsy:
    etsy = FakeEtsy(KEY, TOKEN)
    etsy.add(101, [{"sku": "MUG-11", "price": 2400, "quantity": 6}])
    etsy.add(102, [{"sku": "APR-NAT", "price": 3900, "quantity": 14, "values": {200: "Natural"}},
                   {"sku": "APR-RUST", "price": 3900, "quantity": 1, "values": {200: "Rust"}}],
             quantity_on_property=[200])  # fmt: skip
    etsy.add(103, [{"sku": "SOCK-1", "price": 1850, "quantity": 3}])
    if cups:  # a listing whose price and quantity do not vary by property
        etsy.add(104, [{"sku": "CUP-S", "price": 1200, "quantity": 5, "values": {100: "S"}},
                       {"sku": "CUP-L", "price": 1200, "quantity": 5, "values": {100: "L"}}])  # fmt: skip
    return etsy


def client(url: str, *, key: str = KEY, token: str = TOKEN) -> HttpClient:
    headers = {"x-api-key": key, "Authorization": f"Bearer {token}"}
    return HttpClient(f"{url}/v3/application", RetryPolicy(retries=2, timeout=5), headers, secrets=(KEY, TOKEN),
                      sleep=lambda _: None)  # fmt: skip


def master_plan(folder: Path, extra: str = "") -> ChannelPlan:
    (folder / "master.csv").write_text((CASE / "master.csv").read_text(encoding="utf-8") + extra, encoding="utf-8")
    (folder / "export.csv").write_bytes((CASE / "export.csv").read_bytes())
    channels = {"etsy": {"adapter": "etsy", "export": "export.csv"}}
    return plan(
        load_config(write_config(folder, {"file": "master.csv", "currency": "EUR"}, channels), env={})
    ).channels[0]


def state_of(etsy: FakeEtsy) -> ChannelState:
    """The channel as the API shows it: every product's own price and quantity."""
    rows = [{"sku": p["sku"], "price": p["offerings"][0]["price"]["amount"], "quantity": p["offerings"][0]["quantity"]}
            for inv in etsy.listings.values() for p in inv["products"]]  # fmt: skip
    frame = pd.DataFrame(rows).astype({"sku": "str", "price": "Int64", "quantity": "Int64"})
    frame[LIVE] = True
    return ChannelState(frame, "sku", "etsy api")


def api_plan(channel: ChannelPlan, etsy: FakeEtsy) -> Plan:
    return diff(channel.desired, state_of(etsy), channel="etsy", adapter="etsy", fields=[Field.PRICE, Field.QUANTITY])


def test_every_product_of_a_listing_is_sent_with_only_the_changes(tmp_path: Path) -> None:
    etsy, recorder = fake(cups=True), Recorder()
    channel = master_plan(tmp_path, "CUP-S,Cup S,,12.00,5,,,active\nCUP-L,Cup L,,12.00,5,,,active\n")
    the_plan = api_plan(channel, etsy)
    assert {k: (c.price, c.quantity, c.delist) for k, c in changes_of(the_plan).items()} == {
        "MUG-11": (2600, 4, False), "APR-NAT": (None, 8, False), "APR-RUST": (None, 6, False),
        "SOCK-1": (None, 0, True),
    }  # fmt: skip
    journal: list[dict[str, Any]] = []
    with serving(etsy, recorder) as url:
        failed = apply_plan(the_plan, client(url), journal.extend, etsy.shop_id)
    assert failed == {}
    assert (etsy.offering("MUG-11")["price"]["amount"], etsy.offering("MUG-11")["quantity"]) == (2600, 4)
    assert [etsy.offering(s)["quantity"] for s in ("APR-NAT", "APR-RUST", "SOCK-1")] == [8, 6, 0]
    apron = dict(etsy.puts)[102]
    assert [p["sku"] for p in apron["products"]] == ["APR-NAT", "APR-RUST"] and apron["quantity_on_property"] == [200]
    assert apron["products"][0]["property_values"][0]["property_id"] == 200
    assert 104 not in dict(etsy.puts)  # nothing changed there: no call
    assert {(j["key"], json.dumps(j["set"], sort_keys=True)) for j in journal} == {
        ("MUG-11", '{"price": 2600, "quantity": 4}'), ("APR-NAT", '{"quantity": 8}'), ("APR-RUST", '{"quantity": 6}'),
        ("SOCK-1", '{"listed": false, "quantity": 0}'),
    }  # fmt: skip
    for request in recorder.requests:
        assert request["headers"]["x-api-key"] == KEY and request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    listing_calls = [r["path"] for r in recorder.requests if "/listings/active" in r["path"]]
    assert listing_calls and all("limit=100" in p for p in listing_calls)


def test_a_shared_price_or_quantity_is_not_changed_for_one_variation(tmp_path: Path) -> None:
    etsy = fake(cups=True)
    channel = master_plan(tmp_path, "CUP-S,Cup S,,12.00,2,,,active\nCUP-L,Cup L,,13.00,5,,,active\n")
    with serving(etsy, Recorder()) as url:
        failed = apply_plan(api_plan(channel, etsy), client(url), lambda _: None, etsy.shop_id)
    assert failed == {
        "CUP-S": "Etsy holds one quantity for all of this listing's variations",
        "CUP-L": "Etsy holds one price for all of this listing's variations",
    }
    assert etsy.offering("CUP-S")["quantity"] == 5 and etsy.offering("CUP-L")["price"]["amount"] == 1200
    assert not etsy.refused  # refused here, never sent


def test_a_sku_on_no_active_listing_is_reported(tmp_path: Path) -> None:
    etsy, before = fake(), fake()
    del etsy.listings[101]
    channel = master_plan(tmp_path)
    state = state_of(before)  # the listing was there when the state was read, and ended since
    the_plan = diff(channel.desired, state, channel="etsy", adapter="etsy", fields=[Field.PRICE, Field.QUANTITY])
    with serving(etsy, Recorder()) as url:
        failed = apply_plan(the_plan, client(url), lambda _: None, etsy.shop_id)
    assert failed == {"MUG-11": "no active Etsy listing has this SKU"}


def test_429_and_500_are_retried(tmp_path: Path) -> None:
    etsy, recorder = fake(), Recorder(faults=[Fault("429", 0.0), Fault("500")])
    channel = master_plan(tmp_path)
    with serving(etsy, recorder) as url:
        failed = apply_plan(api_plan(channel, etsy), client(url), lambda _: None, etsy.shop_id)
    assert failed == {} and etsy.offering("MUG-11")["quantity"] == 4
    assert not recorder.faults  # both were served, and retried past


@pytest.mark.parametrize("wrong", ["key", "token"])
def test_without_valid_credentials_nothing_is_applied_and_every_sku_is_named(tmp_path: Path, wrong: str) -> None:
    etsy = fake()
    channel = master_plan(tmp_path)
    bad = client("", key="nope") if wrong == "key" else client("", token="nope")
    with serving(etsy, Recorder()) as url:
        bad.base_url = f"{url}/v3/application"
        with pytest.raises(TransportError) as raised:
            apply_plan(api_plan(channel, etsy), bad, lambda _: None, etsy.shop_id)
    assert not raised.value.retriable and set(raised.value.skus) >= {"MUG-11", "SOCK-1"}
    assert TOKEN not in raised.value.message and KEY not in raised.value.message
    assert not etsy.puts


def test_a_shared_price_changes_when_every_variation_gets_it(tmp_path: Path) -> None:
    etsy = fake(cups=True)
    channel = master_plan(tmp_path, "CUP-S,Cup S,,13.00,5,,,active\nCUP-L,Cup L,,13.00,5,,,active\n")
    with serving(etsy, Recorder()) as url:
        failed = apply_plan(api_plan(channel, etsy), client(url), lambda _: None, etsy.shop_id)
    assert failed == {} and [etsy.offering(s)["price"]["amount"] for s in ("CUP-S", "CUP-L")] == [1300, 1300]


def test_the_fake_refuses_a_partial_inventory() -> None:
    """The contract the adapter is tested against: leaving a product out would delete it, so it is refused."""
    etsy = fake()
    body = {"products": [{"sku": "APR-NAT", "property_values": [], "offerings": [{"price": 39.0, "quantity": 1,
                                                                                 "is_enabled": True}]}]}  # fmt: skip
    headers = {"x-api-key": KEY, "Authorization": f"Bearer {TOKEN}"}
    with serving(etsy, Recorder()) as url:
        reply = requests.put(f"{url}/v3/application/listings/102/inventory", json=body, headers=headers, timeout=5)
    assert reply.status_code == 400 and "would be deleted" in reply.json()["error"]


def test_push_applies_through_the_etsy_api_and_keeps_its_secrets(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    import yaml

    etsy, recorder = fake(), Recorder()
    (tmp_path / "master.csv").write_bytes((CASE / "master.csv").read_bytes())
    (tmp_path / "export.csv").write_bytes((CASE / "export.csv").read_bytes())
    with serving(etsy, recorder) as url:
        upload = {"type": "etsy_api", "url": f"{url}/v3/application", "shop_id": str(etsy.shop_id),
                  "api_key": "${ETSY_KEY}", "token": "${ETSY_TOKEN}", "retries": 1, "backoff": 0.01}  # fmt: skip
        config = {"version": 1, "master": {"file": "master.csv", "currency": "EUR"}, "state_dir": "state",
                  "channels": {"etsy": {"adapter": "etsy", "export": "export.csv", "upload": upload,
                                        "guard": {"max_delist_share": 1, "max_price_change_share": 1}}}}  # fmt: skip
        (tmp_path / "channels.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        env = {**os.environ, "ETSY_KEY": KEY, "ETSY_TOKEN": TOKEN}
        command = [sys.executable, "-m", "chansync", "push", "-c", str(tmp_path / "channels.yaml"), "--yes",
                   "--format", "json"]  # fmt: skip
        pushed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    (channel,) = json.loads(pushed.stdout)["channels"]
    assert channel["status"] == "done" and channel["applied"] >= 1 and channel["failed"] == []
    assert etsy.offering("MUG-11")["price"]["amount"] == 2600  # the master's price, through the API
    assert all(r["headers"]["x-api-key"] == KEY for r in recorder.requests)
    texts = [pushed.stdout, pushed.stderr] + [p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file()
                                              and p.suffix != ".parquet"]  # fmt: skip
    assert not any(secret in text for secret in (KEY, TOKEN) for text in texts)
