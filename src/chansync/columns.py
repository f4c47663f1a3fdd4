"""Whole-column text operations through pyarrow compute.

pandas' str dtype is stored as Arrow arrays, so these hand the same buffers to Arrow's multithreaded kernels and
wrap the result back without copying. Some pandas ``.str`` methods fall back to a Python loop per value; on a
million-row catalogue that is the difference between milliseconds and seconds, so the hot path uses these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

Strings = pd.Series  # a Series of pandas' str dtype


def arrow(values: pd.Series) -> pa.ChunkedArray:
    """The Arrow data behind a str Series (no copy), or a conversion for other dtypes."""
    array = values.array
    if hasattr(array, "__arrow_array__"):
        result = array.__arrow_array__()
        if isinstance(result, pa.ChunkedArray):
            if not pa.types.is_string(result.type) and not pa.types.is_large_string(result.type):
                result = result.cast(pa.string())
            return result
        return pa.chunked_array([result])
    return pa.chunked_array([pa.array(values.astype("str").to_numpy(dtype=object), type=pa.string())])


def strings(data: pa.ChunkedArray | pa.Array, index: pd.Index) -> pd.Series:
    """Arrow strings back into a str Series with ``index`` (no copy)."""
    return pd.Series(pd.array(data, dtype="str"), index=index, copy=False)


def blanks(index: pd.Index) -> pd.Series:
    """A str Series of "" for every label, made from zeroed offsets (pandas fills one value at a time)."""
    return repeated("", index)


def repeated(text: str, index: pd.Index) -> pd.Series:
    """A str Series holding ``text`` for every label, built from its buffers: offsets in steps of its length."""
    size, encoded = len(index), text.encode("utf-8")
    offsets = np.arange(size + 1, dtype=np.int64) * len(encoded)
    data = pa.LargeStringArray.from_buffers(size, pa.py_buffer(offsets), pa.py_buffer(encoded * size))
    return strings(data, index)


def integers(data: pa.ChunkedArray | pa.Array, index: pd.Index) -> pd.Series:
    """Arrow integers (with nulls) as a nullable Int64 Series, built from the buffers, not value by value."""
    if isinstance(data, pa.ChunkedArray):
        data = data.combine_chunks()
    data = data.cast(pa.int64())
    values = np.array(pc.fill_null(data, 0).to_numpy(zero_copy_only=False), dtype=np.int64)  # writable copies
    mask = np.array(pc.is_null(data).to_numpy(zero_copy_only=False), dtype=bool)
    return pd.Series(pd.arrays.IntegerArray(values, mask), index=index, copy=False)


def booleans(data: pa.ChunkedArray | pa.Array, index: pd.Index) -> pd.Series:
    """Arrow booleans as a plain bool Series; null counts as False."""
    filled = pc.fill_null(data, False)
    return pd.Series(np.array(filled.to_numpy(zero_copy_only=False), dtype=bool), index=index, copy=False)


def trim(values: pd.Series) -> pd.Series:
    """Strip surrounding whitespace, Unicode spaces (non-breaking, zero-width) included.

    When nothing was trimmed (the usual case) the original column is returned, so a clean catalogue is not held
    twice in memory.
    """
    original = arrow(values)
    # A look at each value's first and last byte first: trimming copies the whole column (twice, briefly), which
    # on a big catalogue is much of the memory that reading it took, and most columns have nothing to trim.
    if values.dtype == "str" and not any(_may_have_edge_space(chunk) for chunk in original.chunks):
        return values
    data = pc.utf8_trim_whitespace(pc.utf8_trim(original, "\u200b\ufeff \t\r\n\u00a0\u2007\u202f\u3000"))
    if values.dtype == "str" and _text_bytes(data) == _text_bytes(original):
        return values
    return strings(data, values.index)


#: First bytes of what :func:`trim` removes: ASCII white space (the separators 1C-1F too), and the lead bytes of the
#: UTF-8 forms of U+0085 and U+00A0 (C2), U+1680 (E1), U+2000-U+205F (E2), U+3000 (E3) and U+FEFF (EF).
_SPACE_LEAD = np.zeros(256, dtype=bool)
_SPACE_LEAD[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0xC2, 0xE1, 0xE2, 0xE3, 0xEF]] = True
#: Last bytes: ASCII white space, or any byte of a multi-byte character (decided by trimming).
_SPACE_TAIL = np.zeros(256, dtype=bool)
_SPACE_TAIL[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20]] = True
_SPACE_TAIL[0x80:] = True


def _may_have_edge_space(chunk: pa.Array) -> bool:
    """Whether any value may start or end with white space (never a false "no"), from the offsets and bytes."""
    raw = chunk.buffers()[2] if len(chunk) else None
    if raw is None:
        return False
    offsets = _offsets(chunk)
    data = np.frombuffer(raw, dtype=np.uint8)
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    return bool(_SPACE_LEAD[data[starts[filled]]].any() or _SPACE_TAIL[data[ends[filled] - 1]].any())


def _text_bytes(data: pa.ChunkedArray) -> int:
    """Total bytes of a string column's values, from the offsets alone."""
    return sum(len(utf8_bytes(chunk)) for chunk in data.chunks)


def matches(values: pd.Series, pattern: str) -> pd.Series:
    """Where the whole value matches ``pattern`` (RE2 syntax); missing values never match."""
    return booleans(pc.match_substring_regex(arrow(values), f"^(?:{pattern})$"), values.index)


def contains(values: pd.Series, pattern: str) -> pd.Series:
    return booleans(pc.match_substring_regex(arrow(values), pattern), values.index)


def is_empty(values: pd.Series) -> pd.Series:
    """Missing or "" (no bytes: read from the offsets, without a pass over the text)."""
    data = arrow(values)
    return booleans(pc.or_kleene(pc.is_null(data), pc.equal(pc.binary_length(data), 0)), values.index)


def filled(values: pd.Series) -> pd.Series:
    return ~is_empty(values)


def length(values: pd.Series) -> pd.Series:
    """Characters per value (0 for missing)."""
    lengths = pc.fill_null(pc.utf8_length(arrow(values)), 0)
    return pd.Series(lengths.to_numpy(zero_copy_only=False), index=values.index, copy=False)


def longer_than(values: pd.Series, limit: int) -> pd.Series:
    """Where a value has more than ``limit`` characters (missing: 0). Byte lengths first, read from the offsets (a
    character takes at least one byte); characters are counted only where the bytes exceed the limit, so a column
    of long descriptions is not read byte by byte."""
    data = arrow(values)
    over = booleans(pc.greater(pc.binary_length(data), limit), values.index)
    if over.any():
        at = np.flatnonzero(over.to_numpy())
        chars = pc.utf8_length(data.take(pa.array(at))).to_numpy(zero_copy_only=False)
        over.iloc[at] = chars > limit
    return over


def isin(values: pd.Series, options: pd.Series | Iterable[str]) -> pd.Series:
    """Where the value is one of ``options`` (hash lookup in Arrow)."""
    if isinstance(options, pd.Series):
        option_set = arrow(options)
    else:
        option_set = pa.chunked_array([pa.array(list(options), type=pa.string())])
    value_set = pc.unique(option_set.combine_chunks()) if option_set.num_chunks else pa.array([], pa.string())
    return booleans(pc.is_in(arrow(values), value_set=value_set), values.index)


def replace(values: pd.Series, pattern: str, replacement: str) -> pd.Series:
    return strings(pc.replace_substring_regex(arrow(values), pattern, replacement), values.index)


def lower(values: pd.Series) -> pd.Series:
    return strings(pc.utf8_lower(arrow(values)), values.index)


def upper(values: pd.Series) -> pd.Series:
    return strings(pc.utf8_upper(arrow(values)), values.index)


def by_distinct(values: pd.Series, convert: Callable[[str], str | None]) -> tuple[pd.Series, pd.Series]:
    """Convert a low-cardinality column through its distinct values only.

    Returns the converted values (NA where ``convert`` gives None or the cell is blank) and a mask of the cells
    that are not blank but could not be converted.
    """
    encoded = pc.dictionary_encode(arrow(values)).combine_chunks()
    distinct = encoded.dictionary.to_pylist()
    converted = [convert(v) if v is not None and v.strip() else None for v in distinct]
    mapped = pa.array(converted, type=pa.string())
    bad_codes = [i for i, (v, c) in enumerate(zip(distinct, converted, strict=True)) if c is None and v and v.strip()]
    if values.dtype == "str" and not encoded.null_count and converted == distinct:
        return values, pd.Series(False, index=values.index)  # every value is already its own canonical form
    result = strings(pc.take(mapped, encoded.indices), values.index)
    if not bad_codes:
        return result, pd.Series(False, index=values.index)
    bad = pc.is_in(encoded.indices, value_set=pa.array(bad_codes, type=encoded.indices.type))
    return result, booleans(bad, values.index)


def map_few(values: pd.Series, mapping: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """:func:`by_distinct` through a mapping of trimmed, case-folded spellings."""
    return by_distinct(values, lambda v: mapping.get(v.strip().casefold()))


def shared_codes(*series: pd.Series) -> list[np.ndarray]:
    """Integer codes for the values of several columns from one hashing pass: equal text, equal code.

    Membership and duplicate checks between columns then become array lookups instead of a hash table each.
    """
    chunks = [chunk.cast(pa.large_string()) for s in series for chunk in arrow(s).chunks]
    encoded = pc.dictionary_encode(pa.chunked_array(chunks, type=pa.large_string())).combine_chunks()
    codes = np.asarray(pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    out, start = [], 0
    for s in series:
        out.append(codes[start : start + len(s)])
        start += len(s)
    return out


def split_lists(values: pd.Series, pattern: str) -> tuple[pd.Series, np.ndarray]:
    """Split each value on ``pattern``: the non-empty parts as one str Series, and the row position of each part."""
    parts = pc.split_pattern_regex(arrow(values), pattern).combine_chunks()
    flat = pc.list_flatten(parts)
    owners = np.asarray(pc.list_parent_indices(parts).to_numpy(zero_copy_only=False), dtype=np.int64)
    keep = np.asarray(pc.greater(pc.utf8_length(flat), 0).to_numpy(zero_copy_only=False), dtype=bool)
    flat_series = strings(flat, pd.RangeIndex(len(flat)))[keep].reset_index(drop=True)
    return flat_series, owners[keep]


def ascii_matrix(values: pd.Series, width: int) -> np.ndarray:
    """Strings of exactly ``width`` ASCII characters as an (n, width) uint8 matrix: a view of Arrow's buffer."""
    array = arrow(values).combine_chunks()
    if isinstance(array, pa.ChunkedArray):  # pragma: no cover - combine_chunks on a ChunkedArray returns an Array
        array = array.combine_chunks()
    if len(array) == 0:
        return np.zeros((0, width), dtype=np.uint8)
    if array.type == pa.large_string():
        array = array.cast(pa.string())
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    data = np.frombuffer(array.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return data.reshape(-1, width)


def utf8_bytes(array: pa.Array) -> np.ndarray:
    """The UTF-8 bytes of a string array's values, as a numpy view (no copy)."""
    data = array.buffers()[2] if len(array) else None
    if data is None:
        return np.zeros(0, dtype=np.uint8)
    offsets = _offsets(array)
    return np.frombuffer(data, dtype=np.uint8)[int(offsets[0]) : int(offsets[-1])]


def _offsets(array: pa.Array) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Where each value of a (possibly sliced) string or binary array starts in its data buffer, and where the last
    one ends: ``len(array) + 1`` positions, read from the offsets buffer."""
    width = np.int64 if pa.types.is_large_string(array.type) or pa.types.is_large_binary(array.type) else np.int32
    view = np.frombuffer(array.buffers()[1], dtype=width)[array.offset : array.offset + len(array) + 1]
    return view.astype(np.int64, copy=False)


def has_nul(values: pd.Series) -> bool:
    """Whether any value holds a NUL character: the smallest byte of the column's UTF-8 data is zero (a
    reduction over Arrow's buffer, no copy)."""
    for chunk in arrow(values).chunks:
        raw = utf8_bytes(chunk)
        if len(raw) and int(raw.min()) == 0:
            return True
    return False


def has_byte_below(values: pd.Series, limit: int) -> bool:
    """Whether any value holds a byte below ``limit`` (0x21: white space or a control character): one reduction
    over each chunk's buffer."""
    return any(len(raw := utf8_bytes(chunk)) and int(raw.min()) < limit for chunk in arrow(values).chunks)


def has_control_characters(values: pd.Series | pa.Array) -> bool:
    """Whether any value holds a C0 control character other than tab, line feed and carriage return, or a byte
    that may start U+FFFE/U+FFFF (0xEF, which other characters start with too). A byte scan: much cheaper than a
    regular expression over the column."""
    chunks = [values] if isinstance(values, pa.Array) else arrow(values).chunks
    return any(control_bytes(utf8_bytes(chunk)) for chunk in chunks)


def control_bytes(raw: np.ndarray) -> bool:
    """:func:`has_control_characters` on UTF-8 bytes. Slice by slice, so no temporary is as large as the column (a
    description column is hundreds of MB); the smallest and largest byte of a slice clear most text (two SIMD
    reductions): the closer look runs only where a byte is below a space, or 0xEF or above."""
    for start in range(0, len(raw), _SCAN_SLICE):
        part = raw[start : start + _SCAN_SLICE]
        if (int(part.min()) < 0x20 or int(part.max()) >= 0xEF) and _CONTROL_BYTE[part].any():
            return True
    return False


_SCAN_SLICE = 1 << 23
#: Bytes :func:`has_control_characters` looks for: C0 controls but tab, line feed and carriage return; 0xEF.
_CONTROL_BYTE = np.zeros(256, dtype=bool)
_CONTROL_BYTE[:0x20] = True
_CONTROL_BYTE[[0x09, 0x0A, 0x0D]] = False
_CONTROL_BYTE[0xEF] = True
