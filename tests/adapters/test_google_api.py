"""The Google Merchant API route (``upload: {type: google_merchant_api}``, ``export: api``) against a fake token URL
and Merchant API on 127.0.0.1 (google_server.py here) that checks the JWT's signature with the service account's
public key, the bearer token on every call, the request shapes, and a per-minute quota."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from chansync.adapters.google.merchant import MerchantClient, Pacer, TokenError, input_name, minute_limit
from chansync.config import load_config
from chansync.connect import section_and_client
from chansync.errors import ConfigError, TransportError
from chansync.sync import ChannelPlan, plan
from tests.adapters.google_server import FakeGoogle, Fault, Recorder, key_file_json, make_key, serving
from tests.sigkill import Process, kill_pushes, wait_until

KEY = make_key()
OTHER_KEY = make_key()
MASTER = """sku,title,description,price,quantity,brand,gtin,product_url,image_url
A-1,Mok blauw,Een blauwe mok,12.50,5,Acme,4006381333931,https://shop.example/a-1,https://shop.example/a-1.jpg
B-2,Mok rood,Een rode mok,9.95,0,Acme,,https://shop.example/b-2,https://shop.example/b-2.jpg
D-4,Theedoek,Een theedoek van linnen,7.00,12,,,https://shop.example/d-4,https://shop.example/d-4.jpg
"""


def write_setup(folder: Path, url: str, *, master: str = MASTER, export: str = "api", key: Any = KEY,
                **upload: Any) -> Path:  # fmt: skip
    (folder / "master.csv").write_text(master, encoding="utf-8")
    secrets_dir = folder / "secrets"
    secrets_dir.mkdir(exist_ok=True)
    (secrets_dir / "key.json").write_text(json.dumps(key_file_json(key, FakeGoogle.email)), encoding="utf-8")
    section = {"type": "google_merchant_api", "account_id": "123456", "data_source": "104628",
               "credentials": "${GOOGLE_KEY_FILE}", "content_language": "nl", "feed_label": "NL", "url": url,
               "token_url": f"{url}/token", "per_minute": 6000, "retries": 2, "backoff": 0.01, **upload}  # fmt: skip
    channel = {"adapter": "google_merchant", "export": export, "upload": section,
               "listing": {"unknown": "delist"}, "guard": {"max_delist_share": 1}}  # fmt: skip
    config = {"version": 1, "master": {"file": "master.csv", "currency": "EUR"}, "state_dir": "state",
              "channels": {"google": channel}}  # fmt: skip
    path = folder / "channels.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


ENV = {"GOOGLE_KEY_FILE": "secrets/key.json"}  # relative: resolved against the config file's folder


@pytest.fixture
def google() -> Iterator[tuple[FakeGoogle, Recorder, str]]:
    fake, recorder = FakeGoogle(KEY.public_key()), Recorder()
    with serving(fake, recorder) as url:
        fake.base = url
        yield fake, recorder, url


def planned(config: Path) -> ChannelPlan:
    return plan(load_config(config, env=ENV)).channels[0]


def apply(config: Path, channel: ChannelPlan) -> tuple[dict[str, str], list[dict[str, Any]], MerchantClient]:
    section, client = section_and_client(load_config(config, env=ENV), "google")
    assert isinstance(client, MerchantClient)
    journal: list[dict[str, Any]] = []
    failed = channel.adapter.apply(channel.plan, channel.desired, client, journal.extend, upload=section)  # type: ignore[attr-defined]
    return failed, journal, client


def test_products_are_inserted_whole_and_delists_deleted(tmp_path: Path, google: Any) -> None:
    fake, recorder, url = google
    fake.add("C-3", {"title": "Oud", "price": {"amountMicros": "1000000", "currencyCode": "EUR"}})
    fake.add("X-9", {"title": "Other feed"}, language="en", label="US")  # another language and label: not ours
    config = write_setup(tmp_path, url)
    channel = planned(config)
    assert channel.plan.counts()["create"] == 3 and channel.plan.counts()["delist"] == 1
    failed, journal, client = apply(config, channel)
    assert failed == {}
    assert fake.attributes("A-1") == {
        "title": "Mok blauw", "description": "Een blauwe mok", "link": "https://shop.example/a-1",
        "imageLink": "https://shop.example/a-1.jpg", "availability": "IN_STOCK", "brand": "Acme",
        "condition": "NEW", "gtins": ["4006381333931"], "price": {"amountMicros": "12500000", "currencyCode": "EUR"},
    }  # fmt: skip
    assert fake.attributes("B-2")["availability"] == "OUT_OF_STOCK"
    assert fake.attributes("D-4")["identifierExists"] is False  # no GTIN, no MPN
    assert fake.deletes == [("nl", "NL", "C-3")] and ("en", "US", "X-9") in fake.products
    assert {i["offerId"]: (i["contentLanguage"], i["feedLabel"]) for i in fake.inserts} == dict.fromkeys(
        ("A-1", "B-2", "D-4"), ("nl", "NL"))  # fmt: skip
    by_key = {j["key"]: j["set"] for j in journal}
    assert by_key["A-1"]["price"] == 1250 and by_key["A-1"]["listed"] is True and by_key["C-3"] == {"listed": False}
    assert client.tokens_fetched == 1  # one token for the whole run
    writes = [r for r in recorder.requests if r["method"] in ("POST", "DELETE") and r["path"] != "/token"]
    assert all("dataSource=accounts%2F123456%2FdataSources%2F104628" in r["path"] for r in writes)
    assert all(r["headers"]["Authorization"].startswith("Bearer ya29.") for r in writes)
    again = planned(config)  # read back through products.list: nothing left to change
    assert not again.plan.has_changes, again.plan.counts()


def test_the_fetched_state_is_the_feed_readers_state(tmp_path: Path, google: Any) -> None:
    """``export: api`` builds the same frame as reading the adapter's own feed of those products."""
    _fake, _, url = google
    config = write_setup(tmp_path, url)
    channel = planned(config)
    apply(config, channel)
    feed = tmp_path / "feed.xml"
    feed.write_bytes(b"".join(channel.adapter.render(channel.desired, channel.plan)))
    from_feed = channel.adapter.read_export(feed, "feed.xml").frame.set_index("sku").sort_index()
    section, client = section_and_client(load_config(config, env=ENV), "google")
    fetched = channel.adapter.fetch(client, upload=section).frame.set_index("sku").sort_index()  # type: ignore[attr-defined]
    shared = [c for c in from_feed.columns if not c.startswith("_")]
    assert set(shared) <= set(fetched.columns)
    for column in shared:
        assert fetched[column].astype("str").tolist() == from_feed[column].astype("str").tolist(), column
        assert str(fetched[column].dtype) == str(from_feed[column].dtype), column


def test_the_product_list_is_read_page_by_page(tmp_path: Path, google: Any) -> None:
    fake, recorder, url = google
    for n in range(2100):
        fake.add(f"Z-{n:04d}", {"title": f"Z {n}"}, language="nl" if n % 2 else "de", label="NL")
    config = write_setup(tmp_path, url)
    state = planned(config)
    assert state.plan.counts()["delist"] == 1050  # only nl~NL products are this channel's
    lists = [r["path"] for r in recorder.requests if "/products?" in r["path"]]
    assert len(lists) == 3 and all("pageSize=1000" in p for p in lists)
    assert "pageToken" not in lists[0] and "pageToken=1000" in lists[1] and "pageToken=2000" in lists[2]


def test_a_refused_product_is_reported_and_the_rest_applied(tmp_path: Path, google: Any) -> None:
    fake, _, url = google
    fake.refuse["B-2"] = "[gtins] The value is not a valid GTIN."
    config = write_setup(tmp_path, url)
    failed, journal, _ = apply(config, planned(config))
    assert failed == {"B-2": "Google refused the product: [gtins] The value is not a valid GTIN."}
    assert sorted(j["key"] for j in journal) == ["A-1", "D-4"]  # only what Google took
    assert ("nl", "NL", "B-2") not in fake.products and ("nl", "NL", "D-4") in fake.products


def test_a_delete_of_a_product_already_gone_counts_as_done(tmp_path: Path, google: Any) -> None:
    fake, _, url = google
    fake.add("C-3", {"title": "Oud"})
    config = write_setup(tmp_path, url)
    channel = planned(config)
    del fake.products[("nl", "NL", "C-3")]  # removed between reading and applying (a run that was stopped)
    failed, journal, _ = apply(config, channel)
    assert failed == {} and {"key": "C-3", "set": {"listed": False}} in journal


def test_a_product_of_another_data_source_is_not_deleted_and_says_why(tmp_path: Path, google: Any) -> None:
    fake, recorder, url = google
    fake.add("F-5", {"title": "Uit het bestand"}, data_source="777")  # fed by a file, say
    config = write_setup(tmp_path, url)
    failed, journal, _ = apply(config, planned(config))
    assert failed == {"F-5": "Google has this product from another data source (accounts/123456/dataSources/777); "
                             "chansync deletes only from its own (accounts/123456/dataSources/104628)"}  # fmt: skip
    assert ("nl", "NL", "F-5") in fake.products and "F-5" not in {j["key"] for j in journal}
    assert not [r for r in recorder.requests if r["method"] == "DELETE"]


def test_writes_are_paced_within_the_quota(tmp_path: Path, google: Any) -> None:
    fake, recorder, url = google
    fake.quota, fake.window = 4, 1.0  # four writes a second
    master = MASTER + "".join(f"E-{n},Extra {n},Iets,3.00,1,,,https://s.example/{n},https://s.example/{n}.jpg\n"
                              for n in range(5))  # fmt: skip
    config = write_setup(tmp_path, url, master=master, per_minute=230)  # just under 4 a second
    started = time.monotonic()
    failed, journal, _ = apply(config, planned(config))
    assert failed == {} and len(journal) == 8
    assert time.monotonic() - started >= 7 * 60 / 230 * 0.95  # 8 writes, evenly spread
    assert not [r for r in recorder.requests if r["method"] == "POST" and r["path"] != "/token"][8:]  # no retries


def test_without_per_minute_the_accounts_own_quota_paces_the_writes(tmp_path: Path, google: Any) -> None:
    fake, recorder, url = google
    fake.quota, fake.window, fake.minute_limit = 4, 1.0, 200  # the limit Google reports, under what it enforces
    master = MASTER + "".join(f"E-{n},Extra {n},Iets,3.00,1,,,https://s.example/{n},https://s.example/{n}.jpg\n"
                              for n in range(5))  # fmt: skip
    config = write_setup(tmp_path, url, master=master, per_minute=None)
    started = time.monotonic()
    failed, journal, _ = apply(config, planned(config))
    assert failed == {} and len(journal) == 8
    assert time.monotonic() - started >= 7 * 60 / 200 * 0.95
    assert len([r for r in recorder.requests if "productInputs:insert" in r["path"]]) == 8  # never a 429
    assert [r["path"] for r in recorder.requests if r["path"].startswith("/quota/")] == [
        "/quota/v1/accounts/123456/quotas?pageSize=1000"
    ]


def test_the_minute_limit_falls_back_when_quotas_cannot_be_read(tmp_path: Path, google: Any) -> None:
    fake, _, url = google
    _, client = section_and_client(load_config(write_setup(tmp_path, url), env=ENV), "google")
    assert minute_limit(client, "123456") == 60  # no quota route: 404
    fake.minute_limit = 1500
    assert minute_limit(client, "123456") == 1500


def test_a_429_over_the_quota_is_retried(tmp_path: Path, google: Any) -> None:
    fake, recorder, url = google
    fake.quota, fake.window = 2, 0.3
    config = write_setup(tmp_path, url, per_minute=100_000, retries=5, backoff=0.2)
    failed, journal, _ = apply(config, planned(config))
    assert failed == {} and len(journal) == 3
    inserts = [r for r in recorder.requests if "productInputs:insert" in r["path"]]
    assert len(inserts) > 3  # at least one 429, sent again


def test_429_500_and_malformed_replies_are_retried(tmp_path: Path, google: Any) -> None:
    _fake, recorder, url = google
    config = write_setup(tmp_path, url, retries=3)
    channel = planned(config)
    section, client = section_and_client(load_config(config, env=ENV), "google")
    recorder.faults = [Fault("malformed"), Fault("500")]
    assert isinstance(client, MerchantClient) and client.token().startswith("ya29.")  # the token URL: retried
    recorder.faults = [Fault("429", 0.0), Fault("500"), Fault("malformed")]
    journal: list[dict[str, Any]] = []
    failed = channel.adapter.apply(channel.plan, channel.desired, client, journal.extend, upload=section)  # type: ignore[attr-defined]
    assert failed == {} and len(journal) == 3 and not recorder.faults


def test_the_pacer_spreads_calls_evenly() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(30, sleep, lambda: now[0])
    for _ in range(4):
        pacer.wait()
    assert slept == [2.0, 2.0, 2.0]
    now[0] += 10  # a pause longer than the gap: no wait
    pacer.wait()
    assert slept == [2.0, 2.0, 2.0]


def test_an_expired_token_is_fetched_again_once(tmp_path: Path, google: Any) -> None:
    fake, _, url = google
    config = write_setup(tmp_path, url)
    channel = planned(config)
    section, client = section_and_client(load_config(config, env=ENV), "google")
    assert isinstance(client, MerchantClient)
    client.token()
    fake.expire_tokens()  # revoked early: the first call is refused with 401
    journal: list[dict[str, Any]] = []
    failed = channel.adapter.apply(channel.plan, channel.desired, client, journal.extend, upload=section)  # type: ignore[attr-defined]
    assert failed == {} and len(journal) == 3 and client.tokens_fetched == 2


def test_a_key_google_does_not_know_is_a_plain_token_error(tmp_path: Path, google: Any) -> None:
    fake, _, url = google
    config = write_setup(tmp_path, url, key=OTHER_KEY)
    _, client = section_and_client(load_config(config, env=ENV), "google")
    assert isinstance(client, MerchantClient)
    with pytest.raises(TokenError) as raised:
        client.token()
    assert fake.token_refusals == ["Invalid JWT Signature."]
    error = raised.value
    assert not error.retriable and "channels.google.upload.credentials" in error.message
    assert "Invalid JWT Signature." in error.message and "BEGIN" not in error.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "does not exist"),
        ("{not json", "is not a JSON key file"),
        (json.dumps({"type": "authorized_user", "client_email": "a@b"}), "is not a service account key"),
        (json.dumps({**key_file_json(KEY, "a@b"), "private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n"}),
         "not a readable PEM key"),
    ],
)  # fmt: skip
def test_a_bad_key_file_is_a_config_error_naming_the_key(tmp_path: Path, content: str | None, expected: str) -> None:
    config = write_setup(tmp_path, "http://127.0.0.1:9")
    key = tmp_path / "secrets" / "key.json"
    if content is None:
        key.unlink()
    else:
        key.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        section_and_client(load_config(config, env=ENV), "google")
    assert raised.value.key == "channels.google.upload.credentials" and expected in raised.value.message
    assert "AAAA" not in raised.value.message


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("account_id", "acme-123", "digits only"),
        ("data_source", "accounts/1/dataSources/2", "digits only"),
        ("content_language", "dutch", "two-letter"),
        ("feed_label", "nl shop", "A-Z, 0-9"),
        ("credentials", '{"type": "service_account"}', "never the key itself"),
        ("per_minute", 0, "greater than or equal to 1"),
    ],
)
def test_the_upload_section_is_checked(tmp_path: Path, key: str, value: Any, expected: str) -> None:
    config = write_setup(tmp_path, "http://127.0.0.1:9", **{key: value})
    with pytest.raises(ConfigError) as raised:
        load_config(config, env=ENV)
    assert f"channels.google.upload.{key}" in raised.value.message and expected in raised.value.message


def test_input_names_are_base64url_without_padding() -> None:
    assert input_name("en", "US", "sku/123") == "ZW5-VVN-c2t1LzEyMw"  # every character safe in a URL path


# --- through the CLI ----------------------------------------------------------------------------------------------


def cli(config: Path, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
        ) -> subprocess.CompletedProcess[str]:  # fmt: skip
    command = [sys.executable, "-m", "chansync", *args, "-c", str(config)]
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, **ENV, **(env or {})},
                          cwd=cwd, timeout=120)  # fmt: skip


def test_push_and_diff_through_the_cli_keep_every_secret(tmp_path: Path, google: Any) -> None:
    fake, _, url = google
    fake.add("C-3", {"title": "Oud"})
    config = write_setup(tmp_path, url)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    pushed = cli(config, "push", "--yes", "--format", "json", cwd=elsewhere)  # the key path is the config's
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    (channel,) = json.loads(pushed.stdout)["channels"]
    assert channel["status"] == "done" and channel["applied"] == 4 and channel["failed"] == []
    assert {k[2] for k in fake.products} == {"A-1", "B-2", "D-4"}
    diffed = cli(config, "diff", "--exit-code", cwd=elsewhere)
    assert diffed.returncode == 0, diffed.stdout + diffed.stderr  # the channel now matches the master
    pem = key_file_json(KEY, fake.email)["private_key"]
    secrets = [*fake.tokens, *(line for line in pem.splitlines() if "PRIVATE" not in line)]
    texts = [pushed.stdout, pushed.stderr, diffed.stdout, diffed.stderr] + [
        p.read_text(errors="replace") for p in tmp_path.rglob("*")
        if p.is_file() and p.suffix != ".parquet" and p.name != "key.json"
    ]  # fmt: skip
    assert secrets and not [s for s in secrets if any(s in t for t in texts)]


def test_a_refused_key_fails_the_channel_and_a_broken_key_file_is_exit_2(tmp_path: Path, google: Any) -> None:
    _, _, url = google
    config = write_setup(tmp_path, url, key=OTHER_KEY)
    refused = cli(config, "push", "--yes")
    assert refused.returncode == 4, refused.stdout + refused.stderr
    assert "Google refused the service account key of channels.google.upload.credentials" in refused.stdout
    assert "Traceback" not in refused.stdout + refused.stderr
    (tmp_path / "secrets" / "key.json").write_text("{not json", encoding="utf-8")
    diffed = cli(config, "diff")  # export: api: the channel cannot be read, so there is no plan
    assert diffed.returncode == 2 and "channels.google.upload.credentials" in diffed.stdout + diffed.stderr
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["channels"]["google"]["export"] = "feed.xml"  # the key is read when the changes are sent
    (tmp_path / "feed.xml").write_text('<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>'
                                       "</channel></rss>", encoding="utf-8")  # fmt: skip
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    broken = cli(config, "push", "--yes")
    assert broken.returncode == 2, broken.stdout + broken.stderr
    output = broken.stdout + broken.stderr
    assert "channels.google.upload.credentials" in output and "not a JSON key file" in output
    assert "Traceback" not in output


def test_killed_during_a_push_then_rerun_sends_nothing_twice(tmp_path: Path, google: Any) -> None:
    fake, recorder, url = google
    rows = "".join(f"K-{n:03d},Kop {n},Een kop,{5 + n}.00,{n % 4},,,https://s.example/{n},https://s.example/{n}.jpg\n"
                   for n in range(40))  # fmt: skip
    for n in range(40, 50):  # on the channel, not in the master: deleted (listing.unknown: delist)
        fake.add(f"K-{n:03d}", {"title": f"Kop {n}"})
    config = write_setup(tmp_path, url, master=MASTER.splitlines(keepends=True)[0] + rows)
    recorder.delay = 0.05
    rng = random.Random(20261202)
    progress: list[int] = []

    def writes() -> int:
        return len(fake.inserts) + len(fake.deletes)

    def after_some_writes(process: Process) -> None:
        target = writes() + rng.randint(1, 12)  # killed after a random number of writes
        wait_until(lambda: writes() >= target, process)

    kill_pushes(config, ENV, 3, after_some_writes, after=lambda: progress.append(writes()))
    assert any(0 < done < 50 for done in progress), progress  # at least one kill landed in the middle of a push
    recorder.delay = 0.0
    final = cli(config, "push", "--yes")
    assert final.returncode == 0, final.stdout + final.stderr
    assert sorted(k[2] for k in fake.products) == [f"K-{n:03d}" for n in range(40)]
    assert fake.attributes("K-007")["price"] == {"amountMicros": "12000000", "currencyCode": "EUR"}
    inserted = [i["offerId"] for i in fake.inserts]
    assert sorted(inserted) == sorted(set(inserted)), "a product was inserted twice"
    assert len(fake.deletes) == len(set(fake.deletes)) == 10
    assert cli(config, "diff", "--exit-code").returncode == 0


def test_transport_errors_keep_their_kind(tmp_path: Path, google: Any) -> None:
    """The fake's account check: another account is refused for every product (the whole channel fails)."""
    _, _, url = google
    config = write_setup(tmp_path, url)
    channel = planned(config)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["channels"]["google"]["upload"]["account_id"] = "999"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(TransportError) as raised:
        apply(config, channel)
    assert "HTTP 403" in raised.value.message and set(raised.value.skus) == {"A-1", "B-2", "D-4"}
