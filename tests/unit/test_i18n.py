"""Language choice, the catalogue's compiled form, and field names inside sentences (a/an, de/het)."""

from __future__ import annotations

import gettext
import io
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from chansync import i18n
from chansync.fields import Field
from chansync.i18n import _, fill, ngettext
from chansync.msgfmt import compile_mo, parse_po
from chansync.wording import an, definite, indefinite, upper_first
from tests.conftest import REPO

PO = REPO / "src" / "chansync" / "locale" / "nl" / "LC_MESSAGES" / "chansync.po"


@pytest.mark.parametrize(
    ("option", "environ", "expected"),
    [
        (None, {}, "en"),
        (None, {"LANG": "nl_NL.UTF-8"}, "nl"),
        (None, {"LANG": "nl_BE.UTF-8"}, "nl"),
        (None, {"LANG": "nl_BE@euro"}, "nl"),
        (None, {"LANG": "nl"}, "nl"),
        (None, {"LANG": "de_DE.UTF-8"}, "en"),  # a language chansync does not speak: English
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {"LANG": "en_GB.UTF-8", "LC_MESSAGES": "nl_NL.UTF-8"}, "nl"),  # LC_MESSAGES over LANG
        (None, {"LC_MESSAGES": "nl_NL.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),  # LC_ALL over both
        (None, {"LC_ALL": "nl_NL.UTF-8", "LANG": "en_US.UTF-8"}, "nl"),
        (None, {"LANG": "en_US.UTF-8", "LANGUAGE": "fr:nl"}, "nl"),  # GNU: LANGUAGE's first language we speak
        (None, {"LANG": "C", "LANGUAGE": "nl"}, "en"),  # GNU: the C locale ignores LANGUAGE
        ("nl", {"LANG": "en_US.UTF-8"}, "nl"),  # --lang wins
        ("en", {"LANG": "nl_NL.UTF-8"}, "en"),
        ("nl-NL", {}, "nl"),
    ],
)
def test_the_language_comes_from_lang_or_the_locale(option: str | None, environ: dict[str, str], expected: str) -> None:
    assert i18n.choose(option, environ) == expected


def test_an_unknown_lang_option_is_refused() -> None:
    with pytest.raises(ValueError):
        i18n.choose("xx", {})


def test_messages_plurals_and_the_default() -> None:
    assert i18n.language() == "en" and _("no errors") == "no errors"
    with i18n.using("nl"):
        assert _("no errors") == "geen fouten"
        assert ngettext("{count} error", "{count} errors", 1).format(count=1) == "1 fout"
        assert ngettext("{count} error", "{count} errors", 3).format(count=3) == "3 fouten"
        assert _("a message chansync does not have") == "a message chansync does not have"
    assert _("no errors") == "no errors"  # back in English after the block


@pytest.mark.parametrize(
    ("value", "decimals", "english", "dutch"),
    [
        (1234567, None, "1,234,567", "1.234.567"),
        (999, None, "999", "999"),
        (-1234, None, "-1,234", "-1.234"),
        (1234.5, 1, "1,234.5", "1.234,5"),
        (0.5, 2, "0.50", "0,50"),
        (2_500_000.0, 0, "2,500,000", "2.500.000"),
    ],
)
def test_numbers_in_text_follow_the_language(value: float, decimals: int | None, english: str, dutch: str) -> None:
    with i18n.using("en"):
        assert i18n.number(value, decimals) == english
        assert i18n.percent(0.125, 1) == "12.5%" and i18n.percent(0.5) == "50%"
    with i18n.using("nl"):
        assert i18n.number(value, decimals) == dutch
        assert i18n.percent(0.125, 1) == "12,5%" and i18n.percent(1) == "100%"


def test_fill_is_column_wise_and_keeps_the_translation_order() -> None:
    skus = pd.Series(['"A"', '"B"'], index=[4, 7])
    rows = pd.Series(["2, 5", "3, 9"], index=[4, 7])
    out = fill("{rows}: the SKU {sku} twice", sku=skus, rows=rows)
    assert out.tolist() == ['2, 5: the SKU "A" twice', '3, 9: the SKU "B" twice'] and list(out.index) == [4, 7]
    assert fill("{n} rows", n=3) == "3 rows"


@pytest.mark.parametrize(
    ("label", "article"),
    [
        ("availability", "an"),
        ("image URL", "an"),
        ("additional image URLs", "an"),
        ("GTIN", "a"),  # gee-tin
        ("SKU", "an"),  # ess-kay-you
        ("MPN", "an"),  # em-pee-en
        ("EAN", "an"),
        ("URL", "a"),  # you-ar-el
        ("unit", "a"),
        ("hour", "an"),
        ("price", "a"),
        ("description", "a"),
        ("European size", "a"),
        ("one-off", "a"),
        ("http", "an"),  # an upload type, said aitch-tee-tee-pee
        ("sftp", "an"),
        ("woocommerce_api", "a"),
        ("etsy_api", "an"),
        ("eBay (Seller Hub Reports)", "an"),
        ("Amazon All Listings report", "an"),
        ("CSV (mapped columns)", "a"),
    ],
)
def test_a_or_an_by_the_sound_of_the_label(label: str, article: str) -> None:
    assert an(label) == article


def test_field_names_in_sentences_in_both_languages() -> None:
    assert indefinite(Field.AVAILABILITY) == "an availability"
    assert indefinite(Field.GTIN) == "a GTIN"
    assert upper_first(definite(Field.GTIN)) == "The GTIN"
    with i18n.using("nl"):
        assert indefinite(Field.AVAILABILITY) == "een beschikbaarheid"
        assert definite(Field.PRICE) == "de prijs"
        assert definite(Field.BRAND) == "het merk" and definite(Field.WEIGHT) == "het gewicht"


def test_the_compiled_catalogue_equals_gnu_msgfmt() -> None:
    """Our msgfmt against GNU's: every message looks up the same (skipped where GNU gettext is not installed)."""
    gnu = shutil.which("msgfmt")
    if gnu is None:
        pytest.skip("GNU msgfmt is not installed")
    reference = subprocess.run([gnu, "--check-format", "-o", "-", str(PO)], capture_output=True, check=True).stdout
    ours = gettext.GNUTranslations(io.BytesIO(compile_mo(parse_po(PO.read_text(encoding="utf-8")))))
    theirs = gettext.GNUTranslations(io.BytesIO(reference))
    entries = [e for e in parse_po(PO.read_text(encoding="utf-8")) if e.msgid]
    for entry in entries:
        if entry.msgid_plural is None:
            assert ours.gettext(entry.msgid) == theirs.gettext(entry.msgid) == entry.msgstr[0]
        else:
            for n in (1, 2):
                assert ours.ngettext(entry.msgid, entry.msgid_plural, n) == theirs.ngettext(
                    entry.msgid, entry.msgid_plural, n
                )


def test_without_a_compiled_catalogue_the_po_is_compiled_at_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh checkout installed with ``pip install -e .`` has no .mo until the build hook ran: Dutch still works."""
    folder = tmp_path / "nl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(PO, folder / "chansync.po")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(i18n, "_loaded", {})
    assert not (folder / "chansync.mo").exists()
    assert i18n.translations("nl").gettext("no errors") == "geen fouten"


def test_the_build_hook_compiles_the_catalogue_into_the_wheel(tmp_path: Path) -> None:
    """The hatch hook writes the .mo and asks for it in the wheel (an editable install: beside the .po only)."""
    pytest.importorskip("hatchling")
    import importlib.util

    spec = importlib.util.spec_from_file_location("hatch_build", REPO / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = tmp_path / "project"
    shutil.copytree(REPO / "src" / "chansync" / "locale", root / "src" / "chansync" / "locale")
    shutil.copy(REPO / "src" / "chansync" / "msgfmt.py", root / "src" / "chansync" / "msgfmt.py")
    hook = module.CatalogueBuildHook(str(root), {}, None, None, str(tmp_path / "dist"), "wheel")
    build_data: dict[str, dict[str, str]] = {"force_include": {}}
    hook.initialize("standard", build_data)
    mo = root / "src" / "chansync" / "locale" / "nl" / "LC_MESSAGES" / "chansync.mo"
    assert build_data["force_include"] == {str(mo): "chansync/locale/nl/LC_MESSAGES/chansync.mo"}
    with mo.open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("no errors") == "geen fouten"


def test_status_reads_dutch_ja_and_nee_like_yes_and_no(master) -> None:  # type: ignore[no-untyped-def]
    """A Dutch sheet's yes/no: ja, nee, j, n, and WAAR/ONWAAR (a Dutch Excel's TRUE/FALSE typed as text)."""
    from chansync.catalog import read_master
    from chansync.validation import validate as run_validate

    config = master(
        "sku,title,price,status\n"
        "A,a,1,ja\nB,b,1,nee\nC,c,1,Ja\nD,d,1,NEE\nE,e,1,j\nF,f,1,n\nG,g,1,WAAR\nH,h,1,ONWAAR\nI,i,1,yes\nJ,j,1,no\n"
    )
    catalog = read_master(config)
    assert catalog.frame["status"].tolist() == ["active", "inactive"] * 5
    assert "status-invalid" not in set(run_validate(config).report.frame["code"])
