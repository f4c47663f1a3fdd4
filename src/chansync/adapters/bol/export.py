"""Reading bol.com's offer export (or a review file chansync wrote) into the canonical frame."""

from __future__ import annotations

import pandas as pd
import pyarrow.compute as pc

from ... import columns
from ...fields import ROW, Field
from ...i18n import _
from ...model import FIXED, LIVE
from ...wording import label
from ..tabular import CANNOT_READ, Export, column
from .columns import (
    BOL_CONDITION,
    BY_BOL,
    BY_RETAILER,
    CONDITION_CATEGORY,
    CONDITIONS_READ,
    DELIVERY_CODE,
    FULFILMENT,
    MUTATED,
    OFFER_ID,
    ON_HOLD,
)

#: The offer export's header first, then the header of the review file chansync writes (so a feed reads back).
COLUMNS = [
    column(OFFER_ID, "offerId"),
    column(Field.GTIN, "ean"),
    column(BOL_CONDITION, "conditionName", "condition"),
    column(CONDITION_CATEGORY, "conditionCategory"),
    column(Field.PRICE, "bundlePricesPrice", "price"),
    column(DELIVERY_CODE, "fulfilmentDeliveryCode"),
    column(Field.QUANTITY, "stockAmount", "stock"),
    column(ON_HOLD, "onHoldByRetailer", "onHold"),
    column(FULFILMENT, "fulfilmentType", "fulfilment"),
    column(MUTATED, "mutationDateTime"),
    column(Field.SKU, "referenceCode", "reference"),
]


def ean13(gtin: pd.Series) -> pd.Series:
    """GTINs as bol's 13-digit EANs: a 12-digit UPC gets a leading zero, and a GTIN-14 whose indicator digit is 0
    (the same number as the GTIN-13 it pads) loses it. Others (GTIN-8, case-level GTIN-14) are left as they are."""
    text = gtin.astype("str")
    data = columns.arrow(text)
    twelve = columns.matches(text, r"\d{12}")
    padded = columns.matches(text, r"0\d{13}")
    out = text.mask(twelve, columns.strings(pc.utf8_lpad(data, width=13, padding="0"), text.index))
    return out.mask(padded, columns.strings(pc.utf8_slice_codeunits(data, 1), text.index))


def read_offers(export: Export) -> pd.DataFrame:
    text = export.text
    frame = pd.DataFrame(index=text.index)
    ean = export.get(Field.GTIN.value)
    digits = columns.matches(ean, r"\d{1,14}")
    # bol's EANs are 13 digits; a shorter one lost its leading zeros in a spreadsheet.
    ean = ean.mask(
        digits & columns.length(ean).lt(13), columns.strings(pc.utf8_lpad(columns.arrow(ean), 13, "0"), ean.index)
    )
    ean = ean13(ean)
    unusable = columns.filled(ean) & ~columns.matches(ean, r"\d{13,14}")
    if unusable.any():
        message = _('The channel\'s EAN "{value}" cannot be read; the offer is left out.')
        export.unreadable(unusable, ean, Field.GTIN.value, Field.GTIN, message)
    frame[Field.GTIN.value] = ean
    # One EAN twice (two conditions are two offers, but chansync keys offers by EAN alone): a located warning.
    message = _(
        "The export lists the EAN {key} more than once (rows {rows}); "
        "chansync leaves it alone on this channel until one is removed."
    )
    export.duplicates(ean.where(~unusable, ""), Field.GTIN.value, Field.GTIN, message)
    frame[OFFER_ID] = export.get(OFFER_ID)
    # A field the export has no column for gets no column either, so the plan does not compare it.
    if export.has(Field.SKU):
        frame[Field.SKU.value] = export.get(Field.SKU.value)
    if export.has(Field.PRICE):
        frame[Field.PRICE.value] = export.parse(Field.PRICE).astype("Int64")
    fulfilment = columns.upper(export.get(FULFILMENT))
    frame[FULFILMENT] = fulfilment.where(columns.filled(fulfilment), BY_RETAILER)
    by_bol = frame[FULFILMENT].eq(BY_BOL)
    if export.has(Field.QUANTITY):
        quantity = export.parse(Field.QUANTITY).astype("Int64")
        frame[Field.QUANTITY.value] = quantity.mask(by_bol)  # bol's own count: unknown here
    frame[FIXED] = pd.Series("", index=text.index, dtype="str").mask(by_bol, Field.QUANTITY.value)
    if export.has(BOL_CONDITION):
        condition_name = columns.upper(export.get(BOL_CONDITION))
        condition_name = condition_name.where(columns.filled(condition_name), "NEW")  # bol's default condition
        frame[BOL_CONDITION] = condition_name
        condition, unknown = columns.map_few(condition_name, CONDITIONS_READ)
        if unknown.any():
            export.unreadable(
                unknown, condition_name, BOL_CONDITION, Field.CONDITION, _(CANNOT_READ), field=label(Field.CONDITION)
            )
        frame[Field.CONDITION.value] = condition
    on_hold = columns.lower(export.get(ON_HOLD, "false")).eq("true")
    frame[ON_HOLD] = on_hold
    frame[LIVE] = ~on_hold
    frame[ROW] = text[ROW]
    return frame[columns.filled(ean) & ~unusable].reset_index(drop=True)
