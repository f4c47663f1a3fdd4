"""Messages outside the CLI and the config, through the real CLI in English and with ``--lang nl``: Shopify's reasons
for each change it could not take, a broken Google service-account key file, an sftp upload's missing known_hosts
file and ``chansync init`` over an existing set-up. Each language says its own sentence and not the other's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.adapters.test_google_api import ENV as GOOGLE_ENV
from tests.adapters.test_google_api import cli as google_cli
from tests.adapters.test_google_api import write_setup
from tests.e2e.test_cli import no_traceback, run
from tests.push.shopify_server import FakeShopify, Recorder, serving
from tests.push.test_shopify_api import ENV as SHOPIFY_ENV
from tests.push.test_shopify_api import TOKEN, write_config, write_exports

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}


def _folded(result: subprocess.CompletedProcess[str]) -> str:
    return " ".join((result.stdout + result.stderr).split())


# --- Shopify: the reason per change ------------------------------------------------------------------------------

SHOPIFY_REASONS = {
    "en": {
        "DUP-1": "2 variants on Shopify have this SKU; which to change is unclear",
        "GONE-1": "no variant with this SKU on Shopify",
        "UNST-1": "this variant is not stocked at Warehouse on Shopify; stock it there first",
    },
    "nl": {
        "DUP-1": "2 varianten op Shopify hebben deze SKU; welke gewijzigd moet worden is niet duidelijk",
        "GONE-1": "geen variant met deze SKU op Shopify",
        "UNST-1": "deze variant heeft op Shopify geen voorraad bij Warehouse; voeg hem daar eerst aan de voorraad toe",
    },
}


def _drifted_shop(folder: Path) -> FakeShopify:
    """A shop whose exports were taken before a second DUP-1 appeared and GONE-1 was deleted; UNST-1 has no stock
    at the Warehouse location (tests/push/shopify_server.py enforces Shopify's documented rules)."""
    shop = FakeShopify(TOKEN)
    warehouse, floor = shop.add_location("Warehouse"), shop.add_location("Shop floor")
    for sku in ("DUP-1", "GONE-1"):
        shop.add_variant(shop.add_product(sku.lower(), sku), sku, "10.00", stock={warehouse: 1},
                         options={"Title": "Default Title"})  # fmt: skip
    shop.add_variant(shop.add_product("unst-1", "UNST-1"), "UNST-1", "10.00", stock={floor: 1})
    write_exports(folder, shop)
    shop.add_variant(shop.add_product("dup-1-b", "DUP-1 B"), "DUP-1", "10.00", stock={warehouse: 1})
    del shop.variants[shop.by_sku("GONE-1")["id"]]
    (folder / "master.csv").write_text(
        "sku,title,price,quantity\nDUP-1,DUP-1,10.00,3\nGONE-1,GONE-1,10.00,3\nUNST-1,UNST-1,10.00,5\n",
        encoding="utf-8",
    )
    return shop


@pytest.mark.parametrize("language", ["en", "nl"])
def test_shopifys_reasons_per_change_in_both_languages(tmp_path: Path, language: str) -> None:
    shop = _drifted_shop(tmp_path)
    with serving(shop, Recorder()) as url:
        config = write_config(tmp_path, url)
        pushed = subprocess.run(
            [sys.executable, "-m", "chansync", "--lang", language, "push", "-c", str(config), "--yes", "--format",
             "json"],
            capture_output=True, text=True, cwd=tmp_path, env={**os.environ, **ENGLISH, **SHOPIFY_ENV}, timeout=120,
        )  # fmt: skip
    no_traceback(pushed)
    (channel,) = json.loads(pushed.stdout)["channels"]
    assert {f["key"]: f["reason"] for f in channel["failed"]} == SHOPIFY_REASONS[language], pushed.stdout
    other = SHOPIFY_REASONS["nl" if language == "en" else "en"]
    assert not [reason for reason in other.values() if reason in pushed.stdout]
    assert channel["status"] == "failed" and TOKEN not in pushed.stdout + pushed.stderr  # a code in both languages


# --- Google: a service-account key file that is not JSON ---------------------------------------------------------

GOOGLE_KEY = {
    "en": ("channel google could not be read", "key.json is not a JSON key file (it is not JSON)"),
    "nl": ("key.json is geen JSON-sleutelbestand (het is geen JSON)",),
}


def test_a_broken_google_key_file_in_both_languages(tmp_path: Path) -> None:
    config = write_setup(tmp_path, "http://127.0.0.1:9")  # export: api: the key is read before anything is sent
    (tmp_path / "secrets" / "key.json").write_text("{not json", encoding="utf-8")
    said = {}
    for language in ("en", "nl"):
        result = google_cli(config, "--lang", language, "diff", env={**ENGLISH, **GOOGLE_ENV})
        no_traceback(result)
        assert result.returncode == 2, result.stdout + result.stderr
        said[language] = _folded(result)
        assert "channels.google.upload.credentials" in said[language]  # the key path is the user's own
    for language, other in (("en", "nl"), ("nl", "en")):
        assert all(text in said[language] for text in GOOGLE_KEY[language]), said[language]
        assert not [text for text in GOOGLE_KEY[other] if text in said[language]], said[language]


# --- sftp: a known_hosts file that is not there -------------------------------------------------------------------

SFTP = {
    "en": "sftp: known_hosts file hosts/known_hosts not found",
    "nl": "sftp: known_hosts-bestand hosts/known_hosts niet gevonden",
}


def test_an_sftp_upload_without_its_known_hosts_file_in_both_languages(tmp_path: Path) -> None:
    """The file is checked before any connection is tried (127.0.0.1:9 would refuse one), so nothing is retried."""
    (tmp_path / "master.csv").write_text(
        "sku,title,description,brand,gtin,price,quantity,image_url,product_url,condition\n"
        "A-1,Fiets,Een fiets,Gazelle,4006381333931,10.00,3,https://x.example/a.jpg,https://x.example/a,new\n",
        encoding="utf-8",
    )
    upload = {"type": "sftp", "host": "127.0.0.1", "port": 9, "username": "shop", "password": "${SFTP_PASSWORD}",
              "path": "/feeds/google.xml", "known_hosts": "hosts/known_hosts", "retries": 0}  # fmt: skip
    (tmp_path / "google.xml").write_text('<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>'
                                         "</channel></rss>", encoding="utf-8")  # fmt: skip
    channel = {"adapter": "google_merchant", "export": "google.xml", "feed": "out/google.xml", "upload": upload}
    config = {"version": 1, "master": {"file": "master.csv", "currency": "EUR"}, "state_dir": "state",
              "channels": {"google": channel}}  # fmt: skip
    (tmp_path / "channels.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {**ENGLISH, "SFTP_PASSWORD": "s3cret-sftp-password"}
    said = {}
    for language in ("en", "nl"):
        result = run("--lang", language, "push", "-c", "channels.yaml", "--yes", cwd=tmp_path, env=env)
        no_traceback(result)
        assert result.returncode != 0, result.stdout + result.stderr
        said[language] = _folded(result)
        assert "s3cret-sftp-password" not in said[language]
    assert SFTP["en"] in said["en"] and SFTP["nl"] not in said["en"], said["en"]
    assert SFTP["nl"] in said["nl"] and SFTP["en"] not in said["nl"], said["nl"]


# --- chansync init over an existing set-up ------------------------------------------------------------------------

INIT = {
    "en": ("already exist; nothing was written", "pass --force to overwrite them"),
    "nl": ("bestaan al; er is niets geschreven", "geef --force op om ze te overschrijven"),
}


def test_init_over_an_existing_setup_in_both_languages(tmp_path: Path) -> None:
    assert run("init", str(tmp_path / "shop"), cwd=tmp_path, env=ENGLISH).returncode == 0
    for language, other in (("en", "nl"), ("nl", "en")):
        again = run("--lang", language, "init", str(tmp_path / "shop"), cwd=tmp_path, env=ENGLISH)
        no_traceback(again)
        text = _folded(again)
        assert again.returncode == 2 and all(part in text for part in INIT[language]), text
        assert not [part for part in INIT[other] if part in text], text
