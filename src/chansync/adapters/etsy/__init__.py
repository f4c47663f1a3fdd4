"""``etsy``: an Etsy shop: ``EtsyListingsDownload.csv`` in (any language), a review CSV out.

Keyed by SKU: the download has no listing id, and a listing with variations lists the SKUs of all its products in
one cell. Etsy has no CSV import, so the feed is a review file of what should change, to apply by hand (the Open
API's ``updateListingInventory`` is the automatic route; see ``docs/channels/etsy.md``). With ``export: api`` the
shop is read through the Open API instead of the download, every variation with its own price and quantity.
chansync does not create Etsy listings (``creates = False``): a listing needs a taxonomy, who/when made and a
shipping profile the master does not hold. Variations take their listing's title and description from their parent
row in the master.
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
from ..base import Adapter, AdapterSettings, Capability, ChannelState, Desired, OnApplied
from . import rules
from .export import read_download, read_listings
from .feed import review_bytes

if TYPE_CHECKING:
    from ...model import Plan
    from ...transports.http import HttpClient


class EtsySettings(AdapterSettings):
    spreadsheet_safe: bool = PydField(
        True, description="Prefix review-file cells starting with = + - @ with an apostrophe."
    )


class EtsyAdapter(Adapter):
    name = "etsy"
    title = "Etsy"
    capabilities = frozenset(
        {Capability.READ_EXPORT, Capability.WRITE_FEED, Capability.APPLY_API, Capability.FETCH_API}
    )
    key = Field.SKU
    fields = (Field.TITLE, Field.DESCRIPTION, Field.PRICE, Field.QUANTITY)
    required = (Field.TITLE, Field.PRICE)
    product_fields = (Field.TITLE, Field.DESCRIPTION)
    creates = False
    Settings = EtsySettings

    @property
    def settings(self) -> EtsySettings:
        assert isinstance(self.context.settings, EtsySettings)
        return self.context.settings

    def read_export(self, path: Path, display: str) -> ChannelState:
        export = read_download(path, display, self.channel, self.context.config.header_map)
        return ChannelState(read_listings(export), Field.SKU.value, display, issues=export.issues)

    def fetch(self, client: HttpClient, *, upload: Any = None) -> ChannelState:
        """The shop's active listings through Open API v3 (``export: api``, see :mod:`.fetch`): every SKU with its
        own price and quantity, in the columns the download gives."""
        from .fetch import fetch_state

        if upload is None or not getattr(upload, "shop_id", None):
            raise AdapterError(
                _("export: api for Etsy reads through `{upload}`").format(
                    upload="upload: {type: etsy_api, shop_id, ...}"
                )
            )
        return fetch_state(client, str(upload.shop_id), f"{self.channel} (Etsy Open API)")  # the channel's word

    def check(self, desired: Desired) -> Iterable[pd.DataFrame]:
        return rules.check(desired, self)

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        yield review_bytes(plan, desired.currency, spreadsheet_safe=self.settings.spreadsheet_safe)

    def apply(
        self, plan: Plan, desired: Desired, client: HttpClient, applied: OnApplied, *, upload: Any = None
    ) -> dict[str, str]:
        """Apply the plan through Open API v3 (``upload: {type: etsy_api}``): each changed listing's whole
        inventory, every product of it (see :mod:`.api`); {SKU: reason} for what was not applied."""
        from .api import apply_plan

        if upload is None or not getattr(upload, "shop_id", None):
            raise AdapterError(
                _("the etsy adapter applies through `{upload}`").format(upload="upload: {type: etsy_api, shop_id, ...}")
            )
        return apply_plan(plan, client, applied, str(upload.shop_id))


__all__ = ["EtsyAdapter", "EtsySettings"]
