"""Shared pieces of feed writing: canonical values to channel text, spreadsheet-safe cells, CSV bytes."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .. import columns
from ..fields import Field
from ..parse import format_value

if TYPE_CHECKING:
    from ..model import Plan

_FORMULA_START = r"^[=+\-@\t\r]"
_ESCAPED_START = r"^'+[=+\-@\t\r]"
_FORMULA_FIRST = pa.array(["=", "+", "-", "@", "\t", "\r"])
_RISKY_FIRST = pa.array(["=", "+", "-", "@", "\t", "\r", "'"])
#: Characters that make a cell quoted even where the delimiter is another one: Excel set to a ``;`` or tab
#: delimiter (many European locales) splits an unquoted ``Lamp;=cmd|' /C calc'!A0`` into a second cell that
#: starts with ``=``; a line break would start a new row.
_QUOTE_ALSO = re.compile(r"[;\t\r\n]")


def as_text(field_: Field, values: pd.Series) -> pd.Series:
    """Canonical values as feed text: cents as ``12.50``, whole numbers plain, missing as ""."""
    return format_value(field_.kind.value, values)


def neutralise(values: pd.Series, *, reversible: bool = False) -> pd.Series:
    """Cells a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) get a leading apostrophe.

    Plain negative numbers are left alone: they are data, not formulas. ``reversible``: a value that already
    starts with an apostrophe before such a character gets one more, so :func:`unneutralise` gives it back exactly.
    """
    text = values.astype("str").fillna("")
    # Only a cell starting with one of these can be risky: one cheap pass over first characters, and the
    # patterns run on those cells alone (most feed columns have none).
    first = pc.utf8_slice_codeunits(columns.arrow(text), 0, 1)
    maybe = columns.booleans(pc.is_in(first, value_set=_RISKY_FIRST if reversible else _FORMULA_FIRST), text.index)
    if not maybe.any():
        return text
    some = text[maybe]
    risky = some.str.contains(_FORMULA_START, regex=True) & ~some.str.fullmatch(r"-\d+(\.\d+)?")
    if reversible:
        risky |= some.str.contains(_ESCAPED_START, regex=True)
    if not risky.any():
        return text
    out = text.copy()
    at = np.flatnonzero(maybe.to_numpy())[risky.to_numpy()]  # positions: the index may repeat a label
    out.iloc[at] = ("'" + some[risky]).set_axis(out.index[at])  # the risky cells only
    return out


def unneutralise(values: pd.Series) -> pd.Series:
    """Undo :func:`neutralise` (``reversible``) on text read back from a feed chansync wrote."""
    if not pc.any(pc.starts_with(columns.arrow(values), "'")).as_py():  # most columns: nothing to undo
        return values
    return columns.replace(values, r"^'('*[=+\-@\t\r])", r"\1")


def csv_bytes(frame: pd.DataFrame, *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """A text frame as CSV: header row, minimal quoting, LF line ends.

    Carriage returns inside cells become line feeds first: with LF line ends the csv writer would leave a lone CR
    unquoted, and readers take it for the end of the row.
    """
    plain = _plain_csv(frame, delimiter, encoding)
    if plain is not None:
        return plain
    carriage = [c for c in frame.columns if frame[c].dtype == "str" and frame[c].str.contains("\r", regex=False).any()]
    if carriage:
        frame = frame.assign(**{c: frame[c].str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)
                                for c in carriage})  # fmt: skip
    risky = [c for c in frame.columns if frame[c].dtype == "str" and frame[c].str.contains(_QUOTE_ALSO).any()]
    if risky and delimiter != "\t":
        return _quoting_csv(frame, delimiter).encode(encoding)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, sep=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return buffer.getvalue().encode(encoding)


_UTF8 = {"utf-8": b"", "utf8": b"", "utf-8-sig": "\ufeff".encode()}


def _plain_csv(frame: pd.DataFrame, delimiter: str, encoding: str) -> bytes | None:
    """The common case, written by Arrow's CSV writer (a third of the time of the csv module): UTF-8, two or more
    text columns, and no header or cell holding anything that would be quoted (the delimiter, a quote, ``;``, a
    tab or a line break). The bytes are the same the csv module writes; None where that cannot be promised."""
    bom = _UTF8.get(encoding.lower().replace("_", "-"))
    if bom is None or len(frame.columns) < 2 or len(delimiter) != 1 or delimiter in '\r\n"':
        return None
    if any(str(frame[c].dtype) != "str" for c in frame.columns):
        return None
    pattern = "[" + re.escape(delimiter) + '";\t\r\n]'
    names = [str(c) for c in frame.columns]
    if any(re.search(pattern, name) for name in names):
        return None
    data = [columns.arrow(frame.iloc[:, i]) for i in range(len(names))]
    if any(pc.any(pc.match_substring_regex(column, pattern)).as_py() for column in data):
        return None
    table = pa.Table.from_arrays(data, names=names)
    buffer = pa.BufferOutputStream()
    options = pa_csv.WriteOptions(delimiter=delimiter, quoting_style="none", quoting_header="none", batch_size=65536)
    pa_csv.write_csv(table, buffer, options)
    return bom + buffer.getvalue().to_pybytes()


def _quoting_csv(frame: pd.DataFrame, delimiter: str) -> str:
    """The CSV text of ``frame`` with every cell quoted that holds the delimiter, a quote, ``;``, a tab or a line
    break (the csv module quotes only the first ones). Column by column, so it stays vectorised."""
    pattern = "[" + re.escape(delimiter) + '";\t\r\n]'

    def quoted(text: pd.Series) -> pd.Series:
        needs = text.str.contains(pattern, regex=True)
        return text.where(~needs, '"' + text.str.replace('"', '""', regex=False) + '"')

    header = quoted(pd.Series([str(c) for c in frame.columns], dtype="str")).tolist()
    cells = [quoted(frame[c].astype("str").fillna("")) for c in frame.columns]
    if not cells:
        return "\n"
    lines = cells[0].str.cat(pd.concat(cells[1:], axis=1), sep=delimiter) if len(cells) > 1 else cells[0]
    if len(cells) == 1:
        lines = lines.where(lines.ne(""), '""')  # an empty single cell must not read as an empty line
    body = "\n".join(lines.tolist())
    return delimiter.join(header) + "\n" + (body + "\n" if len(frame) else "")


def slug(values: pd.Series) -> pd.Series:
    """URL handles: lower case ASCII letters, digits and single dashes ("Regenjas Ström 2" -> "regenjas-strom-2")."""
    data = columns.arrow(values.astype("str").fillna(""))
    data = pc.utf8_normalize(data, "NFKD")
    data = pc.replace_substring_regex(data, r"\p{Mn}", "")
    data = pc.utf8_lower(data)
    data = pc.replace_substring_regex(data, r"[^a-z0-9]+", "-")
    data = pc.utf8_trim(data, "-")
    return columns.strings(data, values.index)


def variant_groups(frame: pd.DataFrame) -> pd.Series:
    """The product each row belongs to: its parent SKU, or its own SKU when it has none."""
    sku = frame[Field.SKU.value].astype("str")
    if Field.PARENT_SKU.value not in frame.columns:
        return sku
    parent = frame[Field.PARENT_SKU.value].astype("str")
    return parent.where(parent.notna() & parent.ne(""), sku)


def kept_rows(plan: Plan) -> pd.DataFrame:
    """The rows a full feed lists: wanted items as desired, skipped items exactly as they are on the channel now
    (leaving them out would delist them). Delisted items are left out."""
    return pd.concat(list(kept_chunks(plan, size=None)))


def kept_chunks(plan: Plan, size: int | None) -> Iterator[pd.DataFrame]:
    """:func:`kept_rows` in chunks of at most ``size`` rows (master order, then skipped items), so a streamed feed
    never copies the whole catalogue at once."""
    for part, keep in kept_slices(plan, size):
        yield part if keep is None else part[keep]


def kept_slices(
    plan: Plan, size: int | None, names: Sequence[str] | None = None
) -> Iterator[tuple[pd.DataFrame, np.ndarray | None]]:
    """The rows of :func:`kept_chunks` as slices of the plan's frames (no copies) with a mask of the rows the feed
    lists (None: every row), for a writer that drops the other rows itself rather than copying the wanted ones
    first. ``names``: only these columns (those a frame has)."""
    from ..model import CREATE, SKIPPED, UNCHANGED, UNMANAGED, UPDATE

    listed, kept = plan.listed_mask, plan.kept_mask
    if listed is None or kept is None:
        listed = _in(plan.desired.index, plan.keys(CREATE, UPDATE, UNCHANGED))
        kept = _in(plan.current.index, plan.keys(SKIPPED, UNMANAGED))
    yielded = False
    for frame, mask in ((plan.desired, listed), (plan.current, kept)):
        desired = frame is plan.desired
        if names is not None:
            frame = frame[[n for n in names if n in frame.columns]]
        step = size or max(len(frame), 1)
        for start in range(0, len(frame), step):
            part, wanted = frame.iloc[start : start + step], mask[start : start + step]  # slices: no copies
            if wanted.any():
                yielded = True
                part = _unknown_stock_as_is(part, plan.current) if desired else part
                yield part, (None if wanted.all() else wanted)
    if not yielded:
        yield plan.desired.iloc[0:0], None


def revised_rows(plan: Plan) -> pd.DataFrame:
    """The rows a price-and-quantity revise file lists: updated items as desired, then delisted items as they are
    on the channel now with quantity 0 (nothing left to sell)."""
    from ..model import DELIST, UPDATE

    current = plan.current
    listed = plan.desired.loc[plan.keys(UPDATE).intersection(plan.desired.index)]
    delisted = current.loc[plan.keys(DELIST).intersection(current.index)].copy()
    if len(delisted):
        delisted[Field.QUANTITY.value] = 0
    return pd.concat([listed, delisted]) if len(delisted) else listed


def current_of(plan: Plan, rows: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` of the channel's current state for each of ``rows`` (by key) as text; "" everywhere where
    the current state has no such column."""
    if name not in plan.current.columns:
        return pd.Series("", index=rows.index, dtype="str")
    return rows.index.to_series().astype("str").map(plan.current[name]).astype("str").fillna("")


def _unknown_stock_as_is(part: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Stock the master does not know (NA) is left as it is on the channel: a full feed writes the channel's own
    figure, never an empty cell (which an importer would read as no stock, or as stock not managed)."""
    names = [f.value for f in (Field.QUANTITY, Field.AVAILABILITY) if f.value in part.columns and f.value in current]
    unknown = [n for n in names if part[n].isna().any()]
    if not unknown or not len(current) or not current.index.is_unique:
        return part
    part = part.copy()
    for name in unknown:
        part[name] = part[name].fillna(current[name].reindex(part.index))
    return part


def _in(index: pd.Index, keys: pd.Index) -> np.ndarray:
    if not len(keys):
        return np.zeros(len(index), dtype=bool)
    values = index.to_series(index=pd.RangeIndex(len(index))).astype("str")
    return columns.isin(values, pd.Series(keys, dtype="str")).to_numpy(dtype=bool)


def values_of(rows: pd.DataFrame, field_: Field) -> pd.Series:
    """A field's column, or NA everywhere where the frame has none (a master without that column)."""
    if field_.value in rows.columns:
        return rows[field_.value]
    return pd.Series(pd.NA, index=rows.index, dtype="object")
