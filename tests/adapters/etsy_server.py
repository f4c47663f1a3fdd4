"""A fake Etsy Open API v3 on 127.0.0.1 (served with :func:`tests.http_server.serving`), enforcing what chansync
relies on:

- ``x-api-key`` and ``Authorization: Bearer`` on every request, else 401
  (https://developers.etsy.com/documentation/tutorials/listings);
- ``GET /v3/application/shops/{shop_id}/listings/active`` with ``limit`` 1 to 100 (25 when not given) and
  ``offset`` (https://developers.etsy.com/documentation/reference#operation/findAllActiveListingsByShop): only
  listings whose ``state`` is ``active``, as ShopListing objects with ``listing_id``, ``title``, ``description``,
  ``state``, ``quantity`` (the sum of the offerings' quantities) and ``price`` (the lowest offering price, as
  ``{amount, divisor, currency_code}``), per the reference's field descriptions (createDraftListing: "the listing
  quantity is the sum of available offering quantities", "the price is the minimum possible price");
- ``GET /v3/application/listings/{listing_id}/inventory``: products with ``product_id``, ``sku``,
  ``property_values`` and offerings whose price is ``{amount, divisor, currency_code}``
  (https://developers.etsy.com/documentation/reference#operation/getListingInventory);
- ``PUT`` on the same path replaces the whole inventory (section 7 of the channel reference): a body that leaves
  out a product the listing has is refused (400) rather than deleting it, so a test fails loudly on a partial
  update. Offerings need a price above zero, a whole quantity and ``is_enabled``; a price or quantity that does
  not vary by property must be equal across products (``price_on_property`` / ``quantity_on_property``).

Faults (429 with Retry-After, 500, malformed JSON) come from the :class:`tests.http_server.Recorder`.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.http_server import Fault, Recorder, serving

__all__ = ["FakeEtsy", "Fault", "Recorder", "serving"]

BASE = "/v3/application"


@dataclass
class FakeEtsy:
    api_key: str
    token: str
    shop_id: str = "1234567"
    listings: dict[int, dict[str, Any]] = field(default_factory=dict)  # listing id -> inventory (read form)
    puts: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # every accepted PUT body
    refused: list[tuple[int, str]] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    next_id: int = 900000
    about: dict[int, dict[str, Any]] = field(default_factory=dict)  # listing id -> title, description, state

    def add(self, listing_id: int, products: list[dict[str, Any]], *, price_on_property: list[int] | None = None,
            quantity_on_property: list[int] | None = None, title: str = "", description: str = "",
            state: str = "active") -> None:  # fmt: skip
        """``products``: ``{"sku", "price" (cents), "quantity", "values": {property id: value}}``."""
        read = []
        for product in products:
            self.next_id += 1
            values = [{"property_id": pid, "property_name": f"p{pid}", "scale_id": None, "value_ids": [],
                       "values": [value]} for pid, value in product.get("values", {}).items()]  # fmt: skip
            offering = {"offering_id": self.next_id, "quantity": product["quantity"], "is_enabled": True,
                        "is_deleted": False, "price": {"amount": product["price"], "divisor": 100,
                                                       "currency_code": "EUR"}}  # fmt: skip
            read.append({"product_id": self.next_id, "sku": product["sku"], "is_deleted": False,
                         "property_values": values, "offerings": [offering]})  # fmt: skip
        self.listings[listing_id] = {
            "products": read,
            "price_on_property": price_on_property or [],
            "quantity_on_property": quantity_on_property or [],
            "sku_on_property": [],
        }
        self.about[listing_id] = {"title": title or f"Listing {listing_id}", "description": description,
                                  "state": state}  # fmt: skip

    def offering(self, sku: str) -> dict[str, Any]:
        for inventory in self.listings.values():
            for product in inventory["products"]:
                if product["sku"] == sku:
                    return dict(product["offerings"][0])
        raise KeyError(sku)

    def shop_listing(self, listing_id: int) -> dict[str, Any]:
        """The listing as findAllActiveListingsByShop gives it (the fields chansync reads, and a few more)."""
        about = self.about.get(listing_id, {"title": f"Listing {listing_id}", "description": "", "state": "active"})
        offerings = [o for p in self.listings[listing_id]["products"] for o in p["offerings"] if not o["is_deleted"]]
        lowest = min((o["price"]["amount"] for o in offerings), default=0)
        return {"listing_id": listing_id, "shop_id": int(self.shop_id), "title": about["title"],
                "description": about["description"], "state": about["state"],
                "quantity": sum(o["quantity"] for o in offerings if o["is_enabled"]),
                "price": {"amount": lowest, "divisor": 100, "currency_code": "EUR"},
                "skus": [p["sku"] for p in self.listings[listing_id]["products"]]}  # fmt: skip

    def __call__(self, handler: Any, method: str, body: bytes) -> None:
        url = urlparse(handler.path)
        if handler.headers.get("x-api-key") != self.api_key:
            return self._refuse(handler, 401, "invalid_api_key")
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            return self._refuse(handler, 401, "invalid_token")
        path = url.path.removeprefix(BASE)
        if method == "GET" and path == f"/shops/{self.shop_id}/listings/active":
            query = parse_qs(url.query)
            limit, offset = int(query.get("limit", ["25"])[0]), int(query.get("offset", ["0"])[0])
            if not 1 <= limit <= 100:
                return self._refuse(handler, 400, "limit must be between 1 and 100")
            if offset < 0:
                return self._refuse(handler, 400, "offset must be 0 or more")
            with self.lock:
                ids = sorted(i for i in self.listings if self.about.get(i, {}).get("state", "active") == "active")
                page = [self.shop_listing(i) for i in ids[offset : offset + limit]]
            return handler._reply(200, {"count": len(ids), "results": page})
        match = re.fullmatch(r"/listings/(\d+)/inventory", path)
        if match is None or int(match.group(1)) not in self.listings:
            return self._refuse(handler, 404, f"no route {method} {path}")
        listing_id = int(match.group(1))
        if method == "GET":
            with self.lock:
                return handler._reply(200, self.listings[listing_id])
        if method != "PUT":
            return self._refuse(handler, 405, method)
        if not handler.headers.get("Content-Type", "").startswith("application/json"):
            return self._refuse(handler, 400, "the body must be JSON")
        try:
            payload = json.loads(body)
        except ValueError:
            return self._refuse(handler, 400, "the body is not JSON")
        with self.lock:
            problem = self._check(self.listings[listing_id], payload)
            if problem:
                self.refused.append((listing_id, problem))
                return self._refuse(handler, 400, problem)
            self.puts.append((listing_id, payload))
            self._store(listing_id, payload)
            return handler._reply(200, self.listings[listing_id])

    def _check(self, inventory: dict[str, Any], payload: Any) -> str | None:
        if not isinstance(payload, dict) or not isinstance(payload.get("products"), list):
            return "products is required"
        have = {p["sku"] for p in inventory["products"]}
        sent = [p.get("sku") for p in payload["products"]]
        if missing := have - set(sent):
            return f"the inventory replaces every product: {sorted(missing)} would be deleted"
        prices, quantities = set(), set()
        for product in payload["products"]:
            if not isinstance(product.get("property_values"), list):
                return "property_values must be a list"
            offerings = product.get("offerings")
            if not isinstance(offerings, list) or not offerings:
                return "each product needs an offering"
            for offering in offerings:
                price, quantity = offering.get("price"), offering.get("quantity")
                if not isinstance(price, int | float) or isinstance(price, bool) or price <= 0:
                    return f"price must be a number above zero, not {price!r}"
                if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
                    return f"quantity must be a whole number, not {quantity!r}"
                if not isinstance(offering.get("is_enabled"), bool):
                    return "is_enabled must be a boolean"
                prices.add(price)
                quantities.add(quantity)
        if len(payload["products"]) > 1 and not payload.get("price_on_property") and len(prices) > 1:
            return "price does not vary by property, so every product must have the same price"
        if len(payload["products"]) > 1 and not payload.get("quantity_on_property") and len(quantities) > 1:
            return "quantity does not vary by property, so every product must have the same quantity"
        return None

    def _store(self, listing_id: int, payload: dict[str, Any]) -> None:
        old = {p["sku"]: p for p in self.listings[listing_id]["products"]}
        products = []
        for product in payload["products"]:
            kept = old[product["sku"]]
            offerings = [{"offering_id": o2["offering_id"], "quantity": o["quantity"], "is_enabled": o["is_enabled"],
                          "is_deleted": False, "price": {"amount": round(o["price"] * 100), "divisor": 100,
                                                         "currency_code": "EUR"}}
                         for o, o2 in zip(product["offerings"], kept["offerings"], strict=False)]  # fmt: skip
            products.append({**kept, "property_values": product["property_values"], "offerings": offerings})
        self.listings[listing_id] = {**self.listings[listing_id], "products": products}

    @staticmethod
    def _refuse(handler: Any, status: int, detail: str) -> None:
        handler._reply(status, {"error": detail})
