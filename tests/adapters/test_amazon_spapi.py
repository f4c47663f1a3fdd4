"""Amazon through the Selling Partner API, against the fake Amazon of amazon_server.py here (Login with Amazon, the
Feeds and Reports APIs and the pre-signed document storage, each rule with its documentation address): the feed
chansync writes sent and followed to its processing report, refused messages reported per SKU, a FATAL feed, the
listings report read for ``export: api``, a run stopped mid-way followed up without sending anything twice, and the
real CLI keeping every secret out of what it prints and writes."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from chansync.adapters.amazon import spapi
from chansync.connect import Expanded
from chansync.errors import TransportError
from chansync.sync import ChannelPlan
from chansync.transports.http import HttpClient, RetryPolicy
from tests.adapters.amazon_server import FakeAmazon, Fault, Recorder, amazon
from tests.adapters.test_amazon import EXPORT, sample_plan
from tests.conftest import REPO, SAMPLES

CLIENT_ID = "amzn1.application-oa2-client.test0123456789"
CLIENT_SECRET = "amzn1.oa2-cs.v1.secret-0123456789abcdef"
REFRESH = "Atzr|refresh-0123456789abcdef"
SECRETS = (CLIENT_ID, CLIENT_SECRET, REFRESH)
#: What the sample master asks of the sample All Listings report (tests/adapters/test_amazon.py's plan).
EXPECTED = {
    "BR-3001": {"quantity": 19}, "BT-8001": {"quantity": 9}, "JK-RAIN-BLA-M": {"quantity": 12},
    "KT-2002": {"price": 2450}, "LK-6003": {"quantity": 0, "listed": False},
    "OLD-0004": {"quantity": 0, "listed": False}, "PD-9001": {"price": 3250}, "TL-5001": {"price": 2795},
}  # fmt: skip


def fake(**options: Any) -> FakeAmazon:
    """A fake Amazon holding the listings of the sample All Listings report."""
    shop = FakeAmazon(CLIENT_ID, CLIENT_SECRET, REFRESH, **options)
    with open(EXPORT, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            quantity = None if row["fulfillment-channel"] != "DEFAULT" else int(row["quantity"] or 0)
            shop.add(row["seller-sku"], round(float(row["price"]) * 100), quantity, title=row["item-name"],
                     status=row["status"], fulfillment=row["fulfillment-channel"])  # fmt: skip
    return shop


def section(url: str, state: Path | None = None, **more: Any) -> Expanded:
    upload = Expanded({"type": "amazon_sp_api", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                       "refresh_token": REFRESH, "seller_id": "A2EXAMPLE", "marketplace_id": "A1805IZSGTT6HS",
                       "region": "eu", "url": url, "token_url": f"{url}/auth/o2/token", "status_wait": 0.01,
                       "status_timeout": 30.0, "retries": 3, "timeout": 5.0, "backoff": 0.0} | more)  # fmt: skip
    if state is not None:
        upload.state_dir = state
    return upload


def client_of(upload: Expanded) -> HttpClient:
    built = spapi.client(upload, SECRETS, RetryPolicy(retries=upload.retries, timeout=5, backoff=0))
    built.sleep = lambda _: None
    return built


def apply(channel: ChannelPlan, upload: Expanded) -> tuple[dict[str, str], list[dict[str, Any]]]:
    journal: list[dict[str, Any]] = []
    failed = channel.adapter.apply(channel.plan, channel.desired, client_of(upload), journal.extend, upload=upload)
    return failed, journal


def operations(recorder: Recorder) -> list[str]:
    names = {("POST", "/auth/o2/token"): "token", ("POST", "/feeds/2021-06-30/documents"): "createFeedDocument",
             ("POST", "/feeds/2021-06-30/feeds"): "createFeed"}  # fmt: skip
    out = []
    for request in recorder.requests:
        path = request["path"].split("?")[0]
        name = names.get((request["method"], path))
        if name is None:
            name = {"feeds": "getFeed", "documents": "getFeedDocument"}.get(path.split("/")[-2], path)
        out.append(name)
    return out


@pytest.fixture(scope="module")
def channel(tmp_path_factory: pytest.TempPathFactory) -> ChannelPlan:
    return sample_plan(tmp_path_factory.mktemp("amazon-spapi"))


def test_apply_follows_the_feeds_flow_and_journals_what_amazon_accepted(channel: ChannelPlan, tmp_path: Path) -> None:
    shop, api, store = fake(), Recorder(), Recorder()
    with amazon(shop, api, store) as url:
        failed, journal = apply(channel, section(url, tmp_path))
    assert failed == {}
    assert {i["key"]: i["set"] for i in journal} == EXPECTED
    assert operations(api) == ["token", "createFeedDocument", "createFeed", "getFeed", "getFeed", "getFeed",
                               "getFeedDocument"]  # fmt: skip
    created = json.loads(api.requests[1]["body"])
    assert created == {"contentType": "application/json; charset=UTF-8"}
    spec = json.loads(api.requests[2]["body"])
    assert spec["feedType"] == "JSON_LISTINGS_FEED" and spec["marketplaceIds"] == ["A1805IZSGTT6HS"]
    assert spec["inputFeedDocumentId"].startswith("amzn1.tortuga.doc.")
    # the document uploaded is the feed chansync writes to a file, byte for byte, with the exact content type
    (upload,) = shop.uploads
    assert upload["body"] == channel.adapter.documents(channel.desired, channel.plan)[0]
    assert upload["contentType"] == created["contentType"]
    (token,) = shop.tokens  # one token for the whole run
    assert all(r["headers"].get("x-amz-access-token") == token for r in api.requests[1:])
    assert not any("x-amz-access-token" in {k.lower() for k in r["headers"]} for r in store.requests)
    form = api.requests[0]["body"].decode()
    assert "grant_type=refresh_token" in form and api.requests[0]["headers"]["Content-Type"].startswith(
        "application/x-www-form-urlencoded"
    )
    assert shop.state()["KT-2002"] == (2450, 9) and shop.state()["BR-3001"][1] == 19  # price alone; stock alone
    assert sorted((sku, name) for _, sku, name, _ in shop.applied) == sorted(
        (sku, name) for sku, sets in EXPECTED.items() for name in sets if name != "listed"
    )
    assert json.loads((tmp_path / "amazon" / "amazon-feeds.json").read_text())["feeds"] == {}


def test_refused_messages_are_reported_per_sku_and_not_journalled(channel: ChannelPlan, tmp_path: Path) -> None:
    shop = fake(refuse={"KT-2002": "The field 'our_price' has an invalid value."})
    with amazon(shop) as url:
        failed, journal = apply(channel, section(url, tmp_path))
    assert set(failed) == {"KT-2002"}
    assert "invalid value" in failed["KT-2002"] and "90220" in failed["KT-2002"]
    assert {i["key"] for i in journal} == set(EXPECTED) - {"KT-2002"}
    assert shop.state()["KT-2002"][0] == fake().listings["KT-2002"].price == 2250  # unchanged at Amazon


def test_a_message_the_report_does_not_account_for_is_not_taken_as_accepted(
    channel: ChannelPlan, tmp_path: Path
) -> None:
    shop = fake(skip={"TL-5001"}, refuse={"KT-2002": "The value is invalid."})
    with amazon(shop) as url:
        failed, journal = apply(channel, section(url, tmp_path))
    assert journal == []  # a report short of a message: none is confirmed by silence
    assert set(failed) == set(EXPECTED) and "refused" in failed["KT-2002"]
    assert all("covers 7 of 8" in failed[sku] for sku in set(EXPECTED) - {"KT-2002"})


def test_a_fatal_feed_fails_every_sku_with_amazons_reason(channel: ChannelPlan, tmp_path: Path) -> None:
    shop = fake(fatal=True)
    with amazon(shop) as url:
        failed, journal = apply(channel, section(url, tmp_path))
    assert journal == [] and shop.applied == []
    assert set(failed) == set(EXPECTED)
    assert all("FATAL" in reason and "internal error" in reason for reason in failed.values())


def test_gzip_throttling_and_faults_are_survived(channel: ChannelPlan, tmp_path: Path) -> None:
    shop = fake(gzip=True, throttle=["create_feed_document", "get_feed", "get_document"])
    api = Recorder(faults=[Fault("500"), Fault("malformed"), Fault("429", 0.01)])  # the token: thrice
    store = Recorder(faults=[Fault("500")])  # and the upload
    with amazon(shop, api, store) as url:
        failed, journal = apply(channel, section(url, tmp_path))
    assert failed == {} and len(journal) == len(EXPECTED)
    assert len(shop.uploads) == 1  # the failed PUT never reached the store's handler
    assert operations(api).count("createFeed") == 1


def test_the_access_token_is_renewed_before_it_expires(tmp_path: Path) -> None:
    shop, api = fake(), Recorder()
    now = [1000.0]
    with amazon(shop, api) as url:
        built = client_of(section(url))
        assert isinstance(built, spapi.SpApiClient) and built.lwa is not None
        built.lwa.clock = lambda: now[0]
        spec = {"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA", "marketplaceIds": ["A1805IZSGTT6HS"]}
        report = built.request("POST", "reports/2021-06-30/reports", json=spec).json()["reportId"]
        now[0] += 3600 - 61  # still a minute and more to go: the same token
        built.request("GET", f"reports/2021-06-30/reports/{report}")
        now[0] += 2  # less than a minute left: a new one
        built.request("GET", f"reports/2021-06-30/reports/{report}")
    assert operations(api).count("token") == 2 and len(shop.tokens) == 2
    sent = [r["headers"]["x-amz-access-token"] for r in api.requests if r["path"].startswith("/reports/")]
    assert sent[0] == sent[1] != sent[2]


def test_fetch_reads_the_all_listings_report(channel: ChannelPlan, tmp_path: Path) -> None:
    shop = fake(gzip=True)
    api = Recorder()
    with amazon(shop, api) as url:
        upload = section(url)
        state = channel.adapter.fetch(client_of(upload), upload=upload)
    frame = state.frame.set_index("sku")
    assert len(frame) == len(shop.listings)
    assert int(frame.at["KT-2002", "price"]) == 2250 and int(frame.at["BR-3001", "quantity"]) == 21
    by_amazon = [sku for sku, listing in shop.listings.items() if listing.fulfillment != "DEFAULT"]
    assert by_amazon and frame.loc[by_amazon, "quantity"].isna().all()  # Amazon's own stock: unknown
    spec = json.loads(api.requests[1]["body"])
    assert spec == {"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA", "marketplaceIds": ["A1805IZSGTT6HS"]}


def test_wrong_credentials_send_nothing_and_name_every_sku(channel: ChannelPlan, tmp_path: Path) -> None:
    shop = fake()
    shop.refresh_token = "Atzr|another"
    with amazon(shop) as url, pytest.raises(TransportError) as caught:
        apply(channel, section(url, tmp_path))
    assert set(caught.value.skus) == set(EXPECTED) and not caught.value.retriable
    assert "invalid_grant" in caught.value.message and shop.feeds == {}
    assert not any(secret in caught.value.message for secret in SECRETS)


def test_a_feed_still_processing_is_followed_by_the_next_run_not_sent_again(
    channel: ChannelPlan, tmp_path: Path
) -> None:
    shop = fake(steps=50)
    with amazon(shop) as url:
        failed, journal = apply(channel, section(url, tmp_path, status_timeout=0.0))
        assert journal == [] and set(failed) == set(EXPECTED)
        assert all("still processing" in reason for reason in failed.values())
        pending = json.loads((tmp_path / "amazon" / "amazon-feeds.json").read_text())["feeds"]
        assert len(pending) == 1 and len(shop.feeds) == 1
        shop.steps = 0  # Amazon has finished it by the next run
        failed, journal = apply(channel, section(url, tmp_path))
    assert failed == {} and {i["key"]: i["set"] for i in journal} == EXPECTED
    assert len(shop.feeds) == 1  # the same changes were not sent in a second feed
    assert json.loads((tmp_path / "amazon" / "amazon-feeds.json").read_text())["feeds"] == {}


def test_a_report_that_cannot_be_read_names_every_sku_and_the_next_run_reads_it(
    channel: ChannelPlan, tmp_path: Path
) -> None:
    shop = fake()
    readable = shop._get_document

    def broken(handler: Any, payload: Any, ident: str) -> None:
        shop._errors(handler, 500, "InternalFailure", "We encountered an internal error.")

    with amazon(shop) as url:
        upload = section(url, tmp_path, retries=1)
        shop._get_document = broken  # type: ignore[method-assign]
        with pytest.raises(TransportError) as caught:
            apply(channel, upload)
        assert set(caught.value.skus) == set(EXPECTED) and caught.value.retriable
        assert len(json.loads((tmp_path / "amazon" / "amazon-feeds.json").read_text())["feeds"]) == 1
        shop._get_document = readable  # type: ignore[method-assign]
        failed, journal = apply(channel, upload)
    assert failed == {} and {i["key"]: i["set"] for i in journal} == EXPECTED and len(shop.feeds) == 1


def test_a_feed_amazon_took_without_answering_is_found_not_sent_twice(channel: ChannelPlan, tmp_path: Path) -> None:
    shop, api = fake(lose_answers=1), Recorder()
    with amazon(shop, api) as url:
        failed, journal = apply(channel, section(url, tmp_path))
    assert failed == {} and {i["key"]: i["set"] for i in journal} == EXPECTED
    assert len(shop.feeds) == 1 and operations(api).count("createFeed") == 1  # not sent again: looked up
    lookup = next(r for r in api.requests if r["method"] == "GET" and r["path"].startswith("/feeds/2021-06-30/feeds?"))
    assert "feedTypes=JSON_LISTINGS_FEED" in lookup["path"] and "createdSince=" in lookup["path"]


def test_a_feed_amazon_never_took_is_sent_again_by_the_next_run(channel: ChannelPlan, tmp_path: Path) -> None:
    shop = fake(drop_creates=1)
    with amazon(shop) as url:
        upload = section(url, tmp_path)
        with pytest.raises(TransportError) as caught:
            apply(channel, upload)
        assert set(caught.value.skus) == set(EXPECTED) and caught.value.retriable and shop.feeds == {}
        assert json.loads((tmp_path / "amazon" / "amazon-feeds.json").read_text())["feeds"] == {}
        failed, journal = apply(channel, upload)
    assert failed == {} and len(journal) == len(EXPECTED) and len(shop.feeds) == 1


def test_a_throttled_create_feed_is_sent_again(channel: ChannelPlan, tmp_path: Path) -> None:
    shop = fake(throttle=["create_feed"])
    with amazon(shop) as url:
        failed, journal = apply(channel, section(url, tmp_path))
    assert failed == {} and len(journal) == len(EXPECTED) and len(shop.feeds) == 1


# --- through the CLI --------------------------------------------------------------------------------------------

ENV = {"AMZ_CLIENT_ID": CLIENT_ID, "AMZ_CLIENT_SECRET": CLIENT_SECRET, "AMZ_REFRESH": REFRESH}


def write_cli_config(folder: Path, url: str, *, export: str = "api", **upload: Any) -> Path:
    example = yaml.safe_load((REPO / "channels.example.yaml").read_text(encoding="utf-8"))
    section = {"type": "amazon_sp_api", "client_id": "${AMZ_CLIENT_ID}", "client_secret": "${AMZ_CLIENT_SECRET}",
               "refresh_token": "${AMZ_REFRESH}", "seller_id": "A2EXAMPLE", "marketplace_id": "A1805IZSGTT6HS",
               "url": url, "token_url": f"{url}/auth/o2/token", "status_wait": 0.05, "retries": 2,
               "backoff": 0.01, "timeout": 10} | upload  # fmt: skip
    channel = {"adapter": "amazon", "export": export, "listing": {"unknown": "delist"}, "seller_id": "A2EXAMPLE",
               "marketplace_id": "A1805IZSGTT6HS", "upload": section,
               "guard": {"max_delist_share": 1, "max_price_change_share": 1}}  # fmt: skip
    config = {"version": 1, "master": example["master"] | {"file": str(SAMPLES / "master.xlsx")},
              "state_dir": "state", "channels": {"amazon": channel}}  # fmt: skip
    path = folder / "channels.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def run(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "chansync", *args, "-c", str(folder / "channels.yaml")]
    return subprocess.run(command, capture_output=True, text=True, cwd=folder, timeout=180,
                          env={**os.environ, **ENV, **(env or {})})  # fmt: skip


def test_push_and_diff_through_the_sp_api_keep_every_secret(tmp_path: Path) -> None:
    shop = fake()
    with amazon(shop) as url:
        write_cli_config(tmp_path, url)
        before = run(tmp_path, "diff", "--format", "json")
        pushed = run(tmp_path, "push", "--yes", "--format", "json")
        after = run(tmp_path, "diff", "--format", "json")
        wrong = run(tmp_path, "push", "--yes", env={"AMZ_REFRESH": REFRESH + "-wrong"})
    assert before.returncode in (0, 1) and pushed.returncode == 0, pushed.stdout + pushed.stderr
    (result,) = json.loads(pushed.stdout)["channels"]
    assert result["status"] == "done" and result["applied"] == len(EXPECTED) and result["failed"] == []
    assert shop.state()["KT-2002"][0] == 2450 and shop.state()["PD-9001"][0] == 3250
    changes = json.loads(after.stdout)
    assert after.returncode == 0, after.stdout + after.stderr
    # read back through the Reports API: nothing left to change
    assert "KT-2002" in before.stdout and "KT-2002" not in json.dumps(changes)
    assert wrong.returncode != 0 and "Login with Amazon" in wrong.stdout + wrong.stderr
    tokens = list(shop.tokens)
    texts = [p.stdout + p.stderr for p in (before, pushed, after, wrong)]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in tmp_path.rglob("*")
              if p.is_file() and p.suffix not in (".yaml", ".parquet", ".db", ".sqlite")]  # fmt: skip
    for secret in (*SECRETS, REFRESH + "-wrong", *tokens):
        assert not [t for t in texts if secret in t], f"{secret[:8]}... leaked"


def test_killed_at_random_points_then_rerun_applies_nothing_twice(tmp_path: Path) -> None:
    shop = fake(process_after=0.8)  # Amazon works on a feed whether chansync waits or not
    api = Recorder(delay=0.4)
    rng = random.Random(20261202)
    with amazon(shop, api) as url:
        write_cli_config(tmp_path, url, export=str(EXPORT))  # a report file taken before any push: stale
        command = [sys.executable, "-m", "chansync", "push", "-c", str(tmp_path / "channels.yaml"), "--yes"]

        def start() -> subprocess.Popen[bytes]:
            return subprocess.Popen(command, cwd=tmp_path, env={**os.environ, **ENV}, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)  # fmt: skip

        # first: killed while Amazon takes the feed, before its answer comes back (the feed id never seen)
        process, deadline = start(), time.monotonic() + 60
        while time.monotonic() < deadline and not any(
            r["method"] == "POST" and r["path"] == "/feeds/2021-06-30/feeds" for r in list(api.requests)
        ):
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        api.delay = 0.05
        for _ in range(3):  # then at random points
            process = start()
            time.sleep(rng.uniform(0.5, 3.5))
            process.send_signal(signal.SIGKILL)
            process.wait()
        final = run(tmp_path, "push", "--yes", "--format", "json")
        again = run(tmp_path, "push", "--yes", "--format", "json")
    assert final.returncode == 0, final.stdout + final.stderr
    assert again.returncode == 0 and json.loads(again.stdout)["channels"][0]["applied"] == 0, again.stdout
    assert len(shop.feeds) == 1, (shop.applied, final.stdout)  # the plan went to Amazon once, whatever the kills
    state = shop.state()
    for sku, sets in EXPECTED.items():
        if "price" in sets:
            assert state[sku][0] == sets["price"], sku
        if "quantity" in sets:
            assert state[sku][1] == sets["quantity"], sku
    seen: dict[tuple[str, str], list[Any]] = {}
    for _, sku, name, value in shop.applied:
        seen.setdefault((sku, name), []).append(value)
    twice = {k: v for k, v in seen.items() if len(v) > 1}
    assert not twice, f"applied more than once: {twice}"
