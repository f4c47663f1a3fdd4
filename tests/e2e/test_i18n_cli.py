"""Dutch through the real CLI: chosen by LANG/LC_MESSAGES/LC_ALL or --lang, in messages, headings and help; the
machine formats (JSON codes and keys, JUnit, GitHub and GitLab codes, exit codes) the same in both languages."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from chansync import i18n
from chansync.cli import app
from chansync.config import load_config
from chansync.validation import validate
from tests.e2e.test_cli import run
from tests.golden.test_validate_text import bol_and_google_shop

MASTER = (
    "sku,title,price,quantity,gtin,product_url,image_url,description,brand\n"
    "A-1,Fiets,10.00,3,8.71234E+12,https://x.nl/a,https://x.nl/a.jpg,Mooi,Gazelle\n"
    "A-2,Bel,5.00,,8712345678906,https://x.nl/b,https://x.nl/b.jpg,Luid,Gazelle\n"
    "A-2,Bel twee,abc,2,8712345678900,https://x.nl/c,https://x.nl/c.jpg,Luid,Gazelle\n"
)
ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    bol_and_google_shop(tmp_path, MASTER)
    return tmp_path


def test_validate_follows_the_locale_and_the_lang_option(shop: Path) -> None:
    english = run("validate", cwd=shop, env=ENGLISH)
    assert "errors" in english.stdout and "where" in english.stdout and "fouten" not in english.stdout
    for env, args in (
        ({**ENGLISH, "LANG": "nl_NL.UTF-8"}, ()),
        ({**ENGLISH, "LANG": "nl_BE.UTF-8"}, ()),
        ({**ENGLISH, "LC_MESSAGES": "nl_NL.UTF-8"}, ()),
        ({**ENGLISH, "LC_ALL": "nl_NL.UTF-8"}, ()),
        (ENGLISH, ("--lang", "nl")),
    ):
        dutch = run(*args, "validate", cwd=shop, env=env)
        assert dutch.returncode == english.returncode == 1
        assert "fouten" in dutch.stdout and "waar" in dutch.stdout and "probleem" in dutch.stdout, (env, args)
        assert "needs" not in dutch.stdout and "errors" not in dutch.stdout
        assert "channel-required-value" in dutch.stdout  # codes stay as they are
    overruled = run("validate", cwd=shop, env={**ENGLISH, "LANG": "nl_NL.UTF-8", "LC_ALL": "en_US.UTF-8"})
    assert "errors" in overruled.stdout and "fouten" not in overruled.stdout
    forced = run("--lang", "en", "validate", cwd=shop, env={**ENGLISH, "LANG": "nl_NL.UTF-8"})
    assert "errors" in forced.stdout


def test_machine_formats_do_not_change_with_the_language(shop: Path) -> None:
    def both(*args: str) -> tuple[str, str]:
        en = run("validate", *args, cwd=shop, env=ENGLISH)
        nl = run("--lang", "nl", "validate", *args, cwd=shop, env=ENGLISH)
        assert en.returncode == nl.returncode == 1
        return en.stdout, nl.stdout

    en, nl = both("--format", "json")
    english, dutch = json.loads(en), json.loads(nl)
    strip = [{k: v for k, v in i.items() if k != "message"} for i in english["issues"]]
    assert strip == [{k: v for k, v in i.items() if k != "message"} for i in dutch["issues"]]
    assert english.keys() == dutch.keys() and english["summary"] == dutch["summary"]
    assert [i["message"] for i in english["issues"]] != [i["message"] for i in dutch["issues"]]  # words do change

    en, nl = both("--format", "github")
    assert [line.split("::")[1] for line in en.splitlines()] == [line.split("::")[1] for line in nl.splitlines()]
    assert nl.splitlines()[-1].endswith("in totaal") and en.splitlines()[-1].endswith("in all")

    en, nl = both("--format", "gitlab")
    keys = ("check_name", "fingerprint", "severity", "location")
    assert [{k: i[k] for k in keys} for i in json.loads(en)] == [{k: i[k] for k in keys} for i in json.loads(nl)]

    for lang, output in (("en", "en.xml"), ("nl", "nl.xml")):
        assert run("--lang", lang, "validate", "--format", "junit", "-o", output, cwd=shop).returncode == 1
    cases = [
        [
            (c.get("name"), f.get("type") if (f := c.find("failure")) is not None else None)
            for c in ET.parse(p).iter("testcase")
        ]
        for p in (shop / "en.xml", shop / "nl.xml")
    ]
    assert cases[0] == cases[1]


def test_help_and_errors_in_dutch(shop: Path) -> None:
    top = run("--lang", "nl", "--help", cwd=shop, env=ENGLISH)
    assert "Houd je productcatalogus" in top.stdout and "Opdrachten" in top.stdout and "Opties" in top.stdout
    sub = run("validate", "--help", cwd=shop, env={**ENGLISH, "LANG": "nl_NL.UTF-8"})
    assert "Controleer je hoofdbestand" in sub.stdout and "Behandel waarschuwingen als fouten" in sub.stdout
    assert "Check the master sheet" in run("validate", "--help", cwd=shop, env=ENGLISH).stdout
    usage = run("--lang", "nl", "validate", "--format", "junit", cwd=shop, env=ENGLISH)
    english = run("validate", "--format", "junit", cwd=shop, env=ENGLISH)
    assert usage.returncode == english.returncode == 2
    assert "fout:" in usage.stderr and "schrijft een bestand" in usage.stderr
    unknown = run("--lang", "xx", "validate", cwd=shop, env=ENGLISH)
    assert unknown.returncode == 2 and "xx" in unknown.stderr


def test_an_in_process_run_leaves_the_library_in_english(shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(shop)
    for name in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(app, ["--lang", "nl", "validate"])
    assert result.exit_code == 1 and "fouten" in result.output
    assert i18n.language() == "en" and i18n._("no errors") == "no errors"
    again = CliRunner().invoke(app, ["validate"])
    assert "errors" in again.output and "fouten" not in again.output


def _messages(shop: Path, language: str) -> dict[tuple[str, str], str]:
    with i18n.using(language):
        report = validate(load_config(shop / "channels.yaml", env={})).report
    return {(i.code, f"{i.sku}:{i.field}:{i.channel}"): i.message for i in report.issues()}


def test_a_field_gets_a_or_an_by_its_label(shop: Path) -> None:
    """ "needs a availability" must not come back: the article follows the field's label, in both languages."""
    english, dutch = _messages(shop, "en"), _messages(shop, "nl")
    key = ("channel-required-value", "A-2:availability:google")
    assert english[key] == "Google Merchant Center needs an availability for every product; this one has none."
    assert dutch[key] == (
        "Google Merchant Center heeft voor elk product een beschikbaarheid nodig; dit product heeft er geen."
    )
    assert not any(" a availability" in m or " a image" in m for m in english.values())


def test_a_missing_gtin_that_excel_made_a_number_says_so(shop: Path) -> None:
    """The GTIN bol.com needs is missing because the sheet holds 8.71234E+12: the message says what happened and
    what to do (format the column as Text), not only that the GTIN is missing."""
    english, dutch = _messages(shop, "en"), _messages(shop, "nl")
    message = english[("channel-required-value", "A-1:gtin:bol")]
    assert (
        '"8.71234E+12"' in message and "scientific notation" in message and "Format the GTIN column as Text" in message
    )
    assert "this one has none" not in message
    dutch_message = dutch[("channel-required-value", "A-1:gtin:bol")]
    assert "wetenschappelijke notatie" in dutch_message and "opmaak Tekst" in dutch_message
    master = english[("gtin-as-number", "A-1:gtin:None")]
    assert "scientific notation" in master and "format the column as Text" in master


def test_an_export_that_is_not_one_says_an_or_a_by_the_channel(shop: Path) -> None:
    """ "does not look like a Amazon … export" must not come back: the article follows the export's name."""
    (shop / "amazon.txt").write_text("foo\tbar\n1\t2\n", encoding="utf-8")
    config = yaml.safe_load((shop / "channels.yaml").read_text(encoding="utf-8"))
    config["channels"] = {
        "amazon": {
            "adapter": "amazon",
            "export": "amazon.txt",
            "feed": "out/amazon.txt",
            "seller_id": "S",
            "marketplace_id": "M",
        }
    }
    (shop / "channels.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = run("diff", cwd=shop, env=ENGLISH)
    assert result.returncode == 2
    assert "does not look like an Amazon All Listings report export" in " ".join(result.stderr.split())


def test_a_dutch_help_in_process_does_not_leave_the_next_run_dutch(shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(shop)
    for name in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    assert "Opties" in CliRunner().invoke(app, ["--lang", "nl", "--help"]).output
    assert i18n.language() == "en"
    english = CliRunner().invoke(app, ["validate", "--help"]).output
    assert "Options" in english and "Check the master sheet" in english
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")
    assert "Controleer je hoofdbestand" in CliRunner().invoke(app, ["validate", "--help"]).output
