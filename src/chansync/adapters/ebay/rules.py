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

from ... import columns
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
    from ...channel_rules import WANTED, channel_issue

    frame = desired.frame
    wanted = frame[WANTED]
    sku_length = columns.length(frame[Field.SKU.value].astype("str").fillna(""))
    long_sku = sku_length.gt(MAX_SKU) & wanted
    message = fill(
        _("eBay's custom label holds at most {limit} characters; this SKU has {length}."),
        limit=number(MAX_SKU),
        length=sku_length[long_sku].astype("str"),  # the flagged rows only
    )
    yield channel_issue(desired, adapter, SKU_TOO_LONG, long_sku, message, Field.SKU)
    if Field.TITLE.value in frame.columns:
        title_length = columns.length(frame[Field.TITLE.value].astype("str").fillna(""))
        long_title = title_length.gt(MAX_TITLE) & wanted
        message = fill(
            _("eBay titles hold at most {limit} characters; this one has {length}."),
            limit=number(MAX_TITLE),
            length=title_length[long_title].astype("str"),
        )
        yield channel_issue(desired, adapter, TITLE_TOO_LONG, long_title, message, Field.TITLE)
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
