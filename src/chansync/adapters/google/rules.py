"""Google Merchant Center's own rules: the length limits of id, title and description, and the GTIN prefixes it
refuses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow.compute as pc

from ... import columns
from ...fields import Field
from ...i18n import _
from ...issues import Severity, define

if TYPE_CHECKING:
    from ...model import Desired
    from . import GoogleMerchantAdapter

ID_TOO_LONG = define("google-id-too-long", Severity.ERROR, "An id (SKU) is longer than Google's 50 characters.")
TITLE_TOO_LONG = define(
    "google-title-cut", Severity.WARNING, "A title is longer than Google's 150 characters; the feed cuts it."
)
DESCRIPTION_TOO_LONG = define(
    "google-description-cut",
    Severity.WARNING,
    "A description is longer than Google's 5,000 characters; the feed cuts it.",
)
GTIN_RESTRICTED = define(
    "google-gtin-restricted",
    Severity.ERROR,
    "A GTIN has a prefix Google refuses (2, 02, 04: in-store codes; 05, 99, 981-984: coupons).",
)

#: Restricted prefixes, on the GTIN padded to 13 digits (for GTIN-14 the indicator digit is dropped first): matched
#: after the first digit of the GTIN padded to 14.
_RESTRICTED = r"^\d(?:2|02|04|05|99|98[1-4])"


def check(desired: Desired, adapter: GoogleMerchantAdapter) -> Iterator[pd.DataFrame]:
    """Google's rules beyond the catalogue ones (the length limits are the adapter's ``limits``)."""
    from ...channel_rules import WANTED, channel_issue

    frame = desired.frame
    gtin = frame.get(Field.GTIN.value)
    if gtin is not None:
        text = gtin.astype("str").fillna("")
        padded = columns.strings(pc.utf8_lpad(columns.arrow(text), width=14, padding="0"), text.index)
        # the indicator digit is skipped by the pattern rather than cut off (a copy of the column)
        restricted = columns.contains(padded, _RESTRICTED) & text.ne("") & frame[WANTED]
        message = _("Google refuses GTINs with this prefix (in-store or coupon codes); leave the GTIN empty.")
        yield channel_issue(desired, adapter, GTIN_RESTRICTED, restricted, message, Field.GTIN)
