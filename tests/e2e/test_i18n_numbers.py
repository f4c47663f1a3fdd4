"""Numbers in text follow the language: Dutch groups thousands with a dot (1.234), English with a comma (1,234);
machine formats (JSON) keep plain numbers in both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_cli import no_traceback, run

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
ROWS = 1234
CONFIG = (
    "version: 1\nmaster:\n  file: master.csv\nchannels:\n  pos:\n    adapter: csv\n    feed: out/pos.csv\n"
    "    export: pos.csv\n    columns: {sku: ItemCode, quantity: OnHand}\n"
)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("numbers")
    rows = "".join(f"SKU-{i:05d},Artikel {i},{i % 90 + 1}.95,{i % 7}\n" for i in range(ROWS))
    (folder / "master.csv").write_text("sku,title,price,quantity\n" + rows, encoding="utf-8")
    (folder / "channels.yaml").write_text(CONFIG, encoding="utf-8")
    (folder / "pos.csv").write_text("ItemCode,OnHand\n", encoding="utf-8")  # an empty shop: every SKU is created
    return folder


@pytest.mark.parametrize(
    ("language", "validated", "planned"),
    [
        ("en", "1,234 product rows · 1,234 SKUs", "1,234 create"),
        ("nl", "1.234 productrijen · 1.234 SKU's", "1.234 aanmaken"),
    ],
)
def test_counts_in_text_are_grouped_the_languages_way(shop: Path, language: str, validated: str, planned: str) -> None:
    checked = run("--lang", language, "validate", cwd=shop, env=ENGLISH)
    diffed = run("--lang", language, "diff", cwd=shop, env=ENGLISH)
    no_traceback(checked)
    no_traceback(diffed)
    assert validated in checked.stdout, checked.stdout
    assert planned in diffed.stdout, diffed.stdout


def test_json_keeps_plain_numbers_in_dutch(shop: Path) -> None:
    checked = run("--lang", "nl", "validate", "--format", "json", cwd=shop, env=ENGLISH)
    diffed = run("--lang", "nl", "diff", "--format", "json", cwd=shop, env=ENGLISH)
    assert json.loads(checked.stdout)["summary"]["rows"] == ROWS
    assert json.loads(diffed.stdout)["channels"][0]["counts"]["create"] == ROWS
    assert "1.234" not in checked.stdout + diffed.stdout
