"""Messages in the seller's language: Dutch when the locale or ``--lang`` says so, English otherwise.

Standard gettext: the English text is the message id, wrapped in :func:`_` (or :func:`ngettext` for counts) where it
is shown and in :func:`N_` where it is defined before a language is known (issue summaries, help texts). The Dutch
catalogue is ``locale/nl/LC_MESSAGES/chansync.po``; the build compiles it to ``chansync.mo`` (``hatch_build.py``) and a
checkout without the ``.mo`` (an editable install) compiles it in memory on first use. ``tools/messages.py`` keeps
``locale/chansync.pot`` and the catalogue in step with the code; a test fails on a message without its Dutch form.

Placeholders are named (``_("{count} rows").format(count=n)``) so a translation may put them in its own order.
Machine output never goes through here: issue codes, JSON keys and exit codes are the same in every language.

The language is chosen once per command by the CLI (:func:`use`); the library starts in English and never reads the
environment on import.
"""

from __future__ import annotations

import contextlib
import gettext
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

DOMAIN = "chansync"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: The languages chansync speaks; the first is the language of the message ids.
LANGUAGES = ("en", "nl")
DEFAULT = "en"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT
_loaded: dict[str, gettext.NullTranslations] = {}


def normalise(value: str | None) -> str | None:
    """``nl_NL.UTF-8``, ``nl-BE``, ``nl_BE@euro``, ``NL`` → ``nl``; a locale chansync does not speak → ``None``;
    ``C``/``POSIX`` → ``en``."""
    if not value:
        return None
    code = value.split(".", 1)[0].split("@", 1)[0].replace("-", "_").split("_", 1)[0].strip().lower()
    if code in ("c", "posix"):
        return DEFAULT
    return code if code in LANGUAGES else None


def choose(option: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language for this run: ``--lang`` first; then the locale as gettext reads it (``LANGUAGE``'s list unless
    the locale is C, then the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set); English otherwise."""
    if option:
        chosen = normalise(option)
        if chosen is None:
            raise ValueError(option)
        return chosen
    env = environ if environ is not None else {}
    locale = next((env[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)), "")
    if env.get("LANGUAGE") and locale.split(".", 1)[0] not in ("", "C", "POSIX"):  # GNU: C ignores LANGUAGE
        for item in env["LANGUAGE"].split(":"):
            chosen = normalise(item)
            if chosen is not None:
                return chosen
    return normalise(locale) or DEFAULT


def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language``: the compiled ``.mo`` when it is as new as its ``.po``, else the ``.po``
    compiled in memory (a fresh checkout installed with ``pip install -e .``)."""
    if language == DEFAULT:
        return gettext.NullTranslations()
    if language in _loaded:
        return _loaded[language]
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    found: gettext.NullTranslations
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            found = gettext.GNUTranslations(handle)
    elif po.exists():
        import io

        from .msgfmt import compile_mo, parse_po

        found = gettext.GNUTranslations(io.BytesIO(compile_mo(parse_po(po.read_text(encoding="utf-8"), str(po)))))
    else:  # pragma: no cover - a broken install; English is better than a crash
        found = gettext.NullTranslations()
    _loaded[language] = found
    return found


def use(language: str) -> None:
    """Speak ``language`` (one of :data:`LANGUAGES`) from now on."""
    global _translations, _language
    _translations = translations(language)
    _language = language


def language() -> str:
    return _language


@contextlib.contextmanager
def using(language: str) -> Iterator[None]:
    """Speak ``language`` inside the block (tests, and a CLI command run in-process)."""
    before = _language
    use(language)
    try:
        yield
    finally:
        use(before)


def _(message: str) -> str:
    """``message`` in the current language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the current language."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is defined; translate it with :func:`_` where it is shown."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular and plural pair where it is defined; show it with ``ngettext(*pair, n)``."""
    return singular, plural


#: The marks of numbers in text per language, as a swap of English's: Dutch groups with a dot and writes a decimal
#: comma (1.234.567,5). A language not listed writes English's (1,234,567.5).
_NUMBER_MARKS = {"nl": str.maketrans({",": ".", ".": ","})}


def number(value: float, decimals: int | None = None) -> str:
    """``value`` for a person to read in the current language: thousands grouped and the language's decimal mark
    (English ``1,234,567`` and ``1,234.5``; Dutch ``1.234.567`` and ``1.234,5``). ``decimals`` fixes the places
    after the mark; without it an integer has none and a float keeps Python's shortest form.

    Only for text: JSON, JUnit, the CI formats' codes, feeds and CSV/xlsx cells keep their own notation."""
    text = f"{value:,}" if decimals is None else f"{value:,.{decimals}f}"
    marks = _NUMBER_MARKS.get(_language)
    return text.translate(marks) if marks else text


def percent(share: float, decimals: int = 0) -> str:
    """``share`` (0.125) as a percentage in the current language: English ``12.5%``, Dutch ``12,5%``."""
    text = f"{share * 100:,.{decimals}f}%"
    marks = _NUMBER_MARKS.get(_language)
    return text.translate(marks) if marks else text


def decimal_text(values: Any) -> Any:
    """Plain decimal numbers written as text (``"12.50"`` from a price column, no grouping) in the current
    language's notation for a sentence (Dutch ``"12,50"``), column-wise: one Arrow pass, no loop per row."""
    if _language not in _NUMBER_MARKS:
        return values
    if isinstance(values, str):
        return values.replace(".", ",")
    from .columns import replace

    return replace(values, r"\.", ",")


def fill(template: str, **values: Any) -> Any:
    """``template`` with ``{name}`` placeholders filled from strings or whole pandas Series (vectorised: one
    concatenation per placeholder, no Python loop per row). Returns a Series when any value is one."""
    import string

    import pandas as pd

    parts = list(string.Formatter().parse(template))
    if not any(isinstance(v, pd.Series) for v in values.values()):
        return template.format(**values)
    result: Any = ""
    for literal, name, spec, _conversion in parts:
        if literal:
            result = result + literal
        if name is not None:
            value = values[name]
            if not isinstance(value, pd.Series):
                value = format(value, spec or "")
            result = result + value
    return result
