"""No user-facing English left unwrapped anywhere in the package (an AST scan of every module), and a catalogue that
is complete and current: every wrapped message has its Dutch form, no entry is stale, the .pot matches the code."""

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
#: Modules not scanned, and why. Everything else in the package must send its user-facing strings through gettext.
NOT_SCANNED = {
    # The catalogue compiler's own errors are for a translator editing a .po file at build time, not a seller.
    "msgfmt.py",
    # Its literals are click's own English sentences, matched so that a Dutch run can reword them through _().
    "cli_click.py",
}
#: The modules whose every user-facing string must go through gettext.
SCANNED = [path for path in sorted(PACKAGE.rglob("*.py")) if path.relative_to(PACKAGE).as_posix() not in NOT_SCANNED]
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
#: SQL for the sync state and GraphQL for Shopify: words, but a query, not English for a person.
QUERY = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA|BEGIN)\b|\bAND \w+ = \?|^\s*(query|mutation)\b|^\s*\{|\}\s*\}\s*$"
)
#: Calls whose string arguments are not shown as they are: an issue code's summary (``define(code, severity,
#: summary)``; tools/messages.py extracts it and the renderers show it through ``_()``).
EXTRACTED = {"define"}
#: pydantic's ``Field(description=...)``: the help text of `chansync config schema` (the JSON schema stays English,
#: docs/languages.md).
SCHEMA_FIELDS = {"Field", "PydField"}
#: String methods whose arguments are pieces of text matched, not shown.
MATCHING = {"removeprefix", "removesuffix", "startswith", "endswith", "split", "partition", "replace"}
#: Keys of the JSON schema chansync writes (``schema["title"] = ...``): its text stays English like its help texts.
SCHEMA_KEYS = {"title", "description"}
#: Marks on a line for a literal that reads like words but is not a message: a key or a code (``# not shown``), or a
#: word from the channel's own vocabulary filled into a sentence (Amazon's "processing report"), which
#: docs/languages.md keeps English.
MARKS = ("# not shown", "# the channel's word")
#: A name for a module-level constant (``COLUMNS``, ``_ROWS``): its lists and dicts are a channel file's column names
#: and values, or sample data; a multi-line string is a file template (the starter channels.yaml). A message kept in
#: a constant is marked with ``N_()`` and found like any other.
CONSTANT = re.compile(r"^_?[A-Z][A-Z0-9_]*$")


def _not_a_message(node: ast.AST, text: str, parents: dict[ast.AST, ast.AST]) -> bool:
    """Literals that read like English but are not messages: see the constants above."""
    if QUERY.search(text):
        return True
    parent = parents.get(node)
    if isinstance(parent, ast.Subscript | ast.Compare):  # a column or key looked up, a code compared
        return True
    if isinstance(parent, ast.Dict) and node in parent.keys:  # a column name or a key
        return True
    if isinstance(parent, ast.Call) and getattr(parent.func, "id", "") in EXTRACTED:
        return True
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and parent.func.attr in MATCHING:
        return True
    if isinstance(parent, ast.Assign | ast.AugAssign):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        for target in targets:
            key = target.slice if isinstance(target, ast.Subscript) else None
            if isinstance(key, ast.Constant) and key.value in SCHEMA_KEYS:
                return True
    if isinstance(parent, ast.keyword):
        call = parents.get(parent)
        name = call.func.attr if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) else ""
        name = name or (getattr(call.func, "id", "") if isinstance(call, ast.Call) else "")
        if parent.arg == "description" and name in SCHEMA_FIELDS:
            return True
        if parent.arg == "title" and name.startswith("read_"):  # an export's title ("Shopify product")
            return True
    contained = False
    while node in parents:
        node = parents[node]
        contained = contained or isinstance(node, ast.Dict | ast.List | ast.Tuple | ast.Set)
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            scope = parents.get(node)
            if isinstance(scope, ast.ClassDef) and names == ["title"]:  # the adapter's title, a name
                return True
            if isinstance(scope, ast.ClassDef) and contained:  # an adapter's table of a channel's words
                return True
            if isinstance(scope, ast.Module) and names and all(CONSTANT.match(n) for n in names):
                return contained or "\n" in text
            return False
        if isinstance(node, ast.stmt):
            return False
    return False


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
        if any(mark in lines[node.lineno - 1] for mark in MARKS):  # not a message, said so in the code
            continue
        bare = MARKUP.sub(" ", text).strip()
        css = text.count(";") > 3 and "{" in text
        if _wrapped(node, parents) or css or not _words(text) or STYLES.match(bare) or COMMAND.search(bare):
            continue
        if _not_a_message(node, text, parents):
            continue
        prose = re.search(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}", bare) and not CODE.search(bare)
        if prose or _shown(node, parents):  # a heading or a prompt is read even when it is one word
            found.append(f"{path.name}:{node.lineno}: {text!r}")
    return found


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: p.relative_to(PACKAGE).as_posix())
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


def test_the_scan_finds_bare_reasons_and_errors_but_not_formats(tmp_path: Path) -> None:
    """Outside the CLI: an error raised, a reason returned or stored, a hint; not an issue summary, a schema help
    text, SQL, GraphQL, a channel file's column names or a line marked as not shown."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "COLUMNS = {'sku': 'Variant SKU', 'price': 'Variant Compare At Price'}\n"
        "HEADERS = ['Buy It Now price', 'Custom label (SKU)']\n"
        "REASON = N_('the product is not on the channel')\n"
        "CODE = define('sku-too-long', Severity.ERROR, 'A SKU is longer than the channel takes.')\n"
        "class Settings(BaseModel):\n"
        "    location: str = PydField(description='The location whose stock chansync sets.')\n"
        "class Adapter:\n"
        "    title = 'Seller Hub active listings'\n"
        "def apply(failed, key, sku, store, frame):\n"
        "    store.execute('SELECT snapshot FROM bases WHERE channel = ?')\n"
        "    query = 'query chansyncLocations { locations(first: 250) { nodes { id name } } }'\n"
        "    frame['Variant SKU'] = sku\n"
        "    failed[key] = 'no variant with this SKU on the channel'\n"
        "    failed[key] = _(REASON)\n"
        "    word = 'processing report'  # the channel's word\n"
        "    if not sku:\n"
        "        raise ChansyncError(f'the key file {sku} does not exist', hint='download a new key')\n"
        "    return 'nothing sold since the last count'\n",
        encoding="utf-8",
    )
    found = [line.split(": ", 1)[1] for line in unwrapped(sample)]
    assert sorted(found) == sorted(
        [
            "'no variant with this SKU on the channel'",
            "'the key file  does not exist'",
            "'download a new key'",
            "'nothing sold since the last count'",
        ]
    )


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
