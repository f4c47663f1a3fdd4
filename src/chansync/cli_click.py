"""click's own usage lines in chansync's language.

Typer carries its own copy of click (``typer._click``). Typer's part (``typer.core``, ``typer.rich_utils``) marks its
words with the standard library's ``gettext`` (domain ``messages``, which no catalogue of ours fills); the copied
click writes its sentences as plain f-strings ("Usage: ", "No such option: …", "Missing argument …", "Invalid value
for …"). :func:`install` puts chansync's catalogue behind both: ``typer.core``'s ``_`` looks the message up in
chansync's language, and the few click methods that build a usage line or an error sentence give the Dutch form when
chansync speaks Dutch. Every replacement calls the original when the language is English, so an English run prints
exactly what it printed before.

The description of a bad value after "Ongeldige waarde voor …:" is Dutch too: Typer checks a value with pydantic
(``typer._coercion``), so :func:`bad_value` reads the pydantic error behind the exception (its type, bound and input)
and words it as chansync's config errors do ("kies een van 'text', 'json' of 'xlsx', maar er staat 'nope'", "hier
hoort een geheel getal, maar er staat 'abc'", "moet minstens 1 zijn, maar er staat '0'"); the parser's "Option '--x'
requires an argument." and "does not take a value." are matched by their English text. The value a user typed,
option names (``--format``) and the choices stay as they are; a description chansync does not know stays English.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import re
from collections.abc import Callable
from typing import Any

from . import i18n
from .i18n import N_, _, ngettext

#: typer.core's own messages (marked there with the standard gettext), here so tools/messages.py extracts them.
TYPER_MESSAGES = (
    N_("No such command {name!r}."),
    N_("Missing command."),
    N_("Aborted!"),
    N_("required"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("(dynamic)"),
)
_EXTRA = re.compile(r"^Got unexpected extra argument\(s\) \((?P<args>.*)\)$", re.S)
#: typer's own sentence for a value that is not one of an enum's choices (``typer._param_types``).
_NOT_ONE_OF = re.compile(r"^(?P<value>.*) is not one of (?P<choices>.*)\.$", re.S)
_NEEDS_VALUE = re.compile(r"^Option (?P<name>'[^']*') requires (?:an argument|(?P<count>\d+) arguments)\.$")
_NO_VALUE = re.compile(r"^Option (?P<name>'[^']*') does not take a value\.$")
_installed = False


def _dutch() -> bool:
    return i18n.language() != i18n.DEFAULT


def _typer_gettext(message: str) -> str:
    return _(message) if _dutch() else stdlib_gettext.gettext(message)


def _choices(text: str) -> str:
    """typer's ``'a', 'b', 'c'`` as a list a sentence reads: ``'a', 'b' or 'c'`` (Dutch ``'a', 'b' of 'c'``)."""
    first, comma, last = text.rpartition(", ")
    return _("{first} or {last}").format(first=first, last=last) if comma else text


def bad_value(error: Any) -> str:
    """The description of a bad value in the current language: from the pydantic error that typer's check raised
    (``error.__cause__``), or from typer's own sentence; ``error.message`` when chansync does not know it."""
    from pydantic import ValidationError

    from .config import _BOUNDS, _EXPECTED, _LENGTHS, _pydantic_message, _with_got

    cause = error.__cause__
    if isinstance(cause, ValidationError) and cause.errors():
        first = cause.errors()[0]
        kind, got = first["type"], repr(first.get("input"))
        inner = str((first.get("ctx") or {}).get("error", ""))
        choice = _NOT_ONE_OF.match(inner) if kind == "value_error" else None
        if choice:
            expected = _("expected one of {options}").format(options=_choices(choice["choices"]))
            return _with_got(expected, choice["value"])
        if kind in _EXPECTED:
            return _with_got(_(_EXPECTED[kind]), got)
        if kind in _BOUNDS or kind in _LENGTHS:
            return _with_got(_pydantic_message(first), got)
        return str(error.message)
    choice = _NOT_ONE_OF.match(str(error.message))
    if choice:
        expected = _("expected one of {options}").format(options=_choices(choice["choices"]))
        return _with_got(expected, choice["value"])
    return str(error.message)


def install() -> None:
    """Put chansync's language behind click's and typer's usage lines (once; English passes through)."""
    global _installed
    if _installed:
        return
    _installed = True
    import typer.core
    from typer._click import exceptions, formatting

    typer.core._ = _typer_gettext

    write_usage = formatting.HelpFormatter.write_usage

    def usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None and _dutch():
            prefix = _("Usage: ")
        write_usage(self, prog, args, prefix)

    formatting.HelpFormatter.write_usage = usage  # type: ignore[method-assign]

    def wrap(cls: Any, dutch: Callable[[Any], str]) -> None:
        original = cls.format_message

        def format_message(self: Any) -> str:
            return dutch(self) if _dutch() else str(original(self))

        cls.format_message = format_message

    def bad_parameter(self: Any) -> str:
        hint = self.param_hint if self.param_hint is not None else None
        if hint is None and self.param is not None:
            hint = self.param.get_error_hint()
        if hint is None:
            return _("Invalid value: {message}").format(message=bad_value(self))
        return _("Invalid value for {name}: {message}").format(
            name=exceptions._join_param_hints(hint), message=bad_value(self)
        )

    english_missing = exceptions.MissingParameter.format_message

    def missing(self: Any) -> str:
        english = str(english_missing(self))
        match = re.match(r"^Missing (?P<kind>\S+)(?P<name> .*?)?\.(?: (?P<more>.*))?$", english, re.S)
        sentences = {
            "argument": N_("Missing argument{name}."),
            "option": N_("Missing option{name}."),
            "parameter": N_("Missing parameter{name}."),
        }
        if not match or match["kind"] not in sentences:
            return english
        text = _(sentences[match["kind"]]).format(name=match["name"] or "")
        return f"{text} {match['more']}" if match["more"] else text

    def no_such_option(self: Any) -> str:
        prefix = "No such option: "
        message = (
            _("No such option: {name}").format(name=self.message[len(prefix) :])
            if self.message.startswith(prefix)
            else self.message
        )
        if not self.possibilities:
            return str(message)
        return _("{message} (possible options: {options})").format(
            message=message, options=", ".join(sorted(self.possibilities))
        )

    def usage_error(self: Any) -> str:
        message = str(self.message)
        match = _EXTRA.match(message)
        if match:
            return _("Got unexpected extra arguments ({args})").format(args=match["args"])
        match = _NEEDS_VALUE.match(message)
        if match and match["count"]:
            count = int(match["count"])
            return ngettext(
                "Option {name} requires {count} argument.", "Option {name} requires {count} arguments.", count
            ).format(name=match["name"], count=count)
        if match:
            return _("Option {name} requires a value.").format(name=match["name"])
        match = _NO_VALUE.match(message)
        if match:
            return _("Option {name} does not take a value.").format(name=match["name"])
        return message

    wrap(exceptions.MissingParameter, missing)
    wrap(exceptions.BadParameter, bad_parameter)
    wrap(exceptions.NoSuchOption, no_such_option)
    wrap(exceptions.ClickException, usage_error)
