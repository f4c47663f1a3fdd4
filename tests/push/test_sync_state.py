"""The sync state: sales seen on channels lower every channel's stock once, channel edits are told apart from the
master's, unmanaged listings are left alone, the run log, one channel's failure, and master write-back."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from chansync.config import load_config
from chansync.push import open_state, push
from chansync.state.store import SyncState

CHANNELS = ("a", "b", "c")


def write_csv(path: Path, rows: list[dict[str, Any]], *, later: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    if later:  # an export taken after the last push (file times can be coarse)
        stamp = time.time() + 5
        os.utime(path, (stamp, stamp))


def read_csv(path: Path) -> dict[str, dict[str, str]]:
    """Rows by SKU, with the channels' headers read as canonical names."""
    names = {"ItemCode": "sku", "RetailPrice": "price", "OnHand": "quantity"}
    with path.open(encoding="utf-8") as handle:
        rows = [{names.get(k, k): v for k, v in row.items()} for row in csv.DictReader(handle)]
    return {row["sku"]: row for row in rows}


def setup(tmp: Path, master: dict[str, int], *, channel: dict[str, Any] | None = None, **extra: Any) -> Path:
    write_csv(tmp / "master.csv", [{"sku": s, "title": f"Item {s}", "price": "10.00", "quantity": q}
                                   for s, q in master.items()], later=False)  # fmt: skip
    for name in CHANNELS:
        export(tmp, name, master)
    channels = {
        name: {"adapter": "csv", "export": f"{name}.csv", "feed": f"out/{name}.csv",
               "columns": {"sku": "ItemCode", "price": "RetailPrice", "quantity": "OnHand"},
               "guard": {"max_delist_share": 1, "max_price_change_share": 1}, **(channel or {})}
        for name in CHANNELS
    }  # fmt: skip
    config = {"version": 1, "master": {"file": "master.csv", **extra}, "state_dir": "state", "channels": channels}
    (tmp / "channels.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return tmp / "channels.yaml"


def run(path: Path, **options: Any) -> Any:
    return push(load_config(path, env={}), **options)


def export(tmp: Path, name: str, quantities: dict[str, int], price: str = "10.00") -> None:
    write_csv(tmp / f"{name}.csv", [{"ItemCode": s, "RetailPrice": price, "OnHand": q} for s, q in quantities.items()])


def fed(tmp: Path, name: str, sku: str) -> int:
    return int(read_csv(tmp / "out" / f"{name}.csv")[sku]["quantity"])


def sold(tmp: Path) -> dict[str, int]:
    state = SyncState.open(tmp / "state")
    try:
        ledger = state.ledger()
        return dict(zip(ledger["sku"], ledger["sold"], strict=True))
    finally:
        state.close()


def test_sales_on_two_channels_lower_all_three_by_the_sum_once(tmp_path: Path) -> None:
    config = setup(tmp_path, {"A1": 10, "A2": 5})
    assert run(config).exit_code == 0  # the first push: in step, and now chansync has a base
    export(tmp_path, "a", {"A1": 8, "A2": 5})  # two sold on a
    export(tmp_path, "b", {"A1": 9, "A2": 5})  # one sold on b
    result = run(config)
    assert result.exit_code == 0
    assert [fed(tmp_path, name, "A1") for name in CHANNELS] == [7, 7, 7]  # 10 counted - 3 sold everywhere
    assert sold(tmp_path) == {"A1": 3}
    again = run(config)  # the same exports again (a re-run): the sales are not counted twice
    assert again.exit_code == 0 and sold(tmp_path) == {"A1": 3}
    assert [fed(tmp_path, name, "A1") for name in CHANNELS] == [7, 7, 7]
    for name in CHANNELS:  # the channels import the feeds
        export(tmp_path, name, {"A1": 7, "A2": 5})
    settled = run(config)
    assert all(c.counts["update"] == 0 for c in settled.channels) and sold(tmp_path) == {"A1": 3}
    recounted = [{"sku": "A1", "title": "Item A1", "price": "10.00", "quantity": 20},
                 {"sku": "A2", "title": "Item A2", "price": "10.00", "quantity": 5}]  # fmt: skip
    write_csv(tmp_path / "master.csv", recounted)
    recount = run(config)  # a new count in the master: the ledger starts again from it
    assert recount.exit_code == 0 and sold(tmp_path) == {}
    assert [fed(tmp_path, name, "A1") for name in CHANNELS] == [20, 20, 20]


def test_a_crash_after_the_sales_are_booked_counts_nothing_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = setup(tmp_path, {"A1": 10})
    run(config)
    export(tmp_path, "a", {"A1": 6})
    import chansync.push as push_module

    real = push_module.write_feeds

    def crash(config: Any, channel: Any) -> Any:
        if channel.name == "b":
            raise KeyboardInterrupt  # killed while writing the second channel's feed
        return real(config, channel)

    monkeypatch.setattr(push_module, "write_feeds", crash)
    with pytest.raises(KeyboardInterrupt):
        run(config)
    monkeypatch.setattr(push_module, "write_feeds", real)
    assert sold(tmp_path) == {"A1": 4}
    assert run(config).exit_code == 0  # the re-run after the crash
    assert sold(tmp_path) == {"A1": 4} and [fed(tmp_path, n, "A1") for n in CHANNELS] == [6, 6, 6]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_at_a_random_point_then_rerun_counts_each_sale_once(tmp_path: Path, seed: int) -> None:
    import random

    config = setup(tmp_path, {f"S{i}": 50 for i in range(200)})
    run(config)
    export(tmp_path, "a", {f"S{i}": 50 - (i % 3) for i in range(200)})  # 199 units sold on a
    command = [sys.executable, "-m", "chansync", "push", "-c", str(config), "--yes"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(random.Random(seed).uniform(0.2, 2.5))
    process.kill()
    process.wait(30)
    finished = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert sum(sold(tmp_path).values()) == 199
    assert all(fed(tmp_path, n, f"S{i}") == 50 - (i % 3) for n in CHANNELS for i in range(0, 200, 17))


def test_drift_is_marked_channel_and_keep_leaves_it(tmp_path: Path) -> None:
    config = setup(tmp_path, {"A1": 10, "A2": 5})
    run(config)
    export(tmp_path, "a", {"A1": 10, "A2": 5}, price="12.00")  # a price edited on channel a
    plan = {c.name: c for c in run(config, dry_run=True).channels}
    assert plan["a"].counts["update"] == 2
    from chansync.sync import plan as make_plan

    state = open_state(load_config(config, env={}))
    channels = {c.name: c.plan for c in make_plan(load_config(config, env={}), state=state).channels}
    changes = channels["a"].changes
    assert set(changes["origin"]) == {"channel"} and set(changes["field"]) == {"price"}
    yaml_config = yaml.safe_load(config.read_text())
    yaml_config["channels"]["a"]["on_channel_edit"] = "keep"
    config.write_text(yaml.safe_dump(yaml_config))
    kept = run(config)
    assert next(c for c in kept.channels if c.name == "a").counts["update"] == 0
    assert read_csv(tmp_path / "out" / "a.csv")["A1"]["price"] == "12.00"  # the channel's edit stays
    state.close()


def test_unmanaged_listings_are_left_alone_and_a_removed_managed_one_is_delisted(tmp_path: Path) -> None:
    config = setup(tmp_path, {"A1": 10, "A2": 5})
    export(tmp_path, "a", {"A1": 10, "A2": 5, "GIFT": 1})  # a gift card only the till sells
    first = run(config)
    channel = next(c for c in first.channels if c.name == "a")
    assert channel.counts["unmanaged"] == 1 and channel.counts["delist"] == 0
    assert "GIFT" in read_csv(tmp_path / "out" / "a.csv")  # kept exactly as it is in the full feed
    write_csv(tmp_path / "master.csv", [{"sku": "A1", "title": "Item A1", "price": "10.00", "quantity": 10}],
              later=False)  # A2 leaves the master
    export(tmp_path, "a", {"A1": 10, "A2": 5, "GIFT": 1})
    second = run(config)
    channel = next(c for c in second.channels if c.name == "a")
    assert channel.counts["delist"] == 1 and channel.counts["unmanaged"] == 1


def test_the_log_lists_a_refused_and_a_failed_run(tmp_path: Path) -> None:
    config = setup(tmp_path, {f"S{i}": 5 for i in range(10)})
    run(config)
    yaml_config = yaml.safe_load(config.read_text())
    yaml_config["channels"]["a"]["guard"] = {"max_delist_share": 0.2}
    config.write_text(yaml.safe_dump(yaml_config))
    export(tmp_path, "a", {f"S{i}": 5 for i in range(10)})
    write_csv(tmp_path / "master.csv", [{"sku": "S0", "title": "x", "price": "10.00", "quantity": 5}], later=False)
    refused = run(config)
    assert refused.exit_code == 1 and "--force" in next(c for c in refused.channels if c.name == "a").message
    (tmp_path / "b.csv").unlink()  # a missing export fails that channel only
    failed = run(config, force=True)
    statuses = {c.name: c.status for c in failed.channels}
    assert failed.exit_code == 4 and statuses == {"a": "done", "b": "failed", "c": "done"}
    out = subprocess.run([sys.executable, "-m", "chansync", "log", "-c", str(config), "--format", "json"],
                         capture_output=True, text=True, check=True)  # fmt: skip
    runs = json.loads(out.stdout)["runs"]
    assert [r["status"] for r in runs[:2]] == ["failed", "refused"]
    assert "file not found" in next(c for c in runs[0]["channels"] if c["channel"] == "b")["reason"]
    text = subprocess.run([sys.executable, "-m", "chansync", "log", "-c", str(config)], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "refused" in text and "failed" in text and "max_delist_share" in text


def test_a_dry_run_exits_1_when_the_push_would_be_refused(tmp_path: Path) -> None:
    config = setup(tmp_path, {f"S{i}": 5 for i in range(10)}, channel={"listing": {"unknown": "delist"}})
    yaml_config = yaml.safe_load(config.read_text())
    for name in CHANNELS:
        yaml_config["channels"][name]["guard"] = {"max_delist_share": 0.2}
    config.write_text(yaml.safe_dump(yaml_config))
    write_csv(tmp_path / "master.csv", [{"sku": "S0", "title": "x", "price": "10.00", "quantity": 5}], later=False)
    assert run(config, dry_run=True).exit_code == 1


def test_write_back_sets_a_csv_masters_stock_and_keeps_a_backup(tmp_path: Path) -> None:
    config = setup(tmp_path, {"A1": 10, "A2": 5}, write_back=True)
    run(config)
    export(tmp_path, "a", {"A1": 7, "A2": 5})
    (tmp_path / "~$master.csv").write_text("owner")  # "open in Excel"
    refused = run(config)
    assert "open in Excel" in refused.write_back and read_csv(tmp_path / "master.csv")["A1"]["quantity"] == "10"
    (tmp_path / "~$master.csv").unlink()
    written = run(config)
    assert "stock cell" in written.write_back, written.write_back
    master = read_csv(tmp_path / "master.csv")
    assert master["A1"]["quantity"] == "7" and master["A1"]["title"] == "Item A1"
    assert list((tmp_path / "state" / "backups").glob("master.*.csv"))
    assert sold(tmp_path) == {}  # the sheet shows what is left: a new count


def test_write_back_in_an_xlsx_master_keeps_formatting(tmp_path: Path) -> None:
    from openpyxl import Workbook, load_workbook
    from openpyxl.styles import Font

    config = setup(tmp_path, {"A1": 10, "A2": 5}, write_back=True)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["sku", "title", "price", "quantity"])
    sheet.append(["A1", "Item A1", "10.00", 10])
    sheet.append(["A2", "Item A2", "10.00", 5])
    sheet["B2"].font = Font(bold=True)
    workbook.save(tmp_path / "master.xlsx")
    yaml_config = yaml.safe_load(config.read_text())
    yaml_config["master"]["file"] = "master.xlsx"
    config.write_text(yaml.safe_dump(yaml_config))
    run(config)
    export(tmp_path, "b", {"A1": 10, "A2": 3})
    result = run(config)
    assert "stock cell" in result.write_back
    sheet = load_workbook(tmp_path / "master.xlsx").active
    assert sheet is not None
    assert sheet["D3"].value == 3 and sheet["D2"].value == 10 and sheet["B2"].font.bold
    assert list((tmp_path / "state" / "backups").glob("master.*.xlsx"))


def test_undo_of_the_last_push_restores_every_value_and_leaves_conflicts(tmp_path: Path) -> None:
    from chansync.push import apply
    from chansync.undo import prepare_undo

    config = setup(tmp_path, {"A1": 10, "A2": 5, "A3": 2})
    run(config)
    for name in CHANNELS:  # the channels import what the first push wrote
        export(tmp_path, name, {"A1": 10, "A2": 5, "A3": 2})
    write_csv(tmp_path / "master.csv", [  # a bad import: prices and stock changed, A3 removed, A4 new
        {"sku": "A1", "title": "Item A1", "price": "99.00", "quantity": 1},
        {"sku": "A2", "title": "Item A2", "price": "99.00", "quantity": 1},
        {"sku": "A4", "title": "Item A4", "price": "5.00", "quantity": 3},
    ], later=False)  # fmt: skip
    bad = run(config, force=True)
    assert bad.exit_code == 0
    for name in CHANNELS:  # the channels take the bad push; on c, A2 is edited by hand afterwards
        write_csv(tmp_path / f"{name}.csv", [
            {"ItemCode": "A1", "RetailPrice": "99.00", "OnHand": 1},
            {"ItemCode": "A2", "RetailPrice": "50.00" if name == "c" else "99.00", "OnHand": 1},
            {"ItemCode": "A4", "RetailPrice": "5.00", "OnHand": 3},
        ])  # fmt: skip
    loaded = load_config(config, env={})
    state = open_state(loaded)
    try:
        prepared = prepare_undo(loaded, state, run_id=bad.run_id, force=False)
        plans = {c.name: c.plan for c in prepared.channels}
        assert plans["c"].meta["conflicts"] == ["A2"]
        with state.lock():
            undone = apply(prepared, locked=True)
    finally:
        state.close()
    assert undone.exit_code == 0
    for name in ("a", "b"):
        feed = read_csv(tmp_path / "out" / f"{name}.csv")
        assert (feed["A1"]["price"], feed["A1"]["quantity"]) == ("10.00", "10")
        assert (feed["A2"]["price"], feed["A2"]["quantity"]) == ("10.00", "5")
        assert "A4" not in feed or feed["A4"]["quantity"] == "0"  # created by the bad push: taken off again
        assert feed["A3"]["quantity"] == "2"  # delisted by the bad push: back
    assert read_csv(tmp_path / "out" / "c.csv")["A2"]["price"] == "50.00"  # the conflict is left alone
    out = subprocess.run([sys.executable, "-m", "chansync", "log", "-c", str(config), "--format", "json"],
                         capture_output=True, text=True, check=True)  # fmt: skip
    assert json.loads(out.stdout)["runs"][0]["command"] == "undo"


def stock_project(tmp: Path, *, bol_locations: list[str], bad_cell_at: str = "winkel") -> Path:
    """A master with a stock file over two locations; a bad cell at ``bad_cell_at``."""
    write_csv(tmp / "master.csv", [{"sku": s, "title": f"Item {s}", "price": "10.00"} for s in ("A1", "A2")],
              later=False)  # fmt: skip
    write_csv(tmp / "stock.csv", [
        {"sku": "A1", "location": "Magazijn", "quantity": 6}, {"sku": "A1", "location": "winkel", "quantity": 4},
        {"sku": "A2", "location": "Magazijn", "quantity": 3},
        {"sku": "A2", "location": bad_cell_at, "quantity": "veel"},
    ], later=False)  # fmt: skip
    export(tmp, "bol", {"A1": 1, "A2": 1})
    channel = {"adapter": "csv", "export": "bol.csv", "feed": "out/bol.csv",
               "columns": {"sku": "ItemCode", "price": "RetailPrice", "quantity": "OnHand"},
               "stock": {"locations": bol_locations},
               "guard": {"max_delist_share": 1, "max_price_change_share": 1}}  # fmt: skip
    config = {"version": 1, "master": {"file": "master.csv", "stock_sheet": "stock.csv"}, "state_dir": "state",
              "channels": {"bol": channel}}  # fmt: skip
    (tmp / "channels.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return tmp / "channels.yaml"


def test_locations_match_without_case_and_a_bad_cell_elsewhere_never_blocks(tmp_path: Path) -> None:
    config = stock_project(tmp_path, bol_locations=[" magazijn "])
    result = run(config)
    assert result.exit_code == 0
    assert fed(tmp_path, "bol", "A1") == 6 and fed(tmp_path, "bol", "A2") == 3  # winkel's bad cell is not bol's


def test_a_location_no_stock_row_uses_is_an_error_and_zeroes_nothing(tmp_path: Path) -> None:
    config = stock_project(tmp_path, bol_locations=["magazjin"])  # a typo
    out = subprocess.run([sys.executable, "-m", "chansync", "validate", "-c", str(config), "--format", "json"],
                         capture_output=True, text=True)  # fmt: skip
    codes = [i["code"] for i in json.loads(out.stdout)["issues"]]
    assert out.returncode == 1 and "stock-location-unknown" in codes
    run(config)
    assert fed(tmp_path, "bol", "A1") == 1  # left as it is on the channel, not set to 0


def test_share_buffer_and_the_stock_command(tmp_path: Path) -> None:
    config = setup(tmp_path, {"A1": 11, "A2": 4}, channel={"stock": {"buffer": 1, "share": 0.5}})
    run(config)
    assert [fed(tmp_path, name, "A1") for name in CHANNELS] == [5, 5, 5]  # (11 - 1) * 0.5
    export(tmp_path, "a", {"A1": 3, "A2": 0})  # 2 + 1 sold on a
    run(config)
    assert sold(tmp_path) == {"A1": 2, "A2": 1}
    os.utime(tmp_path / "a.csv", (time.time() - 100, time.time() - 100))  # the export was taken before that push
    out = subprocess.run([sys.executable, "-m", "chansync", "stock", "A1", "-c", str(config), "--format", "json"],
                         capture_output=True, text=True, check=True)  # fmt: skip
    (item,) = json.loads(out.stdout)["items"]
    assert (item["master"], item["sold"], item["available"], item["to a"], item["sold on a"]) == (11, 2, 9, 4, 2)


def test_listing_rules_create_and_delist_off(tmp_path: Path) -> None:
    config = setup(tmp_path, {"A1": 3, "A2": 4}, channel={"listing": {"create": False, "delist": False}})
    run(config)
    export(tmp_path, "a", {"A1": 3})  # A2 is not on a
    write_csv(tmp_path / "master.csv", [{"sku": "A2", "title": "Item A2", "price": "10.00", "quantity": 4}],
              later=False)  # A1 leaves the master
    result = {c.name: c for c in run(config).channels}
    assert result["a"].counts["create"] == 0 and result["a"].counts["delist"] == 0
    assert result["a"].counts["skipped"] == 2  # A2 not created, A1 not delisted


def test_a_master_open_in_excel_is_read_as_saved_with_a_warning(tmp_path: Path) -> None:
    config = setup(tmp_path, {"A1": 3})
    (tmp_path / "~$master.csv").write_text("owner", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "chansync", "validate", "-c", str(config), "--format", "json"],
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0 and "master-open-in-excel" in out.stdout


def test_the_morning_summary_the_job_summary_and_the_webhook(tmp_path: Path) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    posted: list[dict[str, Any]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            posted.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = setup(tmp_path, {f"S{i}": 5 for i in range(10)})
        data = yaml.safe_load(config.read_text())
        data["notify"] = {"webhook": "${HOOK_URL}"}
        data["channels"]["a"]["guard"] = {"max_delist_share": 0.2}
        data["channels"]["a"]["listing"] = {"unknown": "delist"}
        config.write_text(yaml.safe_dump(data))
        write_csv(tmp_path / "master.csv", [{"sku": "S0", "title": "x", "price": "10.00", "quantity": 5}],
                  later=False)  # nine of ten would go from a: refused
        env = {**os.environ, "HOOK_URL": f"http://127.0.0.1:{server.server_port}/hook",
               "GITHUB_STEP_SUMMARY": str(tmp_path / "step.md")}  # fmt: skip
        out = subprocess.run([sys.executable, "-m", "chansync", "push", "-c", str(config), "--yes", "--summary-to",
                              str(tmp_path / "summary.md")], capture_output=True, text=True, env=env)  # fmt: skip
    finally:
        server.shutdown()
    assert out.returncode == 1, out.stdout + out.stderr
    assert "a: refused" in out.stdout and "b: unchanged" in out.stdout
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("### chansync push: refused") and "- a: refused" in summary
    assert (tmp_path / "step.md").read_text().strip() == summary.strip()
    assert len(posted) == 1 and "a: refused" in posted[0]["text"] and "HOOK_URL" not in posted[0]["text"]


GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sync"


def test_the_three_way_plans_of_a_day_of_sales_equal_the_golden_plans(tmp_path: Path, golden: Any) -> None:
    """Sales on two channels, a price edited on the third, and a gift card only the third sells: the plans
    (`chansync diff --format json`) say where each change comes from."""
    config = setup(tmp_path, {"A1": 10, "A2": 5, "A3": 7})
    run(config)
    export(tmp_path, "a", {"A1": 8, "A2": 5, "A3": 7})  # two A1 sold on a
    export(tmp_path, "b", {"A1": 10, "A2": 4, "A3": 7})  # one A2 sold on b
    write_csv(tmp_path / "c.csv", [{"ItemCode": "A1", "RetailPrice": "10.00", "OnHand": 10},
                                   {"ItemCode": "A2", "RetailPrice": "10.00", "OnHand": 5},
                                   {"ItemCode": "A3", "RetailPrice": "12.50", "OnHand": 7},
                                   {"ItemCode": "GIFT", "RetailPrice": "25.00", "OnHand": 99}])  # fmt: skip
    out = subprocess.run([sys.executable, "-m", "chansync", "diff", "-c", str(config), "--format", "json"],
                         capture_output=True, text=True, check=True)  # fmt: skip
    document = json.loads(out.stdout)
    document.pop("chansync")
    golden(GOLDEN / "sales-plan.json", (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    changes = {(c["channel"], i["key"], ch["field"]): ch for c in document["channels"] for i in c["items"]
               for ch in i["changes"]}  # fmt: skip
    assert changes[("c", "A1", "quantity")]["new"] == "8" and changes[("c", "A1", "quantity")]["origin"] == "master"
    assert changes[("c", "A3", "price")]["origin"] == "channel"  # set back to the master's 10.00
    assert ("a", "A1", "quantity") not in changes  # a shows the sale already: nothing to send


def test_a_plan_reviewed_in_excel_applies_only_the_rows_still_marked_yes(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    config = setup(tmp_path, {"A1": 10, "A2": 5, "A3": 7, "A4": 1})
    run(config)
    write_csv(tmp_path / "master.csv", [{"sku": s, "title": f"Item {s}", "price": "11.00", "quantity": q}
                                        for s, q in (("A1", 9), ("A2", 4), ("A3", 6), ("A4", 1))],
              later=False)  # every price and three stocks change  # fmt: skip
    plan = tmp_path / "plan.xlsx"
    made = subprocess.run([sys.executable, "-m", "chansync", "diff", "-c", str(config), "--format", "xlsx",
                           "--output", str(plan)], capture_output=True, text=True)  # fmt: skip
    assert made.returncode == 0, made.stderr
    book = load_workbook(plan)
    assert book.sheetnames[:4] == ["summary", "a", "b", "c"] and book["chansync"].sheet_state == "hidden"
    sheet = book["a"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["apply", "outcome", "key", "sku"] and "price new" in header
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    rows = {r[2].value: r for r in sheet.iter_rows(min_row=2)}
    assert rows["A1"][header.index("price new")].fill.fgColor.rgb.endswith("FFF2CC")  # changed cells highlighted
    rows["A1"][0].value = "no"  # the reviewer holds back two rows on channel a
    rows["A3"][0].value = "nee"
    book.save(plan)
    result = subprocess.run([sys.executable, "-m", "chansync", "push", "-c", str(config), "--yes", "--plan", str(plan)],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    feed = read_csv(tmp_path / "out" / "a.csv")
    assert (feed["A1"]["price"], feed["A1"]["quantity"]) == ("10.00", "10")  # not approved: as it was
    assert (feed["A3"]["price"], feed["A3"]["quantity"]) == ("10.00", "7")
    assert (feed["A2"]["price"], feed["A2"]["quantity"]) == ("11.00", "4")  # approved
    assert read_csv(tmp_path / "out" / "b.csv")["A1"]["price"] == "11.00"  # other channels: all rows were yes
    write_csv(tmp_path / "master.csv", [{"sku": "A1", "title": "Item A1", "price": "12.00", "quantity": 9}],
              later=False)  # the master changed since the review
    stale = subprocess.run([sys.executable, "-m", "chansync", "push", "-c", str(config), "--yes", "--plan", str(plan)],
                           capture_output=True, text=True)  # fmt: skip
    assert stale.returncode == 1 and "no longer the one in" in stale.stderr


HEADINGS = {
    "en": ("summary", ["apply", "outcome", "key", "sku"], "price new", "yes"),
    "nl": ("samenvatting", ["toepassen", "uitkomst", "sleutel", "sku"], "prijs nieuw", "ja"),
}
#: The outcomes in the summary's headings and the outcome column, in the language the workbook was written in.
OUTCOME_WORDS = {
    "en": (["create", "update", "delist", "skipped", "unmanaged"], "update"),
    "nl": (["aanmaken", "bijwerken", "offline halen", "overgeslagen", "niet beheerd"], "bijwerken"),
}


@pytest.mark.parametrize(("written", "applied"), [("nl", "en"), ("en", "nl")])
def test_a_plan_workbook_written_in_one_language_is_applied_in_the_other(
    tmp_path: Path, written: str, applied: str
) -> None:
    from openpyxl import load_workbook

    config = setup(tmp_path, {"A1": 10, "A2": 5})
    run(config)
    write_csv(tmp_path / "master.csv", [{"sku": s, "title": f"Item {s}", "price": "11.00", "quantity": q}
                                        for s, q in (("A1", 9), ("A2", 4))], later=False)  # fmt: skip
    plan = tmp_path / "plan.xlsx"
    made = subprocess.run([sys.executable, "-m", "chansync", "--lang", written, "diff", "-c", str(config),
                           "--format", "xlsx", "--output", str(plan)], capture_output=True, text=True)  # fmt: skip
    assert made.returncode == 0, made.stderr
    summary, first, price_new, yes = HEADINGS[written]
    book = load_workbook(plan)
    assert book.sheetnames[:2] == [summary, "a"] and book["chansync"].sheet_state == "hidden"
    sheet = book["a"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == first and price_new in header, header
    outcomes, updated = OUTCOME_WORDS[written]
    assert [c.value for c in book[summary][1]][2:7] == outcomes
    rows = {r[2].value: r for r in sheet.iter_rows(min_row=2)}
    assert {rows["A1"][0].value, rows["A2"][0].value} == {yes}
    assert {rows["A1"][1].value, rows["A2"][1].value} == {updated}
    assert [c.value for c in book["chansync"][1]] == ["channel", "sheet", "fingerprint"]  # only chansync reads it
    rows["A1"][0].value = "nee" if written == "nl" else "no"  # the reviewer holds back A1 on channel a
    book.save(plan)
    result = subprocess.run([sys.executable, "-m", "chansync", "--lang", applied, "push", "-c", str(config), "--yes",
                             "--plan", str(plan)], capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    feed = read_csv(tmp_path / "out" / "a.csv")
    assert (feed["A1"]["price"], feed["A1"]["quantity"]) == ("10.00", "10")  # not approved: as it was
    assert (feed["A2"]["price"], feed["A2"]["quantity"]) == ("11.00", "4")  # approved
    assert read_csv(tmp_path / "out" / "b.csv")["A1"]["price"] == "11.00"


def test_undo_never_puts_a_unit_sold_since_that_push_back_on_sale(tmp_path: Path) -> None:
    from chansync.push import apply
    from chansync.undo import prepare_undo

    config = setup(tmp_path, {"A1": 10})
    run(config)
    for name in CHANNELS:
        export(tmp_path, name, {"A1": 10})
    write_csv(tmp_path / "master.csv", [{"sku": "A1", "title": "Item A1", "price": "10.00", "quantity": 6}],
              later=False)  # a push that lowers the stock to 6
    lowered = run(config)
    for name in CHANNELS:
        export(tmp_path, name, {"A1": 6})
    export(tmp_path, "b", {"A1": 4})  # then two are sold on b
    run(config)  # that push books the sale
    assert sold(tmp_path) == {"A1": 2}
    export(tmp_path, "b", {"A1": 4})
    loaded = load_config(config, env={})
    state = open_state(loaded)
    try:
        prepared = prepare_undo(loaded, state, run_id=lowered.run_id)
        with state.lock():
            apply(prepared, locked=True)
    finally:
        state.close()
    assert fed(tmp_path, "a", "A1") == 8  # back to the 10 before that push, less the 2 sold since: never 10


def test_a_master_that_cannot_be_written_back_is_said_and_the_sales_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chansync.writeback as writeback

    config = setup(tmp_path, {"A1": 10}, write_back=True)
    run(config)
    export(tmp_path, "a", {"A1": 7})

    def disk_full(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writeback, "_write_csv", disk_full)
    result = run(config)
    assert result.exit_code == 0 and result.write_back.startswith("not written") and "No space" in result.write_back
    assert sold(tmp_path) == {"A1": 3}  # kept for the next push
    assert read_csv(tmp_path / "master.csv")["A1"]["quantity"] == "10"


def test_outputs_that_cannot_be_written_are_said_not_crashed(tmp_path: Path) -> None:
    config = setup(tmp_path, {"A1": 10})
    data = yaml.safe_load(config.read_text())
    data["notify"] = {"webhook": "${UNSET_WEBHOOK}"}
    data["channels"]["a"]["guard"] = {"max_delist_share": 0.2}
    data["channels"]["a"]["listing"] = {"unknown": "delist"}
    config.write_text(yaml.safe_dump(data))
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    export(tmp_path, "a", {"A1": 10, "B1": 1, "B2": 1, "B3": 1})  # three of four would go: refused, so notify
    env = {k: v for k, v in os.environ.items() if k != "UNSET_WEBHOOK"}
    blocked = tmp_path / "a-file"  # a file where a folder would have to be
    command = [sys.executable, "-m", "chansync", "push", "-c", str(config), "--yes"]
    pushed = subprocess.run([*command, "--summary-to", str(blocked / "summary.md")], capture_output=True, text=True,
                            env=env)  # fmt: skip
    assert pushed.returncode == 1, pushed.stdout + pushed.stderr  # the push's own exit code
    assert "summary could not be written" in pushed.stderr and "notification could not be sent" in pushed.stderr
    report = subprocess.run([sys.executable, "-m", "chansync", "diff", "-c", str(config), "--format", "json",
                             "--output", str(blocked / "plan.json")], capture_output=True, text=True)  # fmt: skip
    assert report.returncode == 2 and "a-file" in report.stderr and "internal error" not in report.stderr
