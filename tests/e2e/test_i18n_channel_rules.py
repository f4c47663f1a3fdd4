"""A channel's own rules (bol.com's stock cap, eBay's lowest price) in Dutch with ``--lang nl`` and in English with
``--lang en``, through ``chansync validate``: the sentence, the rule's summary and the decimal mark of a price in a
sentence follow the language; the issue codes do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_cli import no_traceback, run

MASTER = "sku,title,price,quantity,gtin\nA-1,Fiets,10.00,1500,8712345678906\nA-2,Bel,0.50,1,8712345678913\n"
CONFIG = (
    "version: 1\nmaster:\n  file: master.csv\nchannels:\n  bol:\n    adapter: bol\n    feed: out/bol.csv\n"
    "  ebay:\n    adapter: ebay\n    feed: out/ebay.csv\n    min_price: 0.99\n"
)
SAID = {
    "en": [
        "Stock above bol.com's maximum of 999 is sent as 999.",
        "bol.com takes at most 999 in stock; the master's 1500 is sent as 999.",
        "eBay takes no fixed price below 0.99; this price is 0.50.",
    ],
    "nl": [
        "Voorraad boven het maximum van bol.com (999) wordt als 999 verstuurd.",
        "bol.com neemt hoogstens 999 op voorraad; de 1500 uit je hoofdbestand wordt als 999 verstuurd.",
        "eBay neemt geen vaste prijs onder 0,99; deze prijs is 0,50.",
    ],
}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_channel_rules_in_both_languages(tmp_path: Path, language: str) -> None:
    (tmp_path / "master.csv").write_text(MASTER, encoding="utf-8")
    (tmp_path / "channels.yaml").write_text(CONFIG, encoding="utf-8")
    result = run("--lang", language, "validate", cwd=tmp_path, env={"LANG": "C.UTF-8"})
    no_traceback(result)
    assert result.returncode == 1, result.stdout + result.stderr
    text = " ".join(result.stdout.split())
    other = "en" if language == "nl" else "nl"
    for sentence in SAID[language]:
        assert sentence in text, (sentence, text)
    assert not [s for s in SAID[other] if s in text]
    assert "bol-stock-capped" in text and "ebay-price-too-low" in text
