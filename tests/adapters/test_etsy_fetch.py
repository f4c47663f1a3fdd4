"""``export: api`` for Etsy: the shop read through Open API v3 (findAllActiveListingsByShop page by page, then
getListingInventory per listing) against the fake Etsy on 127.0.0.1, into the columns the download reader gives,
every variation with its own price and quantity. Paging, rate limits, malformed replies (the channel fails alone,
in a plain sentence), the CLI end to end, and a push killed at random points then run again."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
import yaml

from chansync.adapters.etsy.export import read_download, read_listings
from chansync.config import load_config
from chansync.sync import plan
from tests.adapters.etsy_server import FakeEtsy, Fault, Recorder, serving
from tests.sigkill import after_seconds, kill_pushes

KEY, TOKEN = "etsy-key-7f3a9c2e5b", "etsy-token-Qm4xV8rT2wYp"
ENV = {"ETSY_KEY": KEY, "ETSY_TOKEN": TOKEN}
CASE = Path(__file__).resolve().parent.parent / "golden" / "etsy" / "review"


def golden_shop() -> FakeEtsy:
    """The shop of the golden Etsy case (tests/golden/etsy/review/export.csv), as the API shows it."""
    etsy = FakeEtsy(KEY, TOKEN)
    etsy.add(101, [{"sku": "MUG-11", "price": 2400, "quantity": 6}], title="Stoneware mug 11oz",
             description="Thrown by hand.\n\nDishwasher safe, 330 ml.")  # fmt: skip
    etsy.add(102, [{"sku": "APR-NAT", "price": 3900, "quantity": 14, "values": {200: "Natural"}},
                   {"sku": "APR-RUST", "price": 4100, "quantity": 1, "values": {200: "Rust"}}],
             price_on_property=[200], quantity_on_property=[200], title="Linen apron",
             description="Washed linen, one size.\nTwo pockets.")  # fmt: skip
    etsy.add(103, [{"sku": "SOCK-1", "price": 1850, "quantity": 3}], title="Wool socks", description="Knitted.")
    etsy.add(104, [{"sku": "", "price": 1000, "quantity": 99}], title="Gift card")  # no SKU: cannot be matched
    etsy.add(105, [{"sku": "DRAFT-1", "price": 500, "quantity": 1}], title="Not yet", state="draft")
    return etsy


def upload(url: str, **extra: Any) -> dict[str, Any]:
    return {"type": "etsy_api", "url": f"{url}/v3/application", "shop_id": "1234567", "api_key": "${ETSY_KEY}",
            "token": "${ETSY_TOKEN}", "retries": 3, "backoff": 0.01, "timeout": 5, **extra}  # fmt: skip


def write_config(folder: Path, url: str, *, file_channel: bool = False, master: str | None = None) -> Path:
    (folder / "master.csv").write_text(master or (CASE / "master.csv").read_text(encoding="utf-8"), encoding="utf-8")
    channels: dict[str, Any] = {
        "etsy": {"adapter": "etsy", "export": "api", "upload": upload(url),
                 "guard": {"max_delist_share": 1, "max_price_change_share": 1}}
    }  # fmt: skip
    if file_channel:
        (folder / "export.csv").write_bytes((CASE / "export.csv").read_bytes())
        channels["etsyfile"] = {"adapter": "etsy", "export": "export.csv"}
    config = {"version": 1, "master": {"file": "master.csv", "currency": "EUR"}, "state_dir": "state",
              "channels": channels}  # fmt: skip
    path = folder / "channels.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def planned(folder: Path, env: dict[str, str] | None = None) -> Any:
    return plan(load_config(folder / "channels.yaml", env={**os.environ, **ENV, **(env or {})}))


# --- the state ------------------------------------------------------------------------------------------------


def test_every_variation_is_read_with_its_own_price_and_quantity(tmp_path: Path) -> None:
    etsy, recorder = golden_shop(), Recorder()
    with serving(etsy, recorder) as url:
        write_config(tmp_path, url, file_channel=True)
        result = planned(tmp_path)
    assert result.failed == {}
    plans = {c.name: c.plan for c in result.channels}
    api = plans["etsy"].current
    download = read_listings(read_download(CASE / "export.csv", "export.csv", "etsy", {}))
    # the columns of the download reader, in its order and types
    assert list(api.reset_index(drop=True).columns) == list(download.columns)
    by_sku = api.reset_index(drop=True).set_index("sku")
    assert dict(by_sku.dtypes.astype(str)) == dict(download.set_index("sku").dtypes.astype(str))
    assert sorted(by_sku.index) == ["APR-NAT", "APR-RUST", "MUG-11", "SOCK-1"]  # not the draft, not the SKU-less
    assert by_sku.loc["APR-NAT", ["price", "quantity"]].tolist() == [3900, 14]
    assert by_sku.loc["APR-RUST", ["price", "quantity"]].tolist() == [4100, 1]  # the download cannot tell these
    assert (by_sku["_fixed"] == "").all() and by_sku["_live"].all()
    assert by_sku.loc["APR-RUST", ["title", "etsy_listing_skus", "etsy_listing_price", "currency"]].tolist() == [
        "Linen apron", 2, "39.00", "EUR"]  # fmt: skip
    # for a single-SKU listing, the API and the download say the same
    file_rows = download.set_index("sku")
    for sku in ("MUG-11", "SOCK-1"):
        for column in ("title", "description", "price", "quantity", "currency", "etsy_listing"):
            assert by_sku.loc[sku, column] == file_rows.loc[sku, column], (sku, column)
    # the documented calls, with the app key and the user's token
    paths = [urlparse(r["path"]) for r in recorder.requests]
    assert [p.path for p in paths] == ["/v3/application/shops/1234567/listings/active"] + [
        f"/v3/application/listings/{i}/inventory" for i in (101, 102, 103, 104)]  # fmt: skip
    assert parse_qs(paths[0].query) == {"limit": ["100"], "offset": ["0"]}
    assert all(r["method"] == "GET" and r["headers"]["x-api-key"] == KEY for r in recorder.requests)
    assert all(r["headers"]["Authorization"] == f"Bearer {TOKEN}" for r in recorder.requests)
    # the variation the download could not price is compared now: the master wants 39.00 for APR-RUST
    changes = plans["etsy"].changes
    assert ("APR-RUST", "price") in set(zip(changes["key"], changes["field"], strict=True))


def test_the_listings_are_read_page_by_page_within_the_rate_limit(tmp_path: Path) -> None:
    etsy = FakeEtsy(KEY, TOKEN)
    for i in range(230):
        etsy.add(1000 + i, [{"sku": f"S-{i:03d}", "price": 100 + i, "quantity": i % 5}], title=f"Item {i}")
    # Etsy's answer to too many calls: 429 with Retry-After, waited for and retried by the shared client
    recorder = Recorder(faults=[Fault("slow", 0), Fault("429", 0.05), Fault("500")])
    rows = "sku,title,price,quantity\n" + "".join(f"S-{i:03d},Item {i},{(100 + i) / 100:.2f},{i % 5}\n"
                                                  for i in range(230))  # fmt: skip
    with serving(etsy, recorder) as url:
        write_config(tmp_path, url, master=rows)
        result = planned(tmp_path)
    assert result.failed == {}
    current = result.channels[0].plan
    assert len(current.current) == 230 and not current.has_changes
    pages = [parse_qs(urlparse(r["path"]).query) for r in recorder.requests if r["path"].count("/listings/active")]
    offsets = [p["offset"][0] for p in pages if p]
    assert sorted(set(offsets)) == ["0", "100", "200"] and all(p["limit"] == ["100"] for p in pages)
    assert not recorder.faults  # every fault was met and retried past


def test_pages_without_a_count_are_read_until_a_short_page(tmp_path: Path) -> None:
    etsy = FakeEtsy(KEY, TOKEN)
    for i in range(150):
        etsy.add(3000 + i, [{"sku": f"N-{i:03d}", "price": 500, "quantity": 1}], title=f"Item {i}")

    def without_count(handler: Any, method: str, body: bytes) -> None:
        if urlparse(handler.path).path.endswith("/listings/active"):
            replies: list[Any] = []
            handler._reply = lambda status, reply, *a, **k: replies.append((status, reply))
            etsy(handler, method, body)
            status, reply = replies[0]
            del handler._reply
            reply.pop("count", None)
            return handler._reply(status, reply)
        return etsy(handler, method, body)

    rows = "sku,title,price,quantity\n" + "".join(f"N-{i:03d},Item {i},5.00,1\n" for i in range(150))
    recorder = Recorder()
    with serving(without_count, recorder) as url:
        write_config(tmp_path, url, master=rows)
        result = planned(tmp_path)
    assert result.failed == {} and len(result.channels[0].plan.current) == 150
    assert sum(1 for r in recorder.requests if "/listings/active" in r["path"]) == 2  # 100, then 50: the end


# --- failures: this channel alone, in a plain sentence ------------------------------------------------------------


class Odd:
    """The fake Etsy with one kind of reply replaced by one Etsy would not give."""

    def __init__(self, etsy: FakeEtsy, kind: str) -> None:
        self.etsy, self.kind = etsy, kind

    def __call__(self, handler: Any, method: str, body: bytes) -> None:
        path = urlparse(handler.path).path
        if self.kind == "no-results" and path.endswith("/listings/active"):
            return handler._reply(200, {"count": 3, "listings": []})
        if self.kind == "no-listing-id" and path.endswith("/listings/active"):
            return handler._reply(200, {"count": 1, "results": [{"title": "Mug"}]})
        if self.kind == "no-products" and path.endswith("/inventory"):
            return handler._reply(200, {"error": "Listing has no inventory"})
        if self.kind == "gone" and path.endswith("/listings/101/inventory"):
            return handler._reply(404, {"error": "Listing 101 not found"})
        if self.kind == "html" and path.endswith("/inventory"):
            return handler._reply(200, None, raw=b"<html>Service unavailable</html>")
        return self.etsy(handler, method, body)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("no-results", "is not a page of listings with their listing_id"),
        ("no-listing-id", "is not a page of listings with their listing_id"),
        ("no-products", "the inventory of listing 101 has no list of products"),
        ("html", "a reply that is not valid JSON"),
        ("malformed", "a reply that is not valid JSON"),
        ("wrong-token", "HTTP 401"),
    ],
)
def test_malformed_replies_fail_the_channel_alone_with_a_plain_message(
    tmp_path: Path, kind: str, expected: str
) -> None:
    etsy = golden_shop()
    broken = [Fault("malformed")] * 4 * 2  # every try (retries: 3), for the run in process and for the CLI
    env = {"ETSY_TOKEN": "an-expired-token"} if kind == "wrong-token" else {}
    with serving(Odd(etsy, kind), Recorder(faults=broken if kind == "malformed" else [])) as url:
        write_config(tmp_path, url, file_channel=True)
        result = planned(tmp_path, env)
        shown = subprocess.run(
            [sys.executable, "-m", "chansync", "diff", "-c", str(tmp_path / "channels.yaml")],
            capture_output=True, text=True, cwd=tmp_path, timeout=60, env={**os.environ, **ENV, **env},
        )  # fmt: skip
    assert [c.name for c in result.channels] == ["etsyfile"]  # the other channel is planned
    message = result.failed["etsy"]
    assert message.startswith("the Etsy shop's listings could not be read: ") and expected in message
    assert shown.returncode == 2 and "Traceback" not in shown.stderr
    assert "channel etsy could not be read" in shown.stderr and "etsyfile" in shown.stdout
    for text in (message, shown.stdout, shown.stderr):
        assert KEY not in text and TOKEN not in text and "an-expired-token" not in text


def test_a_listing_that_ends_while_the_shop_is_read_is_left_out(tmp_path: Path) -> None:
    etsy = golden_shop()
    with serving(Odd(etsy, "gone"), Recorder()) as url:
        write_config(tmp_path, url)
        result = planned(tmp_path)
    assert result.failed == {}
    assert sorted(result.channels[0].plan.current["sku"]) == ["APR-NAT", "APR-RUST", "SOCK-1"]


# --- end to end through the CLI -------------------------------------------------------------------------------------


def push(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chansync", "push", "-c", str(folder / "channels.yaml"), "--yes", *args],
        capture_output=True, text=True, cwd=folder, env={**os.environ, **ENV}, timeout=120,
    )  # fmt: skip


def test_push_with_export_api_applies_and_then_has_nothing_to_send(tmp_path: Path) -> None:
    etsy = golden_shop()
    with serving(etsy, Recorder(faults=[Fault("429", 0.01)])) as url:
        write_config(tmp_path, url)
        first = push(tmp_path, "--format", "json")
        puts = len(etsy.puts)
        again = push(tmp_path, "--format", "json")
        after = subprocess.run(
            [sys.executable, "-m", "chansync", "diff", "-c", str(tmp_path / "channels.yaml"), "--format", "json"],
            capture_output=True, text=True, cwd=tmp_path, env={**os.environ, **ENV}, timeout=120,
        )  # fmt: skip
    assert first.returncode == 0, first.stdout + first.stderr
    (channel,) = json.loads(first.stdout)["channels"]
    assert channel["status"] == "done" and channel["failed"] == []
    assert etsy.offering("MUG-11")["price"]["amount"] == 2600 and etsy.offering("MUG-11")["quantity"] == 4
    assert [etsy.offering(s)["quantity"] for s in ("APR-NAT", "APR-RUST")] == [8, 6]
    assert etsy.offering("APR-RUST")["price"]["amount"] == 3900  # its own price, which the download never showed
    assert etsy.offering("SOCK-1")["quantity"] == 0  # inactive in the master: delisted at quantity 0
    assert again.returncode == 0, again.stdout + again.stderr
    (second,) = json.loads(again.stdout)["channels"]
    assert second["failed"] == [] and len(etsy.puts) == puts  # the fresh read shows the first push: nothing resent
    # what is left is what the inventory cannot carry: the aprons' title (the master's parent row says "Washed
    # linen apron"), which stays in the review file; and SOCK-1, live at quantity 0, needs no call
    (left,) = json.loads(after.stdout)["channels"]
    changed = {(i["key"], c["field"]) for i in left["items"] for c in i["changes"] if i["outcome"] == "update"}
    assert changed == {("APR-NAT", "title"), ("APR-RUST", "title")}
    texts = [first.stdout, first.stderr, again.stdout, again.stderr]
    texts += [p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".parquet"]
    assert not any(secret in text for secret in (KEY, TOKEN) for text in texts)


# --- killed and run again ---------------------------------------------------------------------------------------------


def test_killed_at_random_points_then_rerun_applies_nothing_twice(tmp_path: Path) -> None:
    etsy = FakeEtsy(KEY, TOKEN)
    lines = ["sku,title,price,quantity"]
    for i in range(40):
        etsy.add(2000 + i, [{"sku": f"K-{i:02d}", "price": 9900, "quantity": 50}], title=f"Item {i}")
        lines.append(f"K-{i:02d},Item {i},{i + 1}.25,{i % 7}")
    rng = random.Random(20261202)

    def slow_writes(handler: Any, method: str, body: bytes) -> None:
        if method == "PUT":  # the reads are quick, each inventory write takes a while: kills land among them
            time.sleep(0.1)
        etsy(handler, method, body)

    with serving(slow_writes, Recorder()) as url:
        write_config(tmp_path, url, master="\n".join(lines) + "\n")
        kill_pushes(tmp_path / "channels.yaml", ENV, 4, after_seconds(rng, 2.0, 6.0), cwd=tmp_path)
        final = push(tmp_path)
    assert final.returncode == 0, final.stderr + final.stdout
    for i in range(40):
        offering = etsy.offering(f"K-{i:02d}")
        assert (offering["price"]["amount"], offering["quantity"]) == ((i + 1) * 100 + 25, i % 7)
    sent = pd.Series([listing for listing, _ in etsy.puts]).value_counts()
    assert (sent == 1).all(), f"sent more than once: {sent[sent > 1].to_dict()}"
    assert len(sent) == 40
