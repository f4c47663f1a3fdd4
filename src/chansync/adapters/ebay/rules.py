"""eBay's own limits on what chansync sends, each with the page that states it.

- Custom label (SKU): at most 50 characters. Trading API ``SKUType`` / ``Item.SKU`` "MaxLength: 50"
  (https://developer.ebay.com/devzone/xml/docs/reference/ebay/types/SKUType.html) and the Inventory API's ``sku``
  (https://developer.ebay.com/api-docs/sell/inventory/resources/inventory_item/methods/createOrReplaceInventoryItem).
- Title: at most 80 characters (https://developer.ebay.com/api-docs/user-guides/static/trading-user-guide/listing-title.html).
- Price: the lowest fixed price differs per marketplace and is published by the Metadata API
  (https://developer.ebay.com/api-docs/sell/metadata/resources/marketplace/methods/getMinimumListingPricePolicies).
  chansync does not call it; the channel's ``min_price`` setting (0.99 by default, the figure usually quoted for
  ebay.com: unconfirmed against an official page) stands in for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from ...fields import Field
from ...i18n import _, decimal_text, fill, number
from ...issues import Severity, define
from ..feeds import as_text

if TYPE_CHECKING:
    from ..base import Adapter, Desired

MAX_SKU = 50
MAX_TITLE = 80

SKU_TOO_LONG = define("ebay-sku-too-long", Severity.ERROR, "A SKU is longer than eBay's custom label (50 characters).")
TITLE_TOO_LONG = define("ebay-title-too-long", Severity.ERROR, "A title is longer than eBay's 80 characters.")
PRICE_TOO_LOW = define(
    "ebay-price-too-low", Severity.ERROR, "A price below the lowest fixed price eBay takes (the channel's min_price)."
)


def check(desired: Desired, adapter: Adapter, min_price: Decimal | None) -> Iterable[pd.DataFrame]:
    """The three rules above, on whole columns of the wanted items."""
    from ...channel_rules import WANTED, channel_issue, too_long

    frame = desired.frame
    wanted = frame[WANTED]
    sku_rule = _("eBay's custom label holds at most {limit} characters; this SKU has {length}.")
    yield too_long(desired, adapter, SKU_TOO_LONG, Field.SKU, MAX_SKU, sku_rule)
    title_rule = _("eBay titles hold at most {limit} characters; this one has {length}.")
    yield too_long(desired, adapter, TITLE_TOO_LONG, Field.TITLE, MAX_TITLE, title_rule)
    if min_price is not None and Field.PRICE.value in frame.columns:
        cents = frame[Field.PRICE.value].astype("Int64")
        low = cents.lt(int(min_price * 100)).fillna(False) & wanted
        shown = as_text(Field.PRICE, cents)
        message = fill(
            _("eBay takes no fixed price below {minimum}; this price is {price}."),
            minimum=number(float(min_price), 2),
            price=decimal_text(shown[low]),
        )
        yield channel_issue(desired, adapter, PRICE_TOO_LOW, low, message, Field.PRICE)
