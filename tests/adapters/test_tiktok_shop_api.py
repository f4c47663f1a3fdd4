"""TikTok Shop's Partner API route for price and stock, against a fake Partner API on 127.0.0.1 (tiktok_server.py
here) that checks every request's signature, token, shop cipher and timestamp, and the documented shapes and
limits: reading through Search Products, applying through Update Price and Update Inventory, retries, a push
killed at random points and run again, and the real CLI end to end."""

from __future__ import annotations

import hmac
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from chansync.adapters.tiktok_shop.api import TikTokClient, apply_plan, fetch_state, sign
from chansync.config import load_config
from chansync.diff import Plan, diff
from chansync.errors import TransportError
from chansync.fields import Field
from chansync.sync import ChannelPlan, plan
from chansync.transports.http import RetryPolicy
from tests.adapters.tiktok_server import FakeTikTok, Fault, Recorder, serving
from tests.conftest import write_config
from tests.sigkill import after_seconds, applied_once, kill_pushes

KEY, SECRET, TOKEN, CIPHER = "tt-app-key-4f2a", "tt-app-secret-9c1e77", "TTP_token-b81d35e0", "ROW_fakecipher"
CASE = Path(__file__).resolve().parent.parent / "golden" / "tiktok_shop" / "batch_edit"


def fake() -> FakeTikTok:
    shop = FakeTikTok(KEY, SECRET, TOKEN, CIPHER)
    shop.add("Front light 80 lux USB rechargeable", [{"sku": "VL-1001", "price": "24.95", "quantity": 12}])
    shop.add("Rear light LED", [{"sku": "VL-1002", "price": "12.50", "quantity": 0}])
    shop.add("Rain jacket breathable", [{"sku": "JK-RAIN-BLK-M", "price": "89.95", "quantity": 4},
                                        {"sku": "JK-RAIN-BLK-L", "price": "89.95", "quantity": 2}])  # fmt: skip
    shop.add("Brass bell", [{"sku": "OLD-0001", "price": "5.00", "quantity": 3}])
    shop.add("Reflective stickers", [{"sku": "", "price": "2.00", "quantity": 40}])
    shop.add("Old saddle", [{"sku": "GONE-1", "price": "9.00", "quantity": 1}], status="DELETED")
    return shop


def client(url: str, *, secret: str = SECRET, token: str = TOKEN, clock: Any = time.time) -> TikTokClient:
    policy = RetryPolicy(retries=3, timeout=5)
    return TikTokClient(url, policy, secrets=(KEY, SECRET, TOKEN), sleep=lambda _: None, app_key=KEY,
                        app_secret=secret, access_token=token, shop_cipher=CIPHER, clock=clock)  # fmt: skip


def master_plan(folder: Path, extra: str = "") -> ChannelPlan:
    (folder / "master.csv").write_text((CASE / "master.csv").read_text(encoding="utf-8") + extra, encoding="utf-8")
    (folder / "export.xlsx").write_bytes((CASE / "export.xlsx").read_bytes())
    channels = {"tiktok": {"adapter": "tiktok_shop", "export": "export.xlsx", "listing": {"unknown": "delist"}}}
    config = write_config(folder, {"file": "master.csv", "currency": "USD"}, channels)
    return plan(load_config(config, env={})).channels[0]


def api_plan(channel: ChannelPlan, shop: FakeTikTok, url: str) -> Plan:
    state = fetch_state(client(url), "tiktok api")
    fields = [Field.PRICE, Field.QUANTITY]
    return diff(channel.desired, state, channel="tiktok", adapter="tiktok_shop", fields=fields, delist_unknown=True)


def test_the_signature_is_the_documented_one() -> None:
    # The worked example of https://partner.tiktokshop.com/docv2/page/sign-your-api-request (Get Authorized Shops)
    query = {"app_key": "29a39d", "timestamp": "1623812664", "sign": "ignored", "access_token": "ignored"}
    assert sign("e59af819cc", "/authorization/202309/shops", query, None) == (
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    )
    # with a body: secret + path + sorted pairs + body + secret, HMAC-SHA256 keyed by the secret
    base = b"s/p/1app_keykshop_cipherctimestamp1700000000{}s"
    params = {"timestamp": "1700000000", "app_key": "k", "shop_cipher": "c"}
    assert sign("s", "/p/1", params, b"{}") == hmac.new(b"s", base, "sha256").hexdigest()


def test_reads_every_sku_through_search_products_page_by_page() -> None:
    shop, recorder = fake(), Recorder()
    shop.page_limit = 2
    shop.add("Lamp in two warehouses", [{"sku": "TWO-WH", "price": "7.50", "warehouses": {"71": 3, "72": 4}}],
             status="SELLER_DEACTIVATED")  # fmt: skip
    with serving(shop, recorder) as url:
        state = fetch_state(client(url), "tiktok api")
    frame = state.frame.set_index("sku")
    assert list(frame.index) == ["VL-1001", "VL-1002", "JK-RAIN-BLK-M", "JK-RAIN-BLK-L", "OLD-0001", "TWO-WH"]
    assert frame.loc["VL-1002", ["price", "quantity", "tiktok_product_id", "tiktok_currency"]].tolist() == [
        1250, 0, shop.sku("VL-1002")["product"]["id"], "USD"
    ]  # fmt: skip
    assert frame.loc["TWO-WH", ["quantity", "tiktok_warehouses", "_live"]].tolist() == [7, "71,72", False]
    assert frame["_live"].tolist() == [True] * 5 + [False]
    searches = [r for r in recorder.requests if r["path"].startswith("/product/202502/products/search")]
    assert len(searches) == 4  # seven products, two a page
    assert all("page_size=100" in r["path"] for r in searches) and "page_token=p2" in searches[1]["path"]
    assert not shop.refused  # every request was signed, with the token and the shop cipher


def test_price_and_stock_are_applied_per_product_and_recorded_as_confirmed(tmp_path: Path) -> None:
    shop, recorder = fake(), Recorder()
    channel = master_plan(tmp_path)
    journal: list[dict[str, Any]] = []
    with serving(shop, recorder) as url:
        the_plan = api_plan(channel, shop, url)
        failed = apply_plan(the_plan, client(url), journal.extend, "USD")
    assert failed == {}
    assert (shop.price("VL-1002"), shop.quantity("VL-1002")) == ("13.50", 5)
    assert (shop.price("JK-RAIN-BLK-M"), shop.quantity("JK-RAIN-BLK-M")) == ("99.95", 3)
    assert shop.quantity("OLD-0001") == 0  # not in the master and `unknown: delist`: quantity 0
    assert (shop.price("VL-1001"), shop.quantity("VL-1001")) == ("24.95", 12)  # unchanged: no call
    assert sorted(shop.applied) == [("JK-RAIN-BLK-M", "price", "99.95"), ("JK-RAIN-BLK-M", "quantity", 3),
                                    ("OLD-0001", "quantity", 0), ("VL-1002", "price", "13.50"),
                                    ("VL-1002", "quantity", 5)]  # fmt: skip
    assert sorted((j["key"], json.dumps(j["set"], sort_keys=True)) for j in journal) == [
        ("JK-RAIN-BLK-M", '{"price": 9995}'), ("JK-RAIN-BLK-M", '{"quantity": 3}'),
        ("OLD-0001", '{"listed": false, "quantity": 0}'), ("VL-1002", '{"price": 1350}'),
        ("VL-1002", '{"quantity": 5}'),
    ]  # fmt: skip
    updates = [r for r in recorder.requests if r["path"].startswith("/product/202309/")]
    assert len(updates) == 5  # price then stock for two products, stock only for the delisted one
    body = json.loads(next(r["body"] for r in updates if "/inventory/" in r["path"]))
    assert body["skus"][0]["inventory"] == [{"quantity": 5, "warehouse_id": "7000000000000000001"}]
    for request in recorder.requests:
        assert request["headers"]["x-tts-access-token"] == TOKEN and TOKEN not in request["path"]


def test_what_the_api_cannot_take_is_returned_with_its_reason(tmp_path: Path) -> None:
    shop = fake()
    shop.add("Lamp in two warehouses", [{"sku": "TWO-WH", "price": "7.50", "warehouses": {"71": 3, "72": 4}}])
    shop.add("Bell off sale", [{"sku": "OFF-1", "price": "4.00", "quantity": 1}], status="SELLER_DEACTIVATED")
    channel = master_plan(tmp_path, "TWO-WH,Lamp,7.50,9,,,,active\nOFF-1,Bell,4.00,6,,,,active\n"
                                    "DEAR-1,Bike,,,,,,active\n")  # fmt: skip
    with serving(shop, Recorder()) as url:
        the_plan = api_plan(channel, shop, url)
        failed = apply_plan(the_plan, client(url), lambda _: None, "USD")
    assert failed == {
        "TWO-WH": "this SKU has stock in several TikTok Shop warehouses; chansync sets one figure",
        "OFF-1": "the product is not live on TikTok Shop; activate it in Seller Center",
    }
    assert shop.quantity("TWO-WH") == 7 and shop.quantity("OFF-1") == 1 and shop.quantity("VL-1002") == 5


def test_a_refused_update_leaves_that_product_alone_and_goes_on(tmp_path: Path) -> None:
    shop = fake()
    channel = master_plan(tmp_path)
    with serving(shop, Recorder()) as url:
        the_plan = api_plan(channel, shop, url)
        the_plan.desired.loc["VL-1002", "price"] = 800000  # 8000.00: above what a US shop takes
        failed = apply_plan(the_plan, client(url), lambda _: None, "USD")
    assert list(failed) == ["VL-1002"] and "0.01 to 7600" in failed["VL-1002"]
    assert shop.price("VL-1002") == "12.50" and shop.quantity("VL-1002") == 5  # its stock still went through
    assert shop.quantity("JK-RAIN-BLK-M") == 3


def test_429_500_and_a_malformed_reply_are_retried_and_each_attempt_signed_again(tmp_path: Path) -> None:
    shop, recorder = fake(), Recorder()
    channel = master_plan(tmp_path)
    ticks = iter(range(1_800_000_000, 1_800_001_000))
    with serving(shop, recorder) as url:
        the_plan = api_plan(channel, shop, url)
        recorder.faults = [Fault("429", 0.0), Fault("500"), Fault("malformed")]
        stale = client(url, clock=lambda: next(ticks) - 1_800_000_000 + time.time())
        failed = apply_plan(the_plan, stale, lambda _: None, "USD")
    assert failed == {} and shop.quantity("VL-1002") == 5 and not recorder.faults
    first = [r["path"] for r in recorder.requests if "/prices/update" in r["path"]][:4]
    assert len({p.split("timestamp=")[1][:10] for p in first}) == 4  # a new timestamp (and sign) every attempt


@pytest.mark.parametrize("wrong", ["secret", "token", "clock"])
def test_refused_credentials_apply_nothing_and_name_every_sku(tmp_path: Path, wrong: str) -> None:
    shop = fake()
    channel = master_plan(tmp_path)
    with serving(shop, Recorder()) as url:
        the_plan = api_plan(channel, shop, url)
        bad = {"secret": client(url, secret="not-the-secret"), "token": client(url, token="TTP_expired"),
               "clock": client(url, clock=lambda: time.time() - 600)}[wrong]  # fmt: skip
        with pytest.raises(TransportError) as raised:
            apply_plan(the_plan, bad, lambda _: None, "USD")
    assert not raised.value.retriable and "HTTP 401" in raised.value.message
    assert set(raised.value.skus) == {"VL-1002", "JK-RAIN-BLK-M", "OLD-0001"}
    assert not shop.applied
    assert not [s for s in (SECRET, TOKEN, KEY, "not-the-secret") if s in raised.value.message]


def test_the_fake_holds_the_documented_contract() -> None:
    """What the adapter is tested against: an unsigned request is refused, and so is stock of 99999."""
    shop = fake()
    product = shop.sku("VL-1002")
    path = f"/product/202309/products/{product['product']['id']}/inventory/update"
    body = json.dumps({"skus": [{"id": product["id"], "inventory": [{"quantity": 99999}]}]}).encode()
    with serving(shop, Recorder()) as url:
        unsigned = requests.post(f"{url}{path}?app_key={KEY}", data=body, timeout=5,
                                 headers={"x-tts-access-token": TOKEN, "Content-Type": "application/json"})  # fmt: skip
        signed = client(url).request("POST", path, data=body, expect_json=True)
    assert unsigned.status_code == 401 and unsigned.json()["code"] == 106001
    assert signed.json()["code"] != 0 and "below 99999" in signed.json()["data"]["errors"][0]["message"]
    assert shop.quantity("VL-1002") == 0


# --- through the CLI --------------------------------------------------------------------------------------------

ENV = {"TT_KEY": KEY, "TT_SECRET": SECRET, "TT_TOKEN": TOKEN}


def write_api_config(folder: Path, url: str, master: str) -> Path:
    (folder / "master.csv").write_text(master, encoding="utf-8")
    upload = {"type": "tiktok_shop_api", "url": url, "app_key": "${TT_KEY}", "app_secret": "${TT_SECRET}",
              "access_token": "${TT_TOKEN}", "shop_cipher": CIPHER, "retries": 2, "backoff": 0.01}  # fmt: skip
    channel = {"adapter": "tiktok_shop", "export": "api", "upload": upload, "listing": {"unknown": "delist"},
               "guard": {"max_delist_share": 1, "max_price_change_share": 1}}  # fmt: skip
    config = {"version": 1, "master": {"file": "master.csv", "currency": "USD"}, "state_dir": "state",
              "channels": {"tiktok": channel}}  # fmt: skip
    path = folder / "channels.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "chansync", *args, "-c", str(config), "--format", "json"]
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, **ENV}, timeout=180)


def test_diff_and_push_through_the_cli_read_and_apply_through_the_api_and_keep_the_secrets(tmp_path: Path) -> None:
    shop, recorder = fake(), Recorder()
    with serving(shop, recorder) as url:
        config = write_api_config(tmp_path, url, (CASE / "master.csv").read_text(encoding="utf-8"))
        planned = cli(config, "diff")
        assert planned.returncode == 0, planned.stdout + planned.stderr
        assert not shop.applied  # diff only reads
        pushed = cli(config, "push", "--yes")
        again = cli(config, "diff", "--exit-code")
        sent = len(recorder.requests)
        second = cli(config, "push", "--yes")
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    counts = json.loads(planned.stdout)["channels"][0]["counts"]
    assert (counts["update"], counts["delist"], counts["skipped"]) == (2, 1, 1)
    (channel,) = json.loads(pushed.stdout)["channels"]
    assert channel["status"] == "done" and channel["failed"] in ([], {}) and channel["applied"] == 5
    assert (shop.price("VL-1002"), shop.quantity("VL-1002"), shop.quantity("OLD-0001")) == ("13.50", 5, 0)
    # Only the delisted SKU is planned again (it stays live at stock 0), and it is not sent again.
    left = json.loads(again.stdout)["channels"][0]
    assert again.returncode == 3 and (left["counts"]["update"], left["counts"]["delist"]) == (0, 1)
    assert second.returncode == 0 and not [r for r in recorder.requests[sent:] if "/update" in r["path"]]
    assert len(shop.applied) == 5
    texts = [planned.stdout, planned.stderr, pushed.stdout, pushed.stderr, again.stdout, again.stderr, second.stdout]
    texts += [p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".parquet"]
    assert not [s for s in (SECRET, TOKEN) for t in texts if s in t]


def test_a_failing_api_fails_the_channel_with_exit_4(tmp_path: Path) -> None:
    shop = fake()
    shop.token = "TTP_another"  # the shop's token was revoked
    with serving(shop, Recorder()) as url:
        config = write_api_config(tmp_path, url, (CASE / "master.csv").read_text(encoding="utf-8"))
        pushed = cli(config, "push", "--yes")
    assert pushed.returncode == 4, pushed.stdout + pushed.stderr
    assert "HTTP 401" in pushed.stdout and TOKEN not in pushed.stdout + pushed.stderr and not shop.applied


def many(count: int) -> tuple[str, FakeTikTok]:
    """A master of ``count`` SKUs and a shop where every one has drifted in price and stock."""
    shop = FakeTikTok(KEY, SECRET, TOKEN, CIPHER)
    lines = ["sku,title,price,quantity"]
    for n in range(count):
        lines.append(f"SKU-{n:03d},Item {n},{10 + n}.00,{n % 7 + 1}")
        shop.add(f"Item {n}", [{"sku": f"SKU-{n:03d}", "price": f"{9 + n}.00", "quantity": n % 7 + 20}])
    return "\n".join(lines) + "\n", shop


def test_killed_at_random_points_then_rerun_applies_nothing_twice(tmp_path: Path) -> None:
    master, shop = many(30)
    rng = random.Random(20261202)
    with serving(shop, Recorder(delay=0.05)) as url:
        config = write_api_config(tmp_path, url, master)
        # a push reads for ~2.5 s, then updates for ~5 s: killed mid-way
        kill_pushes(config, ENV, 3, after_seconds(rng, 2.0, 4.0))
        final = cli(config, "push", "--yes")
    assert final.returncode == 0, final.stdout + final.stderr
    assert [shop.price(f"SKU-{n:03d}") for n in range(30)] == [f"{10 + n}.00" for n in range(30)]
    assert [shop.quantity(f"SKU-{n:03d}") for n in range(30)] == [n % 7 + 1 for n in range(30)]
    assert len(applied_once(shop.applied)) == 60
