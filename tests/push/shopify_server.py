"""A fake Shopify Admin GraphQL API on 127.0.0.1 for the push tests (served by :func:`tests.http_server.serving`).

It keeps products, variants, locations and stock on hand in memory and answers the operations chansync sends,
found by name in the query text (no GraphQL parser): ``locations``, ``productVariants`` (by ``sku:`` search or all,
paginated, with the inventory level at ``$location``), ``inventorySetQuantities`` and ``productVariantsBulkUpdate``.
It enforces the contract: the ``X-Shopify-Access-Token`` header, input arrays of at most 250 items, absolute
``available`` or ``on_hand`` quantities, prices as decimal strings, one product per bulk update. A mutation with a
user error changes nothing.

Stock is kept per item and location as on hand and committed (an order not yet shipped): available = on hand −
committed (Shopify's inventory CSV help: "Available inventory is calculated based on your imported On hand
values", https://help.shopify.com/en/manual/products/inventory/inventory-csv). ``sell`` makes an order (available
drops, on hand stays), ``ship`` fulfils it.

The stock mutation's shape depends on the version in the URL, as Shopify documents it:
- ``changeFromQuantity`` exists from 2026-01; an older version does not know the field
  (https://shopify.dev/changelog/compare-and-swap-redesign-for-inventory-set-quantities). When given, it is a
  compare-and-swap on the quantity named in ``input.name``: ``CHANGE_FROM_QUANTITY_STALE`` when it differs.
- From 2026-04 every quantity must carry ``changeFromQuantity`` (null opts out of the check)
  (https://shopify.dev/docs/api/admin-graphql/2026-04/input-objects/InventoryQuantityInput), and the mutation must
  carry ``@idempotent(key:)``; the directive is optional in 2026-01
  (https://shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations).
  A key seen before with the same variables answers the first result again without applying anything; with other
  variables it is ``IDEMPOTENCY_KEY_PARAMETER_MISMATCH``
  (https://shopify.dev/docs/api/usage/implementing-idempotency).

Calls are charged to a leaky bucket (``extensions.cost.throttleStatus``); one that does not fit gets
``THROTTLED`` with HTTP 200. Breaches of the contract are answered as Shopify would and logged in ``violations``.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.http_server import Fault, Recorder, serving

__all__ = ["FakeShopify", "Fault", "Recorder", "serving"]

LIMIT = 250
MONEY = re.compile(r"^\d+(\.\d{1,2})?$")
SKU_TERM = re.compile(r'sku:(?:"((?:[^"\\]|\\.)*)"|(\S+))')
IDEMPOTENT = re.compile(r'@idempotent\(\s*key:\s*"([^"]+)"\s*\)')
NAMES = re.compile(r"quantities\(names:\s*\[([^\]]*)\]")


@dataclass
class FakeShopify:
    token: str
    version: str = "2026-01"
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    variants: dict[str, dict[str, Any]] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)  # gid -> name
    stock: dict[tuple[str, str], int] = field(default_factory=dict)  # (inventory item gid, location gid) -> on hand
    committed: dict[tuple[str, str], int] = field(default_factory=dict)  # ordered, not shipped yet
    idempotency: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # key -> (variables, result)
    # the leaky bucket
    maximum: float = 100.0
    restore: float = 1000.0  # points per second
    available: float | None = None  # None: full
    mutation_cost: float = 10.0
    node_cost: float = 0.2  # a query costs 1 + first * node_cost (rounded up)
    spend: dict[int, float] = field(default_factory=dict)  # before the Nth call, another client spends this much
    # what tests look at
    calls: list[dict[str, Any]] = field(default_factory=list)  # every answered call: operation, size, throttled
    violations: list[str] = field(default_factory=list)
    applied: list[tuple[str, str, Any]] = field(default_factory=list)  # (sku, property, value) in order
    unauthorised: int = 0  # calls without the right access token (answered 401)
    refuse: dict[str, str] = field(default_factory=dict)  # sku -> a userError message for its variant update
    after_lookup: Callable[[FakeShopify], None] | None = None  # runs after each productVariants search
    lose_stock_answers: int = 0  # stock calls whose answer is lost after they were applied
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: int = 1000
    _at: float = field(default_factory=time.monotonic)

    # --- building the shop ------------------------------------------------------------------------------------

    def _gid(self, kind: str) -> str:
        self._ids += 1
        return f"gid://shopify/{kind}/{self._ids}"

    def add_location(self, name: str) -> str:
        gid = self._gid("Location")
        self.locations[gid] = name
        return gid

    def add_product(self, handle: str, title: str, status: str = "ACTIVE", **more: Any) -> str:
        gid = self._gid("Product")
        self.products[gid] = {
            "id": gid,
            "handle": handle,
            "title": title,
            "status": status,
            "vendor": "",
            "productType": "",
            "descriptionHtml": "",
            **more,
        }
        return gid

    def add_variant(
        self,
        product: str,
        sku: str,
        price: str,
        compare_at: str | None = None,
        stock: dict[str, int] | None = None,
        options: dict[str, str] | None = None,
        barcode: str | None = None,
    ) -> str:
        gid = self._gid("ProductVariant")
        item = self._gid("InventoryItem")
        self.variants[gid] = {
            "id": gid,
            "sku": sku,
            "price": price,
            "compareAtPrice": compare_at,
            "product": product,
            "inventoryItem": item,
            "barcode": barcode,
            "options": [{"name": k, "value": v} for k, v in (options or {}).items()],
        }
        for location, quantity in (stock or {}).items():
            self.stock[(item, location)] = quantity
        return gid

    def by_sku(self, sku: str) -> dict[str, Any]:
        return next(v for v in self.variants.values() if v["sku"] == sku)

    def on_hand(self, sku: str, location: str) -> int | None:
        return self.stock.get((self.by_sku(sku)["inventoryItem"], location))

    def for_sale(self, sku: str, location: str) -> int | None:
        key = (self.by_sku(sku)["inventoryItem"], location)
        return self._quantity(key, "available") if key in self.stock else None

    def _quantity(self, key: tuple[str, str], name: str) -> int:
        return self.stock[key] - (self.committed.get(key, 0) if name == "available" else 0)

    def sell(self, sku: str, location: str, count: int = 1) -> None:
        """An order: available drops at once, on hand only when it ships."""
        key = (self.by_sku(sku)["inventoryItem"], location)
        self.committed[key] = self.committed.get(key, 0) + count

    def ship(self, sku: str, location: str) -> None:
        key = (self.by_sku(sku)["inventoryItem"], location)
        self.stock[key] -= self.committed.pop(key, 0)

    # --- the endpoint -----------------------------------------------------------------------------------------

    def __call__(self, handler: Any, method: str, body: bytes) -> None:
        if method != "POST" or handler.path != f"/admin/api/{self.version}/graphql.json":
            return handler._reply(404, {"errors": "Not Found"})
        if handler.headers.get("X-Shopify-Access-Token") != self.token:
            self.unauthorised += 1
            return handler._reply(
                401, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
            )
        if handler.headers.get("Authorization"):
            self.violations.append("an Authorization header besides the access token")
        try:
            request = json.loads(body)
            query, variables = str(request["query"]), dict(request.get("variables") or {})
        except (ValueError, KeyError, TypeError):
            return handler._reply(400, {"errors": {"query": "Required parameter missing or invalid"}})
        with self.lock:
            status, reply = self._answer(query, variables)
            lost = self.lose_stock_answers > 0 and self._operation(query) == "inventorySetQuantities"
            if lost:
                self.lose_stock_answers -= 1
        if lost:  # applied, but the answer never reaches the client (a gateway error on the way back)
            return handler._reply(502, {"errors": "Bad Gateway"})
        return handler._reply(status, reply)

    def _operation(self, query: str) -> str:
        for name in ("inventorySetQuantities", "productVariantsBulkUpdate", "productVariants", "locations"):
            if re.search(rf"\b{name}\s*\(", query):
                return name
        return ""

    def _cost(self, operation: str, variables: dict[str, Any]) -> float:
        if operation in ("inventorySetQuantities", "productVariantsBulkUpdate"):
            return self.mutation_cost
        if operation == "productVariants":
            return 1 + math.ceil(int(variables.get("first") or 0) * self.node_cost)
        return 2.0

    def _answer(self, query: str, variables: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        operation = self._operation(query)
        if not operation:
            return 200, {"errors": [{"message": "unknown operation", "extensions": {"code": "undefinedField"}}]}
        number = len(self.calls) + 1
        now = time.monotonic()
        available = self.maximum if self.available is None else self.available
        available = min(self.maximum, available + (now - self._at) * self.restore) - self.spend.get(number, 0.0)
        self._at = now
        cost = self._cost(operation, variables)
        size = self._size(operation, variables)
        if cost > available:
            self.available = available
            self.calls.append(
                {
                    "operation": operation,
                    "size": size,
                    "throttled": True,
                    "at": now,
                    "wait": (cost - available) / self.restore,
                }
            )
            extensions = self._extensions(cost, None, available)
            error = {"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": "https://x.test"}}
            return 200, {"errors": [error], "extensions": extensions}
        self.available = available - cost
        self.calls.append({"operation": operation, "size": size, "throttled": False, "at": now})
        if size > LIMIT:
            self.violations.append(f"{operation} with {size} items")
            message = f"The input array size of {size} is greater than the maximum allowed of {LIMIT}."
            error = {"message": message, "extensions": {"code": "MAX_INPUT_SIZE_EXCEEDED"}}
            return 200, {"errors": [error], "extensions": self._extensions(cost, cost, self.available)}
        try:
            data = getattr(self, f"_{operation}")(query, variables)
        except _Invalid as problem:
            self.violations.append(f"{operation}: {problem}")
            error = {
                "message": f"Variable input was provided invalid value: {problem}",
                "extensions": {"code": "INVALID_VARIABLE"},
            }
            return 200, {"errors": [error], "extensions": self._extensions(cost, cost, self.available)}
        return 200, {"data": data, "extensions": self._extensions(cost, cost, self.available)}

    def _size(self, operation: str, variables: dict[str, Any]) -> int:
        if operation == "inventorySetQuantities":
            return len(((variables.get("input") or {}).get("quantities")) or [])
        if operation == "productVariantsBulkUpdate":
            return len(variables.get("variants") or [])
        return int(variables.get("first") or 0)

    def _extensions(self, requested: float, actual: float | None, available: float) -> dict[str, Any]:
        status = {"maximumAvailable": self.maximum, "currentlyAvailable": available, "restoreRate": self.restore}
        return {"cost": {"requestedQueryCost": requested, "actualQueryCost": actual, "throttleStatus": status}}

    # --- operations ---------------------------------------------------------------------------------------------

    def _locations(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        return {"locations": {"nodes": [{"id": gid, "name": name} for gid, name in self.locations.items()]}}

    def _productVariants(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        first = variables.get("first")
        if not isinstance(first, int) or not 0 < first <= LIMIT:
            raise _Invalid(f"first must be 1..{LIMIT}")
        listed = sorted(self.variants.values(), key=lambda v: v["id"])
        search = variables.get("query")
        if search:
            wanted = {
                (quoted.replace('\\"', '"').replace("\\\\", "\\") if quoted else bare)
                for quoted, bare in SKU_TERM.findall(str(search))
            }
            listed = [v for v in listed if v["sku"] in wanted]
        start = int(variables.get("after") or 0)
        page = listed[start : start + first]
        location = variables.get("location")
        with_stock = "inventoryLevel" in query
        names_asked = NAMES.search(query)
        asked = re.findall(r'"([^"]+)"', names_asked.group(1)) if names_asked else []
        if with_stock and location not in self.locations:
            raise _Invalid(f"no location {location!r}")
        nodes = []
        for variant in page:
            product = self.products[variant["product"]]
            item: dict[str, Any] = {"id": variant["inventoryItem"]}
            if with_stock:
                key = (variant["inventoryItem"], location)
                item["inventoryLevel"] = (
                    None
                    if key not in self.stock
                    else {"quantities": [{"name": n, "quantity": self._quantity(key, n)} for n in asked]}
                )
            nodes.append(
                {
                    "id": variant["id"],
                    "sku": variant["sku"],
                    "price": variant["price"],
                    "compareAtPrice": variant["compareAtPrice"],
                    "barcode": variant["barcode"],
                    "selectedOptions": variant["options"],
                    "product": dict(product),
                    "inventoryItem": item,
                }
            )
        end = start + len(page)
        if search and self.after_lookup is not None:
            self.after_lookup(self)
        return {
            "productVariants": {"nodes": nodes, "pageInfo": {"hasNextPage": end < len(listed), "endCursor": str(end)}}
        }

    def _inventorySetQuantities(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        directive = IDEMPOTENT.search(query)
        if self.version >= "2026-04" and directive is None:
            raise _Invalid("inventorySetQuantities needs an @idempotent(key:) directive from 2026-04")
        if directive is not None and self.version < "2026-01":
            raise _Invalid("unknown directive @idempotent")
        if directive is not None:
            seen = self.idempotency.get(directive.group(1))
            body = json.dumps(variables, sort_keys=True)
            if seen is not None and seen[0] != body:
                error = {"field": None, "message": "The same idempotency key was used with other parameters.",
                         "code": "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"}  # fmt: skip
                return {"inventorySetQuantities": {"inventoryAdjustmentGroup": None, "userErrors": [error]}}
            if seen is not None:
                return seen[1]
            result = self._set_quantities(variables)
            self.idempotency[directive.group(1)] = (body, result)
            return result
        return self._set_quantities(variables)

    def _set_quantities(self, variables: dict[str, Any]) -> dict[str, Any]:
        given = variables.get("input")
        if not isinstance(given, dict) or given.get("name") not in ("on_hand", "available") or not given.get("reason"):
            raise _Invalid("input needs name (on_hand or available) and reason")
        items = given.get("quantities")
        if not isinstance(items, list) or not items:
            raise _Invalid("quantities must be a non-empty list")
        errors = []
        by_item = {v["inventoryItem"]: v for v in self.variants.values()}
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise _Invalid(f"quantities[{index}] is not an object")
            if "changeFromQuantity" in item and self.version < "2026-01":
                raise _Invalid(f"quantities[{index}]: changeFromQuantity is not a field before 2026-01")
            if "changeFromQuantity" not in item and self.version >= "2026-04":
                raise _Invalid(f"quantities[{index}] has no changeFromQuantity (pass null to skip the check)")
            if (
                "changeFromQuantity" not in item
                and "compareQuantity" not in item
                and not given.get("ignoreCompareQuantity")
            ):
                errors.append({"field": ["input", "quantities", str(index)], "code": "COMPARE_QUANTITY_REQUIRED",
                               "message": "The compareQuantity argument must be given to each quantity or ignored "
                               "using ignoreCompareQuantity."})  # fmt: skip
                continue
            if not isinstance(item.get("quantity"), int) or isinstance(item.get("quantity"), bool):
                raise _Invalid(f"quantities[{index}].quantity must be an absolute integer")
            change_from = item.get("changeFromQuantity", item.get("compareQuantity"))
            if change_from is not None and (not isinstance(change_from, int) or isinstance(change_from, bool)):
                raise _Invalid(f"quantities[{index}].changeFromQuantity must be an integer or null")
            path = ["input", "quantities", str(index)]
            key = (item.get("inventoryItemId"), item.get("locationId"))
            if key[0] not in by_item:
                errors.append(
                    {
                        "field": [*path, "inventoryItemId"],
                        "message": "The inventory item could not be found.",
                        "code": "INVALID_INVENTORY_ITEM",
                    }
                )
            elif key[1] not in self.locations:
                errors.append(
                    {
                        "field": [*path, "locationId"],
                        "message": "The location could not be found.",
                        "code": "INVALID_LOCATION",
                    }
                )
            elif key not in self.stock:
                errors.append(
                    {
                        "field": [*path, "locationId"],
                        "message": "The item is not stocked at the location.",
                        "code": "ITEM_NOT_STOCKED_AT_LOCATION",
                    }
                )
            elif change_from is not None and self._quantity(key, given["name"]) != change_from:
                errors.append(
                    {
                        "field": [*path, "changeFromQuantity"],
                        "message": "The specified compare quantity is stale.",
                        "code": "CHANGE_FROM_QUANTITY_STALE",
                    }
                )
        result: dict[str, Any] = {"inventoryAdjustmentGroup": None, "userErrors": errors}
        if not errors:
            changes = []
            for item in items:
                key = (item["inventoryItemId"], item["locationId"])
                delta = item["quantity"] - self._quantity(key, given["name"])
                self.stock[key] += delta  # on hand moves with available: what is committed stays committed
                self.applied.append((by_item[key[0]]["sku"], given["name"], item["quantity"]))
                changes.append({"name": given["name"], "delta": delta, "quantityAfterChange": item["quantity"]})
            result["inventoryAdjustmentGroup"] = {"id": self._gid("InventoryAdjustmentGroup"), "changes": changes}
        return {"inventorySetQuantities": result}

    def _productVariantsBulkUpdate(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        product = variables.get("productId")
        items = variables.get("variants")
        if product not in self.products or not isinstance(items, list) or not items:
            raise _Invalid("productId must name a product and variants must be a non-empty list")
        errors = []
        for index, item in enumerate(items):
            for name in ("price", "compareAtPrice"):
                if (
                    name in item
                    and item[name] is not None
                    and not (isinstance(item[name], str) and MONEY.match(item[name]))
                ):
                    raise _Invalid(f"variants[{index}].{name} must be a decimal string, not {item[name]!r}")
            if "barcode" in item and not isinstance(item["barcode"], str):
                raise _Invalid(f"variants[{index}].barcode must be a string")
            variant = self.variants.get(item.get("id"))
            if variant is None or variant["product"] != product:
                errors.append(
                    {
                        "field": ["variants", str(index), "id"],
                        "message": "Product variant does not exist",
                        "code": "PRODUCT_VARIANT_DOES_NOT_EXIST",
                    }
                )
            elif variant["sku"] in self.refuse:
                errors.append(
                    {
                        "field": ["variants", str(index), "price"],
                        "message": self.refuse[variant["sku"]],
                        "code": "INVALID",
                    }
                )
        if errors:
            return {"productVariantsBulkUpdate": {"productVariants": None, "userErrors": errors}}
        done = []
        for item in items:
            variant = self.variants[item["id"]]
            for name in ("price", "compareAtPrice", "barcode"):
                if name in item:
                    variant[name] = item[name]
                    self.applied.append((variant["sku"], name, item[name]))
            done.append({"id": variant["id"]})
        return {"productVariantsBulkUpdate": {"productVariants": done, "userErrors": []}}


class _Invalid(Exception):
    """The request breaks the API's contract (Shopify answers with a top-level error)."""
