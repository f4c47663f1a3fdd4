"""Issue #13 for WooCommerce's REST API: a store before 9.2 ignores ``global_unique_id`` silently, so GTINs are
neither compared nor recorded as applied there; a variation on its parent's stock stays on it."""

from __future__ import annotations

from pathlib import Path

import yaml

from chansync.config import load_config
from chansync.journal import read_journal
from chansync.push import push as push_api
from chansync.sync import plan
from tests.http_server import Recorder, serving
from tests.push.test_push import ENV, KEY, SECRET
from tests.push.woocommerce_server import FakeWooCommerce


def config(folder: Path, url: str, master: str, export: str = "api") -> Path:
    (folder / "master.csv").write_text(master, encoding="utf-8")
    upload = {"type": "woocommerce_api", "url": url, "key": "${WC_KEY}", "secret": "${WC_SECRET}", "backoff": 0.01}
    channel = {"adapter": "woocommerce", "export": export, "upload": upload}
    document = {"version": 1, "master": {"file": "master.csv"}, "state_dir": "state", "channels": {"shop": channel}}
    path = folder / "channels.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def applied_sets(folder: Path) -> dict[str, dict[str, object]]:
    events = read_journal(folder / "state" / "journal.jsonl")
    return {i["key"]: i["set"] for e in events if e["event"] == "applied" for i in e["items"]}


MASTER = "sku,title,gtin,price,quantity\nMUG,Mug,5012345678900,6.50,7\nCUP,Cup,4006381333931,3.00,2\n"


def old_store() -> FakeWooCommerce:
    shop = FakeWooCommerce(KEY, SECRET, version="9.1.0")
    shop.add(id=13, sku="MUG", name="Mug", regular_price="6.00", sale_price="", manage_stock=True, stock_quantity=7)
    return shop


def test_a_store_before_9_2_holds_no_gtin_so_none_is_compared(tmp_path: Path) -> None:
    shop = old_store()
    with serving(shop, Recorder()) as url:
        loaded = load_config(config(tmp_path, url, MASTER), env=ENV)
        assert "gtin" not in plan(loaded).channels[0].plan.current.columns  # nothing to compare with
        result = push_api(loaded, force=True).channels[0]  # (one price of one listing: past the price guard)
    sent = {(pid, prop) for pid, prop, _ in shop.applied}
    assert (13, "regular_price") in sent and (13, "global_unique_id") not in sent  # only the price was planned
    created = applied_sets(tmp_path)["CUP"]  # created, but its GTIN did not stick: not recorded as applied
    assert "gtin" not in created and result.failed["CUP"].startswith("the GTIN was not applied")
    assert "gtin" not in applied_sets(tmp_path)["MUG"]


def test_a_gtin_sent_to_a_store_before_9_2_is_reported_not_applied(tmp_path: Path) -> None:
    shop = old_store()
    (tmp_path / "export.csv").write_text(
        "ID,Type,SKU,GTIN,Name,Published,In stock?,Stock,Regular price\n13,simple,MUG,,Mug,1,1,7,6.50\n",
        encoding="utf-8",
    )
    master = "sku,title,gtin,price,quantity\nMUG,Mug,5012345678900,6.50,7\n"
    with serving(shop, Recorder()) as url:
        result = push_api(load_config(config(tmp_path, url, master, export="export.csv"), env=ENV)).channels[0]
    assert result.failed == {"MUG": result.failed["MUG"]} and "WooCommerce 9.2" in result.failed["MUG"]
    assert "global_unique_id" not in shop.products[13]
    assert "gtin" not in applied_sets(tmp_path).get("MUG", {})
    newer = FakeWooCommerce(KEY, SECRET)  # 9.4: the same push applies it
    newer.add(id=13, sku="MUG", name="Mug", regular_price="6.50", sale_price="", manage_stock=True, stock_quantity=7)
    folder = tmp_path / "newer"
    folder.mkdir()
    (folder / "export.csv").write_text((tmp_path / "export.csv").read_text(encoding="utf-8"), encoding="utf-8")
    with serving(newer, Recorder()) as url:
        again = push_api(load_config(config(folder, url, master, export="export.csv"), env=ENV)).channels[0]
    assert not again.failed and newer.products[13]["global_unique_id"] == "5012345678900"
    assert applied_sets(folder)["MUG"] == {"gtin": "5012345678900"}


def test_a_variation_on_its_parents_stock_stays_there(tmp_path: Path) -> None:
    shop = FakeWooCommerce(KEY, SECRET)
    shop.add(id=10, sku="TEE", name="Tee", type="variable", regular_price="", sale_price="", manage_stock=True,
             stock_quantity=10)  # fmt: skip
    shop.add(id=11, sku="TEE-R", name="Tee red", type="variation", parent_id=10, regular_price="10.00",
             sale_price="", manage_stock="parent", stock_quantity=10)  # fmt: skip
    master = "sku,title,price,quantity,parent_sku\nTEE,Tee,,6,\nTEE-R,Tee red,11.00,3,TEE\n"
    with serving(shop, Recorder()) as url:
        result = push_api(load_config(config(tmp_path, url, master), env=ENV)).channels[0]
    assert not result.failed, result.failed
    red, tee = shop.products[11], shop.products[10]
    assert red["manage_stock"] == "parent" and red["regular_price"] == "11.00"
    assert not [prop for pid, prop, _ in shop.applied if pid == 11 and prop in ("manage_stock", "stock_quantity")]
    assert tee["stock_quantity"] == 6  # the stock is planned on the parent, which holds it
