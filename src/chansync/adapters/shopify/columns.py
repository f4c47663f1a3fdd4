"""The channel columns a Shopify state holds beyond canonical fields, shared by the export reader, the feed writer
and the API client (which builds the same state from the Admin API)."""

from __future__ import annotations

import pandas as pd

from ...fields import Field

HANDLE, PRODUCT_STATUS, INVENTORY_ITEM = "handle", "shopify_status", "_inventory"
#: Channel columns: the description as Shopify holds it, and the on-hand quantity beside the available one.
BODY_HTML, ON_HAND = "shopify_body_html", "shopify_on_hand"
OPTION_NAMES = [f"option{i}_name" for i in (1, 2, 3)]
OPTION_VALUES = [f"option{i}_value" for i in (1, 2, 3)]


def not_held(option_names: pd.DataFrame, colors: set[str], sizes: set[str]) -> pd.Series:
    """:data:`FIXED` text per variant: ``color`` and/or ``size`` where none of its product's options is named so."""
    folded = [option_names[c].fillna("").astype("str").str.strip().str.casefold() for c in option_names.columns]
    has_color = pd.concat([f.isin(colors) for f in folded], axis=1).any(axis=1)
    has_size = pd.concat([f.isin(sizes) for f in folded], axis=1).any(axis=1)
    fixed = pd.Series("", index=option_names.index, dtype="str").mask(~has_color, Field.COLOR.value)
    return fixed.mask(~has_size, (fixed + "," + Field.SIZE.value).str.lstrip(","))
