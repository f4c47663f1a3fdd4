"""Reading Amazon's tab-separated All Listings report (``GET_MERCHANT_LISTINGS_ALL_DATA``) into the canonical
frame."""

from __future__ import annotations

import pandas as pd

from ... import columns
from ...fields import ROW, Field
from ...i18n import _
from ...model import FIXED, LIVE
from ..tabular import Export, column
from .columns import (
    AMAZON_STATUS,
    ASIN,
    FULFILMENT,
    LISTING_ID,
    MERCHANT_FULFILLED,
    OPEN_DATE,
    PRODUCT_ID,
    PRODUCT_ID_TYPE,
    fulfilled_by_amazon,
)

#: Columns of the All Listings report (the Active Listings report has the same ones without ``status``).
COLUMNS = [
    column(Field.SKU, "seller-sku", "sku"),
    column(ASIN, "asin1", "asin"),
    column(Field.TITLE, "item-name"),
    column(LISTING_ID, "listing-id"),
    column(Field.PRICE, "price"),
    column(Field.QUANTITY, "quantity"),
    column(AMAZON_STATUS, "status"),
    column(FULFILMENT, "fulfillment-channel"),
    column(PRODUCT_ID, "product-id"),
    column(PRODUCT_ID_TYPE, "product-id-type"),
    column(OPEN_DATE, "open-date"),
]


def read_listings(export: Export) -> pd.DataFrame:
    text = export.text
    frame = pd.DataFrame(index=text.index)
    frame[Field.SKU.value] = export.get(Field.SKU.value)
    message = _(
        "The export lists the seller SKU {key} more than once (rows {rows}); "
        "chansync leaves it alone on this channel until one is removed."
    )
    export.duplicates(frame[Field.SKU.value], Field.SKU.value, Field.SKU, message)
    for name in (ASIN, LISTING_ID, PRODUCT_ID, PRODUCT_ID_TYPE, OPEN_DATE):
        frame[name] = export.get(name)
    # A field the report has no column for gets no column either, so the plan does not compare it.
    if export.has(Field.TITLE):
        frame[Field.TITLE.value] = export.get(Field.TITLE.value)
    if export.has(Field.PRICE):
        frame[Field.PRICE.value] = export.parse(Field.PRICE).astype("Int64")
    fulfilment = export.get(FULFILMENT)
    by_amazon = fulfilled_by_amazon(fulfilment)
    frame[FULFILMENT] = fulfilment.where(columns.filled(fulfilment), MERCHANT_FULFILLED)
    if export.has(Field.QUANTITY):
        quantity = export.parse(Field.QUANTITY).astype("Int64")
        frame[Field.QUANTITY.value] = quantity.mask(by_amazon)  # Amazon's own count: unknown here
    frame[FIXED] = pd.Series("", index=text.index, dtype="str").mask(by_amazon, Field.QUANTITY.value)
    status = columns.lower(export.get(AMAZON_STATUS, "active"))
    frame[AMAZON_STATUS] = status
    frame[LIVE] = status.eq("active") | status.eq("")
    frame[ROW] = text[ROW]
    return frame[columns.filled(frame[Field.SKU.value])].reset_index(drop=True)
