"""``chansync push`` to bol.com through the Retailer API v10 (``upload: {type: bol_api}``), end to end against the
fake bol server on 127.0.0.1: prices and stock set per offer, FBB stock left to bol, delisting at stock 0, new
offers created, the token fetched once and refreshed, faults retried, refusals reported per offer, and neither the
client secret nor the token ever written anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from chansync.adapters.bol.api import apply_plan, euros, jobs_of
from chansync.adapters.bol.session import BolSession, dumps, status_of
from chansync.diff import Plan
from chansync.errors import TransportError
from chansync.journal import read_journal
from chansync.transports.http import HttpClient, RetryPolicy
from tests.push.bol_server import FakeBol, Fault, Recorder, serving

CLIENT_ID, CLIENT_SECRET = "bol-client-7d1e2f3a4b5c", "bol-secret-Zq8xW2vR6tY4uP0s"
ENV = {"BOL_ID": CLIENT_ID, "BOL_SECRET": CLIENT_SECRET}


def ean(body: str) -> str:
    """A valid EAN-13 from its first 12 digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


PRICED, ZEROED, EXACT, FBB, NEW, OLD, SAME, CAPPED = (ean(f"87100000{i:04d}") for i in range(1, 9))

#: sku, title, price, quantity, gtin
MASTER = [
    ("BOL-1", "Vaas blauw", "12.99", 7, PRICED),  # price 10.00 -> 12.99, stock 3 -> 7
    ("BOL-2", "Kaars", "0.10", 0, ZEROED),  # stock 5 -> 0
    ("BOL-3", "Lamp", "4.35", 2, EXACT),  # price 4.36 -> 4.35 (no binary float on the way)
    ("BOL-FBB", "Tafel", "1.15", 50, FBB),  # FBB: price 9.95 -> 1.15, stock is bol's
    ("BOL-NEW", "Nieuwe mand", "19.95", 4, NEW),  # not on bol: created
    ("BOL-SAME", "Onveranderd", "5.00", 3, SAME),  # unchanged: no request
    ("BOL-MANY", "Veel", "7.50", 1500, CAPPED),  # stock capped at 999
]


def write_master(folder: Path, rows: Sequence[tuple[str, str, str, int, str]] = MASTER) -> None:
    lines = ["sku,title,price,quantity,gtin"] + [",".join(map(str, row)) for row in rows]
    (folder / "master.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def stocked_bol(**kwargs: Any) -> FakeBol:
    bol = FakeBol(CLIENT_ID, CLIENT_SECRET, **kwargs)
    bol.add(PRICED, price="10.00", stock=3, reference="BOL-1")
    bol.add(ZEROED, price="0.10", stock=5, reference="BOL-2")
    bol.add(EXACT, price="4.36", stock=2, reference="BOL-3")
    bol.add(FBB, price="9.95", stock=None, fulfilment="FBB", reference="BOL-FBB")
    bol.add(OLD, price="3.00", stock=6, reference="BOL-OLD")  # gone from the master: delisted at stock 0
    bol.add(SAME, price="5.00", stock=3, reference="BOL-SAME")
    bol.add(CAPPED, price="7.50", stock=20, reference="BOL-MANY")
    return bol


def write_config(folder: Path, url: str, bol: FakeBol, **upload: Any) -> Path:
    (folder / "bol-export.csv").write_text(bol.export_csv(), encoding="utf-8")
    section = {"type": "bol_api", "client_id": "${BOL_ID}", "client_secret": "${BOL_SECRET}",
               "url": f"{url}/retailer", "token_url": f"{url}/token", "retries": 5, "backoff": 0.01, "timeout": 5,
               "status_wait": 0.01,
               **upload}  # fmt: skip
    config = {
        "version": 1,
        "master": {"file": "master.csv"},
        "state_dir": "state",
        "channels": {
            "bol": {
                "adapter": "bol",
                "export": "bol-export.csv",
                "guard": {"max_delist_share": 1, "max_price_change_share": 1},
                "listing": {"unknown": "delist"},  # the offers predate chansync: those the master lacks go
                "upload": section,
            }
        },
    }
    path = folder / "channels.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def push(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chansync", "push", "-c", str(folder / "channels.yaml"), "--yes", *args],
        capture_output=True, text=True, cwd=folder, env={**os.environ, **ENV, **(env or {})}, timeout=60,
    )  # fmt: skip


def channel_of(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    document = json.loads(result.stdout)
    channel: dict[str, Any] = document["channels"][0]
    return channel


def in_desired_state(bol: FakeBol) -> None:
    offers = bol.by_ean()
    assert (offers[PRICED]["price"], offers[PRICED]["stock"]) == (Decimal("12.99"), 7)
    assert offers[ZEROED]["stock"] == 0
    assert offers[EXACT]["price"] == Decimal("4.35") and str(offers[EXACT]["price"]) == "4.35"
    assert (offers[FBB]["price"], offers[FBB]["stock"]) == (Decimal("1.15"), None)  # FBB stock untouched
    assert offers[OLD]["stock"] == 0 and OLD in offers  # delisted: stock 0, never deleted
    assert offers[CAPPED]["stock"] == 999
    new = offers[NEW]
    assert (new["price"], new["stock"], new["reference"], new["condition"], new["onHold"], new["title"]) == (
        Decimal("19.95"),
        4,
        "BOL-NEW",
        "NEW",
        False,
        None,
    )  # fmt: skip  (bol does not carry the title, so push does not read it: no unknownProductTitle)


def leaked(folder: Path, outputs: list[str], bol: FakeBol) -> list[str]:
    """Which secrets (the client id and secret, every token) appear in an output or a file under ``folder``."""
    files = [p for p in folder.rglob("*") if p.is_file() and p.suffix != ".yaml"]
    texts = outputs + [p.read_text(encoding="utf-8", errors="replace") for p in files]
    secrets = [CLIENT_ID, CLIENT_SECRET, *bol.issued]
    return [s[:6] for s in secrets if any(s in text for text in texts)]


# --- end to end -----------------------------------------------------------------------------------------------


def test_push_applies_prices_stock_delists_and_creates_with_one_token(tmp_path: Path) -> None:
    write_master(tmp_path)
    bol = stocked_bol()
    recorder = Recorder(faults=[Fault("429", 0.05), Fault("500")])  # the token call is retried too
    with serving(bol, recorder) as url:
        write_config(tmp_path, url, bol)
        result = push(tmp_path, "--format", "json")
        tokens = bol.token_requests
        again = push(tmp_path, "--format", "json")  # the same export: the journal knows what was applied
    assert result.returncode == 0, result.stderr + result.stdout
    channel = channel_of(result)
    assert channel["status"] == "done" and channel["failed"] == [] and channel["message"] == ""
    assert channel["counts"] == {"create": 1, "update": 5, "delist": 1, "unchanged": 1, "skipped": 0, "unmanaged": 0}
    in_desired_state(bol)
    assert tokens == 1  # one token for the whole push (and a retried token call counts once)
    ids = {o["ean"]: o["offerId"] for o in bol.offers.values()}
    assert sorted((ids_to_ean(ids, i), what) for i, what, _ in bol.applied) == sorted([
        (PRICED, "price"), (PRICED, "stock"), (ZEROED, "stock"), (EXACT, "price"), (FBB, "price"),
        (OLD, "stock"), (CAPPED, "stock"), (NEW, "create"),
    ])  # fmt: skip
    assert not [r for r in recorder.requests if ids[SAME] in r["path"] or f"{ids[FBB]}/stock" in r["path"]]
    sent = [r for r in recorder.requests if r["path"].startswith("/retailer/")]
    assert all(r["headers"]["Accept"] == r["headers"]["Content-Type"] == "application/vnd.retailer.v10+json"
               for r in sent)  # fmt: skip
    assert b'"unitPrice":4.35' in next(r["body"] for r in sent if f"{ids[EXACT]}/price" in r["path"])
    # the re-run sends nothing again, not even the new offer: the journal lays what was applied over the old export
    assert again.returncode == 0, again.stdout
    assert channel_of(again)["failed"] == [] and channel_of(again)["status"] == "unchanged"
    assert len(bol.applied) == 8
    records = read_journal(tmp_path / "state" / "journal.jsonl")
    items = [i for r in records if r["event"] == "applied" for i in r["items"]]
    by_key = {i["key"]: i["set"] for i in items}
    assert by_key[PRICED] == {"price": 1299, "quantity": 7} and by_key[OLD] == {"quantity": 0, "listed": False}
    assert by_key[FBB] == {"price": 115}
    assert not leaked(tmp_path, [result.stdout, result.stderr, again.stdout, again.stderr], bol)


def ids_to_ean(ids: dict[str, str], offer_id: str) -> str:
    return next(e for e, i in ids.items() if i == offer_id)


def test_a_refused_offer_fails_alone_and_the_push_exits_4(tmp_path: Path) -> None:
    write_master(tmp_path)
    bol = stocked_bol()
    with serving(bol, Recorder()) as url:
        write_config(tmp_path, url, bol)
        export = (tmp_path / "bol-export.csv").read_text(encoding="utf-8")
        gone = bol.by_ean()[PRICED]["offerId"]
        (tmp_path / "bol-export.csv").write_text(export.replace(gone, "00000000-dead-beef-0000-000000000000"))
        result = push(tmp_path, "--format", "json")
        text = push(tmp_path)  # again, in text: the key is listed (the new offer is known from the journal now)
    assert result.returncode == 4, result.stderr
    channel = channel_of(result)
    assert channel["status"] == "failed"
    assert [f["key"] for f in channel["failed"]] == [PRICED]
    reason = channel["failed"][0]["reason"]
    assert reason.startswith("BOL-1: ") and "HTTP 404" in reason and "not found" in reason
    offers = bol.by_ean()
    assert (offers[PRICED]["price"], offers[PRICED]["stock"]) == (Decimal("10.00"), 3)  # unknown id: untouched
    assert offers[EXACT]["price"] == Decimal("4.35") and offers[OLD]["stock"] == 0  # the others went out
    assert channel["applied"] == 6
    assert text.returncode == 4 and f"not applied for 1: {PRICED}" in text.stdout
    assert not leaked(tmp_path, [result.stdout, result.stderr, text.stdout, text.stderr], bol)


def test_wrong_credentials_fail_every_offer_without_leaking(tmp_path: Path) -> None:
    write_master(tmp_path)
    bol = stocked_bol()
    outputs = []
    with serving(bol, Recorder()) as url:
        write_config(tmp_path, url, bol)
        wrong = push(tmp_path, "--format", "json", env={"BOL_SECRET": CLIENT_SECRET + "-old"})
        text = push(tmp_path, env={"BOL_SECRET": CLIENT_SECRET + "-old"})
        outputs += [wrong.stdout, wrong.stderr, text.stdout, text.stderr]
    assert wrong.returncode == 4 and text.returncode == 4
    channel = channel_of(wrong)
    assert "HTTP 401" in channel["message"] and "HTTP 401" in text.stdout
    assert len(channel["failed"]) == 7 and not bol.applied and not bol.issued
    assert CLIENT_SECRET + "-old" not in "".join(outputs)
    assert not leaked(tmp_path, outputs, bol)


def test_server_errors_past_the_retries_stop_the_run_and_name_what_is_left(tmp_path: Path) -> None:
    write_master(tmp_path)
    bol = stocked_bol()
    # the token and BOL-1's price go through; its stock call fails 3 times (retries: 2)
    recorder = Recorder(faults=[Fault("slow", 0), Fault("slow", 0), Fault("500"), Fault("500"), Fault("500")])
    with serving(bol, recorder) as url:
        write_config(tmp_path, url, bol, retries=2)
        result = push(tmp_path, "--format", "json")
    assert result.returncode == 4
    channel = channel_of(result)
    assert "/stock failed after 3 attempts: HTTP 500" in channel["message"] and len(channel["failed"]) == 7
    assert [what for _, what, _ in bol.applied] == ["price"]
    records = read_journal(tmp_path / "state" / "journal.jsonl")
    items = [i for r in records if r["event"] == "applied" for i in r["items"]]
    assert items == [{"key": PRICED, "set": {"price": 1299}}]  # what bol took before the stop is journalled


def test_a_delisted_offer_is_not_sent_again_and_comes_back(tmp_path: Path) -> None:
    rows = [row for row in MASTER if row[4] != NEW]
    write_master(tmp_path, rows)
    bol = stocked_bol()
    with serving(bol, Recorder()) as url:
        write_config(tmp_path, url, bol)
        first = push(tmp_path)
        assert first.returncode == 0 and bol.by_ean()[OLD]["stock"] == 0
        write_config(tmp_path, url, bol)  # a fresh export: OLD is still live at bol (at 0), so delisted again...
        calls = len(bol.applied)
        again = push(tmp_path, "--format", "json")
        assert again.returncode == 0 and channel_of(again)["counts"]["delist"] == 1
        assert len(bol.applied) == calls  # ...without a request: its stock is 0 already
        write_master(tmp_path, [*rows, ("BOL-OLD", "Oud", "3.00", 2, OLD)])
        back = push(tmp_path)  # the journal says OLD is off sale: its stock puts it back
    assert back.returncode == 0 and bol.by_ean()[OLD]["stock"] == 2
    records = read_journal(tmp_path / "state" / "journal.jsonl")
    sets = [i["set"] for r in records if r["event"] == "applied" for i in r["items"] if i["key"] == OLD]
    assert sets == [{"quantity": 0, "listed": False}, {"listed": False}, {"quantity": 2, "listed": True}]


def test_a_revoked_token_is_fetched_again_once(tmp_path: Path) -> None:
    write_master(tmp_path)
    bol = stocked_bol(revoke_after=3)  # every token is revoked after 3 changes
    with serving(bol, Recorder()) as url:
        write_config(tmp_path, url, bol)
        result = push(tmp_path, "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    in_desired_state(bol)
    assert [status for status, _ in bol.refused] == [401] and bol.token_requests == 2
    assert not leaked(tmp_path, [result.stdout, result.stderr], bol)


def test_the_token_is_fetched_again_shortly_before_it_expires(tmp_path: Path) -> None:
    rows = [(f"T-{i}", f"Item {i}", f"{i + 1}.25", 1, ean(f"87200000{i:04d}")) for i in range(12)]
    write_master(tmp_path, rows)
    bol = FakeBol(CLIENT_ID, CLIENT_SECRET, expires_in=1)  # reused for 0.8 s
    for sku, _, _, _, code in rows:
        bol.add(code, price="99.00", stock=1, reference=sku)
    recorder = Recorder(delay=0.1)  # 12 price changes take 1.2 s at least
    with serving(bol, recorder) as url:
        write_config(tmp_path, url, bol)
        result = push(tmp_path, "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(o["price"] != Decimal("99.00") for o in bol.offers.values())
    assert not bol.refused  # never sent with an expired token
    assert 2 <= bol.token_requests <= 8  # fetched again before expiry, reused in between


def test_relisting_an_offer_on_hold_sets_its_stock_and_reports_the_hold(tmp_path: Path) -> None:
    write_master(tmp_path, [("BOL-1", "Vaas", "10.00", 4, PRICED), ("BOL-2", "Kaars", "0.10", 5, ZEROED)])
    bol = FakeBol(CLIENT_ID, CLIENT_SECRET)
    bol.add(PRICED, price="10.00", stock=0, reference="BOL-1", on_hold=True)
    bol.add(ZEROED, price="0.10", stock=5, reference="BOL-2", fulfilment="FBB", on_hold=True)
    with serving(bol, Recorder()) as url:
        write_config(tmp_path, url, bol)
        result = push(tmp_path, "--format", "json")
    assert result.returncode == 4
    failed = {f["key"]: f["reason"] for f in channel_of(result)["failed"]}
    assert "on hold" in failed[PRICED] and "(FBB)" in failed[ZEROED]
    assert bol.by_ean()[PRICED]["stock"] == 4 and bol.by_ean()[ZEROED]["stock"] == 5
    items = [
        i for r in read_journal(tmp_path / "state" / "journal.jsonl") if r["event"] == "applied" for i in r["items"]
    ]
    assert items == [{"key": PRICED, "set": {"quantity": 4}}]  # not "listed": it is still on hold


# --- in process -----------------------------------------------------------------------------------------------


def test_prices_are_written_exactly_from_cents() -> None:
    for cents in [0, 1, 5, 10, 29, 115, 435, 999, 1299, 100000, 123456789, *range(0, 100_000, 7)]:
        text = dumps({"unitPrice": euros(cents)})
        assert text == f'{{"unitPrice":{cents // 100}.{cents % 100:02d}}}'
        assert json.loads(text, parse_float=Decimal)["unitPrice"] * 100 == cents


def test_dumps_writes_plain_json() -> None:
    value = {"a": [1, True, None, 'é"x'], "b": {"c": Decimal("1.50")}}
    assert json.loads(dumps(value), parse_float=Decimal) == value
    with pytest.raises(ValueError):
        dumps(Decimal("NaN"))


def test_status_of_reads_the_clients_message() -> None:
    assert status_of(TransportError("PUT http://x/offers/1/stock failed: HTTP 404 {}")) == 404
    assert status_of(TransportError("PUT http://x failed after 3 attempts: HTTP 500")) is None


class Upload(dict[str, Any]):
    """An upload section's keys as attributes (an absent key is an absent attribute, as on the config model)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def test_a_token_is_reused_until_shortly_before_it_expires() -> None:
    bol = FakeBol(CLIENT_ID, CLIENT_SECRET)
    now = [0.0]
    with serving(bol, Recorder()) as url:
        client = HttpClient(f"{url}/retailer", policy=RetryPolicy(retries=0, timeout=5), secrets=(CLIENT_SECRET,))
        upload = Upload(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token_url=f"{url}/token")
        session = BolSession.of(client, upload, clock=lambda: now[0])
        first = session.token()
        now[0] = 268.0
        assert session.token() == first and bol.token_requests == 1
        now[0] = 270.0  # 299 s minus the 30 s margin
        second = session.token()
        assert second != first and bol.token_requests == 2
    assert first in client.secrets and second in client.secrets  # scrubbed from every message from now on
    assert session.scrub(f"x {second} y") == "x *** y"


def test_apply_plan_with_nothing_to_do_sends_nothing() -> None:
    empty = pd.DataFrame(columns=["key", "sku", "outcome", "fields", "reason", "row"])
    changes = pd.DataFrame(columns=["key", "sku", "field", "old", "new"])
    plan = Plan("bol", "bol", "gtin", [], empty, changes, pd.DataFrame(), pd.DataFrame())
    client = HttpClient("http://127.0.0.1:9/retailer", policy=RetryPolicy(retries=0, timeout=1))
    upload = Upload(client_id="i", client_secret="s", token_url="http://127.0.0.1:9/token")
    assert apply_plan(plan, None, client, lambda items: None, upload) == {}  # type: ignore[arg-type]


def frame(rows: dict[str, dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index")


def test_what_the_api_cannot_do_is_reported_per_offer() -> None:
    k = [ean(f"87300000{i:04d}") for i in range(10)]
    current = frame({
        k[0]: {"offer_id": "", "fulfilment": "FBR", "quantity": 1, "sku": "A", "condition": "new"},
        k[1]: {"offer_id": "o1", "fulfilment": "FBR", "quantity": 1, "sku": "B", "condition": "new"},
        k[2]: {"offer_id": "o2", "fulfilment": "FBR", "quantity": 0, "sku": "C", "condition": "new"},
        k[3]: {"offer_id": "o3", "fulfilment": "FBR", "quantity": 1, "sku": "", "condition": "new"},
        k[6]: {"offer_id": "", "fulfilment": "FBR", "quantity": 4, "sku": "G", "condition": "new"},
        k[7]: {"offer_id": "o7", "fulfilment": "FBB", "quantity": None, "sku": "H", "condition": "new"},
        k[8]: {"offer_id": "o8", "fulfilment": "FBR", "quantity": 0, "sku": "I", "condition": "new"},
    })  # fmt: skip
    current["quantity"] = current["quantity"].astype("Int64")
    desired = frame({
        k[0]: {"sku": "A", "price": 100, "quantity": 1, "condition": "new", "title": ""},
        k[1]: {"sku": "B", "price": None, "quantity": 1, "condition": "new", "title": ""},
        k[2]: {"sku": "C", "price": 100, "quantity": None, "condition": "new", "title": ""},
        k[3]: {"sku": "D", "price": 100, "quantity": 1, "condition": "used", "title": ""},
        k[4]: {"sku": "E", "price": None, "quantity": 1, "condition": "new", "title": ""},
        k[5]: {"sku": "F", "price": 1999, "quantity": None, "condition": "refurbished", "title": " Nieuw ding "},
    })  # fmt: skip
    desired[["price", "quantity"]] = desired[["price", "quantity"]].astype("Int64")
    outcomes = ["update"] * 4 + ["create"] * 2 + ["delist"] * 3
    items = pd.DataFrame({"key": k[:9], "sku": list("ABCDEFGHI"), "outcome": outcomes, "fields": "", "reason": "",
                          "row": pd.array([None] * 9, dtype="Int64")})  # fmt: skip
    changes = pd.DataFrame(
        [
            (k[0], "A", "price"),
            (k[1], "B", "price"),
            (k[2], "C", "listed"),
            (k[3], "D", "sku"),
            (k[3], "D", "condition"),
        ],
        columns=["key", "sku", "field"],
    ).assign(old="", new="")
    plan = Plan("bol", "bol", "gtin", ["sku", "price", "quantity", "condition"], items, changes, desired, current)
    jobs = {job.key: job for job in jobs_of(plan)}
    assert "offer id" in jobs[k[0]].problems[0] and not jobs[k[0]].steps
    assert jobs[k[1]].problems == ["the master has no price for it"]
    assert "stock is unknown" in jobs[k[2]].problems[0]
    assert [p.split(" ")[1] for p in jobs[k[3]].problems] == ["keeps", "reference"] and not jobs[k[3]].steps
    assert "no offer is created" in jobs[k[4]].problems[0]
    created = jobs[k[5]].steps[0]
    assert created.body["unknownProductTitle"] == "Nieuw ding" and created.body["condition"] == {"name": "AS_NEW"}
    assert created.body["stock"] == {"amount": 0, "managedByRetailer": True}  # unknown stock: none until known
    assert "offer id" in jobs[k[6]].problems[0]
    assert "(FBB)" in jobs[k[7]].problems[0] and not jobs[k[7]].steps
    assert jobs[k[8]].done == {"listed": False} and not jobs[k[8]].steps


def test_a_process_status_failure_and_odd_token_replies() -> None:
    bol = FakeBol(CLIENT_ID, CLIENT_SECRET)
    offer = bol.add(PRICED, price="10.00", stock=3, reference="BOL-1")
    bol.failing[offer] = "price too low"
    current = frame({PRICED: {"offer_id": offer, "fulfilment": "FBR", "quantity": 3, "sku": "BOL-1"}})
    desired = frame({PRICED: {"sku": "BOL-1", "price": 1, "quantity": 3}})
    items = pd.DataFrame({"key": [PRICED], "sku": ["BOL-1"], "outcome": ["update"], "fields": "price", "reason": "",
                          "row": pd.array([None], dtype="Int64")})  # fmt: skip
    changes = pd.DataFrame({"key": [PRICED], "sku": ["BOL-1"], "field": ["price"], "old": "", "new": ""})
    plan = Plan("bol", "bol", "gtin", ["price"], items, changes, desired, current)
    journal: list[Any] = []
    with serving(bol, Recorder()) as url:
        client = HttpClient(f"{url}/retailer", policy=RetryPolicy(retries=0, timeout=5), secrets=(CLIENT_SECRET,))
        upload = Upload(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token_url=f"{url}/token",
                        url=f"{url}/retailer", status_wait=0.0)  # fmt: skip
        failed = apply_plan(plan, None, client, journal.extend, upload)  # type: ignore[arg-type]
    assert failed == {PRICED: "BOL-1: bol.com did not apply the price: price too low"}
    assert not journal and not bol.applied and bol.status_reads == 2  # PENDING, then FAILURE

    def no_token(handler: Any, method: str, body: bytes) -> None:
        handler._reply(200, {"token_type": "Bearer"})

    def odd_expiry(handler: Any, method: str, body: bytes) -> None:
        handler._reply(200, {"access_token": "tok-123456", "expires_in": "soon"})

    for app, expected in ((no_token, "without an access_token"), (odd_expiry, None)):
        with serving(app, Recorder()) as url:
            client = HttpClient(url, policy=RetryPolicy(retries=0, timeout=5))
            session = BolSession.of(client, Upload(client_id="i", client_secret="s", token_url=f"{url}/token"))
            if expected:
                with pytest.raises(TransportError, match=expected):
                    session.token()
            else:
                assert session.token() == "tok-123456" and session.scrub("tok-123456") == "***"


# --- process statuses: a 202 means received, not done ----------------------------------------------------------


def test_only_what_bols_process_status_confirms_is_journalled(tmp_path: Path) -> None:
    write_master(tmp_path)
    bol = stocked_bol(pending_reads=2)  # every change is PENDING for two reads
    bol.failing[bol.by_ean()[EXACT]["offerId"]] = "The price is outside the allowed range."
    recorder = Recorder()
    with serving(bol, recorder) as url:
        write_config(tmp_path, url, bol)
        result = push(tmp_path, "--format", "json")
    assert result.returncode == 4, result.stdout + result.stderr
    channel = channel_of(result)
    assert [(f["key"], f["reason"]) for f in channel["failed"]] == [
        (EXACT, "BOL-3: bol.com did not apply the price: The price is outside the allowed range.")
    ]
    assert bol.by_ean()[EXACT]["price"] == Decimal("4.36") and bol.by_ean()[PRICED]["price"] == Decimal("12.99")
    reads = [r for r in recorder.requests if r["path"].startswith("/shared/process-status/")]
    assert reads and all(r["method"] == "GET" for r in reads)
    assert bol.status_reads == 3 * len(bol.statuses)  # PENDING, PENDING, then final: each read until it is final
    records = read_journal(tmp_path / "state" / "journal.jsonl")
    by_key = {i["key"]: i["set"] for r in records if r["event"] == "applied" for i in r["items"]}
    assert EXACT not in by_key and by_key[PRICED] == {"price": 1299, "quantity": 7}
    assert by_key[NEW]["offer_id"] == bol.by_ean()[NEW]["offerId"]  # the entityId of its SUCCESS


def test_a_new_offers_id_comes_from_its_process_status(tmp_path: Path) -> None:
    write_master(tmp_path)
    bol = stocked_bol()
    recorder = Recorder()
    with serving(bol, recorder) as url:
        write_config(tmp_path, url, bol)
        first = push(tmp_path)
        assert first.returncode == 0, first.stdout + first.stderr
        rows = [(sku, title, price, 9 if code == NEW else qty, code) for sku, title, price, qty, code in MASTER]
        write_master(tmp_path, rows)  # the export is the old one: the new offer is known from the journal only
        again = push(tmp_path, "--format", "json")
    assert again.returncode == 0, again.stdout + again.stderr
    new_id = bol.by_ean()[NEW]["offerId"]
    assert bol.by_ean()[NEW]["stock"] == 9
    assert [r["method"] for r in recorder.requests if r["path"] == f"/retailer/offers/{new_id}/stock"] == ["PUT"]


def test_a_status_still_pending_after_the_last_check_fails_that_offer() -> None:
    bol = FakeBol(CLIENT_ID, CLIENT_SECRET, pending_reads=100)
    offer = bol.add(PRICED, price="10.00", stock=3, reference="BOL-1")
    current = frame({PRICED: {"offer_id": offer, "fulfilment": "FBR", "quantity": 3, "sku": "BOL-1"}})
    desired = frame({PRICED: {"sku": "BOL-1", "price": 1250, "quantity": 3}})
    items = pd.DataFrame({"key": [PRICED], "sku": ["BOL-1"], "outcome": ["update"], "fields": "price", "reason": "",
                          "row": pd.array([None], dtype="Int64")})  # fmt: skip
    changes = pd.DataFrame({"key": [PRICED], "sku": ["BOL-1"], "field": ["price"], "old": "", "new": ""})
    plan = Plan("bol", "bol", "gtin", ["price"], items, changes, desired, current)
    journal: list[Any] = []
    waits: list[float] = []
    with serving(bol, Recorder()) as url:
        client = HttpClient(f"{url}/retailer", policy=RetryPolicy(retries=0, timeout=5), secrets=(CLIENT_SECRET,))
        upload = Upload(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token_url=f"{url}/token",
                        status_url=f"{url}/shared", status_checks=4, status_wait=0.5)  # fmt: skip
        failed = apply_plan(plan, None, client, journal.extend, upload, sleep=waits.append)  # type: ignore[arg-type]
    assert waits == [0.5, 1.0, 2.0, 4.0] and bol.status_reads == 4  # bounded, with a doubling wait
    assert "had not finished the price after 4 checks" in failed[PRICED] and not journal


def test_a_timeout_and_an_unreadable_status_fail_their_offer_only() -> None:
    bol = FakeBol(CLIENT_ID, CLIENT_SECRET)
    slow = bol.add(PRICED, price="10.00", stock=3, reference="BOL-1")
    fine = bol.add(ZEROED, price="1.00", stock=3, reference="BOL-2")
    bol.timing_out.add(slow)
    keys = [PRICED, ZEROED]
    current = frame({PRICED: {"offer_id": slow, "fulfilment": "FBR", "quantity": 3, "sku": "BOL-1"},
                     ZEROED: {"offer_id": fine, "fulfilment": "FBR", "quantity": 3, "sku": "BOL-2"}})  # fmt: skip
    desired = frame({PRICED: {"sku": "BOL-1", "price": 1250, "quantity": 3},
                     ZEROED: {"sku": "BOL-2", "price": 150, "quantity": 3}})  # fmt: skip
    items = pd.DataFrame({"key": keys, "sku": ["BOL-1", "BOL-2"], "outcome": ["update"] * 2, "fields": "price",
                          "reason": "", "row": pd.array([None, None], dtype="Int64")})  # fmt: skip
    changes = pd.DataFrame({"key": keys, "sku": ["BOL-1", "BOL-2"], "field": ["price"] * 2, "old": "", "new": ""})
    plan = Plan("bol", "bol", "gtin", ["price"], items, changes, desired, current)
    journal: list[Any] = []
    with serving(bol, Recorder()) as url:
        client = HttpClient(f"{url}/retailer", policy=RetryPolicy(retries=0, timeout=5), secrets=(CLIENT_SECRET,))
        upload = Upload(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token_url=f"{url}/token",
                        url=f"{url}/retailer", status_wait=0.0)  # fmt: skip
        failed = apply_plan(plan, None, client, journal.extend, upload)  # type: ignore[arg-type]
        assert failed == {PRICED: "BOL-1: bol.com did not apply the price: its process status is TIMEOUT"}
        assert journal == [{"key": ZEROED, "set": {"price": 150}}]
        bol.keep_statuses = False  # bol keeps process statuses for a limited time: one that is gone cannot be read
        bol.timing_out.clear()
        journal.clear()
        failed = apply_plan(plan, None, client, journal.extend, upload)  # type: ignore[arg-type]
    assert failed.keys() == {PRICED, ZEROED} and not journal  # neither confirmed...
    assert all("process status cannot be read" in reason and "HTTP 404" in reason for reason in failed.values())
