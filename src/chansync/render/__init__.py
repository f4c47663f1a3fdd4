"""Renderers: reports and plans as rich text, JSON, JUnit XML and GitHub annotations. Each takes what to show and
where to write it; none reads files or the environment."""

from __future__ import annotations

from rich.markup import escape

from ..i18n import N_, _

#: C0 and C1 control characters (and DEL) as ``\x1b``-style text: a product title holding ``ESC [2J`` must not
#: clear the user's terminal, nor a BEL ring it.
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(32), *range(127, 160))}
_CONTROL_KEEP_LINES = {c: t for c, t in _CONTROL.items() if c not in (9, 10)}


#: The most characters of one value a terminal line shows (a 1 MB SKU is cut, not printed).
SHOWN_CHARS = 1000


def safe(value: object, *, lines: bool = False, limit: int | None = SHOWN_CHARS) -> str:
    """Text from a file or a third party, ready for a rich console: control characters shown escaped, rich markup
    (``[bold]``, ``[/]``) escaped so it prints as written, at most ``limit`` characters. ``lines`` keeps line
    breaks and tabs (messages)."""
    text = str(value)
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    return escape(text.translate(_CONTROL_KEEP_LINES if lines else _CONTROL))


#: How an outcome or status code reads in a table or a line (the JSON keeps the code itself).
WORDS = {
    "create": N_("create"),
    "update": N_("update"),
    "delist": N_("delist"),
    "skipped": N_("skipped"),
    "unchanged": N_("unchanged"),
    "unmanaged": N_("unmanaged"),
    "done": N_("done"),
    "dry-run": N_("dry run"),
    "dry_run": N_("dry run"),
    "refused": N_("refused"),
    "failed": N_("failed"),
    "ok": N_("ok"),
    "error": N_("error"),
    "warning": N_("warning"),
}


def word(code: object) -> str:
    """An outcome or status code as a word in the current language (an unknown code as it is)."""
    text = str(code)
    return _(WORDS[text]) if text in WORDS else text
