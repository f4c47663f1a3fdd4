"""Shared pieces of feed writing: canonical values to channel text, spreadsheet-safe cells, CSV bytes."""

from __future__ import annotations

import csv
import io

import pandas as pd

from ..fields import Field
from ..parse import format_value

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
    """A text frame as CSV: header row, minimal quoting, LF line ends."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, sep=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return buffer.getvalue().encode(encoding)
