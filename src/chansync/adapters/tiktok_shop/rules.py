"""TikTok Shop's limits on what chansync sends, each with the page that states it.

- Seller SKU: 1 to 50 characters, no spaces. The Products API's ``seller_sku`` ("Valid length: 1-50 characters",
  "Text without spaces"), Create Product / Edit Product (https://partner.tiktokshop.com/docv2/page/create-product-202309).
- Quantity: a whole number from 0 and below 99,999 (Update Inventory, "non-negative … and less than 99999":
  https://partner.tiktokshop.com/docv2/page/update-inventory-202309).
- Price: the lowest and highest price differ per market and between local and cross-border shops (Update Price,
  https://partner.tiktokshop.com/docv2/page/update-price-202309). The local figures of the markets the page
  lists are below, chosen by the channel's currency; for another currency (the EU markets, which the page does
  not list) only "above zero" is checked. ``cross_border: true`` takes the cross-border maximums.
- Title (only with ``revise_title: true``): the product name takes fewer than 256 characters (the Seller Center
  batch upload template's instructions; not confirmed on an API page, see docs/channels/tiktok_shop.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from ... import columns
from ...fields import Field
from ...i18n import _, decimal_text, fill, number
from ...issues import Severity, define
from ..feeds import as_text

if TYPE_CHECKING:
    from ..base import Adapter, Desired

MAX_SKU = 50
MAX_TITLE = 255
MAX_QUANTITY = 99_999  # exclusive

#: Local shops: (lowest, highest) price per currency, from the Update Price page.
LOCAL_PRICE = {
    "USD": (Decimal("0.01"), Decimal("7600")),
    "GBP": (Decimal("0.01"), Decimal("5600")),
    "IDR": (Decimal("100"), Decimal("100000000")),
    "THB": (Decimal("30"), Decimal("260000")),
    "MYR": (Decimal("0.01"), Decimal("320000")),
    "VND": (Decimal("1"), Decimal("180000000")),
    "PHP": (Decimal("0.01"), Decimal("400000")),
    "SGD": (Decimal("0.01"), Decimal("10000")),
}
#: Cross-border shops, from the same page.
CROSS_BORDER_PRICE = {
    "GBP": (Decimal("0.01"), Decimal("134.5")),
    "THB": (Decimal("0.01"), Decimal("260000")),
    "MYR": (Decimal("0.01"), Decimal("320000")),
    "VND": (Decimal("1"), Decimal("1000000")),
    "PHP": (Decimal("0.01"), Decimal("400000")),
    "SGD": (Decimal("0.01"), Decimal("400")),
}

SKU_TOO_LONG = define(
    "tiktok-sku-invalid", Severity.ERROR, "A SKU is longer than TikTok Shop's seller SKU (50 characters) or has spaces."
)
TITLE_TOO_LONG = define("tiktok-title-too-long", Severity.ERROR, "A title is longer than TikTok Shop's 255 characters.")
PRICE_OUT_OF_RANGE = define(
    "tiktok-price-out-of-range", Severity.ERROR, "A price outside the range TikTok Shop takes in the shop's market."
)
QUANTITY_TOO_HIGH = define(
    "tiktok-quantity-too-high", Severity.ERROR, "A quantity of 99,999 or more, which TikTok Shop refuses."
)


def price_range(currency: str, *, cross_border: bool) -> tuple[Decimal, Decimal | None]:
    table = CROSS_BORDER_PRICE if cross_border else LOCAL_PRICE
    low, high = table.get(currency.upper(), (Decimal("0.01"), None))
    return low, high


def check(desired: Desired, adapter: Adapter, *, cross_border: bool) -> Iterable[pd.DataFrame]:
    """The rules above, on whole columns of the wanted items."""
    from ...channel_rules import WANTED, channel_issue, too_long

    frame = desired.frame
    wanted = frame[WANTED]
    sku = frame[Field.SKU.value].astype("str").fillna("")
    sku_length = columns.length(sku)
    bad_sku = (sku_length.gt(MAX_SKU) | sku.str.contains(r"\s", regex=True)) & wanted
    message = fill(
        _("TikTok Shop's seller SKU holds 1 to {limit} characters without spaces; this one has {length} characters."),
        limit=number(MAX_SKU),
        length=sku_length[bad_sku].astype("str"),  # the flagged rows only
    )
    yield channel_issue(desired, adapter, SKU_TOO_LONG, bad_sku, message, Field.SKU)
    title_rule = _("TikTok Shop product names hold at most {limit} characters; this one has {length}.")
    yield too_long(desired, adapter, TITLE_TOO_LONG, Field.TITLE, MAX_TITLE, title_rule)
    if Field.PRICE.value in frame.columns:
        low, high = price_range(desired.currency, cross_border=cross_border)
        cents = frame[Field.PRICE.value].astype("Int64")
        out = cents.lt(int(low * 100))
        if high is not None:
            out |= cents.gt(int(high * 100))
        out = out.fillna(False) & wanted
        template = (
            _("TikTok Shop takes prices from {low} to {high} {currency} here; this price is {price}.")
            if high is not None
            else _("TikTok Shop takes prices from {low} {currency} here; this price is {price}.")
        )
        message = fill(
            template,
            low=decimal_text(str(low)),
            high=decimal_text(str(high)),
            currency=desired.currency,
            price=decimal_text(as_text(Field.PRICE, cents[out])),
        )
        yield channel_issue(desired, adapter, PRICE_OUT_OF_RANGE, out, message, Field.PRICE)
    if Field.QUANTITY.value in frame.columns:
        quantity = frame[Field.QUANTITY.value].astype("Int64")
        high_stock = quantity.ge(MAX_QUANTITY).fillna(False) & wanted
        message = fill(
            _("TikTok Shop takes stock below {limit} per SKU; this one is {quantity}."),
            limit=number(MAX_QUANTITY),
            quantity=quantity[high_stock].astype("str"),
        )
        yield channel_issue(desired, adapter, QUANTITY_TOO_HIGH, high_stock, message, Field.QUANTITY)
