"""A fake eBay Sell Inventory API on 127.0.0.1 (served with :func:`tests.http_server.serving`), enforcing what
chansync relies on, each rule with the page that states it:

- ``Authorization: Bearer <user token>`` on every call, else 401
  (https://developer.ebay.com/api-docs/static/rest-request-components.html);
- ``GET /sell/inventory/v1/inventory_item``: ``limit`` 1 to 200 (default 25), ``offset`` the page number (0 first),
  ``next`` while more pages follow; a bad value is a 400 with error 25706
  (https://developer.ebay.com/api-docs/sell/inventory/resources/inventory_item/methods/getInventoryItems);
- ``GET /sell/inventory/v1/offer?sku=``: the SKU's offers with ``offerId``, ``status``, ``format``,
  ``marketplaceId``, ``availableQuantity``, ``pricingSummary.price`` and ``listing``; 404 for a SKU without offers
  (https://developer.ebay.com/api-docs/sell/inventory/resources/offer/methods/getOffers);
- ``POST /sell/inventory/v1/bulk_update_price_quantity``: ``Content-Type: application/json`` (required header), at
  most 25 entries in ``requests``, each offer's ``offerId`` belonging to the entry's SKU, no offerId twice, only
  published offers; ``price`` is ``{"value": "19.99", "currency"}``, quantities whole and not negative
  (https://developer.ebay.com/api-docs/sell/inventory/resources/inventory_item/methods/bulkUpdatePriceQuantity,
  https://developer.ebay.com/api-docs/sell/inventory/types/slr:PriceQuantity,
  https://developer.ebay.com/api-docs/sell/inventory/types/slr:OfferPriceQuantity). A wrong entry is answered in
  its own ``responses`` item (``statusCode`` 400 and ``errors``) and the call is a 207; a wrong call is a 400.
- A listing takes at most ``revision_limit`` (250) revisions a day (same method page); past it, the item fails.
- ``POST /identity/v1/oauth2/token`` mints a user access token from the refresh token: HTTP Basic with
  ``client_id:client_secret``, ``Content-Type: application/x-www-form-urlencoded``, the form ``grant_type=
  refresh_token``, ``refresh_token`` and ``scope`` (https://developer.ebay.com/api-docs/static/oauth-refresh-token-
  request.html); ``expire_after`` calls later every token is refused (401), as an expired one is.

``refuse`` makes a SKU fail with eBay's answer (status and message) to test per-item failures. Faults (429 with
Retry-After, 500, malformed JSON) come from the :class:`tests.http_server.Recorder`.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.http_server import Fault, Recorder, serving

__all__ = ["FakeEbay", "Fault", "Recorder", "serving"]

BASE = "/sell/inventory/v1"
MONEY = re.compile(r"^\d+(\.\d{1,2})?$")


@dataclass
class FakeEbay:
    token: str
    marketplace: str = "EBAY_US"
    currency: str = "USD"
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # sku -> inventory item (read form)
    offers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # sku -> offers (read form)
    applied: list[tuple[str, str, Any]] = field(default_factory=list)  # (sku, field, value) accepted
    calls: list[dict[str, Any]] = field(default_factory=list)  # every accepted bulk call's body
    refusals: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # sku -> (status, error id, message)
    revisions: dict[str, int] = field(default_factory=dict)  # listing id -> revisions today
    revision_limit: int = 250
    post_delay: float = 0.0  # each bulk call is slowed by this much (for kill tests)
    client_id: str = ""
    client_secret: str = ""
    refresh_token: str = ""
    tokens: set[str] = field(default_factory=set)  # user access tokens now valid (the given one, minted ones)
    minted: list[str] = field(default_factory=list)
    expire_after: int = 0  # API calls a token lasts (0: forever)
    served: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)
    next_id: int = 5000

    def add(self, sku: str, price: str, quantity: int, listing_id: str, *, title: str = "", group: str = "",
            status: str = "PUBLISHED", listing_status: str = "ACTIVE") -> None:  # fmt: skip
        self.next_id += 1
        item: dict[str, Any] = {"sku": sku, "locale": "en_US", "product": {"title": title or sku},
                                "availability": {"shipToLocationAvailability": {"quantity": quantity}}}  # fmt: skip
        if group:
            item["groupIds"] = [group]
            item["inventoryItemGroupKeys"] = [group]
        self.items[sku] = item
        offer = {"offerId": str(self.next_id), "sku": sku, "marketplaceId": self.marketplace, "format": "FIXED_PRICE",
                 "availableQuantity": quantity, "status": status,
                 "pricingSummary": {"price": {"value": price, "currency": self.currency}}}  # fmt: skip
        if status == "PUBLISHED":
            offer["listing"] = {"listingId": listing_id, "listingStatus": listing_status, "soldQuantity": 0}
        self.offers.setdefault(sku, []).append(offer)

    def offer(self, sku: str) -> dict[str, Any]:
        return self.offers[sku][0]

    def now(self, sku: str) -> tuple[str, int]:
        """(price, quantity) the listing shows: the offer's price, the smaller of the two quantities."""
        offer = self.offer(sku)
        ship = self.items[sku]["availability"]["shipToLocationAvailability"]["quantity"]
        return offer["pricingSummary"]["price"]["value"], min(int(offer["availableQuantity"]), int(ship))

    # --- the API ------------------------------------------------------------------------------------------------

    def __call__(self, handler: Any, method: str, body: bytes) -> None:
        url = urlparse(handler.path)
        path, query = url.path, parse_qs(url.query)
        if method == "POST" and path == "/identity/v1/oauth2/token":
            return self._mint(handler, body)
        with self.lock:
            valid = {self.token, *self.tokens} - {""}
            self.served += 1
            if self.expire_after and self.served % self.expire_after == 0:
                self.tokens.clear()  # every minted token has just expired
        if handler.headers.get("Authorization") not in {f"Bearer {t}" for t in valid}:
            return self._error(handler, 401, 1001, "Invalid access token")
        if method == "GET" and path == f"{BASE}/inventory_item":
            return self._items(handler, query)
        if method == "GET" and path == f"{BASE}/offer":
            return self._offers(handler, query)
        if method == "POST" and path == f"{BASE}/bulk_update_price_quantity":
            if self.post_delay:
                time.sleep(self.post_delay)
            return self._bulk(handler, body)
        return self._error(handler, 404, 2002, f"no route {method} {path}")

    def _mint(self, handler: Any, body: bytes) -> None:
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if not self.client_id or handler.headers.get("Authorization") != f"Basic {basic}":
            return handler._reply(401, {"error": "invalid_client", "error_description": "client authentication failed"})
        if handler.headers.get("Content-Type") != "application/x-www-form-urlencoded":
            return handler._reply(400, {"error": "invalid_request", "error_description": "form encoding required"})
        form = parse_qs(body.decode("ascii"))
        if form.get("grant_type") != ["refresh_token"] or form.get("refresh_token") != [self.refresh_token]:
            return handler._reply(400, {"error": "invalid_grant", "error_description": "the refresh token is invalid"})
        if "https://api.ebay.com/oauth/api_scope/sell.inventory" not in (form.get("scope") or [""])[0].split():
            return handler._reply(400, {"error": "invalid_scope", "error_description": "sell.inventory is needed"})
        with self.lock:
            token = f"v^1.1#i^1#minted-{len(self.minted) + 1}-{secrets.token_hex(8)}"
            self.minted.append(token)
            self.tokens.add(token)
        return handler._reply(200, {"access_token": token, "expires_in": 7200, "token_type": "User Access Token"})

    def _items(self, handler: Any, query: dict[str, list[str]]) -> None:
        try:
            limit = int((query.get("limit") or ["25"])[0])
            page = int((query.get("offset") or ["0"])[0])
        except ValueError:
            return self._error(handler, 400, 25706, "You have provided invalid pagination values.")
        if not 1 <= limit <= 200 or page < 0:
            return self._error(handler, 400, 25706, "You have provided invalid pagination values.")
        with self.lock:
            skus = sorted(self.items)
            chunk = [self.items[s] for s in skus[page * limit : (page + 1) * limit]]
            pages = -(-len(skus) // limit)
            href = f"https://api.ebay.com{BASE}/inventory_item?limit={limit}&offset={page}"
            reply: dict[str, Any] = {"href": href, "limit": limit, "size": pages, "total": len(skus),
                                     "inventoryItems": chunk}  # fmt: skip
            if page + 1 < pages:
                reply["next"] = f"https://api.ebay.com{BASE}/inventory_item?limit={limit}&offset={page + 1}"
            return handler._reply(200, reply)

    def _offers(self, handler: Any, query: dict[str, list[str]]) -> None:
        sku = (query.get("sku") or [""])[0]
        if not sku:
            return self._error(handler, 400, 25709, "Invalid value for sku.")
        with self.lock:
            offers = self.offers.get(sku)
            if not offers:
                return self._error(handler, 404, 25713, "This Offer is not available.")
            return handler._reply(200, {"total": len(offers), "size": len(offers), "limit": 100, "offers": offers})

    def _bulk(self, handler: Any, body: bytes) -> None:
        if not handler.headers.get("Content-Type", "").startswith("application/json"):
            return self._error(handler, 415, 25709, "Content-Type must be application/json")
        try:
            payload = json.loads(body)
        except ValueError:
            return self._error(handler, 400, 25709, "the body is not JSON")
        requests = payload.get("requests") if isinstance(payload, dict) else None
        if not isinstance(requests, list) or not requests:
            return self._error(handler, 400, 25709, "Invalid value for requests.")
        if len(requests) > 25:
            return self._error(handler, 400, 25709, f"Invalid value for requests. At most 25, not {len(requests)}.")
        responses, ok = [], True
        with self.lock:
            for entry in requests:
                for response in self._entry(entry):
                    ok &= response["statusCode"] == 200
                    responses.append(response)
            self.calls.append(payload)
        return handler._reply(200 if ok else 207, {"responses": responses})

    def _entry(self, entry: Any) -> list[dict[str, Any]]:
        sku = entry.get("sku") if isinstance(entry, dict) else None
        if not isinstance(sku, str) or sku not in self.items:
            return [self._failed(str(sku), None, 25702, "SKU could not be found")]
        offers = entry.get("offers") or []
        ship = entry.get("shipToLocationAvailability")
        problem = self._check(sku, ship, offers)
        ids = [o.get("offerId") for o in offers if isinstance(o, dict)]
        if problem:
            return [self._failed(sku, i, 25709, problem) for i in ids] or [self._failed(sku, None, 25709, problem)]
        if sku in self.refusals:
            status, error, message = self.refusals[sku]
            return [self._failed(sku, i, error, message, status) for i in ids] or [
                self._failed(sku, None, error, message, status)
            ]
        listings = {o["listing"]["listingId"] for o in self.offers[sku] if o.get("listing")}
        if any(self.revisions.get(listing, 0) >= self.revision_limit for listing in listings):
            message = "Each listing can be revised up to 250 times in one calendar day."
            return [self._failed(sku, i, 25002, message) for i in ids]
        for listing in listings:
            self.revisions[listing] = self.revisions.get(listing, 0) + 1
        if isinstance(ship, dict):
            self.items[sku]["availability"]["shipToLocationAvailability"]["quantity"] = ship["quantity"]
            self.applied.append((sku, "shipToLocationAvailability", ship["quantity"]))
        responses = []
        for sent in offers:
            offer = next(o for o in self.offers[sku] if o["offerId"] == sent["offerId"])
            if "availableQuantity" in sent:
                offer["availableQuantity"] = sent["availableQuantity"]
                self.applied.append((sku, "availableQuantity", sent["availableQuantity"]))
            if "price" in sent:
                offer["pricingSummary"]["price"] = dict(sent["price"])
                self.applied.append((sku, "price", sent["price"]["value"]))
            responses.append({"offerId": sent["offerId"], "sku": sku, "statusCode": 200})
        return responses or [{"sku": sku, "statusCode": 200}]

    def _check(self, sku: str, ship: Any, offers: Any) -> str | None:
        if ship is not None and not _count(ship.get("quantity") if isinstance(ship, dict) else None):
            return "shipToLocationAvailability.quantity must be a whole number, not negative"
        if not isinstance(offers, list) or (not offers and ship is None):
            return "offers or shipToLocationAvailability is required"
        mine = {o["offerId"]: o for o in self.offers.get(sku, [])}
        seen = set()
        for sent in offers:
            if not isinstance(sent, dict) or sent.get("offerId") not in mine:
                return f"offerId {sent.get('offerId') if isinstance(sent, dict) else sent!r} is not an offer of {sku}"
            if sent["offerId"] in seen:
                return f"offerId {sent['offerId']} is given twice"
            seen.add(sent["offerId"])
            if mine[sent["offerId"]]["status"] != "PUBLISHED":
                return "This call is not designed to work with unpublished offers. Use updateOffer."
            if "availableQuantity" not in sent and "price" not in sent:
                return "availableQuantity or price is required"
            if "availableQuantity" in sent and not _count(sent["availableQuantity"]):
                return "availableQuantity must be a whole number, not negative"
            if "price" in sent:
                price = sent["price"]
                if not isinstance(price, dict) or not isinstance(price.get("value"), str):
                    return "price must be {value: string, currency}"
                if not MONEY.match(price["value"]) or float(price["value"]) <= 0:
                    return f"Invalid value for price: {price['value']!r}"
                if price.get("currency") != self.currency:
                    return f"the currency of this marketplace is {self.currency}, not {price.get('currency')!r}"
        return None

    @staticmethod
    def _failed(sku: str, offer_id: Any, error: int, message: str, status: int = 400) -> dict[str, Any]:
        response: dict[str, Any] = {"sku": sku, "statusCode": status,
                                    "errors": [{"errorId": error, "domain": "API_INVENTORY", "category": "REQUEST",
                                                "message": message}]}  # fmt: skip
        if offer_id is not None:
            response["offerId"] = offer_id
        return response

    @staticmethod
    def _error(handler: Any, status: int, error: int, message: str) -> None:
        handler._reply(status, {"errors": [{"errorId": error, "domain": "API_INVENTORY", "message": message}]})


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
