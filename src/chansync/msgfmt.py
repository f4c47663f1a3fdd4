"""Read gettext ``.po`` catalogues and compile them to ``.mo``: a small, dependency-free ``msgfmt``.

The build hook (``hatch_build.py``) compiles every catalogue into the wheel with it, and :mod:`chansync.i18n`
compiles a catalogue in memory when no ``.mo`` sits beside it (an editable install of a fresh checkout). Only what
chansync's catalogues use is understood: ``msgid``/``msgid_plural``/``msgstr``/``msgstr[n]`` with continued lines,
``#`` comments, the ``fuzzy`` flag (left out, as GNU msgfmt does) and obsolete ``#~`` entries (ignored).
"""

from __future__ import annotations

import ast
import struct
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    """One message: its English text (and plural), the translation(s), flags and source references."""

    msgid: str
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def translated(self) -> bool:
        return all(self.msgstr) and "fuzzy" not in self.flags


class PoError(ValueError):
    """A catalogue line that is not gettext syntax; the message names the file and line."""


def parse_po(text: str, name: str = "<po>") -> list[Entry]:
    """The entries of a ``.po`` file in order (the header, ``msgid ""``, included)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # which string continued lines extend
    flags: set[str] = set()
    references: list[str] = []

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and target is not None and target[0] == "msgstr":
                finish()
                target = None
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            elif line.startswith("#:"):
                references.extend(line[2:].split())
            continue
        keyword, _, rest = line.partition(" ")
        try:
            value = ast.literal_eval(rest) if rest else None
        except (ValueError, SyntaxError):
            value = None
        if line.startswith('"'):
            try:
                value = ast.literal_eval(line)
            except (ValueError, SyntaxError):
                raise PoError(f"{name}:{number}: not a quoted string: {line[:60]}") from None
            if current is None or target is None:
                raise PoError(f"{name}:{number}: a continued string with nothing to continue")
            kind, index = target
            if kind == "msgid":
                current.msgid += value
            elif kind == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + value
            else:
                current.msgstr[index] += value
            continue
        if not isinstance(value, str):
            raise PoError(f"{name}:{number}: expected a keyword and a quoted string: {line[:60]}")
        if keyword == "msgid":
            finish()
            current = Entry(value, flags=flags, references=references)
            flags, references = set(), []
            target = ("msgid", 0)
        elif keyword == "msgid_plural" and current is not None:
            current.msgid_plural = value
            target = ("msgid_plural", 0)
        elif keyword == "msgstr" and current is not None:
            current.msgstr = [value]
            target = ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]") and current is not None:
            index = int(keyword[7:-1])
            if target is not None and target[0] != "msgstr":
                current.msgstr = []
            while len(current.msgstr) <= index:
                current.msgstr.append("")
            current.msgstr[index] = value
            target = ("msgstr", index)
        else:
            raise PoError(f"{name}:{number}: unknown keyword {keyword!r}")
    finish()
    return entries


def compile_mo(entries: list[Entry]) -> bytes:
    """The ``.mo`` bytes of translated, non-fuzzy entries plus the header (GNU format, little-endian)."""
    messages: dict[bytes, bytes] = {}
    for entry in entries:
        if entry.msgid and not entry.translated:
            continue
        key = entry.msgid if entry.msgid_plural is None else f"{entry.msgid}\0{entry.msgid_plural}"
        messages[key.encode("utf-8")] = "\0".join(entry.msgstr).encode("utf-8")
    keys = sorted(messages)
    ids = b""
    strs = b""
    offsets: list[tuple[int, int, int, int]] = []
    for msgid in keys:
        value = messages[msgid]
        offsets.append((len(ids), len(msgid), len(strs), len(value)))
        ids += msgid + b"\0"
        strs += value + b"\0"
    count = len(keys)
    key_start = 7 * 4 + 16 * count
    value_start = key_start + len(ids)
    table: list[int] = []
    for id_offset, id_length, _, _ in offsets:
        table += [id_length, key_start + id_offset]
    for _, _, str_offset, str_length in offsets:
        table += [str_length, value_start + str_offset]
    header = struct.pack("<7I", 0x950412DE, 0, count, 7 * 4, 7 * 4 + count * 8, 0, 0)
    return header + struct.pack(f"<{len(table)}I", *table) + ids + strs


def compile_file(po: Path, mo: Path) -> None:
    mo.write_bytes(compile_mo(parse_po(po.read_text(encoding="utf-8"), str(po))))
