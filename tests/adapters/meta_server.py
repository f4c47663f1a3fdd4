"""A fake Meta Graph API (catalogue batch) on 127.0.0.1, served with :func:`tests.http_server.serving`. It enforces
what chansync relies on, each rule from Meta's documentation (addresses beside them; see docs/channels/meta.md):

- the access token on every call, as ``Authorization: Bearer`` or the ``access_token`` parameter; otherwise a
  Graph error 190 (https://developers.facebook.com/docs/graph-api/guides/error-handling);
- ``POST /{catalog_id}/items_batch`` with ``item_type=PRODUCT_ITEM``, ``allow_upsert`` (default true) and
  ``requests``: 1 to 5,000 of ``{"method": CREATE|UPDATE|DELETE, "data": {"id": ..., ...}}``; a CREATE must carry
  every required field, an UPDATE any fields; with ``allow_upsert`` false an UPDATE of an item that does not exist
  is not completed (https://developers.facebook.com/docs/marketing-api/catalog-batch/guides/send-product-updates).
  Required fields and value forms (``9.99 USD`` prices, ``in stock``, ``new``) from
  https://developers.facebook.com/docs/commerce-platform/catalog/fields. The answer is ``{"handles": [h],
  "validation_status": [{"retailer_id", "errors": [{"message"}], "warnings": []}]}``; an item with errors there
  is not taken in (https://developers.facebook.com/docs/marketing-api/reference/product-catalog/items_batch/);
- ``GET /{catalog_id}/check_batch_request_status?handle=``: ``{"data": [{"handle", "status", "errors",
  "errors_total_count", "warnings", "warnings_total_count", "ids_of_invalid_requests"}]}``, the status going
  scheduled -> started -> finished (https://developers.facebook.com/docs/marketing-api/reference/
  check-batch-request-status/). A batch's changes take effect when it finishes; items listed in :attr:`refuse`
  fail then, with the message given;
- ``GET /{catalog_id}/products?fields=&limit=&after=``: ProductItem fields, pages with ``paging.cursors.after``
  and ``paging.next`` on every page but the last (https://developers.facebook.com/docs/graph-api/results);
- throttling as a Graph error object, code 80014 for the catalogue batch, with ``X-Business-Use-Case-Usage``
  carrying ``estimated_time_to_regain_access`` in minutes
  (https://developers.facebook.com/docs/graph-api/overview/rate-limiting).

Faults (429 with Retry-After, 500, malformed JSON) come from the :class:`tests.http_server.Recorder`.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.http_server import Fault, Recorder, serving

__all__ = ["FakeMeta", "Fault", "Recorder", "serving"]

VERSION = "/v21.0"
MAX_REQUESTS = 5000
#: Required for a new product item (catalog fields reference): id, title, description, availability, condition,
#: price, link, image_link, brand.
REQUIRED = ("id", "title", "description", "availability", "condition", "price", "link", "image_link", "brand")
AVAILABILITY = ("in stock", "out of stock", "preorder", "available for order", "discontinued")
CONDITION = ("new", "refurbished", "used")
PRICE = re.compile(r"\d+(\.\d{1,2})? [A-Z]{3}")
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
#: ProductItem field -> the batch attribute it shows.
READ = {
    "retailer_id": "id",
    "name": "title",
    "description": "description",
    "url": "link",
    "image_url": "image_link",
    "additional_image_urls": "additional_image_link",
    "availability": "availability",
    "brand": "brand",
    "gtin": "gtin",
    "manufacturer_part_number": "mpn",
    "condition": "condition",
    "retailer_product_group_id": "item_group_id",
    "color": "color",
    "size": "size",
    "product_type": "product_type",
    "quantity_to_sell_on_facebook": "quantity_to_sell_on_facebook",
}


@dataclass
class Batch:
    handle: str
    requests: list[dict[str, Any]]
    upsert: bool
    due: float  # when it finishes
    reads: int = 0
    status: str = "scheduled"
    errors: list[dict[str, Any]] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


@dataclass
class FakeMeta:
    token: str
    catalog_id: str = "1234567890"
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # retailer id -> batch attributes
    #: Status reads before a batch finishes (it also finishes once ``seconds`` have passed since it was sent).
    reads_to_finish: int = 1
    seconds: float = 3600.0
    refuse: dict[str, str] = field(default_factory=dict)  # retailer id -> error at processing time
    refuse_call: set[str] = field(default_factory=set)  # a call holding one of these ids is refused whole (code 100)
    throttle: list[float] = field(default_factory=list)  # next items_batch calls answered 80014 (regain minutes)
    end_with: str = "finished"  # or "error" / "canceled"
    batches: dict[str, Batch] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)  # every accepted items_batch body
    applied: list[tuple[str, str, Any]] = field(default_factory=list)  # (retailer id, attribute, value) as it took
    lock: threading.RLock = field(default_factory=threading.RLock)

    def add(self, sku: str, **attributes: Any) -> None:
        self.items[sku] = {"id": sku, **attributes}

    def __call__(self, handler: Any, method: str, body: bytes) -> None:
        url = urlparse(handler.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        path = url.path.removeprefix(VERSION)
        form: dict[str, Any] = {}
        if body:
            form = self._body(handler, body)
            if form is None:
                return self._error(handler, 400, 100, "Invalid parameter: the body is neither JSON nor a form")
        bearer = handler.headers.get("Authorization", "")
        if (
            bearer != f"Bearer {self.token}"
            and query.get("access_token") != self.token
            and form.get("access_token") != self.token
        ):
            return self._error(handler, 400, 190, "Invalid OAuth 2.0 Access Token", kind="OAuthException")
        with self.lock:
            self._settle()
            if method == "POST" and path == f"/{self.catalog_id}/items_batch":
                return self._items_batch(handler, form)
            if method == "GET" and path == f"/{self.catalog_id}/check_batch_request_status":
                return self._status(handler, query)
            if method == "GET" and path == f"/{self.catalog_id}/products":
                return self._products(handler, query)
        return self._error(handler, 400, 100, f"Unsupported {method} request to {path}")

    # --- items_batch ------------------------------------------------------------------------------------------

    def _items_batch(self, handler: Any, form: dict[str, Any]) -> None:
        if self.throttle:
            minutes = self.throttle.pop(0)
            usage = {self.catalog_id: [{"type": "catalog_batch", "call_count": 100, "total_cputime": 10,
                                        "total_time": 10, "estimated_time_to_regain_access": minutes}]}  # fmt: skip
            return self._error(handler, 400, 80014, "There have been too many calls for the batch uploads to this "
                               "catalog account. Wait a bit and try again.",
                               headers={"X-Business-Use-Case-Usage": json.dumps(usage)})  # fmt: skip
        if form.get("item_type") != "PRODUCT_ITEM":
            return self._error(handler, 400, 100, "Invalid parameter: item_type must be PRODUCT_ITEM here")
        requests = form.get("requests")
        if isinstance(requests, str):
            try:
                requests = json.loads(requests)
            except ValueError:
                requests = None
        if not isinstance(requests, list) or not 1 <= len(requests) <= MAX_REQUESTS:
            return self._error(handler, 400, 100, f"Invalid parameter: requests must hold 1 to {MAX_REQUESTS} items")
        ids = {str((r.get("data") or {}).get("id")) for r in requests if isinstance(r, dict)}
        if ids & self.refuse_call:
            return self._error(handler, 400, 100, "Invalid parameter: (#100) a value of the call is not accepted")
        upsert = form.get("allow_upsert", True)
        if isinstance(upsert, str):
            upsert = upsert.lower() == "true"
        statuses, kept = [], []
        for request in requests:
            problem = self._check(request, bool(upsert))
            key = str((request.get("data") or {}).get("id")) if isinstance(request, dict) else "?"
            statuses.append({"retailer_id": key, "errors": [{"message": problem}] if problem else [], "warnings": []})
            if not problem:
                kept.append(request)
        self.calls.append(form)
        handles = []
        if kept:
            handle = f"h{len(self.batches) + 1:06d}"
            self.batches[handle] = Batch(handle, kept, bool(upsert), time.monotonic() + self.seconds)
            handles.append(handle)
        return handler._reply(200, {"handles": handles, "validation_status": statuses})

    def _check(self, request: Any, upsert: bool) -> str | None:
        if not isinstance(request, dict) or request.get("method") not in ("CREATE", "UPDATE", "DELETE"):
            return "method must be CREATE, UPDATE or DELETE"
        data = request.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data["id"]:
            return "data must be an object with the item's id (the retailer id)"
        if "retailer_id" in data:
            return "retailer_id is not a field of data; the item's id is"
        if request["method"] == "DELETE":
            return None
        creating = request["method"] == "CREATE" or data["id"] not in self.items
        if creating and request["method"] == "UPDATE" and not upsert:
            return "the item does not exist and allow_upsert is false"
        if creating and (missing := [f for f in REQUIRED if data.get(f) in (None, "")]):
            return f"a new item needs {', '.join(missing)}"
        for name in ("price", "sale_price"):
            if data.get(name) not in (None, "") and not PRICE.fullmatch(str(data[name])):
                return f"{name} must be an amount and an ISO 4217 code, like 9.99 USD: {data[name]!r}"
        if "availability" in data and data["availability"] not in AVAILABILITY:
            return f"availability {data['availability']!r} is not one of {', '.join(AVAILABILITY)}"
        if "condition" in data and data["condition"] not in CONDITION:
            return f"condition {data['condition']!r} is not one of {', '.join(CONDITION)}"
        stock = data.get("quantity_to_sell_on_facebook")
        if stock is not None and (not isinstance(stock, int) or isinstance(stock, bool) or stock < 0):
            return f"quantity_to_sell_on_facebook must be a whole number of at least 0: {stock!r}"
        images = data.get("additional_image_link")
        if images is not None and not isinstance(images, list | str):
            return "additional_image_link must be a list of URLs"
        return None

    def _settle(self) -> None:
        """Batches whose time has come finish, and their changes take effect."""
        now = time.monotonic()
        for batch in self.batches.values():
            if batch.status in ("finished", "error", "canceled"):
                continue
            if batch.reads >= self.reads_to_finish or now >= batch.due:
                self._finish(batch)
            elif batch.reads:
                batch.status = "started"

    def _finish(self, batch: Batch) -> None:
        batch.status = self.end_with
        if self.end_with != "finished":
            return
        for line, request in enumerate(batch.requests, start=1):
            data = request["data"]
            key = data["id"]
            if key in self.refuse:
                batch.errors.append({"line": line, "id": key, "message": self.refuse[key]})
                batch.invalid.append(key)
                continue
            if request["method"] == "DELETE":
                if self.items.pop(key, None) is not None:
                    self.applied.append((key, "deleted", True))
                continue
            item = self.items.setdefault(key, {"id": key})
            for name, value in data.items():
                if name == "id":
                    continue
                item[name] = value
                self.applied.append((key, name, json.dumps(value)))

    # --- check_batch_request_status ---------------------------------------------------------------------------

    def _status(self, handler: Any, query: dict[str, str]) -> None:
        batch = self.batches.get(query.get("handle", ""))
        if batch is None:
            return self._error(handler, 400, 100, "Invalid parameter: unknown handle")
        batch.reads += 1
        self._settle()
        record: dict[str, Any] = {
            "handle": batch.handle,
            "status": batch.status,
            "errors": batch.errors,
            "errors_total_count": len(batch.errors),
            "warnings": [],
            "warnings_total_count": 0,
        }
        if query.get("load_ids_of_invalid_requests") == "true":
            record["ids_of_invalid_requests"] = batch.invalid
        return handler._reply(200, {"data": [record]})

    # --- products ---------------------------------------------------------------------------------------------

    def _products(self, handler: Any, query: dict[str, str]) -> None:
        fields = [f for f in query.get("fields", "").split(",") if f]
        limit = int(query.get("limit", "25"))
        if not 1 <= limit <= 1000:
            return self._error(handler, 400, 100, "Invalid parameter: limit")
        keys = sorted(self.items)
        start = int(query["after"].removeprefix("c")) if query.get("after") else 0
        page = keys[start : start + limit]
        data = [self._read(self.items[k], fields, n) for n, k in enumerate(page, start=start)]
        body: dict[str, Any] = {"data": data}
        if page:
            body["paging"] = {"cursors": {"before": f"c{start}", "after": f"c{start + len(page)}"}}
            if start + len(page) < len(keys):
                body["paging"]["next"] = f"{handler.path.split('?')[0]}?after=c{start + len(page)}"
        return handler._reply(200, body)

    @staticmethod
    def _read(item: dict[str, Any], fields: list[str], number: int) -> dict[str, Any]:
        """A ProductItem as Graph shows it: the requested fields only, prices formatted with their symbol."""
        out: dict[str, Any] = {"id": str(900000 + number)}
        currency = ""
        for name in ("price", "sale_price"):
            if item.get(name):
                amount, currency = str(item[name]).split(" ")
        for name in fields:
            if name in ("price", "sale_price"):
                if item.get(name):
                    amount, code = str(item[name]).split(" ")
                    out[name] = f"{SYMBOLS.get(code, code + ' ')}{amount}"
            elif name == "currency":
                if currency:
                    out[name] = currency
            elif name == "additional_image_urls":
                images = item.get("additional_image_link")
                if images:
                    out[name] = images if isinstance(images, list) else str(images).split(",")
            elif name in READ and item.get(READ[name]) not in (None, ""):
                out[name] = item[READ[name]]
        return out

    # --- plumbing ---------------------------------------------------------------------------------------------

    @staticmethod
    def _body(handler: Any, body: bytes) -> dict[str, Any] | None:
        kind = handler.headers.get("Content-Type", "")
        try:
            if kind.startswith("application/json"):
                value = json.loads(body)
                return value if isinstance(value, dict) else None
            return {k: v[-1] for k, v in parse_qs(body.decode("utf-8")).items()}
        except (ValueError, UnicodeDecodeError):
            return None

    @staticmethod
    def _error(handler: Any, status: int, code: int, message: str, *, kind: str = "GraphMethodException",
               headers: dict[str, str] | None = None) -> None:  # fmt: skip
        handler._reply(status, {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "Afake"}},
                       headers)  # fmt: skip
