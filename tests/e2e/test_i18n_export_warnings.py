"""The warnings on a channel export's rows (a price chansync cannot read, one EAN on two rows) through the real CLI:
``chansync diff`` shows them after the plan, in Dutch with ``--lang nl`` and in English with ``--lang en``; the issue
codes are the same in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_cli import no_traceback, run

MASTER = "sku,title,price,quantity,gtin\nA-1,Fiets,10.00,3,8712345678906\nA-2,Bel,2.00,5,8712345678913\n"
OFFERS = (
    "offerId,ean,conditionName,conditionCategory,conditionComment,bundlePricesPrice,fulfilmentDeliveryCode,"
    "stockAmount,onHoldByRetailer,fulfilmentType,mutationDateTime,referenceCode\n"
    "o-1,8712345678906,NEW,NEW,,12.x,1-2d,3,false,FBR,2026-11-01 08:00:00.1 UTC,A-1\n"
    "o-2,8712345678913,NEW,NEW,,2.00,1-2d,5,false,FBR,2026-11-01 08:00:00.1 UTC,A-2\n"
    "o-3,8712345678913,NEW,NEW,,2.00,1-2d,5,false,FBR,2026-11-01 08:00:00.1 UTC,A-2B\n"
    "o-4,8712345678920,GLOSSY,NEW,,2.00,1-2d,5,false,FBR,2026-11-01 08:00:00.1 UTC,A-4\n"
)
CONFIG = (
    "version: 1\nmaster:\n  file: master.csv\nchannels:\n  bol:\n    adapter: bol\n    export: offers.csv\n"
    "    feed: out/bol.csv\n"
)
SAID = {
    "en": [
        "bol: what chansync could not use in the channel's export",
        "offers.csv row 2 bundlePricesPrice",
        'The channel\'s price "12.x" cannot be read.',
        'The channel\'s condition "GLOSSY" cannot be read.',
        "offers.csv row 3 ean",
        "The export lists the EAN 8712345678913 more than once (rows 3, 4); chansync leaves it alone on this channel "
        "until one is removed.",
    ],
    "nl": [
        "bol: wat chansync niet kon gebruiken in de export van het kanaal",
        "offers.csv rij 2 bundlePricesPrice",
        'Het kanaal heeft als prijs "12.x"; dat kan chansync niet lezen.',
        'Het kanaal heeft als staat "GLOSSY"; dat kan chansync niet lezen.',
        "offers.csv rij 3 ean",
        "De export noemt EAN 8712345678913 meer dan eens (rijen 3, 4); chansync laat die op dit kanaal met rust tot "
        "er één is verwijderd.",
    ],
}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_exports_row_warnings_in_both_languages(tmp_path: Path, language: str) -> None:
    (tmp_path / "master.csv").write_text(MASTER, encoding="utf-8")
    (tmp_path / "offers.csv").write_text(OFFERS, encoding="utf-8")
    (tmp_path / "channels.yaml").write_text(CONFIG, encoding="utf-8")
    other = "en" if language == "nl" else "nl"
    result = run("--lang", language, "diff", "-c", "channels.yaml", cwd=tmp_path, env={"LANG": f"{other}_NL.UTF-8"})
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    for sentence in SAID[language]:
        assert " ".join(sentence.split()) in text, (sentence, text)
    assert not [s for s in SAID[other][2:] if s in text]
    assert "channel-duplicate-key" in text and "export-value-invalid" in text  # the codes never change


def test_push_shows_them_too(tmp_path: Path) -> None:
    (tmp_path / "master.csv").write_text(MASTER, encoding="utf-8")
    (tmp_path / "offers.csv").write_text(OFFERS, encoding="utf-8")
    (tmp_path / "channels.yaml").write_text(CONFIG, encoding="utf-8")
    result = run("--lang", "nl", "push", "--dry-run", "-c", "channels.yaml", cwd=tmp_path, env={"LANG": "C.UTF-8"})
    no_traceback(result)
    text = " ".join(result.stdout.split())
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(" ".join(s.split()) in text for s in SAID["nl"]), text
