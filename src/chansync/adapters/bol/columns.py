"""Names the bol.com export reader, review-file writer and Retailer API client share: the channel columns of an
offer, the stock maximum, fulfilment methods and condition names."""

from __future__ import annotations

import pandas as pd

from ... import columns
from ...fields import DEFAULT_CONDITION

OFFER_ID, BOL_CONDITION, CONDITION_CATEGORY = "offer_id", "bol_condition", "condition_category"
DELIVERY_CODE, ON_HOLD, FULFILMENT, MUTATED = "delivery_code", "on_hold", "fulfilment", "mutated"

MAX_STOCK = 999
BY_RETAILER, BY_BOL = "FBR", "FBB"
#: bol's condition names as canonical conditions, and the name chansync writes for each canonical one.
CONDITIONS_READ = {"new": "new", "as_new": "refurbished", "good": "used", "reasonable": "used", "moderate": "used"}
CONDITIONS_WRITTEN = {"new": "NEW", "refurbished": "AS_NEW", "used": "GOOD"}


def condition_names(condition: pd.Series, known: pd.Series | None, known_condition: pd.Series | None) -> pd.Series:
    """bol's condition name for each canonical condition; where bol already has the offer in that condition, the
    name it has (a ``REASONABLE`` offer stays ``REASONABLE``)."""
    canonical = condition.astype("str").fillna(DEFAULT_CONDITION)
    names = canonical.map(CONDITIONS_WRITTEN).fillna(columns.upper(canonical)).astype("str")
    if known is None or known_condition is None:
        return names
    same = known.notna() & known_condition.astype("str").eq(canonical).fillna(False)
    return names.mask(same, known.astype("str"))
