"""eBay's Sell Inventory API: reading the seller's listings (``export: api``) and setting price and quantity in bulk.

The contract, with its sources (each fact is also in ``docs/channels/ebay.md``):

- Every call carries ``Authorization: Bearer`` with an OAuth user access token of scope ``sell.inventory``
  (https://developer.ebay.com/api-docs/static/rest-request-components.html), given or minted from a refresh token
  (:class:`Minter`). chansync also sends the marketplace
  (``X-EBAY-C-MARKETPLACE-ID``) and the language of the payload (``Content-Language``, e.g. ``en-US``,
  ``de-DE``) described on the same page; the Inventory calls used here require neither.
- ``GET /sell/inventory/v1/inventory_item`` lists the seller's inventory items, ``limit`` 1 to 200 (default 25)
  and ``offset``, with ``next`` naming the following page while there is one
  (https://developer.ebay.com/api-docs/sell/inventory/resources/inventory_item/methods/getInventoryItems). eBay's
  page calls ``offset`` a page number while other clients treat it as a record offset, so chansync takes the
  next ``offset`` from the ``next`` link eBay returns instead of computing it.
- ``GET /sell/inventory/v1/offer?sku=…`` gives a SKU's offers: ``offerId``, ``marketplaceId``, ``format``,
  ``status`` (``PUBLISHED`` / ``UNPUBLISHED``), ``availableQuantity``, ``pricingSummary.price`` (``{value,
  currency}``) and ``listing`` (``listingId``, ``listingStatus``); a SKU without offers is a 404
  (https://developer.ebay.com/api-docs/sell/inventory/resources/offer/methods/getOffers,
  https://developer.ebay.com/api-docs/sell/inventory/types/slr:EbayOfferDetailsWithAll,
  https://developer.ebay.com/api-docs/sell/inventory/types/slr:ListingStatusEnum).
- ``POST /sell/inventory/v1/bulk_update_price_quantity`` with ``Content-Type: application/json`` and
  ``{"requests": [{"sku", "shipToLocationAvailability": {"quantity"}, "offers": [{"offerId",
  "availableQuantity", "price": {"value", "currency"}}]}]}``, at most 25 inventory items a call
  (https://developer.ebay.com/api-docs/sell/inventory/types/slr:BulkPriceQuantity,
  https://developer.ebay.com/api-docs/sell/static/inventory/bulk-updates.html). Only published offers: an
  unpublished one is refused here with the reason. A quantity is set on the inventory item and on the offer
  alike, since the listing shows the smaller of the two (bulk-updates page above).
- Its answer (200, or 207 when the items' outcomes differ) has one ``responses`` entry per offer or inventory
  item with ``sku``, ``offerId``, ``statusCode`` (200 for success) and ``errors`` with eBay's ``message``
  (https://developer.ebay.com/api-docs/sell/inventory/types/slr:PriceQuantityResponse). A SKU counts as applied
  only when every entry for it is 200; the others are returned with eBay's message.
- "Each listing can be revised up to 250 times in one calendar day"
  (https://developer.ebay.com/api-docs/sell/inventory/resources/inventory_item/methods/bulkUpdatePriceQuantity):
  a run sends at most ``daily_revisions`` (≤ 250) SKUs to one listing; the rest are refused with that sentence.

Delisting is quantity 0 (chansync never ends or withdraws an offer).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import numpy as np
import pandas as pd
import requests

from ...errors import TransportError
from ...fields import ROW, Field
from ...i18n import N_, _
from ...model import UPDATE, Plan
from ...parse import parse_money, parse_quantity
from ...transports.http import HttpClient, RetryPolicy, basic_auth_forms, register_secrets
from .. import changes as shared
from ..base import LIVE, ChannelState, Desired, OnApplied
from ..changes import Change
from .export import CATEGORY, DETAILS, ITEM, PARENT_DETAILS, RELATIONSHIP, SITE, TEMPLATE

BASE = "/sell/inventory/v1"
TOKEN_URL = "https://api.ebay.com/identity/v1/oauth2/token"
SCOPE = "https://api.ebay.com/oauth/api_scope/sell.inventory"
PAGE = 200  # getInventoryItems: limit at most 200
BATCH = 25  # bulkUpdatePriceQuantity: at most 25 inventory items a call
DAILY_REVISIONS = 250  # revisions of one listing per calendar day
OFFER, STATUS = "ebay_offer", "ebay_listing_status"
PRICE, QUANTITY, TITLE = Field.PRICE.value, Field.QUANTITY.value, Field.TITLE.value
#: Listing states in which the listing is live (OUT_OF_STOCK: active, hidden until it has stock again).
LIVE_STATES = frozenset({"ACTIVE", "OUT_OF_STOCK"})

#: The language of a marketplace's listings, for Content-Language (the Inventory API's LocaleEnum lists these
#: locales: https://developer.ebay.com/api-docs/sell/inventory/types/slr:LocaleEnum). Set ``content_language``
#: in the upload section for another (fr-CA, fr-BE).
LANGUAGE = {
    "EBAY_US": "en-US", "EBAY_MOTORS": "en-US", "EBAY_GB": "en-GB", "EBAY_AU": "en-AU", "EBAY_CA": "en-CA",
    "EBAY_IE": "en-IE", "EBAY_DE": "de-DE", "EBAY_AT": "de-AT", "EBAY_CH": "de-CH", "EBAY_FR": "fr-FR",
    "EBAY_IT": "it-IT", "EBAY_ES": "es-ES", "EBAY_NL": "nl-NL", "EBAY_BE": "nl-BE", "EBAY_PL": "pl-PL",
}  # fmt: skip

TITLE_NOT_APPLIED = N_("eBay's price and quantity call cannot change a title; the title is left to the revise file")


def client(section: Any, secrets: tuple[str, ...], policy: RetryPolicy) -> HttpClient:
    """The client of an ``ebay_api`` upload: the Inventory API under the section's ``url``, the user token as
    Bearer (``token``, or minted from ``client_id``, ``client_secret`` and ``refresh_token`` at the first call and
    again after a 401), the marketplace and its language on every request."""
    base = str(section.get("url") or "https://api.ebay.com").rstrip("/")
    if BASE not in base:
        base += BASE
    marketplace = str(section.get("marketplace_id") or "EBAY_US")
    language = section.get("content_language") or LANGUAGE.get(marketplace, "en-US")
    headers = {"X-EBAY-C-MARKETPLACE-ID": marketplace, "Content-Language": language, "Accept": "application/json"}
    built = EbayClient(base, policy=policy, headers=headers, secrets=secrets)
    if section.get("refresh_token"):
        tokens = HttpClient("", policy=policy, secrets=secrets)
        url = str(section.get("token_url") or TOKEN_URL)
        if url == TOKEN_URL and urlsplit(base).hostname == "api.sandbox.ebay.com":  # a sandbox token for the sandbox
            url = url.replace("api.ebay.com", "api.sandbox.ebay.com")
        built.minter = Minter(
            tokens, url, str(section.client_id), str(section.client_secret), str(section.refresh_token)
        )
    else:
        built.authorize(str(section.token))
    return built


@dataclass
class Minter:
    """A user access token from the seller's refresh token: ``POST /identity/v1/oauth2/token`` with the app's
    ``client_id:client_secret`` as HTTP Basic and the form ``grant_type=refresh_token``, ``refresh_token``,
    ``scope`` (https://developer.ebay.com/api-docs/static/oauth-refresh-token-request.html); the answer's
    ``access_token`` lasts ``expires_in`` seconds (about two hours)."""

    client: HttpClient
    url: str
    client_id: str
    client_secret: str
    refresh_token: str

    def __call__(self) -> str:
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode("ascii")
        register_secrets(basic_auth_forms(self.client_id, self.client_secret))
        self.client.secrets = (*self.client.secrets, basic)
        form = urlencode({"grant_type": "refresh_token", "refresh_token": self.refresh_token, "scope": SCOPE})
        headers = {"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"}
        try:
            reply = self.client.request("POST", self.url, data=form.encode("ascii"), headers=headers, expect_json=True)
        except TransportError as error:
            raise TokenError(
                _("no eBay access token: {reason}").format(reason=error.message),
                retriable=error.retriable,
                hint=_(
                    "check client_id, client_secret and refresh_token (a refresh token ends when it expires or "
                    "the seller withdraws consent)"
                ),
            ) from None
        token = reply.json().get("access_token") if isinstance(reply.json(), dict) else None
        if not isinstance(token, str) or not token:
            raise TokenError(
                _("eBay's token endpoint gave no access token ({url})").format(url=self.url), retriable=False
            )
        return token


class TokenError(TransportError):
    """No access token could be minted: every call would fail the same way."""


@dataclass
class EbayClient(HttpClient):
    """The shared client with the user token as Bearer; with a :class:`Minter`, the token is minted before the
    first call and once more when eBay answers 401 (an expired token)."""

    minter: Minter | None = None

    def authorize(self, token: str) -> None:
        register_secrets([token])
        self.secrets = (*self.secrets, token)
        self.headers = {**self.headers, "Authorization": f"Bearer {token}"}

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        if self.minter is not None and "Authorization" not in self.headers:
            self.authorize(self.minter())
        try:
            return super().request(method, path, **kwargs)
        except TransportError as error:
            if self.minter is None or "HTTP 401" not in error.message:
                raise
        self.authorize(self.minter())
        return super().request(method, path, **kwargs)


# --- reading --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """A SKU's published fixed-price offer on the marketplace, as ``getOffers`` gives it."""

    sku: str
    offer_id: str
    listing_id: str
    listing_status: str
    price: str  # as eBay writes it: "19.99"
    currency: str
    quantity: int | None


def inventory_items(client: HttpClient) -> Iterator[dict[str, Any]]:
    """Every inventory item of the seller, page by page (``limit`` 200, ``offset`` from eBay's ``next``)."""
    params: dict[str, Any] = {"limit": PAGE, "offset": 0}
    seen: set[str] = set()
    while True:
        page = client.request("GET", "inventory_item", params=params, expect_json=True).json()
        items = page.get("inventoryItems") or [] if isinstance(page, dict) else []
        yield from (i for i in items if isinstance(i, dict))
        following = page.get("next") if isinstance(page, dict) else None
        if not items or not following:
            return
        offset = (parse_qs(urlsplit(str(following)).query).get("offset") or [""])[0]
        if not offset or offset in seen:  # a link without an offset, or one seen before: no endless loop
            return
        seen.add(offset)
        params = {"limit": PAGE, "offset": offset}


def offers_of(client: HttpClient, sku: str, marketplace: str) -> list[Offer]:
    """The SKU's published fixed-price offers on ``marketplace`` (none for a SKU without offers: HTTP 404)."""
    try:
        page = client.request("GET", "offer", params={"sku": sku}, expect_json=True, skus=(sku,)).json()
    except TransportError as error:
        if "HTTP 404" in error.message:
            return []
        raise
    found = []
    for offer in (page.get("offers") or []) if isinstance(page, dict) else []:
        if not isinstance(offer, dict) or offer.get("status") != "PUBLISHED":
            continue
        if (
            offer.get("format", "FIXED_PRICE") != "FIXED_PRICE"
            or offer.get("marketplaceId", marketplace) != marketplace
        ):
            continue
        listing = offer.get("listing") or {}
        price = (offer.get("pricingSummary") or {}).get("price") or {}
        quantity = offer.get("availableQuantity")
        found.append(
            Offer(
                sku,
                str(offer.get("offerId") or ""),
                str(listing.get("listingId") or ""),
                str(listing.get("listingStatus") or ""),
                str(price.get("value") or ""),
                str(price.get("currency") or ""),
                int(quantity) if isinstance(quantity, int) else None,
            )
        )
    return found


def fetch_state(client: HttpClient, marketplace: str, display: str) -> ChannelState:
    """The SKUs with a live published fixed-price offer on ``marketplace``, in the columns the Seller Hub
    download gives (plus the offer id and listing status), so diff and the revise file treat both alike."""
    rows: list[dict[str, Any]] = []
    site = marketplace.removeprefix("EBAY_")
    for item in inventory_items(client):
        sku = str(item.get("sku") or "")
        if not sku:
            continue
        live = [o for o in offers_of(client, sku, marketplace) if o.listing_status in LIVE_STATES]
        if not live:
            continue  # unpublished or ended: not an active listing, as the download leaves it out
        offer = live[0]
        ship = ((item.get("availability") or {}).get("shipToLocationAvailability") or {}).get("quantity")
        quantity = offer.quantity if offer.quantity is not None else ship
        rows.append({
            Field.SKU.value: sku, ITEM: offer.listing_id, TITLE: str((item.get("product") or {}).get("title") or ""),
            Field.CURRENCY.value: offer.currency.upper(), CATEGORY: "", SITE: site, "price_text": offer.price,
            "quantity_text": "" if quantity is None else str(quantity),
            RELATIONSHIP: "Variation" if item.get("groupIds") else "", OFFER: offer.offer_id,
            STATUS: offer.listing_status,
        })  # fmt: skip
    names = [Field.SKU.value, ITEM, TITLE, Field.CURRENCY.value, CATEGORY, SITE, "price_text", "quantity_text",
             RELATIONSHIP, OFFER, STATUS]  # fmt: skip
    frame = pd.DataFrame({n: [r[n] for r in rows] for n in names}, dtype="str")
    frame[PRICE] = parse_money(frame.pop("price_text")).values
    frame[QUANTITY] = parse_quantity(frame.pop("quantity_text")).values
    frame[DETAILS] = ""  # the API does not give a variation's options in the download's "Color=Red" form
    frame[PARENT_DETAILS] = ""
    frame[TEMPLATE] = ""
    frame[LIVE] = True
    frame[ROW] = pd.array(np.arange(1, len(frame) + 1), dtype="Int64")
    frame = frame.astype({n: "str" for n in (DETAILS, PARENT_DETAILS, TEMPLATE)})
    return ChannelState(frame, Field.SKU.value, display)


# --- applying -------------------------------------------------------------------------------------------------


def changes_of(plan: Plan) -> tuple[dict[str, Change], set[str]]:
    """{SKU: change} for the plan's price and quantity updates and its delists (absolute values), and the SKUs
    whose title the plan changes (which this call cannot)."""
    out, changed = shared.changes_of(plan, Change)
    titles = {key for key in map(str, plan.keys(UPDATE)) if TITLE in changed.get(key, set())}
    return out, titles


def _known_offers(plan: Plan, skus: list[str]) -> dict[str, Offer]:
    """Offers named in the current state (read with ``export: api``): no need to ask eBay again."""
    current = plan.current
    if OFFER not in current.columns or ITEM not in current.columns:
        return {}
    known = {}
    for sku in skus:
        if sku in current.index:
            offer_id, listing = _text(current.at[sku, OFFER]), _text(current.at[sku, ITEM])
            currency = _text(current.at[sku, Field.CURRENCY.value]) if Field.CURRENCY.value in current else ""
            if offer_id and listing:
                known[sku] = Offer(sku, offer_id, listing, "", "", currency, None)
    return known


def _already_zero(plan: Plan) -> set[str]:
    """SKUs the API read of this run (``export: api``, so the offer id is known) shows with quantity 0. A delist
    has nothing to change there: a listing at quantity 0 stays listed, hidden, under eBay's out-of-stock option
    (https://developer.ebay.com/api-docs/sell/inventory/types/slr:ListingStatusEnum, OUT_OF_STOCK), so it is read
    again as listed on the next run; sending 0 again would only use up a revision."""
    current = plan.current
    if OFFER not in current.columns or QUANTITY not in current.columns:
        return set()
    zero = current[QUANTITY].astype("Int64").eq(0).fillna(False) & current[OFFER].astype("str").fillna("").ne("")
    return {str(k) for k in current.index[zero.to_numpy(dtype=bool)]}


def _text(value: Any) -> str:
    return "" if value is None or value is pd.NA or value != value else str(value)


def _money(cents: int) -> str:
    return str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def request_of(change: Change, offer: Offer, currency: str) -> dict[str, Any]:
    """One ``requests`` entry: the quantity on the inventory item and on the offer, the price on the offer."""
    entry: dict[str, Any] = {"sku": change.sku}
    priced: dict[str, Any] = {"offerId": offer.offer_id}
    if change.quantity is not None:
        entry["shipToLocationAvailability"] = {"quantity": change.quantity}
        priced["availableQuantity"] = change.quantity
    if change.price is not None:
        priced["price"] = {"value": _money(change.price), "currency": offer.currency or currency}
    entry["offers"] = [priced]
    return entry


def outcomes(body: Any, sent: list[str]) -> dict[str, str | None]:
    """{SKU: None when every response for it is 200, else eBay's message} for the SKUs of one call."""
    responses = body.get("responses") if isinstance(body, dict) else None
    result: dict[str, str | None] = {}
    for response in responses if isinstance(responses, list) else []:
        if not isinstance(response, dict):
            continue
        sku = str(response.get("sku") or "")
        if sku not in sent:
            continue
        if response.get("statusCode") == 200:
            result.setdefault(sku, None)
            continue
        errors = [e for e in response.get("errors") or [] if isinstance(e, dict)]
        message = "; ".join(str(e.get("longMessage") or e.get("message") or "") for e in errors if e) or (
            f"status {response.get('statusCode')}"
        )
        result[sku] = _("eBay refused the change: {reason}").format(reason=message)
    for sku in sent:
        if sku not in result:
            result[sku] = _("eBay's answer did not mention this SKU, so it is not counted as applied")
    return result


def apply_plan(
    plan: Plan, desired: Desired, client: HttpClient, applied: OnApplied, upload: Any = None
) -> dict[str, str]:
    """Send the plan's price and quantity changes in calls of at most 25 SKUs; {SKU: reason} for what was not
    applied. Raises :class:`TransportError` naming every SKU not yet done when a failure would hit them all."""
    marketplace = str(getattr(upload, "marketplace_id", None) or "EBAY_US")
    batch = int(getattr(upload, "batch_size", None) or BATCH)
    limit = int(getattr(upload, "daily_revisions", None) or DAILY_REVISIONS)
    changes, titles = changes_of(plan)
    failed: dict[str, str] = {sku: _(TITLE_NOT_APPLIED) for sku in titles if sku not in changes}
    if not changes:
        return failed
    skus = list(changes)
    offers = _known_offers(plan, skus)
    try:
        for sku in skus:
            if sku not in offers:
                found = offers_of(client, sku, marketplace)
                if found:
                    offers[sku] = found[0]
    except TransportError as error:
        raise TransportError(error.message, retriable=error.retriable, skus=tuple(skus), hint=error.hint) from None
    revisions: dict[str, int] = {}
    ready: list[str] = []
    zero = _already_zero(plan)
    for sku in skus:
        offer = offers.get(sku)
        if changes[sku].delist and sku in zero:
            continue  # read through the API a moment ago with quantity 0: delisted already, nothing to revise
        if offer is None:
            failed[sku] = _("no published fixed-price eBay offer has this SKU on {marketplace}").format(
                marketplace=marketplace
            )
            continue
        if revisions.get(offer.listing_id, 0) >= limit:
            failed[sku] = _(
                "eBay allows {daily_revisions} revisions of a listing a day; this run already sent {limit} "
                "to listing {listing_id}, so this change waits for the next run"
            ).format(daily_revisions=DAILY_REVISIONS, limit=limit, listing_id=offer.listing_id)
            continue
        revisions[offer.listing_id] = revisions.get(offer.listing_id, 0) + 1
        ready.append(sku)
    currency = desired.currency
    for start in range(0, len(ready), batch):
        sent = ready[start : start + batch]
        body = {"requests": [request_of(changes[s], offers[s], currency) for s in sent]}
        try:
            reply = client.request(
                "POST", "bulk_update_price_quantity", json=body, headers={"Content-Type": "application/json"},
                expect_json=True, skus=tuple(sent),
            )  # fmt: skip
        except TransportError as error:
            alone = (
                not isinstance(error, TokenError)
                and "HTTP 401" not in error.message
                and "HTTP 403" not in error.message
            )
            if not error.retriable and alone:
                failed.update(
                    {s: _("eBay refused the call: {reason}").format(reason=error.message) for s in sent}
                )  # this call alone
                continue
            undone = (*failed, *ready[start:])
            raise TransportError(error.message, retriable=error.retriable, skus=undone, hint=error.hint) from None
        result = outcomes(reply.json(), sent)
        done = [s for s in sent if result[s] is None]
        if done:
            applied([{"key": s, "set": changes[s].sets()} for s in done])
        failed.update({s: str(reason) for s, reason in result.items() if reason is not None})
        for sku in done:
            if sku in titles:
                failed[sku] = _("the title was not applied ({title_not_applied}); the other changes were").format(
                    title_not_applied=_(TITLE_NOT_APPLIED)
                )
    return failed
