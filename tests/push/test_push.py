"""``chansync push`` end to end against servers on 127.0.0.1: the WooCommerce REST API (batches, faults, export:
api), a plain feed receiver, the safety guard, the lock, the journal, kills at random points, and secrets."""

from __future__ import annotations

import csv
import io
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

from chansync.journal import read_journal
from chansync.state.store import SyncState
from tests.http_server import Fault, FeedReceiver, Recorder, serving
from tests.push.woocommerce_server import FakeWooCommerce
from tests.sigkill import after_seconds, applied_once, kill_pushes

KEY, SECRET, FEED_TOKEN = "ck_live_0123456789abcdef", "cs_live_fedcba9876543210", "feed-token-4f9a1c"
ENV = {"WC_KEY": KEY, "WC_SECRET": SECRET, "FEED_TOKEN": FEED_TOKEN}
N = 250  # three batches of at most 100


def master_rows(n: int = N) -> list[dict[str, Any]]:
    return [
        {"sku": f"P-{i:04d}", "title": f"Product {i}", "price": f"{10 + i % 7}.{i % 100:02d}", "quantity": i % 9}
        for i in range(n)
    ]


def write_master(folder: Path, rows: list[dict[str, Any]], *, quantity_header: str = "quantity") -> None:
    with open(folder / "master.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sku", "title", "price", quantity_header])
        for row in rows:
            writer.writerow([row["sku"], row["title"], row["price"], row["quantity"]])


def drifting_shop(shop: FakeWooCommerce, rows: list[dict[str, Any]]) -> None:
    """The shop has every product but the last ten; some prices and stock differ; it still sells OLD-1."""
    for i, row in enumerate(rows[:-10]):
        price = row["price"] if i % 5 else "99.00"
        stock = row["quantity"] if i % 3 else row["quantity"] + 4
        shop.add(id=100 + i, sku=row["sku"], name=row["title"], regular_price=price, sale_price="",
                 manage_stock=True, stock_quantity=stock)  # fmt: skip
    shop.add(id=99, sku="OLD-1", name="Old", regular_price="5.00", sale_price="", manage_stock=True, stock_quantity=2)


def write_config(folder: Path, woo_url: str, feed_url: str | None = None, **woo: Any) -> Path:
    channels: dict[str, Any] = {
        "shop": {
            "adapter": "woocommerce",
            "export": "api",
            "feed": "out/woo.csv",
            "upload": {
                "type": "woocommerce_api",
                "url": woo_url,
                "key": "${WC_KEY}",
                "secret": "${WC_SECRET}",
                "retries": 6,
                "backoff": 0.01,
                "timeout": 5,
            },
            "listing": {"unknown": "delist"},  # the shop predates chansync: OLD-1 is to go
            **woo,
        }
    }
    if feed_url:
        channels["google"] = {
            "adapter": "google_merchant",
            "export": "google-before.xml",
            "feed": "out/google.xml",
            "upload": {
                "type": "http",
                "url": f"{feed_url}/feeds/{{file}}",
                "method": "PUT",
                "retries": 3,
                "backoff": 0.01,
                "headers": {"Authorization": "Bearer ${FEED_TOKEN}"},
            },
        }
        (folder / "google-before.xml").write_text('<rss version="2.0"><channel></channel></rss>', encoding="utf-8")
    config = {"version": 1, "master": {"file": "master.csv"}, "state_dir": "state", "channels": channels}
    path = folder / "channels.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def push(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chansync", "push", "-c", str(folder / "channels.yaml"), *args],
        capture_output=True, text=True, cwd=folder, env={**os.environ, **ENV, **(env or {})}, timeout=120,
    )  # fmt: skip


def in_desired_state(shop: FakeWooCommerce, rows: list[dict[str, Any]]) -> None:
    by_sku = shop.by_sku()
    for row in rows:
        product = by_sku[row["sku"]]
        assert product["regular_price"] == row["price"], row["sku"]
        assert product["stock_quantity"] == row["quantity"], row["sku"]
        assert product["status"] == "publish"
    assert by_sku["OLD-1"]["status"] == "draft"  # delisted: a draft, never deleted


def test_push_applies_through_the_api_despite_faults(tmp_path: Path) -> None:
    rows = master_rows()
    write_master(tmp_path, rows)
    shop = FakeWooCommerce(KEY, SECRET)
    drifting_shop(shop, rows)
    recorder = Recorder(faults=[Fault("429", 0.05), Fault("500"), Fault("malformed")])
    with serving(shop, recorder) as url:
        write_config(tmp_path, url)
        first = push(tmp_path, "--format", "json")
        assert first.returncode == 0, first.stderr
        document = json.loads(first.stdout)
        channel = document["channels"][0]
        assert channel["status"] == "done" and channel["failed"] == []
        assert channel["counts"]["create"] == 10 and channel["counts"]["delist"] == 1
        in_desired_state(shop, rows)
        batches = [r for r in recorder.requests if r["method"] == "POST"]
        sizes = [sum(len(v) for v in json.loads(r["body"]).values()) for r in batches]
        assert max(sizes) == 100 and sum(sizes) >= 123  # 112 updates, 1 delist, 10 creates (retries resend)
        applied_before = len(shop.applied)
        again = push(tmp_path, "--format", "json")
    assert again.returncode == 0
    assert json.loads(again.stdout)["channels"][0]["status"] == "unchanged"
    assert len(shop.applied) == applied_before  # nothing applied twice
    events = [r["event"] for r in read_journal(tmp_path / "state" / "journal.jsonl")]
    assert events.count("applied") == 2 and events.count("start") == 2


def test_feed_files_are_uploaded_with_the_configured_header(tmp_path: Path) -> None:
    rows = master_rows(20)
    write_master(tmp_path, rows)
    shop = FakeWooCommerce(KEY, SECRET)
    drifting_shop(shop, rows)
    receiver = FeedReceiver(FEED_TOKEN)
    with serving(shop, Recorder()) as woo, serving(receiver, Recorder(faults=[Fault("429", 0.05)])) as feeds:
        write_config(tmp_path, woo, feeds)
        (tmp_path / "master.csv").write_text(
            "sku,title,description,price,quantity,image_url,product_url,brand\n"
            + "".join(f"{r['sku']},{r['title']},{r['title']},{r['price']},{r['quantity']},https://x.test/{r['sku']}.jpg,"
                      f"https://x.test/p/{r['sku']},Merk\n" for r in rows),
            encoding="utf-8",
        )  # fmt: skip
        result = push(tmp_path, "--channel", "google")
    assert result.returncode == 0, result.stderr + result.stdout
    sent = receiver.files["/feeds/google.xml"]
    assert sent == (tmp_path / "out" / "google.xml").read_bytes() and sent.count(b"<item>") == 20


@pytest.mark.parametrize("case", ["renamed", "zeroed", "emptied"])
def test_a_broken_stock_column_uploads_nothing(tmp_path: Path, case: str) -> None:
    rows = master_rows()
    shop = FakeWooCommerce(KEY, SECRET)
    drifting_shop(shop, rows)
    if case == "renamed":
        write_master(tmp_path, rows, quantity_header="Voorraad")
    else:
        write_master(tmp_path, [{**r, "quantity": 0 if case == "zeroed" else ""} for r in rows])
    recorder = Recorder()
    with serving(shop, recorder) as url:
        write_config(tmp_path, url)
        if case == "renamed":  # the config maps the column by its old name
            config = yaml.safe_load((tmp_path / "channels.yaml").read_text())
            config["master"]["columns"] = {"quantity": "Stock"}
            (tmp_path / "channels.yaml").write_text(yaml.safe_dump(config))
        result = push(tmp_path)
    assert result.returncode == 1
    assert not [r for r in recorder.requests if r["method"] == "POST"]  # nothing uploaded at all
    expected = {"zeroed": "safety guard", "renamed": '"Stock"', "emptied": "empty in every row"}[case]
    assert expected in (result.stdout if case == "zeroed" else result.stderr)


def test_a_second_push_exits_at_once_with_the_lock_message(tmp_path: Path) -> None:
    rows = master_rows(30)
    write_master(tmp_path, rows)
    shop = FakeWooCommerce(KEY, SECRET)
    drifting_shop(shop, rows)
    with serving(shop, Recorder(delay=0.3)) as url:
        write_config(tmp_path, url)
        command = [sys.executable, "-m", "chansync", "push", "-c", str(tmp_path / "channels.yaml")]
        env = {**os.environ, **ENV}
        first, second = (subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True) for _ in range(2))  # fmt: skip
        outcomes = sorted((p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in (first, second))
    assert [code for code, _ in outcomes] == [0, 1]
    assert "another chansync push is running" in outcomes[1][1]
    with SyncState.open(tmp_path / "state").lock():  # and while a push holds it, a new one is refused at once
        started = time.monotonic()
        blocked = push(tmp_path)
    assert blocked.returncode == 1 and "another chansync push is running" in blocked.stderr
    assert time.monotonic() - started < 30


def test_killed_at_random_points_then_rerun_ends_exact_and_applies_nothing_twice(tmp_path: Path) -> None:
    rows = master_rows()
    write_master(tmp_path, rows)
    shop = FakeWooCommerce(KEY, SECRET)
    drifting_shop(shop, rows)
    feed = tmp_path / "out" / "woo-update.csv"
    rng = random.Random(20261125)

    def feed_is_whole() -> None:
        if feed.exists():  # always a complete file: the header and whole rows, never half
            text = feed.read_text(encoding="utf-8-sig")
            parsed = list(csv.reader(io.StringIO(text)))
            assert text.endswith("\n") and parsed[0][:3] == ["ID", "Type", "SKU"]
            assert all(len(row) == len(parsed[0]) for row in parsed)

    with serving(shop, Recorder(delay=0.12)) as url:
        write_config(tmp_path, url)
        kill_pushes(tmp_path / "channels.yaml", ENV, 4, after_seconds(rng, 0.4, 2.5), cwd=tmp_path, after=feed_is_whole)
        final = push(tmp_path)
    assert final.returncode == 0, final.stderr + final.stdout
    in_desired_state(shop, rows)
    applied_once(shop.applied)


def test_secrets_appear_in_no_output_log_or_journal(tmp_path: Path) -> None:
    rows = master_rows(40)
    write_master(tmp_path, rows)
    shop = FakeWooCommerce(KEY, SECRET)
    drifting_shop(shop, rows)
    outputs = []
    with serving(shop, Recorder(faults=[Fault("500")])) as woo, serving(FeedReceiver(FEED_TOKEN), Recorder()) as feed:
        write_config(tmp_path, woo, feed)
        for args in (["--format", "json"], ["--dry-run"], []):
            result = push(tmp_path, *args)
            outputs += [result.stdout, result.stderr]
        wrong = push(tmp_path, env={"WC_SECRET": SECRET + "-wrong"})  # refused by the shop: 401
        outputs += [wrong.stdout, wrong.stderr]
    assert wrong.returncode == 4 and "HTTP 401" in wrong.stdout  # reading the shop failed: that channel failed
    assert "google" in wrong.stdout  # the other channel went on
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".yaml"]
    texts = outputs + [p.read_text(encoding="utf-8", errors="replace") for p in files]
    for secret in (KEY, SECRET, SECRET + "-wrong", FEED_TOKEN):
        assert not [t for t in texts if secret in t], f"{secret[:6]}… leaked"


def test_dry_run_and_no_upload(tmp_path: Path) -> None:
    rows = master_rows(30)
    write_master(tmp_path, rows)
    shop = FakeWooCommerce(KEY, SECRET)
    drifting_shop(shop, rows)
    recorder = Recorder()
    with serving(shop, recorder) as url:
        write_config(tmp_path, url)
        dry = push(tmp_path, "--dry-run", "--format", "json")
        assert dry.returncode == 0 and json.loads(dry.stdout)["channels"][0]["status"] == "dry-run"
        assert not (tmp_path / "out").exists() and not (tmp_path / "state" / "journal.jsonl").exists()
        written = push(tmp_path, "--no-upload")
    assert written.returncode == 0 and (tmp_path / "out" / "woo-update.csv").exists()
    assert not [r for r in recorder.requests if r["method"] == "POST"]


def test_push_of_a_saved_plan_refuses_when_the_plan_changed(tmp_path: Path) -> None:
    rows = master_rows(30)
    write_master(tmp_path, rows)
    shop = FakeWooCommerce(KEY, SECRET)
    drifting_shop(shop, rows)
    with serving(shop, Recorder()) as url:
        write_config(tmp_path, url)
        saved = tmp_path / "plan.json"
        subprocess.run([sys.executable, "-m", "chansync", "diff", "-c", str(tmp_path / "channels.yaml"), "--plan",
                        str(saved)], check=True, capture_output=True, env={**os.environ, **ENV})  # fmt: skip
        write_master(tmp_path, [{**r, "price": "1.00"} if r["sku"] == "P-0003" else r for r in rows])
        stale = push(tmp_path, "--plan", str(saved))
        assert stale.returncode == 1 and "no longer the one saved" in stale.stderr
        assert not shop.applied
        write_master(tmp_path, rows)
        fresh = push(tmp_path, "--plan", str(saved))
    assert fresh.returncode == 0, fresh.stderr
    in_desired_state(shop, rows)
