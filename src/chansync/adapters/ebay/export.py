"""Reading Seller Hub's "All active listings" download (the "Edit price and quantity" template).

The layout, per https://pages.ebay.com/sh/reports/help/uploadable-file-feeds and as such files look in the wild
(section 7 of the channel reference marks the details unconfirmed against an official column list):

- UTF-8 with a byte-order mark; a first line ``#INFO,Version=1.0.0,Template= eBay-active-revise-price-quantity-
  download_US,,,…`` naming the template and site, then the header
  ``Action,Category name,Item number,Title,Listing site,Currency,Start price,Buy It Now price,Available quantity,
  Relationship,Relationship details,Custom label (SKU)`` (some sites write ``;`` and leave out ``Category name``).
- One ``Revise`` row per listing. A multi-variation listing's row lists its options in ``Relationship details``
  (``Color=Red;Blue|Size=M;L``) and is followed by one row per variation: blank ``Action`` and ``Item number``,
  ``Relationship = Variation``, its own options (``Color=Red|Size=M``), price, quantity and SKU.
- A fixed-price listing's price is its ``Start price`` (https://developer.ebay.com/support/knowledge-base/804).

Listings are keyed by SKU (the custom label); the item number is kept as a channel column, because the revise file
names the listing by it. Listings without a SKU cannot be matched and are left out (so left alone).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ... import columns
from ...fields import ROW, Field
from ...i18n import _
from ..base import LIVE
from ..tabular import Export, column

ACTION, CATEGORY, ITEM, SITE = "ebay_action", "ebay_category", "ebay_item", "ebay_site"
BUY_NOW, RELATIONSHIP, DETAILS = "ebay_buy_now", "ebay_relationship", "ebay_details"
PARENT_DETAILS, TEMPLATE = "ebay_parent_details", "ebay_template"
VARIATION = "variation"

#: The download's headers (and the legacy File Exchange spellings from section 7 of the reference).
COLUMNS = [
    column(ACTION, "Action"),
    column(CATEGORY, "Category name"),
    column(ITEM, "Item number", "ItemID"),
    column(Field.TITLE, "Title"),
    column(SITE, "Listing site"),
    column(Field.CURRENCY, "Currency"),
    column(Field.PRICE, "Start price", "StartPrice"),
    column(BUY_NOW, "Buy It Now price"),
    column(Field.QUANTITY, "Available quantity", "Quantity"),
    column(RELATIONSHIP, "Relationship"),
    column(DETAILS, "Relationship details"),
    column(Field.SKU, "Custom label (SKU)", "CustomLabel"),
]
REQUIRED = [ITEM, Field.SKU.value]

_TEMPLATE = re.compile(r"Template=\s*([^,;\r\n]+)")


def template_of(path: Path) -> str:
    """The template named on the ``#INFO`` line (``eBay-active-revise-price-quantity-download_US``), or ""."""
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8-sig", errors="replace").lstrip("\ufeff")
    first = head.splitlines()[0] if head else ""
    found = _TEMPLATE.search(first) if first.startswith("#INFO") else None
    return found.group(1).strip() if found else ""


def _from_listing_row(values: pd.Series, variation: pd.Series) -> pd.Series:
    """A variation row's value taken from its listing's row above it (the last row that is not a variation)."""
    listing = values.where(~variation & values.ne("")).ffill()
    return values.where(~variation | values.ne(""), listing.fillna(""))


def read_listings(export: Export, template: str) -> pd.DataFrame:
    """One row per SKU: variations and single-SKU listings; a variation listing's own row is left out."""
    text = export.text
    variation = columns.lower(export.get(RELATIONSHIP)).eq(VARIATION)
    details = export.get(DETAILS)
    has_variations = ~variation & variation.shift(-1, fill_value=False)
    frame = pd.DataFrame(index=text.index)
    frame[Field.SKU.value] = export.get(Field.SKU.value)
    frame[ITEM] = _from_listing_row(export.get(ITEM), variation)
    frame[Field.TITLE.value] = _from_listing_row(export.get(Field.TITLE.value), variation)
    frame[Field.CURRENCY.value] = columns.upper(_from_listing_row(export.get(Field.CURRENCY.value), variation))
    frame[CATEGORY] = _from_listing_row(export.get(CATEGORY), variation)
    frame[SITE] = _from_listing_row(export.get(SITE), variation)
    frame[Field.PRICE.value] = export.parse(Field.PRICE)
    frame[Field.QUANTITY.value] = export.parse(Field.QUANTITY) if export.has(Field.QUANTITY) else pd.NA
    frame[RELATIONSHIP] = pd.Series("", index=text.index, dtype="str").mask(variation, "Variation")
    frame[DETAILS] = details.where(variation, "")
    frame[PARENT_DETAILS] = details.where(~variation).ffill().fillna("").where(variation, "")
    frame[TEMPLATE] = template
    frame[LIVE] = True  # the download lists active listings only
    frame[ROW] = text[ROW]
    keep = columns.filled(frame[Field.SKU.value]) & ~has_variations
    frame = frame[keep]
    # every listing with it is left alone
    export.duplicate_rows(
        frame,
        Field.SKU,
        _(
            "The export lists the custom label {key} more than once (rows {rows}); "
            "chansync leaves it alone on this channel until one is removed."
        ),
    )
    return frame.reset_index(drop=True)
