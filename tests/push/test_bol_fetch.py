"""``export: api`` for bol.com: the offers read through the Retailer API's asynchronous offer export (request it,
follow its process status, download the CSV), against the fake bol server on 127.0.0.1. The state must be the one
the downloaded export gives; a failed, unfinished or malformed export fails that channel alone with a plain message;
and a push killed at random points, then run again on a fresh export, applies nothing twice."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from chansync.adapters.bol.fetch import fetch_export
from chansync.config import load_config
from chansync.errors import TransportError
from chansync.sync import plan
from chansync.transports.http import HttpClient, RetryPolicy
from tests.push.bol_server import CSV_MEDIA_TYPE, MEDIA_TYPE, FakeBol, Fault, Recorder, serving
from tests.push.test_bol_api import (
    CLIENT_ID,
    CLIENT_SECRET,
    ENV,
    MASTER,
    Upload,
    channel_of,
    ean,
    in_desired_state,
    leaked,
    stocked_bol,
    write_master,
)
from tests.sigkill import after_seconds, applied_once, kill_pushes


def upload_section(url: str, **extra: Any) -> dict[str, Any]:
    return {"type": "bol_api", "client_id": "${BOL_ID}", "client_secret": "${BOL_SECRET}", "url": f"{url}/retailer",
            "token_url": f"{url}/token", "retries": 3, "backoff": 0.01, "timeout": 5, "status_wait": 0.01,
            **extra}  # fmt: skip


def write_config(folder: Path, url: str, *, file_channel: bool = False, **extra: Any) -> Path:
    """A config whose channel ``bol`` reads its offers through the API; with ``file_channel``, a second channel
    ``bolfile`` reads the same offers from the export file (written from the fake's offers)."""
    channels: dict[str, Any] = {
        "bol": {
            "adapter": "bol",
            "export": "api",
            "guard": {"max_delist_share": 1, "max_price_change_share": 1},
            "listing": {"unknown": "delist"},
            "upload": upload_section(url, **extra),
        }
    }
    if file_channel:
        channels["bolfile"] = {"adapter": "bol", "export": "bol-export.csv"}
    config = {"version": 1, "master": {"file": "master.csv"}, "state_dir": "state", "channels": channels}
    path = folder / "channels.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def planned(folder: Path) -> Any:
    return plan(load_config(folder / "channels.yaml", env={**os.environ, **ENV}))


def client_of(url: str, retries: int = 2) -> HttpClient:
    return HttpClient(f"{url}/retailer", policy=RetryPolicy(retries=retries, timeout=5, backoff=0.0),
                      secrets=(CLIENT_SECRET,), sleep=lambda _: None)  # fmt: skip


def upload_of(url: str, **extra: Any) -> Upload:
    section = {"status_wait": 0.01, **extra}
    return Upload(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token_url=f"{url}/token", url=f"{url}/retailer",
                  **section)  # fmt: skip


# --- the state ------------------------------------------------------------------------------------------------


def test_export_api_gives_the_state_the_downloaded_export_gives(tmp_path: Path) -> None:
    write_master(tmp_path)
    bol = stocked_bol(pending_reads=2)
    recorder = Recorder(faults=[Fault("429", 0.01), Fault("500")])  # the first calls are retried
    with serving(bol, recorder) as url:
        write_config(tmp_path, url, file_channel=True)
        (tmp_path / "bol-export.csv").write_text(bol.export_csv(), encoding="utf-8")
        result = planned(tmp_path)
    assert result.failed == {}
    by_name = {c.name: c.plan for c in result.channels}
    api, file = by_name["bol"].current, by_name["bolfile"].current
    pd.testing.assert_frame_equal(api, file)  # the same reader, the same offers: the same state
    assert len(api) == 7 and api.loc[ean("871000000004"), "fulfilment"] == "FBB"
    assert by_name["bol"].changes.equals(by_name["bolfile"].changes)
    # the documented flow: ask, follow the process status, download with the CSV media type
    calls = [(r["method"], r["path"]) for r in recorder.requests if not r["path"].startswith("/token")]
    asked = [r for r in recorder.requests if r["path"] == "/retailer/offers/export"]
    assert asked and all(json.loads(r["body"]) == {"format": "CSV"} for r in asked)
    assert all(r["headers"]["Accept"] == r["headers"]["Content-Type"] == MEDIA_TYPE for r in asked)
    status_id = next(s for s in bol.statuses.values() if s["eventType"] == "CREATE_OFFER_EXPORT")["processStatusId"]
    assert calls.count(("GET", f"/shared/process-status/{status_id}")) == 3  # PENDING, PENDING, SUCCESS
    (download,) = [r for r in recorder.requests if r["path"].startswith("/retailer/offers/export/")]
    assert download["method"] == "GET" and download["headers"]["Accept"] == CSV_MEDIA_TYPE
    assert "Content-Type" not in download["headers"]  # a GET has no body
    assert bol.export_requests == 1 and not bol.applied  # reading changes nothing


def test_fetch_export_waits_with_a_doubling_wait_and_returns_the_file() -> None:
    bol = stocked_bol(pending_reads=4)
    waits: list[float] = []
    with serving(bol, Recorder()) as url:
        data = fetch_export(client_of(url), upload_of(url, status_wait=0.5), sleep=waits.append)
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0]  # four PENDING reads, then SUCCESS
    assert data.decode("utf-8") == bol.export_csv()


def test_a_large_export_is_read_whole(tmp_path: Path) -> None:
    rows = [(f"L-{i}", f"Item {i}", "3.50", i % 20, ean(f"8750{i:08d}")) for i in range(3000)]
    write_master(tmp_path, rows)
    bol = FakeBol(CLIENT_ID, CLIENT_SECRET)
    for sku, _, _, quantity, code in rows:
        bol.add(code, price="3.50", stock=quantity, reference=sku)
    with serving(bol, Recorder()) as url:
        write_config(tmp_path, url)
        result = planned(tmp_path)
    assert result.failed == {}
    the_plan = result.channels[0].plan
    assert len(the_plan.current) == 3000 and not the_plan.has_changes


def test_an_export_of_a_shop_without_offers_is_an_empty_state(tmp_path: Path) -> None:
    write_master(tmp_path)
    bol = FakeBol(CLIENT_ID, CLIENT_SECRET)
    with serving(bol, Recorder()) as url:
        write_config(tmp_path, url)
        result = planned(tmp_path)
    assert result.failed == {} and result.channels[0].plan.current.empty
    assert (result.channels[0].plan.items["outcome"] == "create").sum() == len(MASTER)


# --- failures: this channel alone, in a plain sentence ------------------------------------------------------------


def test_a_failed_export_process_fails_that_channel_alone(tmp_path: Path) -> None:
    write_master(tmp_path)
    bol = stocked_bol()
    bol.export_error = "The export could not be created, please try again later."
    with serving(bol, Recorder()) as url:
        write_config(tmp_path, url, file_channel=True)
        (tmp_path / "bol-export.csv").write_text(bol.export_csv(), encoding="utf-8")
        result = planned(tmp_path)
    assert [c.name for c in result.channels] == ["bolfile"]  # the other channel is planned
    assert result.failed == {
        "bol": "bol.com's offer export could not be read: bol.com did not prepare it: The export could not be "
        "created, please try again later."
    }
    assert not [r for r in bol.refused if r[0] != 404]


def test_an_export_that_never_finishes_is_reported_after_the_checks(tmp_path: Path) -> None:
    bol = stocked_bol(pending_reads=1000)
    with serving(bol, Recorder()) as url, pytest.raises(TransportError) as raised:
        fetch_export(client_of(url), upload_of(url, export_checks=3), sleep=lambda _: None)
    assert raised.value.retriable and bol.status_reads == 3
    assert "had not finished preparing it after 3 checks" in raised.value.message
    assert raised.value.hint and "export_checks" in raised.value.hint


class Odd:
    """The fake bol, with one kind of reply replaced by something bol would not send."""

    def __init__(self, bol: FakeBol, kind: str) -> None:
        self.bol, self.kind = bol, kind

    def __call__(self, handler: Any, method: str, body: bytes) -> None:
        path = handler.path
        if self.kind == "no-status" and path == "/retailer/offers/export":
            return handler._reply(202, {"message": "accepted"})
        if self.kind == "no-report" and path.startswith("/shared/process-status/"):
            return handler._reply(200, {"processStatusId": path.rsplit("/", 1)[1], "status": "SUCCESS"})
        if self.kind == "status-gone" and path.startswith("/shared/process-status/"):
            return handler._reply(404, {"status": 404, "detail": "Process status not found"})
        return self.bol(handler, method, body)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("html", "does not look like a bol.com offer export"),
        ("problem-json", "does not look like a bol.com offer export"),
        ("malformed", "a reply that is not valid JSON"),
        ("no-status", "accepted the export request without a process status to follow"),
        ("no-report", "names no report to download (no entityId)"),
        ("status-gone", "HTTP 404"),
        ("wrong-secret", "HTTP 401"),
    ],
)
def test_malformed_replies_fail_the_channel_alone_with_a_plain_message(
    tmp_path: Path, kind: str, expected: str
) -> None:
    write_master(tmp_path)
    bol = stocked_bol()
    if kind == "html":
        bol.export_body = b"<html><body><h1>Maintenance</h1><p>Back soon.</p></body></html>"
    elif kind == "problem-json":
        bol.export_body = b'{"type":"https://api.bol.com/problems","title":"Not Found","status":404}'
    # the token call goes through, then every try of the export request (retries: 3) gets broken JSON; twice,
    # once for the run in process and once for the CLI
    broken = ([Fault("slow", 0)] + [Fault("malformed")] * 4) * 2
    recorder = Recorder(faults=broken if kind == "malformed" else [])
    env = {"BOL_SECRET": "not-the-secret"} if kind == "wrong-secret" else {}
    with serving(Odd(bol, kind), recorder) as url:
        write_config(tmp_path, url, file_channel=True)
        (tmp_path / "bol-export.csv").write_text(bol.export_csv(), encoding="utf-8")
        result = plan(load_config(tmp_path / "channels.yaml", env={**os.environ, **ENV, **env}))
        command = [sys.executable, "-m", "chansync", "diff", "-c", str(tmp_path / "channels.yaml")]
        shown = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=60,
                               env={**os.environ, **ENV, **env})  # fmt: skip
    assert [c.name for c in result.channels] == ["bolfile"]
    message = result.failed["bol"]
    assert expected in message and "Traceback" not in message
    assert message.startswith("bol.com's offer export could not be read: ") or "offer export" in message
    # the CLI says it in one line and still plans the other channel; nothing secret is shown
    assert shown.returncode == 2 and "Traceback" not in shown.stderr
    assert "channel bol could not be read" in shown.stderr and "bolfile" in shown.stdout
    assert not leaked(tmp_path, [shown.stdout, shown.stderr, message], bol)


# --- end to end through the CLI -------------------------------------------------------------------------------------


def push(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chansync", "push", "-c", str(folder / "channels.yaml"), "--yes", *args],
        capture_output=True, text=True, cwd=folder, env={**os.environ, **ENV}, timeout=120,
    )  # fmt: skip


def test_push_with_export_api_reads_applies_and_then_has_nothing_to_send(tmp_path: Path) -> None:
    write_master(tmp_path)
    bol = stocked_bol()
    recorder = Recorder(faults=[Fault("429", 0.01)])
    with serving(bol, recorder) as url:
        write_config(tmp_path, url)
        diffed = subprocess.run(
            [sys.executable, "-m", "chansync", "diff", "-c", str(tmp_path / "channels.yaml"), "--format", "json"],
            capture_output=True, text=True, cwd=tmp_path, env={**os.environ, **ENV}, timeout=120,
        )  # fmt: skip
        first = push(tmp_path, "--format", "json")
        applied = len(bol.applied)
        again = push(tmp_path, "--format", "json")
    assert diffed.returncode == 0, diffed.stderr
    counts = json.loads(diffed.stdout)["channels"][0]["counts"]
    assert (counts["create"], counts["update"], counts["delist"]) == (1, 5, 1)
    assert not bol.applied or applied  # diff sent nothing
    assert first.returncode == 0, first.stdout + first.stderr
    assert channel_of(first)["status"] == "done" and channel_of(first)["failed"] == []
    in_desired_state(bol)
    assert again.returncode == 0, again.stdout + again.stderr
    second = channel_of(again)
    # the fresh export shows what the first push did: only the delisted offer (live at stock 0) is planned again,
    # and it needs no request
    assert second["failed"] == [] and second["counts"]["update"] == 0 and second["counts"]["create"] == 0
    assert len(bol.applied) == applied == 8
    assert bol.export_requests == 3  # one per run: diff, push, push
    assert not leaked(tmp_path, [diffed.stdout, diffed.stderr, first.stdout, first.stderr, again.stdout], bol)


# --- killed and run again ---------------------------------------------------------------------------------------------


def test_killed_at_random_points_then_rerun_on_a_fresh_export_applies_nothing_twice(tmp_path: Path) -> None:
    rows = [(f"K-{i}", f"Item {i}", f"{i % 7 + 2}.{i % 100:02d}", i % 9, ean(f"87400000{i:04d}")) for i in range(40)]
    write_master(tmp_path, rows)
    bol = FakeBol(CLIENT_ID, CLIENT_SECRET)
    for sku, _, _, quantity, code in rows[:-5]:  # five are new; the rest have another price and stock
        bol.add(code, price="99.00", stock=quantity + 3, reference=sku)
    rng = random.Random(20261202)
    with serving(bol, Recorder(delay=0.03)) as url:
        write_config(tmp_path, url)
        kill_pushes(tmp_path / "channels.yaml", ENV, 4, after_seconds(rng, 1.0, 4.0), cwd=tmp_path)
        final = push(tmp_path)
    assert final.returncode == 0, final.stderr + final.stdout
    offers = bol.by_ean()
    for sku, _, price, quantity, code in rows:
        assert (str(offers[code]["price"]), offers[code]["stock"], offers[code]["reference"]) == (price, quantity, sku)
    applied_once(bol.applied)
    assert sum(1 for _, what, _ in bol.applied if what == "create") == 5
