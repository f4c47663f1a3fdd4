"""eBay's Sell Inventory API route, against a fake eBay on 127.0.0.1 (ebay_server.py here) that refuses a call
without the user token, more than 25 SKUs a call, offers of another SKU, unpublished offers and prices that are not
``{value: "0.00", currency}``; per-item statuses, paging, 429/500/malformed replies; through the CLI and killed."""

from __future__ import annotations

import base64
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from chansync.adapters.base import ChannelContext
from chansync.adapters.ebay import EbayAdapter, EbaySettings
from chansync.adapters.ebay.api import (
    OFFER,
    STATUS,
    TITLE_NOT_APPLIED,
    TOKEN_URL,
    EbayClient,
    apply_plan,
    changes_of,
    client,
)
from chansync.config import ChannelConfig, load_config
from chansync.connect import Expanded
from chansync.errors import TransportError
from chansync.sync import ChannelPlan, plan
from chansync.transports.http import HttpClient, RetryPolicy
from tests.adapters.ebay_server import FakeEbay, Fault, Recorder, serving
from tests.sigkill import Process, applied_once, kill_pushes, wait_until

TOKEN = "v^1.1#i^1#p^3#r^1#f^0#I^3#t^Ul4xMF8yOkZBQ0U="  # the shape of an eBay user token (not a real one)
CASE = Path(__file__).resolve().parent.parent / "golden" / "ebay" / "revise"
GOLDEN = ["VL-1001", "VL-1002", "JK-RAIN-BLK-M", "JK-RAIN-BLK-L", "JK-RAIN-YEL-M", "JK-RAIN-YEL-L", "TL-5001",
          "OLD-0001"]  # fmt: skip


def fake() -> FakeEbay:
    """The golden case's listings (tests/golden/ebay/revise/export.csv) as the Inventory API holds them."""
    ebay = FakeEbay(TOKEN)
    ebay.add("VL-1001", "24.95", 12, "296512340011", title="Front light 80 lux USB rechargeable")
    ebay.add("VL-1002", "12.50", 0, "296512340012", title="Rear light LED", listing_status="OUT_OF_STOCK")
    for sku, price, quantity in (("JK-RAIN-BLK-M", "99.95", 4), ("JK-RAIN-BLK-L", "99.95", 2),
                                 ("JK-RAIN-YEL-M", "89.95", 7), ("JK-RAIN-YEL-L", "89.95", 0)):  # fmt: skip
        ebay.add(sku, price, quantity, "296512340020", title="Rain jacket breathable", group="JK-RAIN")
    ebay.add("TL-5001", "3.95", 40, "296512340030", title="Tyre levers set of 3")
    ebay.add("OLD-0001", "19.00", 3, "296512340031", title="Frame pump")
    return ebay


def section(url: str, **extra: Any) -> Expanded:
    return Expanded({"type": "ebay_api", "token": TOKEN, "marketplace_id": "EBAY_US", "url": url, **extra})


def api(url: str, token: str = TOKEN, **extra: Any) -> HttpClient:
    built = client(section(url, token=token, **extra), (TOKEN,), RetryPolicy(retries=3, timeout=5, backoff=0))
    built.sleep = lambda _: None
    return built


def adapter() -> EbayAdapter:
    config = ChannelConfig.model_validate({"adapter": "ebay"})
    return EbayAdapter(ChannelContext("ebay", config, EbaySettings(), "USD"))


def channel_plan(
    folder: Path,
    url: str,
    *,
    export: str = "api",
    master: str = "",
    settings: dict[str, Any] | None = None,
    **upload: Any,
) -> ChannelPlan:
    """The golden master planned against the fake through `export: api` (or the golden download)."""
    (folder / "master.csv").write_text((CASE / "master.csv").read_text(encoding="utf-8") + master, encoding="utf-8")
    (folder / "export.csv").write_bytes((CASE / "export.csv").read_bytes())
    channel = {"adapter": "ebay", "export": export, "listing": {"unknown": "delist"}, **(settings or {}),
               "upload": {"type": "ebay_api", "token": "${EBAY_TOKEN}", "url": url,
                          "backoff": 0, **upload}}  # fmt: skip
    config = {"version": 1, "master": {"file": "master.csv", "currency": "USD"}, "channels": {"ebay": channel}}
    (folder / "channels.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = plan(load_config(folder / "channels.yaml", env={"EBAY_TOKEN": TOKEN}))
    assert not result.failed, result.failed
    return result.channels[0]


def test_the_client_carries_the_token_the_marketplace_and_its_language() -> None:
    built = client(section("https://api.ebay.com", marketplace_id="EBAY_DE"), (TOKEN,), RetryPolicy())
    assert built.base_url == "https://api.ebay.com/sell/inventory/v1"
    assert built.headers["Authorization"] == f"Bearer {TOKEN}"
    assert (built.headers["X-EBAY-C-MARKETPLACE-ID"], built.headers["Content-Language"]) == ("EBAY_DE", "de-DE")
    chosen = client(
        section("https://api.ebay.com", marketplace_id="EBAY_BE", content_language="fr-BE"), (), RetryPolicy()
    )
    assert chosen.headers["Content-Language"] == "fr-BE"
    minted = {"client_id": "${A}", "client_secret": "${B}", "refresh_token": "${C}", "token": None}
    sandbox = client(section("https://api.sandbox.ebay.com", token_url=TOKEN_URL, **minted), (), RetryPolicy())
    assert isinstance(sandbox, EbayClient) and sandbox.minter is not None
    assert sandbox.minter.url == "https://api.sandbox.ebay.com/identity/v1/oauth2/token"
    assert "Authorization" not in sandbox.headers  # minted at the first call, not before


def test_fetch_reads_the_listings_in_the_downloads_columns_page_by_page() -> None:
    ebay, recorder = fake(), Recorder()
    for i in range(205):  # more than one page of 200
        ebay.add(f"FILL-{i:03d}", "5.00", i % 4, f"39{i:010d}")
    ebay.add("DRAFT-1", "7.00", 2, "", status="UNPUBLISHED")  # never published: not an active listing
    ebay.add("GONE-1", "7.00", 0, "296512349999", listing_status="ENDED")
    ebay.items["BARE-1"] = {"sku": "BARE-1", "availability": {}}  # an inventory item without offers (404)
    with serving(ebay, recorder) as url:
        state = adapter().fetch(api(url), upload=section(url))
    frame = state.frame.set_index("sku")
    from_file = adapter().read_export(CASE / "export.csv", "export.csv").frame.set_index("sku")
    assert set(from_file.columns) <= set(frame.columns)
    for name in ("ebay_item", "price", "quantity", "currency", "_live"):
        assert frame.loc[GOLDEN, name].tolist() == from_file.loc[GOLDEN, name].tolist(), name
    assert frame.loc["JK-RAIN-YEL-M", "ebay_relationship"] == "Variation" and len(frame) == 8 + 205
    assert "DRAFT-1" not in frame.index and "GONE-1" not in frame.index and "BARE-1" not in frame.index
    assert (
        frame.loc["VL-1002", STATUS] == "OUT_OF_STOCK"
        and frame.loc["VL-1001", OFFER] == ebay.offer("VL-1001")["offerId"]
    )
    pages = [r["path"] for r in recorder.requests if "/inventory_item" in r["path"]]
    assert pages == ["/sell/inventory/v1/inventory_item?limit=200&offset=0",
                     "/sell/inventory/v1/inventory_item?limit=200&offset=1"]  # fmt: skip
    for request in recorder.requests:
        headers = request["headers"]
        assert headers["Authorization"] == f"Bearer {TOKEN}" and headers["X-EBAY-C-MARKETPLACE-ID"] == "EBAY_US"


def test_apply_sets_price_and_quantity_and_delists_with_quantity_zero(tmp_path: Path) -> None:
    ebay, recorder = fake(), Recorder()
    with serving(ebay, recorder) as url:
        channel = channel_plan(tmp_path, url)
        changes, titles = changes_of(channel.plan)
        assert {k: (c.price, c.quantity, c.delist) for k, c in changes.items()} == {
            "VL-1002": (1350, 5, False), "JK-RAIN-BLK-M": (None, 3, False), "JK-RAIN-YEL-M": (8495, None, False),
            "TL-5001": (None, 0, True), "OLD-0001": (None, 0, True),
        }  # fmt: skip
        journal: list[dict[str, Any]] = []
        lookups = len(recorder.requests)
        failed = apply_plan(channel.plan, channel.desired, api(url), journal.extend, section(url))
    assert failed == {} and not titles
    assert [ebay.now(s) for s in ("VL-1002", "JK-RAIN-BLK-M", "JK-RAIN-YEL-M", "TL-5001", "OLD-0001")] == [
        ("13.50", 5), ("99.95", 3), ("84.95", 7), ("3.95", 0), ("19.00", 0)]  # fmt: skip
    (call,) = ebay.calls  # five SKUs: one call
    sent = {entry["sku"]: entry for entry in call["requests"]}
    assert sent["VL-1002"] == {"sku": "VL-1002", "shipToLocationAvailability": {"quantity": 5},
                               "offers": [{"offerId": ebay.offer("VL-1002")["offerId"], "availableQuantity": 5,
                                           "price": {"value": "13.50", "currency": "USD"}}]}  # fmt: skip
    assert "shipToLocationAvailability" not in sent["JK-RAIN-YEL-M"]  # a price alone leaves the stock be
    assert {(j["key"], json.dumps(j["set"], sort_keys=True)) for j in journal} == {
        ("VL-1002", '{"price": 1350, "quantity": 5}'), ("JK-RAIN-BLK-M", '{"quantity": 3}'),
        ("JK-RAIN-YEL-M", '{"price": 8495}'), ("TL-5001", '{"listed": false, "quantity": 0}'),
        ("OLD-0001", '{"listed": false, "quantity": 0}'),
    }  # fmt: skip
    posts = [r for r in recorder.requests if r["method"] == "POST"]
    assert [r["headers"]["Content-Type"] for r in posts] == ["application/json"]
    assert len(recorder.requests) == lookups + 1  # the offers read with the state: no lookups, one call


def many(ebay: FakeEbay, n: int) -> str:
    """``n`` more listings on eBay at 5.00 and quantity 1; the master rows that change each one's quantity."""
    for i in range(n):
        ebay.add(f"M-{i:03d}", "5.00", 1, f"40{i:010d}")
    return "".join(f"M-{i:03d},Item {i},5.00,{2 + i % 5},,,,active\n" for i in range(n))


def test_at_most_25_skus_a_call_and_only_the_ones_ebay_confirms_are_recorded(tmp_path: Path) -> None:
    ebay = fake()
    rows = many(ebay, 60)
    ebay.refusals["M-007"] = (400, 25709, "Invalid value for availableQuantity.")
    ebay.refusals["VL-1002"] = (500, 25001, "A system error has occurred.")
    with serving(ebay, Recorder()) as url:
        channel = channel_plan(tmp_path, url, master=rows)
        journal: list[dict[str, Any]] = []
        failed = apply_plan(channel.plan, channel.desired, api(url), journal.extend, section(url))
    assert [len(c["requests"]) for c in ebay.calls] == [25, 25, 15]
    assert failed == {"M-007": "eBay refused the change: Invalid value for availableQuantity.",
                      "VL-1002": "eBay refused the change: A system error has occurred."}  # fmt: skip
    recorded = {j["key"] for j in journal}
    assert "M-007" not in recorded and "VL-1002" not in recorded and len(recorded) == 60 + 5 - 2
    assert ebay.now("M-007") == ("5.00", 1) and ebay.now("M-008") == ("5.00", 5)


def test_the_fake_refuses_26_skus_a_page_over_200_and_a_call_without_token() -> None:
    import requests

    ebay = fake()
    body = {"requests": [{"sku": "VL-1001", "shipToLocationAvailability": {"quantity": 1}}] * 26}
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    with serving(ebay, Recorder()) as url:
        reply = requests.post(f"{url}/sell/inventory/v1/bulk_update_price_quantity", json=body, headers=headers,
                              timeout=5)  # fmt: skip
        other = {"requests": [{"sku": "VL-1001", "offers": [{"offerId": ebay.offer("TL-5001")["offerId"],
                                                              "availableQuantity": 1}]}]}  # fmt: skip
        mixed = requests.post(f"{url}/sell/inventory/v1/bulk_update_price_quantity", json=other, headers=headers,
                              timeout=5)  # fmt: skip
        page = requests.get(f"{url}/sell/inventory/v1/inventory_item?limit=201", headers=headers, timeout=5)
        bare = requests.get(f"{url}/sell/inventory/v1/inventory_item", timeout=5)
    assert page.status_code == 400 and page.json()["errors"][0]["errorId"] == 25706  # limit is 1 to 200
    assert bare.status_code == 401  # no token, no answer
    assert reply.status_code == 400 and "At most 25" in reply.json()["errors"][0]["message"]
    assert mixed.status_code == 207 and mixed.json()["responses"][0]["statusCode"] == 400
    assert not ebay.applied


def test_a_third_revision_of_one_listing_in_a_run_waits_for_the_next_run(tmp_path: Path) -> None:
    ebay = fake()
    ebay.revision_limit = 2  # as eBay would, the fake refuses a third revision: chansync must not send it
    golden = "JK-RAIN-BLK-L,Rain jacket breathable black L,99.95,2,"
    with serving(ebay, Recorder()) as url:
        channel_plan(tmp_path, url, daily_revisions=2)
        text = (tmp_path / "master.csv").read_text(encoding="utf-8")
        (tmp_path / "master.csv").write_text(text.replace(golden, golden.replace(",2,", ",1,")), encoding="utf-8")
        channel = plan(load_config(tmp_path / "channels.yaml", env={"EBAY_TOKEN": TOKEN})).channels[0]
        jacket = sorted(k for k in changes_of(channel.plan)[0] if k.startswith("JK-RAIN"))
        assert jacket == ["JK-RAIN-BLK-L", "JK-RAIN-BLK-M", "JK-RAIN-YEL-M"]  # one listing, three variations
        failed = apply_plan(channel.plan, channel.desired, api(url), lambda _: None, section(url, daily_revisions=2))
    assert failed == {"JK-RAIN-YEL-M": "eBay allows 250 revisions of a listing a day; this run already sent 2 to "
                                       "listing 296512340020, so this change waits for the next run"}  # fmt: skip
    sent = [e["sku"] for c in ebay.calls for e in c["requests"]]
    assert "JK-RAIN-YEL-M" not in sent and ebay.revisions["296512340020"] == 2
    assert ebay.now("JK-RAIN-BLK-L") == ("99.95", 1) and ebay.now("JK-RAIN-YEL-M") == ("89.95", 7)


def test_an_unpublished_offer_or_a_sku_without_one_is_refused_with_the_reason(tmp_path: Path) -> None:
    ebay = fake()
    ebay.offers["VL-1002"][0].update(status="UNPUBLISHED")
    ebay.offers["VL-1002"][0].pop("listing")
    del ebay.offers["OLD-0001"]
    with serving(ebay, Recorder()) as url:
        channel = channel_plan(tmp_path, url, export="export.csv")  # the download: offers looked up by SKU
        failed = apply_plan(channel.plan, channel.desired, api(url), lambda _: None, section(url))
    reason = "no published fixed-price eBay offer has this SKU on EBAY_US"
    assert failed == {"VL-1002": reason, "OLD-0001": reason}
    assert ebay.now("TL-5001") == ("3.95", 0)  # the others went through


def test_a_title_is_left_to_the_revise_file_with_the_reason(tmp_path: Path) -> None:
    ebay = fake()
    renamed = "VL-1001,Front light 100 lux,24.95,12,,,,active\n"
    with serving(ebay, Recorder()) as url:
        channel = channel_plan(tmp_path, url, settings={"revise_title": True})
        text = (tmp_path / "master.csv").read_text(encoding="utf-8")
        old = "VL-1001,Front light 80 lux USB rechargeable,24.95,12,,,,active\n"
        (tmp_path / "master.csv").write_text(text.replace(old, renamed), encoding="utf-8")
        channel = plan(load_config(tmp_path / "channels.yaml", env={"EBAY_TOKEN": TOKEN})).channels[0]
        failed = apply_plan(channel.plan, channel.desired, api(url), lambda _: None, section(url))
    assert failed == {"VL-1001": TITLE_NOT_APPLIED}
    assert "VL-1001" not in [e["sku"] for c in ebay.calls for e in c["requests"]]


@pytest.mark.parametrize("faults", [[Fault("429", 0.0), Fault("500")], [Fault("malformed")]])
def test_429_500_and_malformed_replies_are_retried(tmp_path: Path, faults: list[Fault]) -> None:
    ebay = fake()
    with serving(ebay, Recorder()) as url:
        channel = channel_plan(tmp_path, url)
    recorder = Recorder(faults=list(faults))
    with serving(ebay, recorder) as url:
        failed = apply_plan(channel.plan, channel.desired, api(url), lambda _: None, section(url))
    assert failed == {} and ebay.now("VL-1002") == ("13.50", 5)
    assert not recorder.faults and len(ebay.calls) == 1  # every fault served, the change applied once


def test_a_wrong_token_applies_nothing_and_names_every_sku_without_the_token(tmp_path: Path) -> None:
    ebay = fake()
    with serving(ebay, Recorder()) as url:
        channel = channel_plan(tmp_path, url)
        with pytest.raises(TransportError) as raised:
            apply_plan(channel.plan, channel.desired, api(url, token=TOKEN + "x"), lambda _: None, section(url))
    assert not raised.value.retriable and "HTTP 401" in raised.value.message
    assert set(raised.value.skus) == {"VL-1002", "JK-RAIN-BLK-M", "JK-RAIN-YEL-M", "TL-5001", "OLD-0001"}
    assert TOKEN not in raised.value.message and not ebay.calls


def test_a_token_is_minted_from_the_refresh_token_and_again_when_it_expires(tmp_path: Path) -> None:
    ebay = fake()
    ebay.token = ""  # no standing token: only minted ones
    ebay.client_id, ebay.client_secret, ebay.refresh_token = "App-ID-1234", "SBX-cert-secret-5678", "v^1.1#r^refresh"
    ebay.expire_after = 6  # the first token expires during the read
    minted = {"client_id": ebay.client_id, "client_secret": ebay.client_secret, "refresh_token": ebay.refresh_token}
    with serving(ebay, Recorder()) as url:
        built = client(section(url, token=None, token_url=f"{url}/identity/v1/oauth2/token", **minted), (),
                       RetryPolicy(retries=1, backoff=0))  # fmt: skip
        state = adapter().fetch(built, upload=section(url))
    assert len(state.frame) == 8 and len(ebay.minted) >= 2
    assert all(token in built.secrets for token in ebay.minted)  # every minted token is kept out of messages


def test_a_refused_refresh_token_stops_the_channel_and_names_every_sku(tmp_path: Path) -> None:
    ebay = fake()
    ebay.client_id, ebay.client_secret, ebay.refresh_token = "App-ID-1234", "SBX-cert-secret-5678", "v^1.1#r^refresh"
    minted = {"client_id": ebay.client_id, "client_secret": ebay.client_secret, "refresh_token": "v^1.1#r^revoked"}
    with serving(ebay, Recorder()) as url:
        channel = channel_plan(tmp_path, url)
        built = client(section(url, token=None, token_url=f"{url}/identity/v1/oauth2/token", **minted), (),
                       RetryPolicy(retries=0))  # fmt: skip
        with pytest.raises(TransportError) as raised:
            apply_plan(channel.plan, channel.desired, built, lambda _: None, section(url))
    assert raised.value.message.startswith("no eBay access token") and "HTTP 400" in raised.value.message
    assert set(raised.value.skus) == {"VL-1002", "JK-RAIN-BLK-M", "JK-RAIN-YEL-M", "TL-5001", "OLD-0001"}
    assert not ebay.calls and "revoked" not in raised.value.message and ebay.client_secret not in raised.value.message


# --- through the CLI -----------------------------------------------------------------------------------------


def write_cli_config(folder: Path, url: str, master: str = "", **upload: Any) -> Path:
    (folder / "master.csv").write_text((CASE / "master.csv").read_text(encoding="utf-8") + master, encoding="utf-8")
    config = {"version": 1, "master": {"file": "master.csv", "currency": "USD"}, "state_dir": "state",
              "channels": {"ebay": {"adapter": "ebay", "export": "api", "listing": {"unknown": "delist"},
                                    "guard": {"max_delist_share": 1, "max_price_change_share": 1},
                                    "upload": {"type": "ebay_api", "token": "${EBAY_TOKEN}", "url": url,
                                               "retries": 2, "backoff": 0.01, **upload}}}}  # fmt: skip
    path = folder / "channels.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def cli(config: Path, *args: str, token: str = TOKEN) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EBAY_TOKEN": token}
    command = [sys.executable, "-m", "chansync", *args, "-c", str(config)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=180, cwd=config.parent)


def test_diff_and_push_through_the_cli_with_export_api_and_the_token_never_shown(tmp_path: Path) -> None:
    ebay = fake()
    ebay.refusals["JK-RAIN-YEL-M"] = (400, 25709, "Invalid value for price.")
    outputs = []
    with serving(ebay, Recorder(faults=[Fault("500")])) as url:
        config = write_cli_config(tmp_path, url)
        diffed = cli(config, "diff", "--format", "json")
        assert not ebay.calls and not ebay.applied  # diff only reads
        pushed = cli(config, "push", "--yes", "--format", "json")
        calls = len(ebay.calls)
        again = cli(config, "push", "--yes", "--format", "json")
        wrong = cli(config, "push", "--yes", token=TOKEN + "-wrong")
        outputs += [diffed.stdout, diffed.stderr, pushed.stdout, pushed.stderr, again.stdout, again.stderr,
                    wrong.stdout, wrong.stderr]  # fmt: skip
    assert diffed.returncode in (0, 1), diffed.stderr
    assert "VL-1002" in diffed.stdout and "OLD-0001" in diffed.stdout
    (channel,) = json.loads(pushed.stdout)["channels"]
    assert channel["applied"] == 4, pushed.stdout
    assert {f["key"]: f["reason"] for f in channel["failed"]} == {
        "JK-RAIN-YEL-M": "eBay refused the change: Invalid value for price."
    }
    assert ebay.now("VL-1002") == ("13.50", 5) and ebay.now("OLD-0001") == ("19.00", 0)
    (second,) = json.loads(again.stdout)["channels"]
    assert second["applied"] == 0 and len(ebay.calls) == calls + 1, again.stdout  # only the refused SKU again
    assert [e["sku"] for e in ebay.calls[-1]["requests"]] == ["JK-RAIN-YEL-M"]
    assert wrong.returncode != 0 and "401" in wrong.stdout + wrong.stderr
    files = [p for p in tmp_path.rglob("*") if p.is_file()]  # journal, state database, snapshots, run logs
    texts = outputs + [p.read_bytes().decode("utf-8", errors="replace") for p in files]
    for secret in (TOKEN, TOKEN + "-wrong"):
        assert not [t for t in texts if secret in t], "the token leaked"


def test_push_mints_its_token_from_the_refresh_token_and_shows_none_of_the_secrets(tmp_path: Path) -> None:
    ebay = fake()
    ebay.token = ""
    ebay.client_id, ebay.client_secret, ebay.refresh_token = "App-ID-1234", "PRD-cert-secret-5678", "v^1.1#r^refresh"
    ebay.expire_after = 5
    env = {"EBAY_APP": ebay.client_id, "EBAY_CERT": ebay.client_secret, "EBAY_REFRESH": ebay.refresh_token}
    with serving(ebay, Recorder()) as url:
        config = write_cli_config(tmp_path, url)
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        upload = data["channels"]["ebay"]["upload"]
        del upload["token"]
        upload.update(client_id="${EBAY_APP}", client_secret="${EBAY_CERT}", refresh_token="${EBAY_REFRESH}",
                      token_url=f"{url}/identity/v1/oauth2/token")  # fmt: skip
        config.write_text(yaml.safe_dump(data), encoding="utf-8")
        command = [sys.executable, "-m", "chansync", "push", "--yes", "--format", "json", "-c", str(config)]
        pushed = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **env}, timeout=180)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    (channel,) = json.loads(pushed.stdout)["channels"]
    assert channel["applied"] == 5 and ebay.now("VL-1002") == ("13.50", 5) and len(ebay.minted) >= 2
    texts = [pushed.stdout, pushed.stderr] + [p.read_bytes().decode("utf-8", "replace") for p in tmp_path.rglob("*")
                                              if p.is_file() and p.suffix != ".yaml"]  # fmt: skip
    basic = base64.b64encode(f"{ebay.client_id}:{ebay.client_secret}".encode()).decode()
    for secret in (ebay.client_id, ebay.client_secret, ebay.refresh_token, basic, *ebay.minted):
        assert not [t for t in texts if secret in t], f"{secret[:8]}… leaked"


def test_killed_at_random_points_then_rerun_applies_nothing_twice(tmp_path: Path) -> None:
    """Each push is killed once a call has reached eBay (sometimes while eBay is still applying it, so eBay takes
    a call chansync never heard back from); the rerun reads the listings again and sends only what is left."""
    ebay = fake()
    rows = many(ebay, 120)  # five calls of at most 25
    ebay.post_delay = 0.4
    recorder = Recorder()
    rng = random.Random(20261202)

    def posts() -> int:
        return sum(1 for r in recorder.requests if r["method"] == "POST")

    with serving(ebay, recorder) as url:
        config = write_cli_config(tmp_path, url, master=rows)

        def after_a_post(process: Process) -> None:
            target = posts() + 1
            wait_until(lambda: posts() >= target, process, step=0.02)
            time.sleep(rng.uniform(0.0, 0.6))

        kill_pushes(config, {"EBAY_TOKEN": TOKEN}, 3, after_a_post, cwd=tmp_path)
        ebay.post_delay = 0.0
        time.sleep(0.5)  # a call eBay received before the kill is finished there
        before = len(ebay.calls)
        final = cli(config, "push", "--yes", "--format", "json")
    assert 0 < before < 5 and len(ebay.calls) > before, (before, len(ebay.calls))  # killed between calls
    assert final.returncode == 0, final.stdout + final.stderr
    for i in range(120):
        assert ebay.now(f"M-{i:03d}") == ("5.00", 2 + i % 5)
    assert ebay.now("VL-1002") == ("13.50", 5) and ebay.now("TL-5001") == ("3.95", 0)
    applied_once(ebay.applied)
