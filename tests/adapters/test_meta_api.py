"""Meta's Catalog Batch API route (``upload: {type: meta_api}``, ``export: api``) against a fake Graph API on
127.0.0.1 (meta_server.py here) that enforces the token, the batch size and request shape, asynchronous batch
statuses, per-item errors and Graph's throttling error."""

from __future__ import annotations

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

from chansync.adapters.meta import MetaAdapter
from chansync.adapters.meta.api import GraphClient, regain_minutes
from chansync.config import load_config
from chansync.connect import section_and_client
from chansync.errors import TransportError
from chansync.fields import Field
from chansync.sync import ChannelPlan, plan
from tests.adapters.meta_server import FakeMeta, Fault, Recorder, serving
from tests.sigkill import Process, applied_once, kill_pushes, wait_until

TOKEN = "EAAmetatoken0123456789abcdef"
N = 12


def master(folder: Path, n: int = N, *, price: str = "{i}.50") -> None:
    rows = ["sku,title,description,brand,price,quantity,image_url,product_url,condition"]
    for i in range(n):
        rows.append(f"M-{i:03d},Mug {i},A mug,Acme,{price.format(i=10 + i)},{i % 5},https://x.example/{i}.jpg,"
                    f"https://x.example/{i},new")  # fmt: skip
    (folder / "master.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def catalogue(n: int = N, *, missing: int = 2) -> FakeMeta:
    """Meta has all but the last ``missing`` items; every third price and every fourth stock differ; OLD-1 is an
    item the master no longer has."""
    meta = FakeMeta(TOKEN)
    for i in range(n - missing):
        stock = i % 5 if i % 4 else i % 5 + 3
        price = f"{10 + i}.50 EUR" if i % 3 else "99.00 EUR"
        meta.add(f"M-{i:03d}", title=f"Mug {i}", description="A mug", brand="Acme", price=price,
                 availability="in stock" if stock else "out of stock", condition="new", link=f"https://x.example/{i}",
                 image_link=f"https://x.example/{i}.jpg", quantity_to_sell_on_facebook=stock)  # fmt: skip
    meta.add("OLD-1", title="Old", description="Old", brand="Acme", price="1.00 EUR", availability="in stock",
             condition="new", link="https://x.example/o", image_link="https://x.example/o.jpg")  # fmt: skip
    return meta


def upload(url: str, meta: FakeMeta, **extra: Any) -> dict[str, Any]:
    return {"type": "meta_api", "url": f"{url}/v21.0", "catalog_id": meta.catalog_id, "token": "${META_TOKEN}",
            "status_wait": 0, "retries": 2, "backoff": 0.01, "timeout": 5, **extra}  # fmt: skip


def write_channels(folder: Path, section: dict[str, Any], **channel: Any) -> Path:
    guard = {"max_delist_share": 1, "max_price_change_share": 1}
    meta = {"adapter": "meta", "export": "api", "upload": section, "listing": {"unknown": "delist"}, "guard": guard}
    config = {"version": 1, "master": {"file": "master.csv", "currency": "EUR"}, "state_dir": "state",
              "channels": {"meta": {**meta, **channel}}}  # fmt: skip
    path = folder / "channels.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def planned(folder: Path, url: str, meta: FakeMeta, **extra: Any) -> tuple[ChannelPlan, Any, GraphClient]:
    config = load_config(write_channels(folder, upload(url, meta, **extra)), env={"META_TOKEN": TOKEN})
    channel = plan(config).channels[0]
    section, client = section_and_client(config, "meta")
    assert isinstance(client, GraphClient)
    client.sleep = lambda _: None
    return channel, section, client


def apply(channel: ChannelPlan, section: Any, client: GraphClient) -> tuple[dict[str, str], list[dict[str, Any]]]:
    journal: list[dict[str, Any]] = []
    adapter = channel.adapter
    assert isinstance(adapter, MetaAdapter)
    failed = adapter.apply(channel.plan, channel.desired, client, journal.extend, upload=section)
    return failed, journal


def test_updates_creates_and_deletes_go_through_items_batch_and_are_journalled_once_finished(tmp_path: Path) -> None:
    master(tmp_path)
    meta, recorder = catalogue(), Recorder()
    with serving(meta, recorder) as url:
        channel, section, client = planned(tmp_path, url, meta)
        counts = channel.plan.counts()
        failed, journal = apply(channel, section, client)
    assert counts["create"] == 2 and counts["delist"] == 1 and counts["update"] >= 4
    assert failed == {}
    assert [c["allow_upsert"] for c in meta.calls] == [False, True]  # updates and deletes, then creates
    updates, creates = meta.calls
    assert all(c["item_type"] == "PRODUCT_ITEM" for c in meta.calls)
    by_id = {r["data"]["id"]: r for r in updates["requests"]}
    assert by_id["OLD-1"] == {"method": "DELETE", "data": {"id": "OLD-1"}}
    assert by_id["M-003"]["data"] == {"id": "M-003", "price": "13.50 EUR"}  # only what changed, as the feed writes it
    assert {r["method"] for r in creates["requests"]} == {"UPDATE"}  # an upserting UPDATE: idempotent on a rerun
    new = {r["data"]["id"]: r["data"] for r in creates["requests"]}
    assert new["M-011"]["price"] == "21.50 EUR" and new["M-011"]["quantity_to_sell_on_facebook"] == 1
    assert new["M-011"]["availability"] == "in stock" and new["M-011"]["brand"] == "Acme"
    # the catalogue now is the master
    assert "OLD-1" not in meta.items and meta.items["M-011"]["title"] == "Mug 11"
    for i in range(N):
        item = meta.items[f"M-{i:03d}"]
        assert item["price"] == f"{10 + i}.50 EUR" and item["quantity_to_sell_on_facebook"] == i % 5
    journalled = {j["key"]: j["set"] for j in journal}
    assert journalled["OLD-1"] == {"listed": False} and journalled["M-003"] == {Field.PRICE.value: 1350}
    assert set(journalled) == set(channel.plan.keys("create", "update", "delist"))
    for request in recorder.requests:  # the token in the header, never in a URL
        assert request["headers"]["Authorization"] == f"Bearer {TOKEN}" and TOKEN not in request["path"]


def test_batches_hold_at_most_batch_size_requests(tmp_path: Path) -> None:
    master(tmp_path)
    meta = catalogue()
    with serving(meta, Recorder()) as url:
        channel, section, client = planned(tmp_path, url, meta, batch_size=2)
        failed, journal = apply(channel, section, client)
    assert failed == {} and len(journal) == len(channel.plan.keys("create", "update", "delist"))
    assert len(meta.calls) >= 4 and all(1 <= len(c["requests"]) <= 2 for c in meta.calls)


def test_the_fake_refuses_more_than_5000_requests_and_a_missing_token() -> None:
    """The contract the adapter is tested against: 5,000 requests at most, the token on every call."""
    meta = FakeMeta(TOKEN)
    body = {
        "item_type": "PRODUCT_ITEM",
        "requests": [{"method": "DELETE", "data": {"id": f"X{i}"}} for i in range(5001)],
    }
    with serving(meta, Recorder()) as url:
        big = requests.post(f"{url}/v21.0/{meta.catalog_id}/items_batch", json=body, timeout=10,
                            headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
        anonymous = requests.get(f"{url}/v21.0/{meta.catalog_id}/products", timeout=10)
        by_parameter = requests.get(
            f"{url}/v21.0/{meta.catalog_id}/products", params={"access_token": TOKEN}, timeout=10
        )
    assert big.status_code == 400 and big.json()["error"]["code"] == 100
    assert anonymous.status_code == 400 and anonymous.json()["error"]["code"] == 190
    assert by_parameter.status_code == 200


def test_items_meta_refuses_are_reported_by_sku_and_the_rest_is_applied(tmp_path: Path) -> None:
    master(tmp_path)
    meta = catalogue()
    meta.refuse["M-009"] = "The image could not be downloaded"  # fails while processing (batch status errors)
    with serving(meta, Recorder()) as url:
        channel, section, client = planned(tmp_path, url, meta)
        meta.items.pop("M-006")  # deleted on Meta after it was read: an update may not create it half-filled
        failed, journal = apply(channel, section, client)
    assert failed["M-009"] == "Meta refused it: The image could not be downloaded"
    assert "allow_upsert is false" in failed["M-006"] and failed["M-006"].startswith("Meta refused it")
    assert set(failed) == {"M-009", "M-006"}
    journalled = {j["key"] for j in journal}
    assert not journalled & {"M-009", "M-006"} and {"M-000", "OLD-1", "M-011"} <= journalled
    assert meta.items["M-009"]["price"] == "99.00 EUR"  # refused: as it was
    assert meta.items["M-000"]["price"] == "10.50 EUR"


def test_a_call_meta_refuses_whole_fails_that_batch_only(tmp_path: Path) -> None:
    master(tmp_path)
    meta = catalogue()
    meta.refuse_call = {"M-003"}
    with serving(meta, Recorder()) as url:
        channel, section, client = planned(tmp_path, url, meta, batch_size=2)
        failed, journal = apply(channel, section, client)
    refused = {k for k, reason in failed.items() if reason.startswith("Meta refused the batch") and "(#100)" in reason}
    assert "M-003" in refused and len(refused) == 2 and set(failed) == refused  # M-003 and the one sent with it
    assert {j["key"] for j in journal} == set(channel.plan.keys("create", "update", "delist")) - refused
    assert TOKEN not in json.dumps(failed)


def test_statuses_are_polled_with_a_doubling_wait_and_an_unfinished_batch_is_not_journalled(tmp_path: Path) -> None:
    master(tmp_path)
    meta = catalogue()
    meta.reads_to_finish = 3
    waits: list[float] = []
    with serving(meta, Recorder()) as url:
        channel, section, client = planned(tmp_path, url, meta, status_checks=2, status_wait=0.5)
        client.sleep = waits.append
        failed, journal = apply(channel, section, client)
    assert journal == [] and set(failed) == set(channel.plan.keys("create", "update", "delist"))
    assert all("still processing" in reason for reason in failed.values())
    assert waits == [0.5, 1.0]
    meta2 = catalogue()
    meta2.reads_to_finish = 3
    with serving(meta2, Recorder()) as url:
        channel, section, client = planned(tmp_path, url, meta2, status_checks=4)
        failed, journal = apply(channel, section, client)
    assert failed == {} and len(journal) == len(channel.plan.keys("create", "update", "delist"))


@pytest.mark.parametrize("ending", ["error", "canceled"])
def test_a_batch_that_ends_in_error_confirms_nothing(tmp_path: Path, ending: str) -> None:
    master(tmp_path)
    meta = catalogue()
    meta.end_with = ending
    with serving(meta, Recorder()) as url:
        channel, section, client = planned(tmp_path, url, meta)
        failed, journal = apply(channel, section, client)
    assert journal == [] and failed and all(ending in reason for reason in failed.values())


def test_429_500_and_malformed_replies_are_retried(tmp_path: Path) -> None:
    master(tmp_path)
    meta = catalogue()
    recorder = Recorder()
    with serving(meta, recorder) as url:
        channel, section, client = planned(tmp_path, url, meta, retries=4)
        recorder.faults += [Fault("429", 0.0), Fault("500"), Fault("malformed")]  # the items_batch call meets them
        failed, journal = apply(channel, section, client)
    assert failed == {} and journal and not recorder.faults
    assert len(meta.calls) == 2  # retried until taken, each batch taken once


def test_graph_throttling_is_waited_out_or_stops_with_metas_estimate(tmp_path: Path) -> None:
    master(tmp_path)
    meta = catalogue()
    meta.throttle = [0.01]  # 0.6 s: waited out, then sent again
    waits: list[float] = []
    with serving(meta, Recorder()) as url:
        channel, section, client = planned(tmp_path, url, meta)
        client.sleep = waits.append
        failed, journal = apply(channel, section, client)
    assert failed == {} and journal and 0.6 in waits
    meta2 = catalogue()
    meta2.throttle = [30.0]  # half an hour: no use retrying now
    with serving(meta2, Recorder()) as url:
        channel, section, client = planned(tmp_path, url, meta2)
        with pytest.raises(TransportError) as raised:
            apply(channel, section, client)
    error = raised.value
    assert error.retriable and "80014" in error.message and "about 30 minutes" in error.message
    assert set(error.skus) == set(channel.plan.keys("create", "update", "delist"))
    assert not meta2.calls and TOKEN not in error.message
    assert (
        regain_minutes({"X-Business-Use-Case-Usage": json.dumps({"1": [{"estimated_time_to_regain_access": 4}]})}) == 4
    )


def test_a_refused_token_fails_every_sku_and_keeps_the_token_out_of_the_message(tmp_path: Path) -> None:
    master(tmp_path)
    meta = catalogue()
    with serving(meta, Recorder()) as url:
        channel, section, client = planned(tmp_path, url, meta)
        client.headers = {"Authorization": f"Bearer {TOKEN}-expired"}
        client.secrets = (TOKEN, f"{TOKEN}-expired")
        with pytest.raises(TransportError) as raised:
            apply(channel, section, client)
    assert not raised.value.retriable and "190" in raised.value.message
    assert set(raised.value.skus) == set(channel.plan.keys("create", "update", "delist"))
    assert TOKEN not in raised.value.message and not meta.calls


def test_fetch_reads_every_page_into_the_feed_readers_shape(tmp_path: Path) -> None:
    from chansync.adapters.meta import api

    master(tmp_path)
    meta = catalogue(n=230, missing=0)
    meta.items["M-001"]["sale_price"] = "9.00 EUR"
    meta.items["M-002"]["additional_image_link"] = ["https://x.example/2b.jpg", "https://x.example/2c.jpg"]
    recorder = Recorder()
    with serving(meta, recorder) as url:
        config = load_config(write_channels(tmp_path, upload(url, meta)), env={"META_TOKEN": TOKEN})
        section, client = section_and_client(config, "meta")
        adapter = plan(config).channels[0].adapter
        assert isinstance(adapter, MetaAdapter)
        recorder.requests.clear()
        state = adapter.fetch(client, upload=section)
    frame = state.frame.set_index(Field.SKU.value)
    assert len(frame) == 231 and frame.index.is_unique
    assert frame.at["M-000", Field.PRICE.value] == 9900 and frame.at["M-001", Field.PRICE.value] == 1150
    assert frame.at["M-001", Field.SALE_PRICE.value] == 900 and frame.at["M-001", Field.CURRENCY.value] == "EUR"
    assert frame.at["M-004", Field.QUANTITY.value] == 7 and frame.at["M-004", Field.AVAILABILITY.value] == "in_stock"
    assert frame.at["M-002", Field.ADDITIONAL_IMAGE_URLS.value] == "https://x.example/2b.jpg,https://x.example/2c.jpg"
    assert frame.at["M-003", Field.TITLE.value] == "Mug 3" and frame.at["M-003", Field.BRAND.value] == "Acme"
    pages = [r["path"] for r in recorder.requests if "/products" in r["path"]]
    assert len(pages) == -(-231 // api.PAGE) and all(f"limit={api.PAGE}" in p for p in pages)
    assert all("after=" in p for p in pages[1:])
    # the feed reader's columns: what a CSV export of the same catalogue gives
    csv_like = (Field.SKU, Field.TITLE, Field.PRICE, Field.CURRENCY, Field.QUANTITY, Field.AVAILABILITY,
                Field.PRODUCT_URL, Field.IMAGE_URL, Field.BRAND)  # fmt: skip
    assert {f.value for f in csv_like} <= set(state.frame.columns)


def test_a_second_run_after_everything_was_applied_sends_nothing(tmp_path: Path) -> None:
    master(tmp_path)
    meta = catalogue()
    with serving(meta, Recorder()) as url:
        channel, section, client = planned(tmp_path, url, meta)
        apply(channel, section, client)
        calls = len(meta.calls)
        again, _, _ = planned(tmp_path, url, meta)
    assert not again.plan.has_changes and len(meta.calls) == calls


# --- through the CLI ------------------------------------------------------------------------------------------


def cli(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "chansync", *args, "-c", str(folder / "channels.yaml")]
    environment = {**os.environ, "META_TOKEN": TOKEN, **(env or {})}
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=180, cwd=folder)


def test_diff_and_push_through_the_cli_with_export_api_and_no_secret_anywhere(tmp_path: Path) -> None:
    master(tmp_path)
    meta = catalogue()
    with serving(meta, Recorder(faults=[Fault("500")])) as url:
        write_channels(tmp_path, upload(url, meta), feed="out/meta.csv")
        before = cli(tmp_path, "diff", "--exit-code")
        pushed = cli(tmp_path, "push", "--yes", "--format", "json")
        after = cli(tmp_path, "diff", "--exit-code")
        wrong = cli(tmp_path, "push", "--yes", env={"META_TOKEN": TOKEN + "-wrong"})
    assert before.returncode == 3, before.stdout + before.stderr
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    (channel,) = json.loads(pushed.stdout)["channels"]
    assert channel["status"] == "done" and channel["failed"] == [] and channel["applied"] >= 7
    assert after.returncode == 0, after.stdout + after.stderr
    assert meta.items["M-011"]["price"] == "21.50 EUR" and "OLD-1" not in meta.items
    assert wrong.returncode == 4 and "190" in wrong.stdout + wrong.stderr  # reading the catalogue was refused
    assert "Traceback" not in wrong.stdout + wrong.stderr
    texts = [before.stdout, before.stderr, pushed.stdout, pushed.stderr, after.stdout, after.stderr, wrong.stdout,
             wrong.stderr] + [p.read_text(errors="replace") for p in tmp_path.rglob("*")
                              if p.is_file() and p.suffix != ".parquet"]  # fmt: skip
    for secret in (TOKEN, TOKEN + "-wrong"):
        assert not [t for t in texts if secret in t], "the token leaked"


def test_killed_mid_push_then_rerun_ends_exact_and_applies_nothing_twice(tmp_path: Path) -> None:
    """Each run is killed right after Meta received its next batch or two (before the status confirmed them, or
    while it is read); the runs after it read the catalogue again, so nothing is sent twice."""
    n = 120
    master(tmp_path, n=n)
    meta = catalogue(n=n, missing=8)
    meta.seconds = 0.3  # a batch finishes 0.3 s after it was sent, whether or not anyone asks
    rng = random.Random(20261202)
    with serving(meta, Recorder(delay=0.05)) as url:
        write_channels(tmp_path, upload(url, meta, batch_size=5, status_wait=0.2))

        def after_a_batch_or_two(process: Process) -> None:
            target = len(meta.calls) + rng.randint(1, 3)
            wait_until(lambda: len(meta.calls) >= target, process, timeout=120, step=0.005)
            time.sleep(rng.uniform(0, 0.1))

        def settled() -> None:
            time.sleep(0.4)  # what was sent before the kill finishes on Meta's side

        kill_pushes(
            tmp_path / "channels.yaml", {"META_TOKEN": TOKEN}, 3, after_a_batch_or_two, cwd=tmp_path, after=settled
        )
        sent_before = len(meta.calls)
        final = cli(tmp_path, "push", "--yes", "--format", "json")
        again = cli(tmp_path, "diff", "--exit-code")
    assert final.returncode == 0, final.stdout + final.stderr
    assert again.returncode == 0, again.stdout + again.stderr
    (channel,) = json.loads(final.stdout)["channels"]
    assert sent_before >= 3 and channel["applied"] > 0  # the kills fell while the plan was being sent
    for i in range(n):
        item = meta.items[f"M-{i:03d}"]
        assert item["price"] == f"{10 + i}.50 EUR" and item["quantity_to_sell_on_facebook"] == i % 5
    assert "OLD-1" not in meta.items
    applied_once(meta.applied)
