"""``chansync init`` in a Dutch run, through the real CLI: the starter channels.yaml is commented in Dutch (no English
comment sentence left), its settings are exactly the English run's, the sample products read Dutch, and the set-up
validates as the English one does."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
import yaml

from tests.e2e.test_cli import no_traceback, run

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
DUTCH = {"LANG": "nl_NL.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
KINDS = ["csv", "shopify", "woocommerce", "google_merchant", "meta", "amazon", "bol", "ebay", "etsy", "tiktok_shop"]
#: Comments that are a channel's name, the same in every language.
NAMES = {"Shopify", "WooCommerce", "Google Merchant Center", "amazon.nl"}
#: A commented setting (``# upload: {...}``, ``# export: api``) or its continuation line: config, not a sentence.
SETTING = re.compile(r"^(upload|export|listing): |^ +\w+: ")
#: Sentences the Dutch set-up says, one per part of the file.
DUTCH_SENTENCES = [
    "configuratie van chansync: `chansync config schema` toont elke instelling.",
    "het blad met één rij per product (standaard het eerste blad)",
    "de kassa verkoopt wat er in de winkel ligt",
    "lees de winkel via de API in plaats van uit exportbestanden",
    "een bestand om na te kijken; doorvoeren gaat via de Retailer API:",
]


def _comments(line: str) -> list[str]:
    """The comments on a line (after each ``# ``), the YAML before them left out."""
    return [part.rstrip() for part in re.split(r"(?:^|\s)# ", line)[1:]]


def _init(folder: Path, *args: str, env: dict[str, str]) -> str:
    result = run(*args, "init", str(folder), *[a for kind in KINDS for a in ("--channel", kind)], cwd=folder.parent,
                 env=env)  # fmt: skip
    no_traceback(result)
    assert result.returncode == 0, result.stdout + result.stderr
    return (folder / "channels.yaml").read_text(encoding="utf-8")


def _validate(folder: Path, *args: str, env: dict[str, str]) -> int:
    result = run(*args, "validate", "-c", str(folder / "channels.yaml"), cwd=folder, env=env)
    no_traceback(result)
    return result.returncode


@pytest.mark.parametrize(("args", "env"), [(("--lang", "nl"), ENGLISH), ((), DUTCH)], ids=["--lang nl", "LANG=nl"])
def test_init_in_dutch_comments_in_dutch_with_the_english_settings(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str]
) -> None:
    english = _init(tmp_path / "en", env=ENGLISH)
    dutch = _init(tmp_path / "nl", *args, env=env)

    # The same settings, line for line: only the comments differ.
    assert yaml.safe_load(dutch) == yaml.safe_load(english)
    english_lines, dutch_lines = english.splitlines(), dutch.splitlines()
    assert len(english_lines) == len(dutch_lines)
    sentences = set()
    for en_line, nl_line in zip(english_lines, dutch_lines, strict=True):
        assert en_line.split("#", 1)[0] == nl_line.split("#", 1)[0]
        for en_note, nl_note in zip(_comments(en_line), _comments(nl_line), strict=True):
            if en_note == nl_note:  # a name or a commented setting, the same in both languages
                assert en_note in NAMES or SETTING.match(en_note), en_note
            else:
                sentences.add(en_note)
    assert len(sentences) > 40
    dutch_notes = {note for line in dutch_lines for note in _comments(line)}
    assert not sentences & dutch_notes, sentences & dutch_notes  # no comment left in English
    # Nor inside a Dutch sentence, except a channel's menu path ("Products > Export"), the channel's own words.
    inside = [s for s in sentences if s in dutch and " > " not in s]
    assert inside == [], inside
    assert all(sentence in dutch for sentence in DUTCH_SENTENCES), dutch
    assert not [sentence for sentence in DUTCH_SENTENCES if sentence in english]

    # The sample shop reads Dutch and validates as the English one does.
    products = openpyxl.load_workbook(tmp_path / "nl" / "master.xlsx")["products"]
    titles = [row[1] for row in products.iter_rows(min_row=2, values_only=True)]
    assert "Mok van steengoed 350 ml" in titles and "Stoneware mug 350 ml" not in titles
    assert _validate(tmp_path / "nl", *args, env=env) == _validate(tmp_path / "en", env=ENGLISH) == 0


def test_init_in_dutch_without_channels(tmp_path: Path) -> None:
    result = run("--lang", "nl", "init", str(tmp_path / "shop"), cwd=tmp_path, env=ENGLISH)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "shop" / "channels.yaml").read_text(encoding="utf-8")
    assert "channels: {}                 # één blok per kanaal (`chansync init --channel shopify` schrijft er een)" in (
        text
    )
    assert "one block per channel" not in text and "relative to this file" not in text
    checked = run("--lang", "nl", "validate", cwd=tmp_path / "shop", env=ENGLISH)
    assert checked.returncode == 0 and "geen fouten" in checked.stdout, checked.stdout + checked.stderr
