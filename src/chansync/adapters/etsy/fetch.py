"""Reading an Etsy shop through the Open API v3 (``export: api``), into the frame the download reader gives.

1. The shop's active listings, page by page: ``GET /v3/application/shops/{shop_id}/listings/active`` with
   ``limit`` 100 (the documented maximum) and ``offset``
   (https://developers.etsy.com/documentation/reference#operation/findAllActiveListingsByShop). Each listing
   gives its title, description, price (``{amount, divisor, currency_code}``) and total quantity.
2. Each listing's inventory: ``GET /v3/application/listings/{listing_id}/inventory``
   (https://developers.etsy.com/documentation/reference#operation/getListingInventory): its products, each with its
   SKU and an offering with its own price and quantity.

So, unlike the download (one price and one total per listing), every variation's own price and quantity is known:
none is marked the channel's own (``_fixed``). A product without a SKU cannot be matched and is left out, as in the
download. Only active listings are read, and all of them are on sale (``_live``); one whose inventory answers 404
ended while the shop was being read and is left out. Etsy's batch read of inventories
(``GET /v3/application/listings/batch/inventory``, 100 listings a call:
https://developers.etsy.com/documentation/tutorials/inventory-shipping-migration) would need fewer calls, but its
reply's shape was not found documented in full, so it is not used. 429 (Etsy's per-second and per-day limits,
https://developers.etsy.com/documentation/essentials/rate-limits) and 5xx are retried by the shared HTTP client,
honouring ``Retry-After``.
"""

from __future__ import annotations

import html
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd

from ...errors import TransportError
from ...fields import ROW, Field
from ...i18n import _
from ...model import FIXED, LIVE, ChannelState
from ...transports.http import HttpClient, status_of
from .api import active_listings, inventory_of, products_of
from .export import LISTING, LISTING_PRICE, LISTING_QUANTITY, LISTING_ROW, LISTING_SKUS

SKU, TITLE, DESCRIPTION = Field.SKU.value, Field.TITLE.value, Field.DESCRIPTION.value
PRICE, QUANTITY, CURRENCY = Field.PRICE.value, Field.QUANTITY.value, Field.CURRENCY.value


def _cents(money: Any) -> tuple[int | None, str]:
    """A price as Etsy gives it (``{"amount": 2400, "divisor": 100, "currency_code": "EUR"}``) in cents, and its
    currency; (None, "") when it is not one."""
    if not isinstance(money, dict):
        return None, ""
    currency = str(money.get("currency_code") or "").upper()
    try:
        amount, divisor = Decimal(str(money["amount"])), Decimal(str(money.get("divisor") or 100))
        if divisor <= 0 or not amount.is_finite():
            return None, currency
        cents = (amount * 100 / divisor).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    except (KeyError, InvalidOperation, ValueError, TypeError):
        return None, currency
    return int(cents), currency


def _units(money: Any) -> str:
    """A listing's price as the download writes it (``24.00``)."""
    cents, _rest = _cents(money)
    return "" if cents is None else f"{Decimal(cents).scaleb(-2):.2f}"


def _quantity(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _text(value: Any) -> str:
    # Etsy has been seen to give text fields with HTML entities (&#39;) in other resources
    # (https://github.com/etsy/open-api/issues/446); a title never means them literally.
    return html.unescape(str(value)) if value is not None else ""


def _offering(product: dict[str, Any]) -> dict[str, Any]:
    offerings = [o for o in product.get("offerings") or [] if isinstance(o, dict) and not o.get("is_deleted")]
    return offerings[0] if offerings else {}


def listing_rows(listing: dict[str, Any], inventory: dict[str, Any], position: int) -> list[dict[str, Any]]:
    """One row per product with a SKU."""
    products = [p for p in products_of(inventory) if str(p.get("sku") or "").strip()]
    _, listing_currency = _cents(listing.get("price"))
    rows = []
    for product in products:
        offering = _offering(product)
        cents, currency = _cents(offering.get("price"))
        rows.append(
            {
                SKU: str(product["sku"]).strip(),
                TITLE: _text(listing.get("title")),
                DESCRIPTION: _text(listing.get("description")),
                PRICE: cents,
                QUANTITY: _quantity(offering.get("quantity")),
                CURRENCY: currency or listing_currency,
                LISTING: _text(listing.get("title")),
                LISTING_ROW: position,
                LISTING_SKUS: len(products),
                LISTING_PRICE: _units(listing.get("price")),
                LISTING_QUANTITY: "" if _quantity(listing.get("quantity")) is None else str(listing["quantity"]),
            }
        )
    return rows


def fetch_state(client: HttpClient, shop_id: str, display: str) -> ChannelState:
    """Every SKU of the shop's active listings with its own price and quantity. Raises :class:`TransportError`
    with a plain message when Etsy cannot be read."""
    rows: list[dict[str, Any]] = []
    try:
        for position, listing in enumerate(active_listings(client, shop_id), start=1):
            try:
                inventory = inventory_of(client, int(listing["listing_id"]))
            except TransportError as error:
                if status_of(error) == 404:  # the listing ended since it was listed: it is not on sale
                    continue
                raise
            rows.extend(listing_rows(listing, inventory, position))
    except TransportError as error:
        raise TransportError(
            _("the Etsy shop's listings could not be read: {reason}").format(reason=error.message),
            retriable=error.retriable,
            hint=error.hint,
        ) from None
    text = [SKU, TITLE, DESCRIPTION, CURRENCY, LISTING, LISTING_PRICE, LISTING_QUANTITY]
    frame = pd.DataFrame({name: pd.Series([r[name] for r in rows], dtype="str") for name in text})
    frame[PRICE] = pd.array([r[PRICE] for r in rows], dtype="Int64")
    frame[QUANTITY] = pd.array([r[QUANTITY] for r in rows], dtype="Int64")
    frame[FIXED] = pd.Series("", index=frame.index, dtype="str")  # every variation's own price and quantity
    frame[LISTING_ROW] = np.array([r[LISTING_ROW] for r in rows], dtype="int64")
    frame[LISTING_SKUS] = np.array([r[LISTING_SKUS] for r in rows], dtype="int64")
    frame[LIVE] = True  # findAllActiveListingsByShop gives active listings only
    frame[ROW] = frame[LISTING_ROW]
    order = [SKU, TITLE, DESCRIPTION, PRICE, QUANTITY, CURRENCY, FIXED, LISTING, LISTING_ROW, LISTING_SKUS,
             LISTING_PRICE, LISTING_QUANTITY, LIVE, ROW]  # fmt: skip
    return ChannelState(frame[order], SKU, display)
