"""``ebay``: eBay listings through Seller Hub Reports: the "All active listings" download in, the matching
"Edit price and quantity" revise file out; or through the Sell Inventory API (``upload: {type: ebay_api}``:
``export: api`` reads the listings, push sets price and quantity in bulk; see :mod:`.api`).

Keyed by SKU (the custom label); the item number is kept to name the listing in the revise file. The adapter
revises price and quantity of listings that exist (titles only with ``revise_title: true``) and delists by setting
quantity 0. It does not create listings (``creates = False``): a new eBay listing needs a category, item specifics,
a condition and business policies that the master sheet does not hold, so a product missing on eBay is reported
as skipped. Facts and their sources: ``docs/channels/ebay.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import Field as PydField

from ...errors import AdapterError
from ...fields import Field
from ...i18n import _
from ..base import Adapter, AdapterSettings, Capability, ChannelState, Desired, OnApplied
from ..tabular import read_channel_export
from . import rules
from .export import COLUMNS, REQUIRED, read_listings, template_of
from .feed import revise_bytes

if TYPE_CHECKING:
    from ...model import Plan
    from ...transports.http import HttpClient


class EbaySettings(AdapterSettings):
    site: str = PydField(
        "US",
        pattern=r"^[A-Z]{2,6}$",
        description="eBay site code of the template written when the export names none (US, GB, DE, IT, AU …).",
    )
    min_price: Decimal | None = PydField(
        Decimal("0.99"),
        ge=0,
        description="Lowest fixed price eBay takes on this site (see the Metadata API's minimum listing price "
        "policies); a lower price is a channel error. null: no check.",
    )
    revise_title: bool = PydField(
        False, description="Also compare and write titles (eBay's limit is 80 characters); off: price and quantity."
    )


class EbayAdapter(Adapter):
    name = "ebay"
    title = "eBay (Seller Hub Reports)"
    capabilities = frozenset(
        {Capability.READ_EXPORT, Capability.WRITE_FEED, Capability.APPLY_API, Capability.FETCH_API}
    )
    key = Field.SKU
    fields = (Field.TITLE, Field.PRICE, Field.QUANTITY)
    required = (Field.PRICE,)
    #: A multi-variation listing has one title: its variations take their parent's.
    product_fields = (Field.TITLE,)
    creates = False
    Settings = EbaySettings

    @property
    def settings(self) -> EbaySettings:
        assert isinstance(self.context.settings, EbaySettings)
        return self.context.settings

    def carried(self) -> tuple[Field, ...]:
        if self.settings.revise_title:
            return self.fields
        return tuple(f for f in self.fields if f is not Field.TITLE)

    def read_export(self, path: Path, display: str) -> ChannelState:
        export = read_channel_export(
            self, path, display, COLUMNS, title="Seller Hub active listings", required=REQUIRED
        )
        frame = read_listings(export, template_of(path))
        return ChannelState(frame, Field.SKU.value, display, issues=export.issues)

    def check(self, desired: Desired) -> Iterable[pd.DataFrame]:
        return rules.check(desired, self, self.settings.min_price)

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        yield revise_bytes(plan, self.settings.site, titles=self.settings.revise_title)

    def fetch(self, client: HttpClient, *, upload: Any = None) -> ChannelState:
        """The listings through the Inventory API (``export: api``): every inventory item with a live published
        fixed-price offer on the upload's marketplace, in the download's columns."""
        from .api import fetch_state

        marketplace = str(getattr(upload, "marketplace_id", None) or "EBAY_US")
        return fetch_state(client, marketplace, f"{self.channel} (eBay Inventory API)")  # the channel's word

    def apply(
        self, plan: Plan, desired: Desired, client: HttpClient, applied: OnApplied, *, upload: Any = None
    ) -> dict[str, str]:
        """Price and quantity through bulkUpdatePriceQuantity (``upload: {type: ebay_api}``), 25 SKUs a call;
        {SKU: reason} for what was not applied."""
        from .api import apply_plan

        if upload is None or getattr(upload, "type", None) != "ebay_api":
            raise AdapterError(
                _("the ebay adapter applies through `{upload}`").format(upload="upload: {type: ebay_api, token, ...}")
            )
        return apply_plan(plan, desired, client, applied, upload)


__all__ = ["EbayAdapter", "EbaySettings"]
