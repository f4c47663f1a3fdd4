"""A bad channels.yaml is explained in Dutch with ``--lang nl`` and in English without, through the real CLI, with
the same exit code (2) and the same key path; config keys, YAML and ``${VAR}`` stay as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from chansync import i18n
from chansync.config import load_config
from chansync.errors import ConfigError
from tests.e2e.test_cli import no_traceback, run

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
TOP = "version: 1\nmaster:\n  file: master.csv\n"
WOO = "channels:\n  shop:\n    adapter: woocommerce\n    upload:\n"

# (what is wrong, the file after the top, the key named, the English sentence, the Dutch sentence)
BAD = [
    (
        "unknown key with a suggestion",
        "  sheeet: products\n",
        "master.sheeet",
        "unknown key 'sheeet' under master (did you mean 'sheet'?)",
        "onbekende sleutel 'sheeet' onder master (bedoel je 'sheet'?)",
    ),
    (
        "missing required key",
        "channels:\n  shop: {}\n",
        "channels.shop.adapter",
        "is required",
        "is verplicht",
    ),
    (
        "wrong type",
        "  header_row: abc\n",
        "master.header_row",
        "expected a whole number, got 'abc'",
        "hier hoort een geheel getal, maar er staat 'abc'",
    ),
    (
        "unknown upload type",
        WOO + "      type: woocommerce_rest\n",
        "channels.shop.upload",
        "unknown upload type 'woocommerce_rest'; expected one of amazon_sp_api, bol_api,",
        "onbekend uploadtype 'woocommerce_rest'; kies een van amazon_sp_api, bol_api,",
    ),
    (
        "secret written in the file",
        WOO + "      type: woocommerce_api\n      url: https://shop.example\n      key: ck_live_1234\n"
        "      secret: ${WC_SECRET}\n",
        "channels.shop.upload.key",
        "must name an environment variable like ${SHOP_TOKEN}; secrets are never read from the file",
        "moet een omgevingsvariabele noemen, zoals ${SHOP_TOKEN}; geheimen worden nooit uit het bestand gelezen",
    ),
]


def refused_in_both_languages(
    folder: Path, config: str, command: str, env: dict[str, str], what: str, english: str, dutch: str
) -> tuple[str, str]:
    """Run ``command`` on a one-product master and ``config`` in English and with --lang nl: both exit 2 without a
    traceback, each saying its own sentence and not the other's. Returns both outputs, whitespace folded."""
    (folder / "master.csv").write_text("sku,title,price,quantity\nA-1,Fiets,10.00,3\n", encoding="utf-8")
    (folder / "channels.yaml").write_text(config, encoding="utf-8")
    en = run(command, "-c", "channels.yaml", cwd=folder, env=env)
    nl = run("--lang", "nl", command, "-c", "channels.yaml", cwd=folder, env=env)
    no_traceback(en)
    no_traceback(nl)
    assert en.returncode == nl.returncode == 2, (what, en.stderr, nl.stderr)
    en_text, nl_text = " ".join((en.stdout + en.stderr).split()), " ".join((nl.stdout + nl.stderr).split())
    assert english in en_text and dutch not in en_text, (what, en_text)
    assert dutch in nl_text and english not in nl_text, (what, nl_text)
    return en_text, nl_text


@pytest.mark.parametrize(("what", "body", "key", "english", "dutch"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_config_is_explained_in_the_chosen_language(
    tmp_path: Path, what: str, body: str, key: str, english: str, dutch: str
) -> None:
    en_text, nl_text = refused_in_both_languages(tmp_path, TOP + body, "validate", ENGLISH, what, english, dutch)
    assert key in en_text and key in nl_text  # the key path is the user's own, in both languages
    assert "ck_live_1234" not in en_text + nl_text  # a secret written in the file is never echoed


def _error(path: Path, language: str, env: dict[str, str] | None = None) -> str:
    with i18n.using(language), pytest.raises(ConfigError) as caught:
        load_config(path, env={} if env is None else env).channel("nowhere")
    return caught.value.detail + " | " + (caught.value.hint or "")


# (the config, the English, the Dutch): the other sentences config.py builds, in process
MORE = [
    ("  sheet: [unclosed\n", "invalid YAML at line", "ongeldige YAML op regel"),
    (
        "master:\n  file: other.csv\n",
        "is given twice (first on line 2); merge",
        "staat er twee keer (eerst op regel 2)",
    ),
    (
        "  columns: {sku: Nr, prise: Prijs}\n",
        "unknown field 'prise' (did you mean 'price'?); expected one of",
        "onbekend veld 'prise' (bedoel je 'price'?); kies een van",
    ),
    (
        "  limits: {title: 0}\n",
        "limit title must be between 1 and 1,000,000,000",
        "limiet title moet tussen 1 en 1.000.000.000 liggen",  # Dutch groups thousands with a dot
    ),
    (
        "channels:\n  shop:\n    adapter: csv\n    price: {currency: USD}\n",
        "currency and rate go together",
        "currency en rate horen bij elkaar",
    ),
    (
        "channels:\n  shop:\n    adapter: csv\n    on_channel_edit: ignore\n",
        "expected one of 'overwrite' or 'keep', got 'ignore'",
        "kies een van 'overwrite' of 'keep', maar er staat 'ignore'",
    ),
    ("  header_row: 0\n", "Input should be greater than or equal to 1 (got 0)", "moet minstens 1 zijn (er staat 0)"),
    (
        "  delimiter: ';;'\n",
        "String should have at most 1 character (got ';;')",
        "mag hoogstens 1 teken lang zijn (er staat ';;')",
    ),
    (
        "channels:\n  shop:\n    adapter: csv\n    stock: {share: 2}\n",
        "Input should be less than or equal to 1 (got 2)",
        "mag hoogstens 1 zijn (er staat 2)",
    ),
    (
        WOO + "      url: https://x.example\n",
        "upload needs a type: amazon_sp_api",
        "upload heeft een type nodig: amazon_sp_api",
    ),
    (
        "channels:\n  shop:\n    adapter: csv\n    upload:\n      type: http\n      url: https://x.example\n"
        "      headers: {Authorization: Bearer abc123}\n",
        "carries a credential: write it as an environment variable, e.g. 'Bearer ${FEED_TOKEN}'",
        "bevat inloggegevens: schrijf die als omgevingsvariabele, bijv. 'Bearer ${FEED_TOKEN}'",
    ),
    (
        "channels:\n  bad name:\n    adapter: csv\n",
        "channel name 'bad name' may hold only letters",
        "kanaalnaam 'bad name' mag alleen letters",
    ),
    ("notify:\n  webhook: https://hooks.example/abc\n", "the webhook URL is a secret", "de webhook-URL is geheim"),
    (
        "channels:\n  shop:\n    adapter: csv\n",
        "no channel named 'nowhere' (configured: shop)",
        "geen kanaal met de naam 'nowhere' (ingesteld: shop)",
    ),
    (
        "channels:\n  shop:\n    adapter: csv\n    feed: master.csv\n",
        "channels.shop.feed is the same file as master.file | write each feed to a file of its own",
        "channels.shop.feed is hetzelfde bestand als master.file | schrijf elke feed naar een eigen bestand",
    ),
]


@pytest.mark.parametrize(("body", "english", "dutch"), MORE, ids=[m[1][:30] for m in MORE])
def test_the_other_config_sentences_in_both_languages(tmp_path: Path, body: str, english: str, dutch: str) -> None:
    (tmp_path / "master.csv").write_text("sku\nA-1\n", encoding="utf-8")
    config = tmp_path / "channels.yaml"
    config.write_text(TOP + body, encoding="utf-8")
    en, nl = _error(config, "en"), _error(config, "nl")
    assert english in en and dutch not in en, en
    assert dutch in nl and english not in nl, nl
    assert "abc123" not in en + nl


def test_a_missing_config_file_and_variable_in_dutch(tmp_path: Path) -> None:
    with i18n.using("nl"), pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.yaml")
    assert caught.value.detail == "configuratiebestand niet gevonden"
    assert caught.value.hint == "maak er een met `chansync init`, of geef --config BESTAND op"
    (tmp_path / "master.csv").write_text("sku\nA-1\n", encoding="utf-8")
    (tmp_path / "channels.yaml").write_text(TOP + "  sheet: ${SHEET}\n", encoding="utf-8")
    loaded = load_config(tmp_path / "channels.yaml", env={})
    with i18n.using("nl"), pytest.raises(ConfigError) as caught:
        loaded.expand("${SHEET}", "master.sheet")
    assert caught.value.detail == "omgevingsvariabele SHEET is niet ingesteld"
    with pytest.raises(ConfigError, match="environment variable SHEET is not set"):
        loaded.expand("${SHEET}", "master.sheet")
