"""``amazon``: Amazon Seller Central listings: the All Listings report in, a JSON listings feed out.

Reading: the tab-separated "All Listings" report (``GET_MERCHANT_LISTINGS_ALL_DATA``), one row per listing, keyed by
``seller-sku``. Its columns differ by marketplace and over time, so they are found by name. A listing is live when
its ``status`` is ``Active``; ``Inactive`` and ``Incomplete`` listings are not. Listings fulfilled by Amazon (a
``fulfillment-channel`` other than ``DEFAULT``, such as ``AMAZON_EU``) show no quantity: Amazon counts that stock,
so chansync treats it as unknown and never writes it.

Writing: a ``JSON_LISTINGS_FEED`` (Listings Feed schema 2.0) of ``PATCH`` messages, one per listing that changes,
holding only what changed: the price as ``purchasable_offer`` (a JSON number written from the cents, never through
a binary float) and the stock as ``fulfillment_availability``. Both are ``merge`` patches that name only the offer's
selectors and the one value that changes, so whatever the seller set elsewhere (sale and business prices, minimum
and maximum prices, handling time, restock date) stays as it is; a ``replace`` would drop it. A delisted listing
has its stock set to 0; chansync never deletes a listing. chansync cannot create Amazon listings (a new listing
needs a product type and attributes the master does not hold): products Amazon lacks are reported as skipped. A
feed holds at most ``messages_per_feed`` messages; more are split over several files (``amazon.json``,
``amazon-2.json``, ...).

The processing report Amazon returns for a feed is read by :func:`.report.read_processing_report` (one row per
issue) and :func:`.report.message_results` (per message: accepted, accepted with warnings, or invalid).

Through the Selling Partner API (``upload: {type: amazon_sp_api}``, :mod:`.spapi`): ``chansync push`` sends the
same feed through the Feeds API and follows it to its processing report, recording only what Amazon accepted; with
``export: api`` the All Listings report is requested through the Reports API and read as the file is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import Field as PydField

from ...errors import AdapterError
from ...fields import Field
from ...i18n import _
from ..base import Adapter, AdapterSettings, Capability, ChannelState, Desired, FeedFile, OnApplied
from ..tabular import read_channel_export
from . import rules
from .columns import MAX_MESSAGES, MERCHANT_FULFILLED
from .export import COLUMNS, read_listings
from .feed import documents

if TYPE_CHECKING:
    from ...model import Plan
    from ...transports.http import HttpClient


class AmazonSettings(AdapterSettings):
    seller_id: str = PydField(description="Your Amazon seller (merchant) id, e.g. A2EXAMPLE.")
    marketplace_id: str = PydField(description="The marketplace the prices are for, e.g. A1805IZSGTT6HS (nl).")
    issue_locale: str = PydField("en_US", description="Language of the issues in Amazon's processing report.")
    product_type: str = PydField(
        "PRODUCT", description="Product type sent with each patch (PRODUCT works for price and stock changes)."
    )
    fulfillment_channel_code: str = PydField(
        MERCHANT_FULFILLED, description="Fulfilment channel code of the stock chansync sets (DEFAULT: you ship)."
    )
    messages_per_feed: int = PydField(
        MAX_MESSAGES, ge=1, le=MAX_MESSAGES, description="Messages per feed file; more are split over files."
    )


class AmazonAdapter(Adapter):
    name = "amazon"
    title = "Amazon"
    capabilities = frozenset(
        {Capability.READ_EXPORT, Capability.WRITE_FEED, Capability.APPLY_API, Capability.FETCH_API}
    )
    key = Field.SKU
    fields = (Field.PRICE, Field.QUANTITY)
    creates = False
    feed_suffix = ".json"
    Settings = AmazonSettings

    @property
    def settings(self) -> AmazonSettings:
        assert isinstance(self.context.settings, AmazonSettings)
        return self.context.settings

    def read_export(self, path: Path, display: str) -> ChannelState:
        export = read_channel_export(
            self, path, display, COLUMNS, title="Amazon All Listings report", required=[Field.SKU.value]
        )
        return ChannelState(read_listings(export), Field.SKU.value, display, issues=export.issues)

    def check(self, desired: Desired) -> Iterable[pd.DataFrame]:
        return rules.check(desired, self)

    def feed_files(self, desired: Desired, plan: Plan) -> list[FeedFile]:
        documents = self.documents(desired, plan)
        return [FeedFile("" if n == 1 else f"-{n}", iter([doc])) for n, doc in enumerate(documents, 1)]

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        """The first (usually the only) feed file; :meth:`feed_files` gives them all."""
        yield self.documents(desired, plan)[0]

    def documents(self, desired: Desired, plan: Plan) -> list[bytes]:
        """The feed as JSON documents of at most ``messages_per_feed`` messages each (one, possibly empty), in the
        shape of Amazon's listings feed schema 2.0 (amzn/selling-partner-api-models
        ``schemas/feeds/listings-feed-schema-v2.json``: header ``sellerId``, ``version``, ``issueLocale``; 1 to 10,000
        messages with ``messageId``, ``sku``, ``operationType``, ``productType``, ``patches``)."""
        return documents(plan, self.settings, desired.currency)

    def apply(
        self, plan: Plan, desired: Desired, client: HttpClient, applied: OnApplied, *, upload: Any = None
    ) -> dict[str, str]:
        """Send the plan through the SP-API Feeds API (``upload: {type: amazon_sp_api}``) and follow each feed to
        its processing report (see :mod:`.spapi`); {SKU: reason} for what Amazon did not accept."""
        from .spapi import apply_plan

        _needs_sp_api(upload)
        return apply_plan(plan, desired, client, applied, upload, self)

    def fetch(self, client: HttpClient, *, upload: Any = None) -> ChannelState:
        """The All Listings report through the SP-API Reports API (``export: api``)."""
        from .spapi import fetch_listings

        _needs_sp_api(upload)
        return fetch_listings(client, upload, self)


def _needs_sp_api(upload: Any) -> None:
    if upload is None or getattr(upload, "type", None) != "amazon_sp_api":
        raise AdapterError(
            _("the amazon adapter talks to Amazon through `{upload}`").format(
                upload="upload: {type: amazon_sp_api, ...}"
            )
        )


__all__ = ["AmazonAdapter", "AmazonSettings"]
