"""click's own usage lines (Usage:, No such option, Invalid value for and the description of the bad value, an option
without its value or with one it does not take, No such command, extra arguments, Missing …) in Dutch with ``--lang
nl``, and exactly click's (and Typer's) English without; exit code 2 in both."""

from __future__ import annotations

from pathlib import Path

import pytest

from chansync import i18n
from chansync.cli_click import install
from tests.e2e.test_cli import no_traceback, run

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}

# (the arguments after --lang, the English lines, the Dutch lines)
CASES = [
    (
        ("validate", "--bogus"),
        ["Usage: chansync validate [OPTIONS]", "No such option: --bogus (Possible options: --verbose)"],
        ["Gebruik: chansync validate [OPTIONS]", "Onbekende optie: --bogus (mogelijke opties: --verbose)"],
    ),
    (
        ("diff", "--format", "nope"),
        ["Invalid value for '--format' / '-f': Value error, 'nope' is not one of 'text', 'json', 'xlsx'."],
        ["Ongeldige waarde voor '--format' / '-f': kies een van 'text', 'json' of 'xlsx', maar er staat 'nope'"],
    ),
    (
        ("diff", "--limit", "abc"),
        ["Invalid value for '--limit': Input should be a valid integer, unable to parse string as an integer"],
        ["Ongeldige waarde voor '--limit': hier hoort een geheel getal, maar er staat 'abc'"],
    ),
    (
        ("diff", "--limit", "0"),
        ["Invalid value for '--limit': Input should be greater than or equal to 1"],
        ["Ongeldige waarde voor '--limit': moet minstens 1 zijn, maar er staat '0'"],
    ),
    (("diff", "--limit"), ["Option '--limit' requires an argument."], ["Optie '--limit' heeft een waarde nodig."]),
    (("diff", "--quiet=yes"), ["Option '--quiet' does not take a value."], ["Bij optie '--quiet' hoort geen waarde."]),
    (("bogus",), ["No such command 'bogus'."], ["Onbekende opdracht 'bogus'."]),
    (("validate", "a", "b"), ["Got unexpected extra argument(s) (a b)"], ["Onverwachte extra argumenten (a b)"]),
]


@pytest.mark.parametrize(("args", "english", "dutch"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_clicks_usage_errors_in_both_languages(
    tmp_path: Path, args: tuple[str, ...], english: list[str], dutch: list[str]
) -> None:
    en = run("--lang", "en", *args, cwd=tmp_path, env=ENGLISH)
    nl = run("--lang", "nl", *args, cwd=tmp_path, env=ENGLISH)
    no_traceback(en)
    no_traceback(nl)
    assert en.returncode == nl.returncode == 2
    en_text, nl_text = " ".join(en.stderr.split()), " ".join(nl.stderr.split())
    for line in english:
        assert line in en_text, en_text
    for line in dutch:
        assert line in nl_text, nl_text
    assert "Usage:" not in nl_text and "Gebruik:" not in en_text
    # click adds the help hint where it knows the command (not for an option the parser refused): alike in both
    assert ("Try 'chansync" in en_text) == ("Probeer 'chansync" in nl_text)
    assert "Try 'chansync" not in nl_text


def test_the_usage_line_of_the_help_in_both_languages(tmp_path: Path) -> None:
    en = run("--lang", "en", "config", "--help", cwd=tmp_path, env=ENGLISH)
    nl = run("--lang", "nl", "config", "--help", cwd=tmp_path, env=ENGLISH)
    assert "Usage: chansync config [OPTIONS] COMMAND [ARGS]..." in en.stdout
    assert "Gebruik: chansync config [OPTIONS] COMMAND [ARGS]..." in nl.stdout and "Usage:" not in nl.stdout
    assert "Show this message and exit." in en.stdout and "Show this message and exit." not in nl.stdout


def test_a_missing_argument_or_option_in_both_languages() -> None:
    from typer._click.exceptions import MissingParameter

    install()
    said = {}
    for language in ("en", "nl"):
        with i18n.using(language):
            said[language] = (
                MissingParameter(param_hint="'FILE'", param_type="argument").format_message(),
                MissingParameter(param_hint=["--config", "-c"], param_type="option").format_message(),
            )
    assert said["en"] == ("Missing argument 'FILE'.", "Missing option '--config' / '-c'.")
    assert said["nl"] == ("Argument 'FILE' ontbreekt.", "Optie '--config' / '-c' ontbreekt.")


DUTCH = {**ENGLISH, "LANG": "nl_NL.UTF-8"}


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (("--lang", "nl", "--bogus"), ENGLISH, "Onbekende optie: --bogus"),
        (("--bogus", "--lang=nl"), ENGLISH, "Onbekende optie: --bogus"),
        (("--debug=yes", "--lang", "nl"), ENGLISH, "Bij optie '--debug' hoort geen waarde."),
        (("--bogus",), DUTCH, "Onbekende optie: --bogus"),
        (("--lang", "fr"), DUTCH, "Ongeldige waarde voor --lang: fr is geen taal die chansync spreekt: en, nl"),
        (("--lang", "en", "--bogus"), DUTCH, "No such option: --bogus"),
        (("--bogus",), ENGLISH, "No such option: --bogus"),
    ],
)
def test_an_error_in_the_global_options_is_in_the_runs_language(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], said: str
) -> None:
    """The language is read from the arguments (``--lang X``, ``--lang=X``) and the locale before click parses the
    global options, so an error there, before any command, is in that language too."""
    result = run(*args, cwd=tmp_path, env=env)
    no_traceback(result)
    text = " ".join(result.stderr.split())
    assert result.returncode == 2 and said in text, text
    dutch = "--lang en" not in " ".join(args) and (env is DUTCH or "nl" in " ".join(args))
    assert ("Fout" in text) is dutch and ("Error" in text) is not dutch  # the panel's title too


def test_the_language_is_read_from_the_options_before_the_command_only() -> None:
    from chansync.cli import _language_of

    assert _language_of(["--lang", "nl", "validate"]) == "nl"
    assert _language_of(["--debug", "--lang=nl"]) == "nl"
    assert _language_of(["validate", "--lang", "nl"]) == "en"  # a command's value is not the run's language
    assert _language_of(["--lang"]) == _language_of(["--lang", "fr"]) == "en"  # click says what is wrong
