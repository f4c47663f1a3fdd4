"""Product feeds as XML in Google's ``g:`` namespace: reading RSS 2.0 and Atom 1.0, writing RSS 2.0 streamed.

Reading is incremental (``iterparse``, each item cleared once read). Writing builds each chunk of items with
Arrow string kernels and hands out the bytes chunk by chunk, so memory stays flat as the catalogue grows and the
text is escaped once per column rather than once per element in Python. Characters XML 1.0 forbids (control
characters other than tab and newline, unpaired surrogates, U+FFFE/U+FFFF) are dropped, so a strict parser always
accepts the file.
"""

from __future__ import annotations

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


def escape(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Text for element content: XML-forbidden characters dropped, ``& < >`` escaped.

    One look at the raw UTF-8 bytes tells which steps are needed (usually none); only those run.
    """
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if columns.has_control_characters(array):
        array = pc.replace_substring_regex(array, _NOT_XML, "")
    raw = columns.utf8_bytes(array)
    if ((raw == 0x26) | (raw == 0x3C) | (raw == 0x3E)).any():  # & < >
        array = pc.replace_substring(array, "&", "&amp;")
        array = pc.replace_substring(array, "<", "&lt;")
        array = pc.replace_substring(array, ">", "&gt;")
    if (raw == 0x0D).any():  # a parser turns a raw carriage return into a line feed; a reference keeps it
        array = pc.replace_substring(array, "\r", "&#13;")
    return array


def _plain(text: pd.Series) -> pa.Array:
    """A text column as one Arrow ``string`` array (32-bit offsets: a chunk of items stays far below 2 GiB), with
    missing values as ""."""
    data = columns.arrow(text if text.dtype == "str" else text.astype("str"))
    data = data.combine_chunks() if isinstance(data, pa.ChunkedArray) else data
    if data.null_count:
        data = pc.fill_null(data, "")
    return data if data.type == pa.string() else data.cast(pa.string())


def _element_parts(name: str, text: pd.Series, repeated: bool) -> list[pa.Array | str]:
    """The pieces of ``<g:name>text</g:name>`` for one column, to be joined with the rest of the item.

    A column filled on every row gives its tags as plain strings (one join for the whole item); a column with
    empty values gives ready elements, "" where empty (no element at all).
    """
    data = escape(_plain(text))
    open_tag, close_tag = f"<g:{name}>", f"</g:{name}>"
    if repeated:  # a comma-joined list: one element per value
        data = pc.replace_substring(data, ",", close_tag + open_tag)
    if not pc.any(pc.equal(data, "")).as_py():
        return [open_tag, data, close_tag]
    element = pc.binary_join_element_wise(open_tag, data, close_tag, "")
    return [pc.if_else(pc.equal(data, ""), "", element)]


def _chunk_bytes(items: pa.ChunkedArray | pa.Array) -> bytes:
    """The items of one chunk, concatenated, straight from the Arrow string buffer."""
    array = items.combine_chunks() if isinstance(items, pa.ChunkedArray) else items
    return columns.utf8_bytes(pc.fill_null(array, "")).tobytes()


def rss_head(*, title: str, link: str | None, description: str) -> bytes:
    """The start of an RSS 2.0 feed, up to the first item."""
    head = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">\n']
    head.append(f"<channel>\n<title>{html.escape(title, quote=False)}</title>\n")
    if link:
        head.append(f"<link>{html.escape(link, quote=False)}</link>\n")
    head.append(f"<description>{html.escape(description, quote=False)}</description>\n")
    return "".join(head).encode("utf-8")


RSS_TAIL = b"</channel>\n</rss>\n"


def rss_items(chunk: Mapping[str, pd.Series], repeated: Sequence[str] = ("additional_image_link",)) -> bytes:
    """One chunk of ``<item>`` elements from each attribute's text (the attribute order is the element order)."""
    if not len(next(iter(chunk.values()), ())):
        return b""
    parts: list[pa.Array | str] = []
    for name, text in chunk.items():
        parts.extend(_element_parts(name, text, name in repeated))
    return _chunk_bytes(pc.binary_join_element_wise("<item>", *parts, "</item>\n", ""))


def tsv_head(names: Sequence[str]) -> bytes:
    return ("\t".join(names) + "\n").encode("utf-8")


def tsv_lines(chunk: Mapping[str, pd.Series]) -> bytes:
    """Google's tab-separated format has no quoting: tabs and line breaks in values become spaces."""
    if not len(next(iter(chunk.values()), ())):
        return b""
    cells = [pc.replace_substring_regex(_plain(t), r"[\t\r\n]+", " ") for t in chunk.values()]
    line = pc.binary_join_element_wise(*cells, "\t")
    return _chunk_bytes(pc.binary_join_element_wise(line, "\n", ""))


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
