"""``meta``: a Meta (Facebook and Instagram) catalogue data feed, CSV.

Google's attribute names with Meta's own value forms: availability ``in stock`` / ``out of stock`` with a space,
stock in ``quantity_to_sell_on_facebook``, longer limits (title 200, description 9,999). Reads the CSV (with
the optional ``#`` comment lines and JSON-path columns such as ``video[0].url`` ignored) or an RSS/Atom feed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from ...fields import BACKORDER, IN_STOCK, OUT_OF_STOCK, PREORDER, Field
from ...issues import IssueCode
from ..base import Desired
from ..catalogue import Attribute, CatalogueAdapter
from ..settings import FeedSettings
from .feed import feed_bytes
from .rules import DESCRIPTION_TOO_LONG, ID_TOO_LONG, TITLE_TOO_LONG

if TYPE_CHECKING:
    from ...model import Plan

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
        return feed_bytes(self, desired, plan)


__all__ = ["MetaAdapter"]
