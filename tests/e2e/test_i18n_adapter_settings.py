"""An adapter's own settings check (the csv adapter without `sku` in `columns`) in Dutch with ``--lang nl`` and in
English without, through the real CLI; the exit code is the same in both languages."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_cli import no_traceback, run

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
CONFIG = (
    "version: 1\nmaster:\n  file: master.csv\nchannels:\n  pos:\n    adapter: csv\n    feed: out/pos.csv\n"
    "    columns: {quantity: OnHand}\n"
)
ENGLISH_SENTENCE = (
    "channel 'pos': the csv adapter needs `columns` with at least sku (e.g. {sku: ItemCode, quantity: OnHand})"
)
DUTCH_SENTENCE = (
    "kanaal 'pos': de csv-adapter heeft `columns` nodig met minstens sku (bijv. {sku: ItemCode, quantity: OnHand})"
)


def test_the_csv_adapters_columns_check_in_both_languages(tmp_path: Path) -> None:
    (tmp_path / "master.csv").write_text("sku,title,price,quantity\nA-1,Fiets,10.00,3\n", encoding="utf-8")
    (tmp_path / "channels.yaml").write_text(CONFIG, encoding="utf-8")
    en = run("validate", "-c", "channels.yaml", cwd=tmp_path, env=ENGLISH)
    nl = run("--lang", "nl", "validate", "-c", "channels.yaml", cwd=tmp_path, env=ENGLISH)
    no_traceback(en)
    no_traceback(nl)
    assert en.returncode == nl.returncode == 2, (en.stderr, nl.stderr)
    en_text, nl_text = " ".join((en.stdout + en.stderr).split()), " ".join((nl.stdout + nl.stderr).split())
    assert ENGLISH_SENTENCE in en_text and DUTCH_SENTENCE not in en_text, en_text
    assert DUTCH_SENTENCE in nl_text and ENGLISH_SENTENCE not in nl_text, nl_text
