"""A fake WooCommerce REST API v3 on 127.0.0.1 (served with :func:`tests.http_server.serving`).

``FakeWooCommerce`` keeps products in memory and answers the calls chansync makes: list products and variations
(paginated), ``products/batch`` and ``products/{id}/variations/batch`` (Basic auth, at most 100 items, prices as
strings, stock as integers). Faults come from the :class:`tests.http_server.Recorder`.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.http_server import Handler


@dataclass
class FakeWooCommerce:
    """WooCommerce's REST API v3 as documented (https://woocommerce.github.io/woocommerce-rest-api-docs/): Basic
    auth, ``per_page`` ≤ 100 with ``X-WP-Total(Pages)``, batches of at most 100 items (HTTP 413 above), one result
    or ``error`` per item. ``version``: the store's WooCommerce version. Before 9.2 a product has no
    ``global_unique_id`` (woocommerce/woocommerce pull request 47364): a sent one is ignored without an error and
    never comes back. A variation with ``manage_stock: "parent"`` takes its parent's stock; sending it
    ``manage_stock``/``stock_quantity`` switches it to its own stock, as WooCommerce does."""

    key: str
    secret: str
    version: str = "9.4.0"
    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    applied: list[tuple[int, str, Any]] = field(default_factory=list)  # every (id, property, value) set, in order
    batch_limit: int = 100
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_id: int = 1000

    def add(self, **product: Any) -> int:
        product.setdefault("id", self.next_id)
        self.next_id = max(self.next_id, product["id"]) + 1
        product.setdefault("type", "simple")
        product.setdefault("status", "publish")
        product.setdefault("parent_id", 0)
        self.products[product["id"]] = product
        return int(product["id"])

    def by_sku(self) -> dict[str, dict[str, Any]]:
        return {p["sku"]: p for p in self.products.values()}

    def __call__(self, handler: Handler, method: str, body: bytes) -> None:
        expected = "Basic " + base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        if handler.headers.get("Authorization") != expected:
            return handler._reply(401, {"code": "woocommerce_rest_cannot_view", "message": "bad credentials"})
        url = urlparse(handler.path)
        path = url.path.removeprefix("/wp-json/wc/v3/")
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if method == "GET" and path == "products":
            listed = [self._view(p) for p in self.products.values() if p["type"] != "variation"]
            return self._page(handler, listed, query)
        match = re.fullmatch(r"products/(\d+)/variations", path)
        if method == "GET" and match:
            parent = int(match.group(1))
            listed = [
                self._view(p) for p in self.products.values() if p["type"] == "variation" and p["parent_id"] == parent
            ]
            return self._page(handler, listed, query)
        match = re.fullmatch(r"products/batch|products/(\d+)/variations/batch", path)
        if method == "POST" and match:
            return self._batch(handler, json.loads(body or b"{}"), int(match.group(1)) if match.group(1) else None)
        return handler._reply(404, {"code": "rest_no_route", "message": f"no route {method} {path}"})

    def _page(self, handler: Handler, listed: list[dict[str, Any]], query: dict[str, str]) -> None:
        per_page = int(query.get("per_page", 10))
        if per_page > 100:
            return handler._reply(400, {"code": "rest_invalid_param", "message": "per_page must be at most 100"})
        page = int(query.get("page", 1))
        pages = max((len(listed) + per_page - 1) // per_page, 1)
        chunk = listed[(page - 1) * per_page : page * per_page]
        headers = {"X-WP-Total": str(len(listed)), "X-WP-TotalPages": str(pages)}
        return handler._reply(200, chunk, headers)

    def _batch(self, handler: Handler, body: dict[str, Any], parent: int | None) -> None:
        total = sum(len(body.get(kind, [])) for kind in ("create", "update", "delete"))
        if total > self.batch_limit:
            return handler._reply(
                413, {"code": "woocommerce_rest_request_entity_too_large", "message": f"{total} > {self.batch_limit}"}
            )
        result: dict[str, list[dict[str, Any]]] = {}
        with self.lock:  # one batch is applied as a whole
            for item in body.get("update", []):
                result.setdefault("update", []).append(self._update(item, parent))
            for item in body.get("create", []):
                result.setdefault("create", []).append(self._create(item, parent))
        return handler._reply(200, result)

    def _knows_gtin(self) -> bool:
        return tuple(int(n) for n in self.version.split(".")[:2]) >= (9, 2)

    def _view(self, product: dict[str, Any]) -> dict[str, Any]:
        """A product as the API shows it: with ``global_unique_id`` from 9.2 on, without it before."""
        shown = dict(product)
        if self._knows_gtin():
            shown.setdefault("global_unique_id", "")
        else:
            shown.pop("global_unique_id", None)
        return shown

    def _check(self, item: dict[str, Any]) -> str | None:
        for prop in ("regular_price", "sale_price"):
            if prop in item and not isinstance(item[prop], str):
                return f"{prop} must be a string"
        if "stock_quantity" in item and not isinstance(item["stock_quantity"], int):
            return "stock_quantity must be an integer"
        return None

    def _update(self, item: dict[str, Any], parent: int | None) -> dict[str, Any]:
        product = self.products.get(int(item.get("id", 0)))
        if product is None or (parent is not None and product.get("parent_id") != parent):
            return {"id": item.get("id"), "error": {"code": "woocommerce_rest_product_invalid_id", "message": "no"}}
        problem = self._check(item)
        if problem:
            return {"id": item["id"], "error": {"code": "rest_invalid_param", "message": problem}}
        for prop, value in item.items():
            if prop == "id" or (prop == "global_unique_id" and not self._knows_gtin()):
                continue  # an unknown property is ignored, silently
            product[prop] = value
            self.applied.append((product["id"], prop, value))
        return self._view(product)

    def _create(self, item: dict[str, Any], parent: int | None) -> dict[str, Any]:
        problem = self._check(item)
        if problem:
            return {"id": 0, "error": {"code": "rest_invalid_param", "message": problem}}
        if any(p["sku"] == item.get("sku") for p in self.products.values()):
            return {"id": 0, "error": {"code": "product_invalid_sku", "message": "duplicate SKU"}}
        if not self._knows_gtin():
            item = {k: v for k, v in item.items() if k != "global_unique_id"}
        new_id = self.add(**{**item, "parent_id": parent or 0})
        for prop, value in item.items():
            self.applied.append((new_id, prop, value))
        return self._view(self.products[new_id])
