"""Turning rows of the catalogue into located issues."""

from __future__ import annotations

import pandas as pd

from ..catalog import Catalog
from ..fields import OVERRIDE_SEPARATOR, ROW, Field
from ..i18n import _, fill
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
    """Issues for the catalogue rows where ``mask`` holds, placed at ``column`` (a field or field@channel).

    ``mask`` may cover all rows or only some (a problem Series holds just the rows that have one); ``message``
    and ``value`` are looked up by the same row labels.
    """
    name = str(column)
    mask = mask.fillna(False).astype(bool)
    labels = mask.index[mask.to_numpy()]
    if not len(labels):
        return frame_of(code, message="")[0:0]
    frame = catalog.frame
    if value is None and name in catalog.text:
        value = catalog.text[name]
    base, _sep, channel = name.partition(OVERRIDE_SEPARATOR)
    return frame_of(
        code,
        message=message.loc[labels] if isinstance(message, pd.Series) else message,
        rows=frame.loc[labels, ROW].astype("Int64"),
        skus=frame.loc[labels, Field.SKU.value],
        values=value.loc[labels] if value is not None else None,
        file=catalog.source.file,
        sheet=catalog.source.sheet,
        column=catalog.source.column(name),
        field=base,
        channel=channel or None,
        severity=severity,
    )


def quoted(text: pd.Series) -> pd.Series:
    """``"value"`` with long values shortened, for messages (use on the few rows with an issue)."""
    text = text.astype("str").fillna("").str.strip()
    short = text.where(text.str.len().le(60), text.str.slice(0, 57) + "...")
    return '"' + short + '"'


def text_at(catalog: Catalog, name: str, rows: pd.Series | pd.Index) -> pd.Series:
    """The cells of column ``name`` for the given rows (labels, or the index of a problem Series)."""
    labels = rows.index if isinstance(rows, pd.Series) else rows
    return catalog.text[name].loc[labels]


def by_reason(problem: pd.Series, templates: dict[str, str], **values: pd.Series | str) -> pd.Series:
    """Per row, the message for its problem code: ``templates[code]`` (marked with ``N_``) in the current language,
    filled with that row's ``values``; missing (NA) where the code has no template. One fill per code, no row loop."""
    out = pd.Series(pd.NA, index=problem.index, dtype="object")
    for code, template in templates.items():
        mask = problem.eq(code).fillna(False).astype(bool)
        if mask.any():
            parts = {k: (v[mask] if isinstance(v, pd.Series) else v) for k, v in values.items()}
            out[mask] = fill(_(template), **parts)
    return out
