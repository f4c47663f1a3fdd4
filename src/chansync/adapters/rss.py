"""Product feeds as XML in Google's ``g:`` namespace: reading RSS 2.0 and Atom 1.0, writing RSS 2.0 streamed.

Reading is incremental (``iterparse``, each item cleared once read). Writing builds each chunk of items with
Arrow string kernels and hands out the bytes chunk by chunk, so memory stays flat as the catalogue grows and the
text is escaped once per column rather than once per element in Python. Characters XML 1.0 forbids (control
characters other than tab and newline, unpaired surrogates, U+FFFE/U+FFFF) are dropped, so a strict parser always
accepts the file.
"""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import columns
from ..errors import InputError
from ..fields import ROW
from ..i18n import _
from ..sheet import Table
from .tabular import Export

G = "http://base.google.com/ns/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CHUNK_ROWS = 10_000
T = TypeVar("T")

#: Values an exporter escaped twice (``&amp;amp;``) still hold an entity after parsing.
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);")
_NOT_XML = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]"


def looks_like_xml(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


# --- reading --------------------------------------------------------------------------------------------------


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _brace, name = tag[1:].partition("}")
        return namespace, name
    prefix, _colon, name = tag.rpartition(":")
    return prefix, name


def read_feed(path: Path, display: str, repeated: Sequence[str] = ("additional_image_link",)) -> Export:
    """Items of an RSS 2.0 (``<item>``) or Atom 1.0 (``<entry>``) feed as a text table, one column per attribute.

    ``g:`` attributes win over plain RSS/Atom elements of the same name (``<title>`` vs ``<g:title>``); Atom's
    ``<link href>`` and ``<summary>`` stand in for link and description. ``repeated`` attributes are joined with
    commas. Nested attributes (``g:shipping``) are not read.
    """
    records: list[dict[str, str]] = []
    try:
        for _event, element in ET.iterparse(path, events=("end",)):
            namespace, name = _local(element.tag)
            if name not in ("item", "entry") or namespace not in ("", ATOM):
                continue
            plain: dict[str, str] = {}
            own: dict[str, str] = {}
            for child in element:
                child_ns, child_name = _local(child.tag)
                if len(child):
                    continue
                text = (child.text or "").strip()
                if child_ns == ATOM or child_ns == "":
                    if child_name == "link" and not text:
                        text = child.get("href", "").strip()
                    child_name = {"summary": "description", "content": "description"}.get(child_name, child_name)
                    target = plain
                else:
                    target = own
                if child_name in repeated and child_name in target:
                    target[child_name] += "," + text
                elif child_name not in target or not target[child_name]:
                    target[child_name] = text
            records.append(plain | {k: v for k, v in own.items() if v or k not in plain})
            element.clear()
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise InputError(
            _("{display} is not well-formed XML (line {line}, column {column}): {error}").format(
                display=display, line=line, column=col, error=exc
            ),
            file=display,
        ) from None
    names = list(dict.fromkeys(k for r in records for k in r))
    frame = pd.DataFrame.from_records(records, columns=names).fillna("").astype("str")
    for name in names:
        frame[name] = _unescape_twice_escaped(columns.trim(frame[name]))
    frame[ROW] = pd.Series(np.arange(1, len(frame) + 1), index=frame.index, dtype="Int64")
    table = Table(frame, display, None, 0, names)
    return Export(frame, table, {n: f"g:{n}" for n in names})


def _unescape_twice_escaped(values: pd.Series) -> pd.Series:
    hit = columns.contains(values, _ENTITY.pattern)
    if not hit.any():
        return values
    out = values.copy()
    out[hit] = values[hit].map(html.unescape)
    return out


# --- writing --------------------------------------------------------------------------------------------------


def _single(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    """One array: a chunked array of one chunk gives that chunk (``combine_chunks`` would copy it)."""
    if isinstance(values, pa.Array):
        return values
    return values.chunk(0) if values.num_chunks == 1 else values.combine_chunks()


_REFERENCES = ((b"&", "&amp;"), (b"<", "&lt;"), (b">", "&gt;"), (b"\r", "&#13;"))


def escape(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Text for element content: XML-forbidden characters dropped, ``& < >`` escaped.

    One look at the raw UTF-8 bytes tells which steps are needed (usually none); only those run. The look is a
    byte search (``bytes.find``: memchr speed) on a copy of the chunk's bytes, several times faster than numpy
    comparisons over them.
    """
    array = _single(values)
    raw = columns.utf8_bytes(array)
    if not len(raw):
        return array
    if columns.control_bytes(raw):
        array = pc.replace_substring_regex(array, _NOT_XML, "")
        raw = columns.utf8_bytes(array)
    text = raw.tobytes()
    # & first, so the & of the other references is not escaped again; a parser turns a raw carriage return
    # into a line feed, a reference keeps it.
    for char, reference in _REFERENCES:
        if char in text:
            array = pc.replace_substring(array, char.decode(), reference)
    return array


def _plain(text: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array:
    """A text column as one Arrow ``large_string`` array (the type pandas' str columns hold, so no cast), with
    missing values as ""."""
    if isinstance(text, pd.Series):
        text = columns.arrow(text if text.dtype == "str" else text.astype("str"))
    data = _single(text)
    if data.type != pa.large_string():
        data = data.cast(pa.large_string())
    return pc.fill_null(data, _large("")) if data.null_count else data


@functools.lru_cache(maxsize=512)
def _large(text: str) -> pa.Scalar:
    """A string scalar of the writers' type; the few tags of a feed are made once, not per chunk."""
    return pa.scalar(text, pa.large_string())


def _lengths(data: pa.Array) -> np.ndarray:
    """Byte length of each value of a ``large_string`` array, from its offsets (no pass over the text)."""
    offsets = np.frombuffer(data.buffers()[1], dtype=np.int64)[data.offset : data.offset + len(data) + 1]
    return np.diff(offsets)


def _element_parts(name: str, text: pd.Series | pa.Array, repeated: bool) -> list[pa.Array | str]:
    """The pieces of ``<g:name>text</g:name>`` for one column, to be joined with the rest of the item.

    A column filled on every row gives its tags as plain strings (one join for the whole item, adjacent tags
    merged); a column with empty values gives its tags as arrays holding "" where the value is empty (no element
    at all), so the text itself is copied once, in the item's join; an empty column gives nothing.
    """
    data = escape(_plain(text))
    lengths = _lengths(data)
    if not lengths.any():
        return []
    open_tag, close_tag = f"<g:{name}>", f"</g:{name}>"
    if repeated:  # a comma-joined list: one element per value
        data = pc.replace_substring(data, ",", close_tag + open_tag)
    if lengths.all():
        return [open_tag, data, close_tag]
    present, empty = pa.array(lengths > 0), _large("")
    return [pc.if_else(present, _large(open_tag), empty), data, pc.if_else(present, _large(close_tag), empty)]


def _merged(parts: Sequence[pa.Array | str]) -> list[pa.Array | pa.Scalar]:
    """Adjacent plain strings as one (``</g:a><g:b>``): fewer pieces for the join to walk."""
    out: list[pa.Array | str] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        else:
            out.append(part)
    return [_large(p) if isinstance(p, str) else p for p in out]


def _chunk_bytes(items: pa.ChunkedArray | pa.Array) -> bytes:
    """The items of one chunk, concatenated, straight from the Arrow string buffer; null items (rows left out)
    add nothing."""
    array = _single(items)
    raw = columns.utf8_bytes(array)
    if array.null_count and len(raw) != (pc.sum(pc.binary_length(array)).as_py() or 0):
        raw = columns.utf8_bytes(pc.drop_null(array))  # a null slot that holds bytes (Arrow allows it)
    return raw.tobytes()


def rss_head(*, title: str, link: str | None, description: str) -> bytes:
    """The start of an RSS 2.0 feed, up to the first item."""
    head = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">\n']
    head.append(f"<channel>\n<title>{html.escape(title, quote=False)}</title>\n")
    if link:
        head.append(f"<link>{html.escape(link, quote=False)}</link>\n")
    head.append(f"<description>{html.escape(description, quote=False)}</description>\n")
    return "".join(head).encode("utf-8")


RSS_TAIL = b"</channel>\n</rss>\n"


def rss_items(
    chunk: Mapping[str, pd.Series | pa.Array],
    repeated: Sequence[str] = ("additional_image_link",),
    *,
    keep: np.ndarray | None = None,
) -> bytes:
    """One chunk of ``<item>`` elements from each attribute's text (the attribute order is the element order).

    ``keep``: which rows are items (a boolean mask); the others are left out of the bytes without copying the
    columns first (the join gives them as null, which adds nothing).
    """
    rows = len(next(iter(chunk.values()), ()))
    if not rows or (keep is not None and not keep.any()):
        return b""
    parts: list[pa.Array | str] = ["<item>"]
    for name, text in chunk.items():
        parts.extend(_element_parts(name, text, name in repeated))
    pieces = _merged([*parts, "</item>\n"])
    if not any(isinstance(p, pa.Array) for p in pieces):  # every value empty: the same bare item on each row
        return b"".join(p.as_py().encode("utf-8") for p in pieces) * (rows if keep is None else int(keep.sum()))
    if keep is not None and not keep.all():
        pieces[0] = pc.if_else(pa.array(keep), pieces[0], pa.scalar(None, pa.large_string()))
    return _chunk_bytes(pc.binary_join_element_wise(*pieces, _large("")))


def tsv_head(names: Sequence[str]) -> bytes:
    return ("\t".join(names) + "\n").encode("utf-8")


def tsv_lines(chunk: Mapping[str, pd.Series | pa.Array], *, keep: np.ndarray | None = None) -> bytes:
    """Google's tab-separated format has no quoting: tabs and line breaks in values become spaces. ``keep``: as
    in :func:`rss_items`."""
    rows = len(next(iter(chunk.values()), ()))
    if not rows or (keep is not None and not keep.any()):
        return b""
    cells = [_one_line(_plain(t)) for t in chunk.values()]
    if keep is not None and not keep.all():
        cells[0] = pc.if_else(pa.array(keep), cells[0], pa.scalar(None, pa.large_string()))
    line = pc.binary_join_element_wise(*cells, _large("\t"))
    return _chunk_bytes(pc.binary_join_element_wise(line, _large("\n"), _large("")))


def _one_line(cells: pa.Array) -> pa.Array:
    """Runs of tabs and line breaks as one space; a column without any (the usual one: the smallest byte tells
    most of the time) is left as it is."""
    raw = columns.utf8_bytes(cells)
    if not len(raw) or int(raw.min()) > 0x0D:
        return cells
    text = raw.tobytes()
    if b"\t" not in text and b"\n" not in text and b"\r" not in text:
        return cells
    return pc.replace_substring_regex(cells, r"[\t\r\n]+", " ")


def pipelined(work: Callable[[T], bytes], inputs: Iterable[T], *, ahead: int = 2) -> Iterator[bytes]:
    """``work`` on each input in a small thread pool, results in input order, at most ``ahead`` inputs in flight
    besides the one being handed out (so memory stays a few chunks, however long the feed). Arrow kernels release
    the GIL, so chunks are built side by side."""
    with ThreadPoolExecutor(max_workers=ahead) as pool:
        pending: deque[Future[bytes]] = deque()
        for item in inputs:
            pending.append(pool.submit(work, item))
            if len(pending) > ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
