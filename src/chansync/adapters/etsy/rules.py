"""Etsy's limits on what chansync sends.

- Title: at most 140 characters. The Open API v3 reference, ``createDraftListing`` / ``updateListing``
  (https://developers.etsy.com/documentation/reference#operation/createDraftListing); the longest title in the
  real download is exactly 140 characters. The exact wording of the reference was not re-checked here.
- Price: above zero; an offering's price is a positive amount (``updateListingInventory``,
  https://developers.etsy.com/documentation/reference#operation/updateListingInventory). The master's own rule
  already refuses zero and negative prices; this one catches a channel price rule that produces one.
- Tags (at most 13) are not a canonical field, so chansync neither carries nor checks them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from ...fields import Field
from ...i18n import _
from ...issues import Severity, define

if TYPE_CHECKING:
    from ..base import Adapter, Desired

MAX_TITLE = 140

TITLE_TOO_LONG = define("etsy-title-too-long", Severity.ERROR, "A title is longer than Etsy's 140 characters.")
PRICE_NOT_POSITIVE = define("etsy-price-not-positive", Severity.ERROR, "A price of zero or less, which Etsy refuses.")


def check(desired: Desired, adapter: Adapter) -> Iterable[pd.DataFrame]:
    from ...channel_rules import WANTED, channel_issue, too_long

    frame = desired.frame
    wanted = frame[WANTED]
    title_rule = _("Etsy titles hold at most {limit} characters; this one has {length}.")
    yield too_long(desired, adapter, TITLE_TOO_LONG, Field.TITLE, MAX_TITLE, title_rule)
    if Field.PRICE.value in frame.columns:
        free = frame[Field.PRICE.value].astype("Int64").le(0).fillna(False) & wanted
        yield channel_issue(
            desired, adapter, PRICE_NOT_POSITIVE, free, _("Etsy needs a price above zero."), Field.PRICE
        )
