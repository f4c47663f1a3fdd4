"""Writing the mapped feed: the channel's whole catalogue (wanted products, skipped ones as they are on the channel
now) under the channel's own headers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ...fields import Field
from ...model import Plan
from ..feeds import as_text, kept_rows, neutralise


def mapped_rows(
    plan: Plan, fields: Sequence[Field], columns: Mapping[str, str], *, spreadsheet_safe: bool
) -> pd.DataFrame:
    """The feed's rows, sorted by SKU, with ``columns`` naming the header of each field."""
    rows = kept_rows(plan)
    out = pd.DataFrame(index=rows.index.rename(None))  # a header named like the index ("sku") must not clash
    for field_ in fields:
        values = rows[field_.value] if field_.value in rows.columns else pd.Series("", index=rows.index)
        text = as_text(field_, values)
        out[columns[field_.value]] = neutralise(text, reversible=True) if spreadsheet_safe else text
    return out.sort_values(columns[Field.SKU.value], kind="stable")
