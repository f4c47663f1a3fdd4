"""``meta``: a Meta (Facebook and Instagram) catalogue data feed, CSV.

Google's attribute names with Meta's own value forms: availability ``in stock`` / ``out of stock`` with a space,
stock in ``quantity_to_sell_on_facebook``, longer limits (title 200, description 9,999). Reads the CSV (with
the optional ``#`` comment lines and JSON-path columns such as ``video[0].url`` ignored) or an RSS/Atom feed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

import pandas as pd

from ..fields import BACKORDER, IN_STOCK, OUT_OF_STOCK, PREORDER, Field
from ..issues import IssueCode, Severity, define
from .base import Desired
from .catalogue import Attribute, CatalogueAdapter
from .feeds import csv_bytes, kept_rows
from .settings import FeedSettings

if TYPE_CHECKING:
    from ..model import Plan

ID_TOO_LONG = define("meta-id-too-long", Severity.ERROR, "An id (SKU) is longer than Meta's 100 characters.")
TITLE_TOO_LONG = define(
    "meta-title-cut", Severity.WARNING, "A title is longer than Meta's 200 characters; the feed cuts it."
)
DESCRIPTION_TOO_LONG = define(
    "meta-description-cut", Severity.WARNING, "A description is longer than Meta's 9,999 characters; the feed cuts it."
)
STOCK = "quantity_to_sell_on_facebook"


class MetaAdapter(CatalogueAdapter):
    name = "meta"
    title = "Meta catalogue"
    Settings = FeedSettings
    fields = (*CatalogueAdapter.fields, Field.QUANTITY)
    #: Meta's catalogue field reference lists ``description`` and ``brand`` among the required fields
    #: (https://developers.facebook.com/docs/commerce-platform/catalog/fields). A GTIN or MPN does not stand in for
    #: the brand: with an identifier but no brand the item is ``catalogue-brand-missing`` already.
    required = (*CatalogueAdapter.required, Field.DESCRIPTION, Field.BRAND)
    availability_words: ClassVar[dict[str, str]] = {
        IN_STOCK: "in stock",
        OUT_OF_STOCK: "out of stock",
        PREORDER: "preorder",
        BACKORDER: "available for order",
    }
    limits: ClassVar[tuple[tuple[Field, int, IssueCode], ...]] = (
        (Field.SKU, 100, ID_TOO_LONG),
        (Field.TITLE, 200, TITLE_TOO_LONG),
        (Field.DESCRIPTION, 9999, DESCRIPTION_TOO_LONG),
    )
    extra_attributes = (Attribute(STOCK, Field.QUANTITY),)

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        rows = kept_rows(plan)
        text = self.attribute_text(rows, desired.currency)
        frame = pd.DataFrame(text, index=rows.index)
        # Only fields Meta documents: its catalogue fields reference and the sample feed header on
        # https://developers.facebook.com/docs/marketing-api/catalog/guides/metadata-tags (id, title, description,
        # product_type, link, image_link, condition, availability, price, sale_price, gtin, brand, mpn,
        # item_group_id, color, size; additional_image_link and quantity_to_sell_on_facebook on
        # https://developers.facebook.com/docs/commerce-platform/catalog/fields). Google's identifier_exists is not
        # among them, so it is not written.
        yield csv_bytes(frame[[a.name for a in self.attributes()]])
