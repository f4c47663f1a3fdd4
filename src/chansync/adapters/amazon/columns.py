"""Names the Amazon report reader and feed writer share: the channel columns of a listing, the merchant-fulfilled
channel code and Amazon's limits."""

from __future__ import annotations

import pandas as pd

from ... import columns

ASIN, LISTING_ID, PRODUCT_ID, PRODUCT_ID_TYPE = "asin", "listing_id", "product_id", "product_id_type"
OPEN_DATE, FULFILMENT, AMAZON_STATUS = "open_date", "fulfillment_channel", "amazon_status"

#: The fulfilment channel code of listings the seller ships (merchant fulfilled).
MERCHANT_FULFILLED = "DEFAULT"
#: Amazon's limits: messages per JSON listings feed, characters per seller SKU.
MAX_MESSAGES = 10_000
MAX_SKU_LENGTH = 40


def fulfilled_by_amazon(fulfilment: pd.Series) -> pd.Series:
    """Listings whose stock Amazon keeps: a fulfilment channel given and not ``DEFAULT``."""
    text = fulfilment.astype("str").fillna("")
    return columns.filled(text) & columns.upper(text).ne(MERCHANT_FULFILLED)
