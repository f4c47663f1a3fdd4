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
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import columns
from ..errors import InputError
from ..fields import ROW
from ..sheet import Table
from .tabular import Export

G = "http://base.google.com/ns/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CHUNK_ROWS = 25_000

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
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    prefix, _, name = tag.rpartition(":")
    return prefix, name


def read_feed(path: Path, display: str, repeated: Sequence[str] = ("additional_image_link",)) -> Export:
    """Items of an RSS 2.0 (``<item>``) or Atom 1.0 (``<entry>``) feed as a text table, one column per attribute.

    ``g:`` attributes win over plain RSS/Atom elements of the same name (``<title>`` vs ``<g:title>``); Atom's
    ``<link href>`` and ``<summary>`` stand in for link and description. ``repeated`` attributes are joined with
    commas. Nested attributes (``g:shipping``) are not read.
    """
    records: list[dict[str, str]] = []
    try:
        for _, element in ET.iterparse(path, events=("end",)):
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
        raise InputError(f"{display} is not well-formed XML (line {line}, column {col}): {exc}", file=display) from None
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

    Each step runs only on the values that need it (a cheap scan picks them), which is most of the time none.
    """
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    unusual = pc.invert(pc.utf8_is_printable(array))  # control characters (line breaks too) or none printable
    if pc.any(unusual).as_py():
        array = _where(array, unusual, lambda v: pc.replace_substring_regex(v, _NOT_XML, ""))
    special = pc.match_substring_regex(array, "[&<>]")
    if pc.any(special).as_py():

        def markup(v: pa.Array) -> pa.Array:
            v = pc.replace_substring(v, "&", "&amp;")
            v = pc.replace_substring(v, "<", "&lt;")
            return pc.replace_substring(v, ">", "&gt;")

        array = _where(array, special, markup)
    return array


def _where(array: pa.Array, mask: pa.Array, change: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``change`` applied to the masked values only, the rest left as they are."""
    mask = pc.fill_null(mask, False)
    return pc.replace_with_mask(array, mask, change(pc.filter(array, mask)))


def _plain(text: pd.Series) -> pa.ChunkedArray:
    """A text column as Arrow ``string`` (32-bit offsets: one chunk of items stays far below 2 GiB)."""
    return columns.arrow(text.astype("str").fillna("")).cast(pa.string())


def _elements(name: str, text: pd.Series) -> pa.ChunkedArray:
    """``<g:name>text</g:name>`` where text is not empty, else ""; commas in a repeated attribute split it."""
    data = escape(_plain(text))
    open_tag, close_tag = f"<g:{name}>", f"</g:{name}>"
    element = pc.binary_join_element_wise(open_tag, data, close_tag, "")
    return pc.if_else(pc.equal(data, ""), "", element)


def _chunk_bytes(items: pa.ChunkedArray) -> bytes:
    """The items of one chunk, concatenated, straight from the Arrow string buffer."""
    array = items.combine_chunks() if isinstance(items, pa.ChunkedArray) else items
    array = pc.fill_null(array, "")
    offsets_buffer, data_buffer = array.buffers()[1], array.buffers()[2]
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=width)
    start, end = int(offsets[array.offset]), int(offsets[array.offset + len(array)])
    if data_buffer is None or end == start:
        return b""
    return memoryview(data_buffer)[start:end].tobytes()


def rss_chunks(
    attributes: Iterator[tuple[int, dict[str, pd.Series]]] | Sequence[tuple[int, dict[str, pd.Series]]],
    *,
    title: str,
    link: str | None,
    description: str,
    repeated: Sequence[str] = ("additional_image_link",),
) -> Iterator[bytes]:
    """An RSS 2.0 feed: the channel header, then each chunk of items as it comes, then the footer."""
    head = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">\n']
    head.append(f"<channel>\n<title>{html.escape(title, quote=False)}</title>\n")
    if link:
        head.append(f"<link>{html.escape(link, quote=False)}</link>\n")
    head.append(f"<description>{html.escape(description, quote=False)}</description>\n")
    yield "".join(head).encode("utf-8")
    for _, chunk in attributes:
        parts = []
        for name, text in chunk.items():
            element = _elements(name, text)
            if name in repeated:
                element = pc.replace_substring(element, ",", f"</g:{name}><g:{name}>")
            parts.append(element)
        item = pc.binary_join_element_wise("<item>", *parts, "</item>\n", "")
        yield _chunk_bytes(item)
    yield b"</channel>\n</rss>\n"


def tsv_chunks(attributes: Iterator[tuple[int, dict[str, pd.Series]]]) -> Iterator[bytes]:
    """Google's tab-separated format: attribute names in the first row; tabs and line breaks in values become
    spaces (the format has no quoting)."""
    first = True
    for _, chunk in attributes:
        if first:
            yield ("\t".join(chunk) + "\n").encode("utf-8")
            first = False
        cells = [pc.replace_substring_regex(_plain(t), r"[\t\r\n]+", " ") for t in chunk.values()]
        yield _chunk_bytes(_tsv_line(cells))


def _tsv_line(cells: list[pa.ChunkedArray]) -> pa.ChunkedArray:
    line = pc.binary_join_element_wise(*cells, "\t")
    return pc.binary_join_element_wise(line, "\n", "")
