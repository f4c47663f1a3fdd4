"""Shared pieces of feed writing: canonical values to channel text, spreadsheet-safe cells, CSV bytes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from .. import columns
from ..fields import Field
from ..parse import format_value

if TYPE_CHECKING:
    from ..diff import Plan

_FORMULA_START = r"^[=+\-@\t\r]"


def as_text(field_: Field, values: pd.Series) -> pd.Series:
    """Canonical values as feed text: cents as ``12.50``, whole numbers plain, missing as ""."""
    return format_value(field_.kind.value, values)


def neutralise(values: pd.Series) -> pd.Series:
    """Cells a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) get a leading apostrophe.

    Plain negative numbers are left alone: they are data, not formulas.
    """
    text = values.astype("str").fillna("")
    risky = text.str.contains(_FORMULA_START, regex=True) & ~text.str.fullmatch(r"-\d+(\.\d+)?")
    return text.where(~risky, "'" + text)


def csv_bytes(frame: pd.DataFrame, *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """A text frame as CSV: header row, minimal quoting, LF line ends.

    Carriage returns inside cells become line feeds first: with LF line ends the csv writer would leave a lone CR
    unquoted, and readers take it for the end of the row.
    """
    carriage = [c for c in frame.columns if frame[c].dtype == "str" and frame[c].str.contains("\r", regex=False).any()]
    if carriage:
        frame = frame.assign(**{c: frame[c].str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)
                                for c in carriage})  # fmt: skip
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, sep=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return buffer.getvalue().encode(encoding)


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
    from ..diff import CREATE, SKIPPED, UNCHANGED, UPDATE

    listed, kept = plan.listed_mask, plan.kept_mask
    if listed is None or kept is None:
        listed = _in(plan.desired.index, plan.keys(CREATE, UPDATE, UNCHANGED))
        kept = _in(plan.current.index, plan.keys(SKIPPED))
    yielded = False
    for frame, mask in ((plan.desired, listed), (plan.current, kept)):
        step = size or max(len(frame), 1)
        for start in range(0, len(frame), step):
            part, wanted = frame.iloc[start : start + step], mask[start : start + step]  # slices: no copies
            if wanted.all():
                yielded = True
                yield part
            elif wanted.any():
                yielded = True
                yield part[wanted]
    if not yielded:
        yield plan.desired.iloc[0:0]


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
