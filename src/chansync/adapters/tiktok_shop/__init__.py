"""``tiktok_shop``: a TikTok Shop: Seller Center's batch edit download in (any language), the batch edit file for
price and stock out, and the Partner API for ``export: api`` and applying changes (``upload: {type:
tiktok_shop_api}``).

Keyed by seller SKU; the product id and SKU id are kept, because the batch edit file and the API name a SKU by
them. chansync revises price and quantity of SKUs that exist (titles only with ``revise_title: true``) and
delists by setting quantity 0. It does not create products (``creates = False``): a TikTok Shop product needs a
category, attributes, images and a package size that the master sheet does not hold, so a product missing on
TikTok Shop is reported as skipped. Facts and their sources: ``docs/channels/tiktok_shop.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import Field as PydField

from ...fields import Field
from ..base import Adapter, AdapterSettings, Capability, ChannelState, Desired, OnApplied
from ..tabular import read_channel_export
from . import rules
from .export import COLUMNS, REQUIRED, read_skus
from .feed import batch_edit_bytes

if TYPE_CHECKING:
    from ...model import Plan
    from ...transports.http import HttpClient


class TikTokShopSettings(AdapterSettings):
    revise_title: bool = PydField(
        False,
        description="Also compare titles and write them in the batch edit file's product name (at most 255 "
        "characters); off: price and quantity only.",
    )
    cross_border: bool = PydField(
        False, description="A cross-border shop: the price limits of cross-border shops apply (see docs)."
    )


class TikTokShopAdapter(Adapter):
    name = "tiktok_shop"
    title = "TikTok Shop (Seller Center batch edit)"
    capabilities = frozenset(
        {Capability.READ_EXPORT, Capability.WRITE_FEED, Capability.APPLY_API, Capability.FETCH_API}
    )
    key = Field.SKU
    fields = (Field.TITLE, Field.PRICE, Field.QUANTITY)
    required = (Field.PRICE,)
    #: A product with variations has one name: its SKUs take their parent's.
    product_fields = (Field.TITLE,)
    creates = False
    feed_suffix = ".xlsx"
    Settings = TikTokShopSettings

    @property
    def settings(self) -> TikTokShopSettings:
        assert isinstance(self.context.settings, TikTokShopSettings)
        return self.context.settings

    def carried(self) -> tuple[Field, ...]:
        if self.settings.revise_title:
            return self.fields
        return tuple(f for f in self.fields if f is not Field.TITLE)

    def read_export(self, path: Path, display: str) -> ChannelState:
        export = read_channel_export(self, path, display, COLUMNS, title="TikTok Shop batch edit", required=REQUIRED)
        return ChannelState(read_skus(export), Field.SKU.value, display, issues=export.issues)

    def check(self, desired: Desired) -> Iterable[pd.DataFrame]:
        return rules.check(desired, self, cross_border=self.settings.cross_border)

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        yield batch_edit_bytes(plan, titles=self.settings.revise_title)

    # --- the Partner API (``upload: {type: tiktok_shop_api}``; ``export: api``) -----------------------------------

    def fetch(self, client: HttpClient, *, upload: Any = None) -> ChannelState:
        """Every SKU through Search Products (see :mod:`.api`)."""
        from .api import fetch_state

        return fetch_state(client, f"{self.channel} (TikTok Shop API)")  # the channel's word

    def apply(
        self, plan: Plan, desired: Desired, client: HttpClient, applied: OnApplied, *, upload: Any = None
    ) -> dict[str, str]:
        """Price and stock through Update Price and Update Inventory, per product; {SKU: reason} for what was not
        applied (see :mod:`.api`)."""
        from .api import apply_plan

        return apply_plan(plan, client, applied, desired.currency)


__all__ = ["TikTokShopAdapter", "TikTokShopSettings"]
