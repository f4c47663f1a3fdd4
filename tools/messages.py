"""Keep the gettext catalogues in step with the code.

    python tools/messages.py          # rewrite src/chansync/locale/chansync.pot and merge it into every .po
    python tools/messages.py --check  # exit 1 when the .pot or a .po is out of date, or a translation is missing

Every string literal passed to ``_()``, ``N_()``, ``ngettext()`` or ``N_plural()`` in ``src/chansync`` is a message,
and so are an issue code's summary (``define(code, severity, summary)``) and the docstring of each CLI command
(its help). The merge keeps each translation, adds new messages with an empty ``msgstr`` (to be written) and drops
messages the code no longer has. References name the file only, so moving a line does not touch the catalogue. No
babel or GNU gettext needed.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "chansync"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "chansync.pot"
FUNCTIONS = {"_": 1, "N_": 1, "ngettext": 2, "N_plural": 2}
PLURAL_FORMS = {"nl": "nplurals=2; plural=(n != 1);"}
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)[^{}]*\}")

sys.path.insert(0, str(PACKAGE.parent))
from chansync.msgfmt import Entry, parse_po  # noqa: E402


@dataclass
class Message:
    msgid: str
    plural: str | None = None
    files: list[str] = field(default_factory=list)


@dataclass
class Problem:
    file: str
    line: int
    text: str


def extract(package: Path = PACKAGE) -> tuple[dict[str, Message], list[Problem]]:
    """The messages of every module, in order of first appearance, and the calls that pass no literal."""
    messages: dict[str, Message] = {}
    problems: list[Problem] = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), relative)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and _is_command(node):
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    messages.setdefault(doc, Message(doc)).files.append(relative)
                continue
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "define":
                summary = node.args[2] if len(node.args) > 2 else None
                if isinstance(summary, ast.Constant) and isinstance(summary.value, str):
                    message = messages.setdefault(summary.value, Message(summary.value))
                    if relative not in message.files:
                        message.files.append(relative)
                elif summary is not None:  # an f-string: no catalogue can hold it, so it would stay English
                    problems.append(Problem(relative, node.lineno, "an issue summary must be a plain string literal"))
                continue
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
                continue
            wanted = FUNCTIONS[node.func.id]
            literals = [a.value for a in node.args[:wanted] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if len(literals) != wanted:  # _(variable): the value was marked with N_() where it is defined
                continue
            msgid, plural = literals[0], (literals[1] if wanted == 2 else None)
            message = messages.setdefault(msgid, Message(msgid, plural))
            if plural and message.plural != plural:
                problems.append(Problem(relative, node.lineno, f"two plurals for {msgid!r}"))
            if relative not in message.files:
                message.files.append(relative)
    return messages, problems


def _is_command(node: ast.FunctionDef) -> bool:
    """A Typer command or callback: decorated with ``something.command(...)`` or ``something.callback(...)``."""
    for decorator in node.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute) and call.attr in ("command", "callback"):
            return True
    return False


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    lines = escaped.split("\n")
    pieces = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if len(pieces) <= 1 and len(escaped) < 70:
        return f'"{pieces[0] if pieces else ""}"'
    return '""\n' + "\n".join(f'"{p}"' for p in pieces)


def _entry(message: Message, translation: list[str]) -> str:
    lines = [f"#: {' '.join(message.files)}"]
    if PLACEHOLDER.search(message.msgid):
        lines.append("#, python-brace-format")
    lines.append(f"msgid {_quote(message.msgid)}")
    if message.plural is not None:
        lines.append(f"msgid_plural {_quote(message.plural)}")
        forms = translation if len(translation) == 2 else ["", ""]
        lines += [f"msgstr[{i}] {_quote(t)}" for i, t in enumerate(forms)]
    else:
        lines.append(f"msgstr {_quote(translation[0] if translation else '')}")
    return "\n".join(lines) + "\n"


def _header(language: str | None) -> str:
    fields = [
        "Project-Id-Version: chansync",
        f"Language: {language or ''}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    if language in PLURAL_FORMS:
        fields.append(f"Plural-Forms: {PLURAL_FORMS[language]}")
    comment = "# chansync's messages" + (f" in {language}" if language else " (template)") + ".\n"
    return comment + 'msgid ""\nmsgstr ""\n' + "".join(f'"{f}\\n"\n' for f in fields)


def render(messages: dict[str, Message], language: str | None, old: dict[str, Entry] | None = None) -> str:
    """The .pot (``language`` None) or a language's .po with the translations kept from ``old``."""
    parts = [_header(language)]
    for message in messages.values():
        kept = old.get(message.msgid) if old else None
        parts.append(_entry(message, kept.msgstr if kept is not None and language else [""]))
    return "\n".join(parts)


def _shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def catalogues() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/chansync.po"))


def main(argv: list[str]) -> int:
    check = "--check" in argv
    messages, problems = extract()
    stale: list[str] = []
    for problem in problems:
        print(f"{problem.file}:{problem.line}: {problem.text}", file=sys.stderr)
    wanted = {POT: render(messages, None)}
    for po in catalogues():
        language = po.parent.parent.name
        old = {e.msgid: e for e in parse_po(po.read_text(encoding="utf-8"), str(po)) if e.msgid}
        wanted[po] = render(messages, language, old)
        missing = [m for m in messages if m not in old or not old[m].translated]
        stale += [f"{_shown(po)}: no longer in the code: {m!r}" for m in old if m not in messages]
        stale += [f"{_shown(po)}: no translation yet: {m!r}" for m in missing]
    if check:
        for path, text in wanted.items():
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(f"{_shown(path)} is out of date: run python tools/messages.py")
        for line in stale:
            print(line, file=sys.stderr)
        return 1 if stale or problems else 0
    for path, text in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for line in stale:
        print(line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
