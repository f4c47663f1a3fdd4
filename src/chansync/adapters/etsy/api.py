"""Applying price and quantity changes through Etsy's Open API v3, where a listing's inventory is replaced whole.

The contract, with its sources:

- Every request carries ``x-api-key`` (the app's keystring) and ``Authorization: Bearer`` with an OAuth 2 token of
  scope ``listings_r`` / ``listings_w`` (https://developers.etsy.com/documentation/tutorials/listings).
- Price and quantity live only in the inventory; ``updateListing`` ignores them since 2022
  (https://github.com/etsy/open-api/releases, 3.0.0 general release 2022-06-06).
- ``GET /v3/application/listings/{listing_id}/inventory`` reads a listing's products and offerings
  (https://developers.etsy.com/documentation/reference#operation/getListingInventory);
  ``PUT`` on the same path (``updateListingInventory``) **replaces the whole inventory**: a product left out is
  deleted (section 7 of the channel reference), so chansync sends every product of the listing, changed or not,
  with its property values and the ``price_on_property`` / ``quantity_on_property`` / ``sku_on_property`` lists.
- The download has no listing id, so the shop's active listings are listed first
  (``GET /v3/application/shops/{shop_id}/listings/active``, ``limit`` at most 100 with ``offset``:
  https://developers.etsy.com/documentation/reference#operation/findAllActiveListingsByShop).

A price or quantity that does not vary by property is one value for every product of the listing: a change to one
SKU's would change its siblings', so it is refused for that SKU with the reason. Titles and descriptions are not
part of the inventory; they are left to the review file. ``chansync push`` applies through it with
``upload: {type: etsy_api, shop_id, api_key, token}``; reading the shop (``export: api``) is :mod:`.fetch`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ...errors import TransportError
from ...fields import Field
from ...i18n import N_, _
from ...model import DELIST, Plan
from ...transports.http import HttpClient
from .. import changes as shared
from ..base import OnApplied
from ..changes import whole

PAGE = 100  # the documented maximum of ``limit`` on the listings call
PRICE, QUANTITY = Field.PRICE.value, Field.QUANTITY.value


@dataclass
class Change(shared.Change):
    """A :class:`~chansync.adapters.changes.Change`; ``done``: a delist of a SKU whose quantity is 0 already,
    recorded without a call."""

    done: bool = False


@dataclass
class Listing:
    listing_id: int
    inventory: dict[str, Any]
    changes: list[Change] = field(default_factory=list)


def changes_of(plan: Plan) -> dict[str, Change]:
    """{SKU: change} for the plan's price and quantity updates and its delists (absolute values)."""
    out, _others = shared.changes_of(plan, Change)
    current = plan.current
    for key in map(str, plan.keys(DELIST)):
        now = current.at[key, QUANTITY] if QUANTITY in current.columns and key in current.index else None
        out[key].done = whole(now) == 0
    return out


def active_listings(client: HttpClient, shop_id: str) -> Iterator[dict[str, Any]]:
    """Every active listing of the shop, page by page (``limit`` 100, the documented maximum, and ``offset``;
    https://developers.etsy.com/documentation/reference#operation/findAllActiveListingsByShop). A listing seen
    twice (the pages shift while a listing ends or starts) is given once. A reply that is not a page of listings
    raises :class:`TransportError` in a plain sentence."""
    offset, seen = 0, set()
    while True:
        page = client.request(
            "GET", f"shops/{shop_id}/listings/active", params={"limit": PAGE, "offset": offset}, expect_json=True
        ).json()
        results = page.get("results") if isinstance(page, dict) else None
        if not isinstance(results, list) or not all(isinstance(r, dict) and _id(r) is not None for r in results):
            raise TransportError(
                _("Etsy's reply to the list of active listings is not a page of listings with their listing_id")
            )
        for listing in results:
            if _id(listing) not in seen:
                seen.add(_id(listing))
                yield listing
        offset += len(results)
        count = page.get("count")
        known = isinstance(count, int) and not isinstance(count, bool)
        if not results or (offset >= count if known else len(results) < PAGE):
            return


def _id(listing: dict[str, Any]) -> int | None:
    value = listing.get("listing_id")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def active_listing_ids(client: HttpClient, shop_id: str) -> Iterator[int]:
    for listing in active_listings(client, shop_id):
        yield int(listing["listing_id"])


def inventory_of(client: HttpClient, listing_id: int, skus: tuple[str, ...] = ()) -> dict[str, Any]:
    """``GET /listings/{listing_id}/inventory`` (getListingInventory); a reply without a list of products raises
    :class:`TransportError` in a plain sentence."""
    inventory = client.request("GET", f"listings/{listing_id}/inventory", expect_json=True, skus=skus).json()
    if not isinstance(inventory, dict) or not isinstance(inventory.get("products"), list):
        raise TransportError(
            _("Etsy's reply to the inventory of listing {listing_id} has no list of products").format(
                listing_id=listing_id
            ),
            skus=skus,
        )
    return inventory


def products_of(inventory: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in inventory.get("products") or [] if isinstance(p, dict) and not p.get("is_deleted")]


def writable(inventory: dict[str, Any], changes: dict[str, Change]) -> tuple[dict[str, Any], dict[str, str]]:
    """The PUT body for a listing: every product as it is, with ``changes`` applied; {SKU: reason} for the changes
    that cannot be made on their own (nothing of those is sent)."""
    products = products_of(inventory)
    skus = [str(p.get("sku") or "") for p in products]
    refused = _refused(inventory, skus, changes)
    body_products = []
    for sku, product in zip(skus, products, strict=True):
        change = changes.get(sku) if sku not in refused else None
        offerings = []
        for offering in product.get("offerings") or []:
            if offering.get("is_deleted"):
                continue
            price = _money(offering.get("price"))
            quantity = int(offering.get("quantity") or 0)
            if change is not None and change.price is not None:
                price = Decimal(change.price) / 100
            if change is not None and change.quantity is not None:
                quantity = change.quantity
            enabled = bool(offering.get("is_enabled", True))
            offerings.append({"price": float(price), "quantity": quantity, "is_enabled": enabled})
        values = [_property(v) for v in product.get("property_values") or []]
        body_products.append({"sku": sku, "property_values": values, "offerings": offerings})
    body = {
        "products": body_products,
        "price_on_property": list(inventory.get("price_on_property") or []),
        "quantity_on_property": list(inventory.get("quantity_on_property") or []),
        "sku_on_property": list(inventory.get("sku_on_property") or []),
    }
    return body, refused


def _refused(inventory: dict[str, Any], skus: list[str], changes: dict[str, Change]) -> dict[str, str]:
    """A price or quantity that does not vary by property is one value for all products: it can change only when
    every product of the listing is set to the same new value."""
    refused: dict[str, str] = {}
    if len(skus) < 2:
        return refused
    for name, on_property in ((N_("price"), "price_on_property"), (N_("quantity"), "quantity_on_property")):
        if inventory.get(on_property):
            continue
        new = [getattr(changes[s], name) if s in changes else None for s in skus]
        if all(v is None for v in new) or (None not in new and len(set(new)) == 1):
            continue
        for sku in skus:
            if sku in changes and getattr(changes[sku], name) is not None:
                refused[sku] = _("Etsy holds one {name} for all of this listing's variations").format(name=_(name))
    return refused


def _money(price: Any) -> Decimal:
    """An offering's price as read (``{"amount": 1999, "divisor": 100}``) in currency units."""
    if isinstance(price, dict):
        return Decimal(int(price.get("amount") or 0)) / Decimal(int(price.get("divisor") or 100))
    return Decimal(str(price or 0))


def _property(value: dict[str, Any]) -> dict[str, Any]:
    keys = ("property_id", "value_ids", "scale_id", "property_name", "values")
    return {k: value.get(k) for k in keys if k in value}


def apply_plan(plan: Plan, client: HttpClient, applied: OnApplied, shop_id: str) -> dict[str, str]:
    """Send each changed listing's whole inventory; {SKU: reason} for what was not applied. Raises
    :class:`TransportError` naming every SKU not yet done when a failure would hit them all."""
    changes = changes_of(plan)
    done = [c for c in changes.values() if c.done]
    if done:  # nothing to send: the quantity is 0 already
        applied([{"key": c.sku, "set": c.sets()} for c in done])
    changes = {s: c for s, c in changes.items() if not c.done}
    if not changes:
        return {}
    listings: list[Listing] = []
    found: set[str] = set()
    skus = tuple(changes)
    try:
        for listing_id in active_listing_ids(client, shop_id):
            inventory = inventory_of(client, listing_id, skus)
            mine = [changes[s] for s in (str(p.get("sku") or "") for p in products_of(inventory)) if s in changes]
            if mine:
                listings.append(Listing(listing_id, inventory, mine))
                found.update(c.sku for c in mine)
    except TransportError as error:
        raise TransportError(error.message, retriable=error.retriable, skus=skus, hint=error.hint) from None
    failed = {s: _("no active Etsy listing has this SKU") for s in changes if s not in found}
    for position, listing in enumerate(listings):
        wanted = {c.sku: c for c in listing.changes}
        body, refused = writable(listing.inventory, wanted)
        failed.update(refused)
        done = [c for c in listing.changes if c.sku not in refused]
        if not done:
            continue
        keys = tuple(c.sku for c in listing.changes)
        try:
            client.request("PUT", f"listings/{listing.listing_id}/inventory", json=body, expect_json=True, skus=keys)
        except TransportError as error:
            if not error.retriable and "HTTP 401" not in error.message:  # a refusal of this listing alone
                failed.update(
                    {c.sku: _("Etsy refused the inventory: {reason}").format(reason=error.message) for c in done}
                )
                continue
            undone = [*failed, *(c.sku for rest in listings[position:] for c in rest.changes)]
            raise TransportError(
                error.message, retriable=error.retriable, skus=tuple(undone), hint=error.hint
            ) from None
        applied([{"key": c.sku, "set": c.sets()} for c in done])
    return failed
