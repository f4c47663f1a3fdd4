"""``meta``: a Meta (Facebook and Instagram) catalogue data feed, CSV.

Google's attribute names with Meta's own value forms: availability ``in stock`` / ``out of stock`` with a space,
stock in ``quantity_to_sell_on_facebook``, longer limits (title 200, description 9,999). Reads the CSV (with
the optional ``#`` comment lines and JSON-path columns such as ``video[0].url`` ignored) or an RSS/Atom feed.
With ``upload: {type: meta_api}`` the plan is applied through the Catalog Batch API and ``export: api`` reads the
catalogue through the Graph API (:mod:`.api`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from ...errors import AdapterError
from ...fields import BACKORDER, IN_STOCK, OUT_OF_STOCK, PREORDER, Field
from ...i18n import _
from ...issues import IssueCode
from ..base import Capability, ChannelState, Desired, OnApplied
from ..catalogue import Attribute, CatalogueAdapter
from ..settings import FeedSettings
from .feed import feed_bytes
from .rules import DESCRIPTION_TOO_LONG, ID_TOO_LONG, TITLE_TOO_LONG

if TYPE_CHECKING:
    from ...model import Plan
    from ...transports.http import HttpClient

STOCK = "quantity_to_sell_on_facebook"


class MetaAdapter(CatalogueAdapter):
    name = "meta"
    title = "Meta catalogue"
    capabilities = frozenset(
        {Capability.READ_EXPORT, Capability.WRITE_FEED, Capability.APPLY_API, Capability.FETCH_API}
    )
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

    def fetch(self, client: HttpClient, *, upload: Any = None) -> ChannelState:
        """The catalogue read through the Graph API's ``products`` edge (``export: api``)."""
        from .api import fetch_state

        return fetch_state(self, client, _catalog(upload))

    def apply(
        self, plan: Plan, desired: Desired, client: HttpClient, applied: OnApplied, *, upload: Any = None
    ) -> dict[str, str]:
        """Apply the plan through the Catalog Batch API (see :mod:`.api`); {SKU: reason} for what was not applied."""
        from .api import apply_plan

        _catalog(upload)
        return apply_plan(self, plan, desired, client, applied, upload)


def _catalog(upload: Any) -> str:
    if upload is None or not getattr(upload, "catalog_id", None):
        raise AdapterError(
            _("the meta adapter reads and applies through `{upload}`").format(
                upload="upload: {type: meta_api, catalog_id, token}"
            )
        )
    return str(upload.catalog_id)


__all__ = ["MetaAdapter"]
