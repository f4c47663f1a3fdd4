"""``bol``: bol.com offers: the offer export CSV in, a review CSV of the changed offers out.

An offer is unique per EAN and condition; bol gives it an ``offerId`` and keeps the seller's SKU as its
``referenceCode``. Offers are keyed by EAN, always 13 digits on bol: a 12-digit UPC in the master is sent with a
leading zero, and a GTIN-8 or a case-level GTIN-14 cannot be listed (a channel error). Prices are euros including
VAT, stock is 0 to 999.

Reading: the offer export (``POST /retailer/offers/export``, format CSV; fetched through the API with
``export: api``, see :mod:`.fetch`) with header
``offerId,ean,conditionName,conditionCategory,conditionComment,bundlePricesPrice,fulfilmentDeliveryCode,
stockAmount,onHoldByRetailer,fulfilmentType,mutationDateTime,referenceCode``, found by name (newer API versions add
columns). An offer on hold is not live. The stock of an offer bol fulfils (``FBB``) is bol's own count: unknown to
chansync and never written. The file chansync writes reads back too.

Writing: a review file ``ean,condition,price,stock,fulfilment,reference,onHold`` with every created and changed
offer (all columns, absolute values), and delisted offers put on hold with stock 0 (never deleted), sorted by EAN.
It is chansync's own format: no official description of a file bol's seller dashboard imports for offers was found
(docs/channels/bol.md), so it is for review (and reads back as an export); changes are applied through the Retailer
API (``upload: {type: bol_api}``, :mod:`.api`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ...errors import AdapterError
from ...fields import DEFAULT_CONDITION, Field
from ...i18n import _
from ..base import Adapter, Capability, ChannelState, Desired, OnApplied
from ..feeds import csv_bytes
from ..tabular import read_export
from . import rules
from .columns import MAX_STOCK
from .export import COLUMNS, ean13, read_offers
from .feed import offer_rows
from .rules import UNCAPPED

if TYPE_CHECKING:
    from ...model import Plan
    from ...transports.http import HttpClient


class BolAdapter(Adapter):
    name = "bol"
    title = "bol.com"
    capabilities = frozenset(
        {Capability.READ_EXPORT, Capability.WRITE_FEED, Capability.APPLY_API, Capability.FETCH_API}
    )
    key = Field.GTIN
    fields = (Field.SKU, Field.PRICE, Field.QUANTITY, Field.CONDITION)
    creates = True

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """EANs in bol's 13 digits, stock capped at 999, condition new where the master gives none."""
        gtin, quantity, condition = Field.GTIN.value, Field.QUANTITY.value, Field.CONDITION.value
        if gtin in frame.columns:
            frame[gtin] = ean13(frame[gtin].astype("str"))
        if quantity in frame.columns:
            stock = frame[quantity].astype("Int64")
            over = stock.gt(MAX_STOCK).fillna(False)
            frame[UNCAPPED] = stock.where(over)
            frame[quantity] = stock.clip(upper=MAX_STOCK)
        if condition in frame.columns:
            frame[condition] = frame[condition].astype("str").fillna(DEFAULT_CONDITION)
        else:
            frame[condition] = DEFAULT_CONDITION
        return frame

    def read_export(self, path: Path, display: str) -> ChannelState:
        export = read_export(
            path,
            display,
            COLUMNS,
            channel=self.channel,
            title="bol.com offer",
            header_map=self.context.config.header_map,
            required=[Field.GTIN.value],
        )
        return ChannelState(read_offers(export), Field.GTIN.value, display, issues=export.issues)

    def fetch(self, client: HttpClient, *, upload: Any = None) -> ChannelState:
        """The offers through the Retailer API's offer export (``export: api``, see :mod:`.fetch`), read by the
        same reader as a downloaded export file."""
        from .fetch import fetch_export

        if upload is None:
            raise AdapterError(_("export: api for bol.com needs the channel's upload section (type bol_api)"))
        data = fetch_export(client, upload)
        with tempfile.TemporaryDirectory(prefix="chansync-bol-") as folder:
            path = Path(folder) / "offers-export.csv"
            path.write_bytes(data)
            return self.read_export(
                path, _("{channel} (bol.com offer export through the API)").format(channel=self.channel)
            )

    def check(self, desired: Desired) -> Iterable[pd.DataFrame]:
        return rules.check(desired, self)

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        yield csv_bytes(offer_rows(plan))

    def apply(
        self,
        plan: Plan,
        desired: Desired,
        client: HttpClient,
        applied: OnApplied,
        *,
        upload: Any = None,
    ) -> dict[str, str]:
        """Apply the plan through the Retailer API v10, offer by offer (see :mod:`.api`); {key: reason} for
        what was not applied. ``upload``: the channel's ``bol_api`` upload section with its variables filled in."""
        from .api import apply_plan

        if upload is None:
            raise ValueError(_("the bol.com API needs the channel's upload section (client_id, client_secret)"))
        return apply_plan(plan, desired, client, applied, upload)


__all__ = ["BolAdapter"]
