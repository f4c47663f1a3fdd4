"""More channels' own rule messages (Shopify, WooCommerce and Google; bol.com and eBay are in
test_i18n_channel_rules.py) in Dutch with ``--lang nl`` and in English without, through the real CLI; the issue codes
are the same in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chansync.parse import gtin_check_digit
from tests.e2e.test_cli import no_traceback, run

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
CONFIG = """version: 1
master:
  file: master.csv
  currency: EUR
channels:
  web: {adapter: woocommerce}
  shop: {adapter: shopify}
  google: {adapter: google_merchant}
"""
SAID = {
    "en": {
        "shopify-title-too-long": "Shopify titles are at most 255 characters; this one is longer.",
        "shopify-vendor-too-short": "Shopify needs a vendor of at least 2 characters; this one has 1.",
        "woocommerce-sku-too-long": "WooCommerce keeps at most 100 characters.",
        "google-gtin-restricted": "Google refuses GTINs with this prefix (in-store or coupon codes); leave the GTIN "
        "empty.",
    },
    "nl": {
        "shopify-title-too-long": "Een titel bij Shopify is hoogstens 255 tekens lang; deze is langer.",
        "shopify-vendor-too-short": "Shopify heeft een leverancier (vendor) van minstens 2 tekens nodig; deze heeft "
        "er 1.",
        "woocommerce-sku-too-long": "WooCommerce bewaart hoogstens 100 tekens.",
        "google-gtin-restricted": "Google weigert GTIN's met dit voorvoegsel (winkel- of couponcodes); laat de "
        "GTIN leeg.",
    },
}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_channel_rule_messages_in_both_languages(tmp_path: Path, language: str) -> None:
    in_store = "040000000000" + str(gtin_check_digit("040000000000"))  # a valid GTIN Google refuses (prefix 04)
    rows = [
        "sku,title,brand,gtin,price,quantity,image_url,product_url",
        f"A-1,{'T' * 300},B,{in_store},10.00,3,https://example.com/a.jpg,https://example.com/a",
        f"{'S' * 120},Fiets,Brand,,10.00,3,https://example.com/b.jpg,https://example.com/b",
    ]
    (tmp_path / "master.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "channels.yaml").write_text(CONFIG, encoding="utf-8")
    done = run("--lang", language, "validate", "-c", "channels.yaml", "--format", "json", cwd=tmp_path, env=ENGLISH)
    no_traceback(done)
    said = {issue["code"]: issue["message"] for issue in json.loads(done.stdout)["issues"]}
    assert {code: said.get(code) for code in SAID[language]} == SAID[language]
