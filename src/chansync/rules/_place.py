"""Turning a row mask over the catalogue into located issues."""

from __future__ import annotations

import pandas as pd

from ..catalog import Catalog
from ..fields import OVERRIDE_SEPARATOR, ROW, Field
from ..issues import IssueCode, Severity, frame_of


def at(
    catalog: Catalog,
    code: IssueCode,
    mask: pd.Series,
    message: str | pd.Series,
    column: str | Field,
    *,
    severity: Severity | None = None,
    value: pd.Series | None = None,
) -> pd.DataFrame:
    """Issues for the catalogue rows where ``mask`` holds, placed at ``column`` (a field or field@channel)."""
    name = str(column)
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return frame_of(code, message="")[0:0]
    rows = catalog.frame.loc[mask, ROW].astype("Int64")
    skus = catalog.frame.loc[mask, Field.SKU.value] if catalog.has(Field.SKU) else None
    if value is None and name in catalog.text.columns:
        value = catalog.text[name]
    base, _, channel = name.partition(OVERRIDE_SEPARATOR)
    return frame_of(
        code,
        message=message[mask] if isinstance(message, pd.Series) else message,
        rows=rows,
        skus=skus,
        values=value[mask] if value is not None else None,
        file=catalog.source.file,
        sheet=catalog.source.sheet,
        column=catalog.source.column(name),
        field=base,
        channel=channel or None,
        severity=severity,
    )


def quoted(text: pd.Series) -> pd.Series:
    """``"value"`` with long values shortened, for messages."""
    short = text.where(text.str.len().le(60), text.str.slice(0, 57) + "...")
    return '"' + short + '"'
