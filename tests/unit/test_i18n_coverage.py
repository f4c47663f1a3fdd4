"""No user-facing English left unwrapped in the CLI and the renderers (an AST scan), and a catalogue that is
complete and current: every wrapped message has its Dutch form, no entry is stale, the .pot matches the code."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from tools import messages

from chansync.msgfmt import parse_po
from tests.conftest import REPO

PACKAGE = REPO / "src" / "chansync"
#: The modules whose every user-facing string must go through gettext.
SCANNED = [PACKAGE / "cli.py", *sorted((PACKAGE / "render").glob("*.py"))]
WRAPPERS = {"_", "N_", "ngettext", "N_plural"}
#: Calls whose string arguments a person reads even when they are one word (table headings, titles, prompts).
SHOWN = {"print", "add_column", "confirm", "status", "add_task", "ChansyncError", "BadParameter", "Table", "echo"}
SHOWN_KEYWORDS = {"title", "description", "help", "message", "caption"}
#: Literals that read as words but are commands, not English: chansync's own command names, a pip line.
COMMAND = re.compile(r"^(chansync( [a-z]+)?:?\s*·?|pip install .*|(upper|lower|center) (left|right|center))$")
#: Literals that are codes, keys, file names or workflow commands: not English for a person.
CODE = re.compile(r"^[\w.-]+\.(yaml|xlsx|json|csv)$|^[a-z0-9_.:/-]*$|^::\w+ title=[\w -]*::$")
#: Rich styles ("bold red", "dim yellow") are words too, but not for a person to read.
STYLES = re.compile(r"^((bold|dim|italic|underline|not|on|red|green|yellow|blue|magenta|cyan|white|black)\s*)+$")
#: Rich markup, placeholders, code in backticks, options, HTML tags and attributes: not words a person reads.
MARKUP = re.compile(r"\[/?[a-z #0-9_.=-]*\]|\{[^{}]*\}|`[^`]*`|--?[a-z][a-z-]*|%\w|<[^<>]*>?|[a-z-]+=\"[^\"]*\"")


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _wrapped(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Inside ``_()``/``N_()``/``ngettext()`` (or passed to ``.format`` on one)."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in WRAPPERS:
            return True
    return False


def _docstrings(tree: ast.AST) -> set[ast.AST]:
    found: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(first.value)
    return found


def _shown(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(node)
    if isinstance(parent, ast.keyword):
        return parent.arg in SHOWN_KEYWORDS
    while isinstance(parent, ast.BinOp | ast.JoinedStr | ast.FormattedValue | ast.Tuple | ast.List):
        parent = parents.get(parent)
    if isinstance(parent, ast.Call):
        name = parent.func.attr if isinstance(parent.func, ast.Attribute) else getattr(parent.func, "id", "")
        return name in SHOWN
    return False


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{2,}", MARKUP.sub(" ", text))


def unwrapped(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    parents = _parents(tree)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node in docs or isinstance(parents.get(node), ast.JoinedStr):
                continue
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        else:
            continue
        if "# not shown" in lines[node.lineno - 1]:  # a key or a code that reads like words, said so in the code
            continue
        bare = MARKUP.sub(" ", text).strip()
        css = text.count(";") > 3 and "{" in text
        if _wrapped(node, parents) or css or not _words(text) or STYLES.match(bare) or COMMAND.search(bare):
            continue
        prose = re.search(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}", bare) and not CODE.search(bare)
        if prose or _shown(node, parents):  # a heading or a prompt is read even when it is one word
            found.append(f"{path.name}:{node.lineno}: {text!r}")
    return found


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: p.name)
def test_every_user_facing_string_is_wrapped(path: Path) -> None:
    assert unwrapped(path) == []


def test_the_scan_finds_an_unwrapped_message(tmp_path: Path) -> None:
    """The scan itself is checked: plain prose, a one-word heading and an f-string are found; wrapped ones are not."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(console, table, n):\n"
        '    """A docstring is not a message."""\n'
        '    console.print("nothing was changed")\n'
        '    table.add_column("where")\n'
        '    console.print(f"{n} rows written")\n'
        '    console.print(_("nothing was changed"))\n'
        '    console.print(_("{n} rows").format(n=n))\n'
        '    data = {"schema": "chansync.log/1", "key": "value"}\n',
        encoding="utf-8",
    )
    found = [line.split(": ", 1)[1] for line in unwrapped(sample)]
    assert sorted(found) == sorted(["'nothing was changed'", "'where'", "' rows written'"])


def test_the_catalogue_is_complete_and_current(capsys: pytest.CaptureFixture[str]) -> None:
    """Fails on a wrapped English message without its Dutch form, on a stale entry and on an outdated .pot: run
    ``python tools/messages.py`` and translate what it lists."""
    status = messages.main(["--check"])
    assert status == 0, capsys.readouterr().err


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_translations_keep_every_placeholder_and_plural() -> None:
    po = PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "chansync.po"
    entries = [e for e in parse_po(po.read_text(encoding="utf-8"), str(po)) if e.msgid]
    assert len(entries) > 250
    for entry in entries:
        if entry.msgid.startswith("[default: {}]") or "{}" in entry.msgid:
            assert all("{}" in s for s in entry.msgstr), entry.msgid
            continue
        assert all(_fields(s) == _fields(entry.msgid) for s in entry.msgstr), entry.msgid
        if entry.msgid_plural is not None:
            assert len(entry.msgstr) == 2 and _fields(entry.msgid_plural) == _fields(entry.msgid)
        assert all(s.count("[") == s.count("]") for s in entry.msgstr), entry.msgid  # rich markup stays balanced


def test_the_stale_and_missing_checks_fire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalogue test is not vacuous: a message without a translation and an entry the code lost both fail."""
    catalogue = tmp_path / "locale"
    po = catalogue / "nl" / "LC_MESSAGES" / "chansync.po"
    po.parent.mkdir(parents=True)
    extracted, _ = messages.extract()
    first, second = list(extracted)[:2]
    text = messages.render({first: extracted[first]}, "nl")  # no translation for it
    text += '\nmsgid "an entry the code no longer has"\nmsgstr "een verouderde regel"\n'
    po.write_text(text, encoding="utf-8")
    monkeypatch.setattr(messages, "LOCALE", catalogue)
    monkeypatch.setattr(messages, "POT", catalogue / "chansync.pot")
    assert messages.main(["--check"]) == 1
    assert messages.main([]) == 0  # writes the .pot and merges: the stale entry goes, the new ones are empty
    merged = {e.msgid: e for e in parse_po(po.read_text(encoding="utf-8")) if e.msgid}
    assert "an entry the code no longer has" not in merged and not merged[second].translated
