"""A fake TikTok Shop Partner API on 127.0.0.1 (served with :func:`tests.http_server.serving`), enforcing what
chansync relies on, each rule from the Partner Center's documentation:

- every request: ``app_key``, ``timestamp`` and ``sign`` in the query, ``shop_cipher`` for a shop's data, the
  access token in the ``x-tts-access-token`` header (https://partner.tiktokshop.com/docv2/page/common-parameters);
  ``sign`` recomputed here on its own from the raw query, path and body: HMAC-SHA256, keyed by the app secret,
  of secret + path + sorted ``{name}{value}`` pairs (without ``sign`` and ``access_token``) + body + secret
  (https://partner.tiktokshop.com/docv2/page/sign-your-api-request); a timestamp more than five minutes from the
  server's clock is refused (same page);
- ``POST /product/202502/products/search``: ``page_size`` 1 to 100, ``page_token`` from the previous page, a JSON
  object body; products with ``id``, ``title``, ``status``, ``skus`` (``id``, ``seller_sku``, ``price``
  {``currency``, ``tax_exclusive_price``, ``sale_price``}, ``inventory`` [{``warehouse_id``, ``quantity``}])
  (https://partner.tiktokshop.com/docv2/page/search-products-202502);
- ``POST /product/202309/products/{id}/prices/update``: ``skus`` of that product with ``price`` {``amount`` as a
  string, ``currency`` the shop's}; a US shop's price from 0.01 to 7600 USD
  (https://partner.tiktokshop.com/docv2/page/update-price-202309);
- ``POST /product/202309/products/{id}/inventory/update``: ``skus`` of that product with ``inventory``
  [{``warehouse_id`` (required when the SKU has several), ``quantity`` 0 to below 99999}]; only a live product's
  SKUs (https://partner.tiktokshop.com/docv2/page/update-inventory-202309).

Replies are ``{"code", "message", "request_id", "data"}``. The error codes are those of the common errors page
(https://partner.tiktokshop.com/docv2/page/common-errors): 106001 invalid signature, 105002 invalid or expired
token, 106013 missing shop cipher, 36009004 (which the page uses for more than one problem) for a stale
timestamp; that they come with HTTP 401 is as third parties report it, not confirmed. A refused update is
answered with a non-zero code, the failing SKUs in ``data.errors`` and nothing applied (unconfirmed: the page
does not say whether the other SKUs of the request are applied). Faults (429 with
Retry-After, 500, malformed JSON) come from the :class:`tests.http_server.Recorder`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl, urlparse

from tests.http_server import Fault, Recorder, serving

__all__ = ["FakeTikTok", "Fault", "Recorder", "serving"]

SEARCH = "/product/202502/products/search"
#: The status filter's values (Search Products).
STATUSES = {"ALL", "DRAFT", "PENDING", "FAILED", "ACTIVATE", "SELLER_DEACTIVATED", "PLATFORM_DEACTIVATED", "FREEZE",
            "DELETED"}  # fmt: skip
UPDATE = re.compile(r"/product/202309/products/(\d+)/(prices|inventory)/update")


@dataclass
class FakeTikTok:
    app_key: str
    app_secret: str
    token: str
    shop_cipher: str = "ROW_fakecipher"
    currency: str = "USD"
    page_limit: int = 100  # products per page at most (lower it to test paging)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    applied: list[tuple[str, str, Any]] = field(default_factory=list)  # (seller SKU, field, value) accepted
    refused: list[str] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    next_id: int = 1729384756012345600

    def add(self, title: str, skus: list[dict[str, Any]], status: str = "ACTIVATE") -> str:
        """``skus``: ``{"sku", "price" ("12.50"), "quantity", "warehouses" (optional {id: quantity})}``."""
        self.next_id += 1
        product_id = str(self.next_id)
        read = []
        for sku in skus:
            self.next_id += 1
            stock = sku.get("warehouses") or {"7000000000000000001": sku.get("quantity", 0)}
            read.append({
                "id": str(self.next_id),
                "seller_sku": sku["sku"],
                "price": {"currency": self.currency, "tax_exclusive_price": sku["price"], "sale_price": sku["price"]},
                "inventory": [{"warehouse_id": w, "quantity": q} for w, q in stock.items()],
            })  # fmt: skip
        self.products[product_id] = {"id": product_id, "title": title, "status": status, "skus": read}
        return product_id

    def sku(self, seller_sku: str) -> dict[str, Any]:
        for product in self.products.values():
            for sku in product["skus"]:
                if sku["seller_sku"] == seller_sku:
                    return {**sku, "product": product}
        raise KeyError(seller_sku)

    def price(self, seller_sku: str) -> str:
        return str(self.sku(seller_sku)["price"]["tax_exclusive_price"])

    def quantity(self, seller_sku: str) -> int:
        return sum(int(i["quantity"]) for i in self.sku(seller_sku)["inventory"])

    # --- the HTTP side ------------------------------------------------------------------------------------------

    def __call__(self, handler: Any, method: str, body: bytes) -> None:
        url = urlparse(handler.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        problem = self._auth(handler, url.path, query, body)
        if problem is not None:
            status, code, message = problem
            with self.lock:
                self.refused.append(message)
            return self._reply(handler, code, message, status=status)
        if method != "POST":
            return self._reply(handler, 40400, f"no route {method} {url.path}", status=404)
        if not handler.headers.get("Content-Type", "").startswith("application/json"):
            return self._reply(handler, 40006, "the body must be JSON", status=400)
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            return self._reply(handler, 40006, "the body is not JSON", status=400)
        if not isinstance(payload, dict):
            return self._reply(handler, 40006, "the body must be a JSON object", status=400)
        if url.path == SEARCH:
            if payload.get("status", "ALL") not in STATUSES:
                return self._reply(handler, 40006, f"unknown status {payload.get('status')!r}", status=400)
            return self._search(handler, query, payload)
        match = UPDATE.fullmatch(url.path)
        if match is None or match.group(1) not in self.products:
            return self._reply(handler, 40400, f"no product or route {url.path}", status=404)
        with self.lock:
            return self._update(handler, match.group(1), match.group(2), payload)

    def _auth(self, handler: Any, path: str, query: dict[str, str], body: bytes) -> tuple[int, int, str] | None:
        if query.get("app_key") != self.app_key:
            return 401, 106001, "invalid app_key"
        given = query.get("sign", "")
        pairs = "".join(f"{k}{query[k]}" for k in sorted(query) if k not in ("sign", "access_token"))
        base = self.app_secret + path + pairs + body.decode("utf-8") + self.app_secret
        wanted = hmac.new(self.app_secret.encode(), base.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given, wanted):
            return 401, 106001, "the signature is invalid"
        try:
            stamp = int(query.get("timestamp", ""))
        except ValueError:
            return 401, 36009004, "timestamp is missing"
        if abs(time.time() - stamp) > 300:
            return 401, 36009004, "timestamp is outside the allowed window"
        if handler.headers.get("x-tts-access-token") != self.token:
            return 401, 105002, "the access token is invalid"
        if query.get("shop_cipher") != self.shop_cipher:
            return 400, 106013, "shop_cipher is missing or wrong"
        return None

    def _search(self, handler: Any, query: dict[str, str], payload: dict[str, Any]) -> None:
        try:
            size = int(query.get("page_size", ""))
        except ValueError:
            return self._reply(handler, 40006, "page_size is required", status=400)
        if not 1 <= size <= 100:
            return self._reply(handler, 40006, "page_size must be from 1 to 100", status=400)
        token = query.get("page_token", "")
        start = int(token.removeprefix("p")) if token else 0
        size = min(size, self.page_limit)
        with self.lock:
            ids = sorted(self.products)
            page = [json.loads(json.dumps(self.products[i])) for i in ids[start : start + size]]
        following = f"p{start + size}" if start + size < len(ids) else ""
        data = {"products": page, "next_page_token": following, "total_count": len(ids)}
        return self._reply(handler, 0, "Success", data)

    def _update(self, handler: Any, product_id: str, kind: str, payload: dict[str, Any]) -> None:
        product = self.products[product_id]
        skus = payload.get("skus")
        if not isinstance(skus, list) or not skus:
            return self._reply(handler, 40006, "skus is required", status=400)
        own = {s["id"]: s for s in product["skus"]}
        errors, changes = [], []
        for entry in skus:
            sku = own.get(str(entry.get("id")))
            if sku is None:
                return self._reply(handler, 40006, f"SKU {entry.get('id')} is not a SKU of product {product_id}",
                                   status=400)  # fmt: skip
            problem = self._price(sku, entry) if kind == "prices" else self._stock(sku, entry)
            if product["status"] != "ACTIVATE":
                problem = "only a live SKU can be updated"
            if isinstance(problem, str):  # a change is a tuple: (new price,) or (warehouse, quantity)
                errors.append({"code": 12052700, "message": problem, "detail": {"sku_id": sku["id"]}})
            else:
                changes.append((sku, problem))
        if errors:  # nothing of the request is applied
            self.refused.extend(e["message"] for e in errors)
            return self._reply(handler, 12052700, "some SKUs could not be updated", {"errors": errors})
        for sku, change in changes:
            if kind == "prices":
                (amount,) = change
                sku["price"] = {**sku["price"], "tax_exclusive_price": amount, "sale_price": amount}
                self.applied.append((sku["seller_sku"], "price", amount))
            else:
                warehouse, quantity = change
                for stock in sku["inventory"]:
                    if stock["warehouse_id"] == warehouse:
                        stock["quantity"] = quantity
                self.applied.append((sku["seller_sku"], "quantity", quantity))
        return self._reply(handler, 0, "Success", {})

    def _price(self, sku: dict[str, Any], entry: dict[str, Any]) -> tuple[str] | str:
        price = entry.get("price") or {}
        amount = price.get("amount")
        if not isinstance(amount, str):
            return "price.amount must be a string"
        if price.get("currency") != self.currency:
            return f"price.currency must be {self.currency}"
        try:
            value = Decimal(amount)
        except InvalidOperation:
            return f"price.amount {amount!r} is not a number"
        if self.currency == "USD" and not Decimal("0.01") <= value <= Decimal("7600"):
            return "a US price is from 0.01 to 7600 USD"
        return (amount,)

    def _stock(self, sku: dict[str, Any], entry: dict[str, Any]) -> tuple[str, int] | str:
        stock = entry.get("inventory")
        if not isinstance(stock, list) or len(stock) != 1:
            return "inventory needs one warehouse entry here"
        quantity, warehouse = stock[0].get("quantity"), stock[0].get("warehouse_id")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 0 <= quantity < 99999:
            return f"quantity must be a whole number from 0 to below 99999, not {quantity!r}"
        own = [i["warehouse_id"] for i in sku["inventory"]]
        if warehouse is None:
            if len(own) > 1:
                return "warehouse_id is required for a SKU in several warehouses"
            warehouse = own[0]
        if warehouse not in own:
            return f"warehouse {warehouse} holds no stock of this SKU"
        return warehouse, quantity

    @staticmethod
    def _reply(handler: Any, code: int, message: str, data: Any = None, *, status: int = 200) -> None:
        body = {"code": code, "message": message, "request_id": "20261202000000FAKE", "data": data or {}}
        handler._reply(status, body)
