"""The TikTok Shop Partner API: signed requests, reading every SKU (``export: api``) and applying price and stock.

The contract, with its sources (the Partner Center's documentation, https://partner.tiktokshop.com/docv2):

- Every request carries the query parameters ``app_key``, ``timestamp`` (Unix seconds) and ``sign``, and for a
  shop's data ``shop_cipher``; the shop's access token travels in the ``x-tts-access-token`` header
  (https://partner.tiktokshop.com/docv2/page/common-parameters).
- ``sign`` (https://partner.tiktokshop.com/docv2/page/sign-your-api-request): the query parameters except ``sign``
  and ``access_token``, sorted by name, each written as name then value with nothing between; the request path in
  front; the body appended (unless multipart); the app secret before and after all of it; HMAC-SHA256 of that
  with the app secret as key, in lower-case hex (the page's worked example is a test here). The timestamp must
  be within five minutes of TikTok Shop's clock (same page). The signed body must be the bytes sent, so this
  client writes the JSON itself, and it signs each attempt again (a retry gets a fresh timestamp).
- Replies are ``{"code", "message", "request_id", "data"}``; ``code`` 0 is success.
- Search Products, ``POST /product/202502/products/search`` with ``page_size`` (at most 100) and ``page_token``
  in the query and filters in the body (chansync sends ``{"status": "ALL"}``: never an empty body, which the
  page's Go and Node.js samples would sign differently); each product has ``id``, ``title``, ``status`` and
  ``skus`` with ``id``, ``seller_sku``, ``price`` (``currency``, ``tax_exclusive_price``, ``sale_price``) and
  ``inventory`` (``warehouse_id``, ``quantity``); ``next_page_token`` leads to the next page
  (https://partner.tiktokshop.com/docv2/page/search-products-202502).
- Update Price, ``POST /product/202309/products/{product_id}/prices/update`` with
  ``{"skus": [{"id", "price": {"amount", "currency"}}]}`` for SKUs of that product
  (https://partner.tiktokshop.com/docv2/page/update-price-202309).
- Update Inventory, ``POST /product/202309/products/{product_id}/inventory/update`` with
  ``{"skus": [{"id", "inventory": [{"warehouse_id", "quantity"}]}]}``; the quantity is the absolute figure after
  the change, 0 to below 99999; ``warehouse_id`` may be left out only when the SKU has one warehouse; only a live
  SKU can be updated; ``data.errors`` names the SKUs that failed (``detail.sku_id``)
  (https://partner.tiktokshop.com/docv2/page/update-inventory-202309).

Delisting sets the stock to 0 (chansync takes one SKU off sale, and TikTok Shop deactivates whole products only);
the product stays ``ACTIVATE``, so the SKU still reads as live and the next plan lists the delist again: a SKU
already at 0 is recorded as done without a call.

A SKU with stock in several warehouses is not changed (chansync holds one figure per SKU and cannot tell how to
split it); that is returned as its reason. Titles are not sent (``revise_title`` is for the batch edit file).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import requests

from ...errors import TransportError
from ...fields import ROW, Field
from ...i18n import N_, _
from ...model import LISTED, LIVE, UPDATE, ChannelState, Plan
from ...parse import format_money, parse_money
from ...transports.http import HttpClient, RetryPolicy
from .. import changes as shared
from ..base import OnApplied
from ..changes import Change, whole
from .export import PRODUCT_ID, SKU_ID, STATUS

SEARCH = "/product/202502/products/search"
PRICES = "/product/202309/products/{product_id}/prices/update"
INVENTORY = "/product/202309/products/{product_id}/inventory/update"
PAGE = 100  # the documented maximum of page_size
LIVE_STATUS = "ACTIVATE"
GONE = frozenset({"DELETED", "DRAFT"})  # not a listing a buyer can find, nor one to set stock on
WAREHOUSES, CURRENCY = "tiktok_warehouses", "tiktok_currency"
PRICE, QUANTITY = Field.PRICE.value, Field.QUANTITY.value
_SIGN_IN_TEXT = re.compile(r"(sign=)[0-9a-fA-F]{16,}")


def sign(secret: str, path: str, params: Mapping[str, str], body: bytes | None) -> str:
    """The ``sign`` query parameter of a request (see the module's docstring)."""
    pairs = "".join(f"{k}{params[k]}" for k in sorted(params) if k not in ("sign", "access_token"))
    text = path + pairs + (body or b"").decode("utf-8")
    wrapped = secret + text + secret
    return hmac.new(secret.encode("utf-8"), wrapped.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass
class TikTokClient(HttpClient):
    """An :class:`HttpClient` that signs every attempt of every request the Partner API way."""

    app_key: str = ""
    app_secret: str = ""
    access_token: str = ""
    shop_cipher: str = ""
    clock: Callable[[], float] = field(default=time.time)

    def _send(self, method: str, url: str, *, headers: Mapping[str, str], **kwargs: Any) -> requests.Response:
        payload, data = kwargs.pop("json", None), kwargs.pop("data", None)
        body: bytes | None = data
        if payload is not None:
            body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        query = {str(k): str(v) for k, v in (kwargs.pop("params", None) or {}).items()}
        query["app_key"] = self.app_key
        query["timestamp"] = str(int(self.clock()))
        if self.shop_cipher:
            query["shop_cipher"] = self.shop_cipher
        query["sign"] = sign(self.app_secret, urlsplit(url).path, query, body)
        signed = {**headers, "x-tts-access-token": self.access_token, "Content-Type": "application/json"}
        return super()._send(method, url, headers=signed, data=body, params=query, **kwargs)

    def _scrub(self, text: str) -> str:
        return super()._scrub(_SIGN_IN_TEXT.sub(r"\1***", text))


def client(section: Any, secrets: tuple[str, ...], policy: RetryPolicy) -> HttpClient:
    """The client of an ``upload: {type: tiktok_shop_api}`` section (``connect.CLIENT_BUILDERS``)."""
    return TikTokClient(
        str(section.url).rstrip("/"),
        policy=policy,
        secrets=secrets,
        app_key=str(section.app_key),
        app_secret=str(section.app_secret),
        access_token=str(section.access_token),
        shop_cipher=str(section.shop_cipher),
    )


class Refused(Exception):
    """A reply with a non-zero ``code``: TikTok Shop read the request and refused it (nothing of it applied).
    ``errors``: {SKU id: message} where the reply names SKUs."""

    def __init__(self, message: str, errors: dict[str, str]) -> None:
        super().__init__(message)
        self.errors = errors


def _call(client: HttpClient, path: str, body: Any, skus: tuple[str, ...], params: Any = None) -> dict[str, Any]:
    reply = client.request("POST", path, json=body, params=params, expect_json=True, skus=skus).json()
    if not isinstance(reply, dict):
        raise TransportError(
            _("POST {path}: the reply is not a JSON object").format(path=path), retriable=True, skus=skus
        )
    data = reply.get("data")
    data = data if isinstance(data, dict) else {}
    if reply.get("code") not in (0, None):
        reason = reply.get("message") or _("refused")  # TikTok Shop's own message stays as TikTok Shop wrote it
        raise Refused(f"{reason} (code {reply.get('code')})", _errors(data))
    return data


# --- reading ----------------------------------------------------------------------------------------------------


def products(client: HttpClient) -> Iterator[dict[str, Any]]:
    token = ""
    while True:
        params = {"page_size": PAGE, **({"page_token": token} if token else {})}
        try:
            data = _call(client, SEARCH, {"status": "ALL"}, (), params)
        except Refused as refused:
            raise TransportError(
                _("TikTok Shop refused the product search: {refused}").format(refused=refused), retriable=False
            ) from None
        yield from data.get("products") or []
        token = str(data.get("next_page_token") or "")
        if not token:
            return


def fetch_state(client: HttpClient, display: str) -> ChannelState:
    """Every SKU with a seller SKU of every product that is not deleted or a draft, in the frame the batch edit
    download gives (plus the warehouses and the currency, which updates need)."""
    rows = []
    for product in products(client):
        status = str(product.get("status") or "")
        if status in GONE:
            continue
        for sku in product.get("skus") or []:
            seller_sku = str(sku.get("seller_sku") or "").strip()
            if not seller_sku:
                continue  # cannot be matched: left alone
            price = sku.get("price") or {}
            stock = [i for i in sku.get("inventory") or [] if isinstance(i, dict)]
            rows.append({
                Field.SKU.value: seller_sku,
                PRODUCT_ID: str(product.get("id") or ""),
                SKU_ID: str(sku.get("id") or ""),
                Field.TITLE.value: str(product.get("title") or ""),
                STATUS: status,
                "price_text": str(price.get("tax_exclusive_price") or ""),
                CURRENCY: str(price.get("currency") or ""),
                "quantity": sum(int(i.get("quantity") or 0) for i in stock),
                WAREHOUSES: ",".join(str(i.get("warehouse_id") or "") for i in stock),
                LIVE: status == LIVE_STATUS,
            })  # fmt: skip
    names = [Field.SKU.value, PRODUCT_ID, SKU_ID, Field.TITLE.value, STATUS, "price_text", CURRENCY, WAREHOUSES]
    frame = pd.DataFrame(rows, columns=[*names, "quantity", LIVE]).astype({n: "str" for n in names})
    frame[PRICE] = parse_money(frame.pop("price_text")).values
    frame[QUANTITY] = frame.pop("quantity").astype("Int64")
    frame[LIVE] = frame[LIVE].astype(bool)
    frame[ROW] = pd.array(np.arange(1, len(frame) + 1), dtype="Int64")
    return ChannelState(frame, Field.SKU.value, display)


# --- applying ---------------------------------------------------------------------------------------------------


def changes_of(plan: Plan) -> tuple[dict[str, Change], dict[str, str]]:
    """{SKU: change} for the plan's price and quantity updates and its delists (absolute values), and {SKU: reason}
    for what the API route does not change (a relist, a title)."""
    out, changed = shared.changes_of(plan, Change)
    refused: dict[str, str] = {}
    for key in map(str, plan.keys(UPDATE)):
        fields = changed.get(key, set())
        if LISTED in fields:  # a product a seller (or TikTok) deactivated: stock cannot be set on it
            out.pop(key, None)
            refused[key] = _("the product is not live on TikTok Shop; activate it in Seller Center")
        elif Field.TITLE.value in fields:
            refused[key] = _("chansync changes TikTok Shop titles through the batch edit file, not the API")
    return out, refused


def _money(cents: int) -> str:
    return str(format_money(pd.Series([cents], dtype="Int64")).iloc[0])


def _quantity_now(plan: Plan, sku: str) -> int | None:
    current = plan.current
    if QUANTITY not in current.columns or sku not in current.index:
        return None
    return whole(current.at[sku, QUANTITY])


def _ids(plan: Plan, sku: str) -> tuple[str, str, str, str]:
    """(product id, SKU id, warehouses, currency) of a SKU as the channel showed it ("" where unknown)."""
    current = plan.current

    def get(name: str) -> str:
        if name not in current.columns or sku not in current.index:
            return ""
        text = str(current.at[sku, name])
        return "" if text in ("nan", "<NA>", "None") else text

    return get(PRODUCT_ID), get(SKU_ID), get(WAREHOUSES), get(CURRENCY)


def apply_plan(plan: Plan, client: HttpClient, applied: OnApplied, currency: str) -> dict[str, str]:
    """Per product: one Update Price call for its SKUs' new prices, then one Update Inventory call for their new
    stock, each recorded through ``applied`` once TikTok Shop confirms it. {SKU: reason} for what was not
    applied; a failure that would hit every later call too (credentials, the service down) raises
    :class:`TransportError` naming every SKU not yet done."""
    changes, failed = changes_of(plan)
    by_product: dict[str, list[tuple[Change, str, str, str]]] = {}
    already = [c for c in changes.values() if c.delist and _quantity_now(plan, c.sku) == 0]
    if already:  # a SKU delisted before stays live with no stock: nothing to send (see the docstring)
        applied([{"key": c.sku, "set": {QUANTITY: 0, LISTED: False}} for c in already])
    for sku, change in changes.items():
        if change in already:
            continue
        product_id, sku_id, warehouses, sku_currency = _ids(plan, sku)
        if not product_id or not sku_id:
            failed[sku] = _("TikTok Shop shows no product and SKU id for this seller SKU")
            continue
        by_product.setdefault(product_id, []).append((change, sku_id, warehouses, sku_currency or currency))
    done: set[str] = set()
    for product_id, items in sorted(by_product.items()):
        try:
            _prices(client, product_id, items, applied, failed)
            _inventory(client, product_id, items, applied, failed)
        except TransportError as error:
            if not error.retriable and "HTTP 401" not in error.message and "HTTP 403" not in error.message:
                failed.update(
                    {
                        c.sku: _("TikTok Shop refused the update: {reason}").format(reason=error.message)
                        for c, *_rest in items
                    }
                )
                continue
            undone = [c.sku for rest in by_product.values() for c, *_rest in rest if c.sku not in done]
            raise TransportError(
                error.message, retriable=error.retriable, skus=tuple(dict.fromkeys([*failed, *undone])), hint=error.hint
            ) from None
        done.update(c.sku for c, *_rest in items)
    return failed


def _errors(data: dict[str, Any]) -> dict[str, str]:
    """{SKU id: message} from a reply's ``data.errors``."""
    out = {}
    for error in data.get("errors") or []:
        detail = error.get("detail") or {}
        sku_id = str(detail.get("sku_id") or "")
        if sku_id:
            out[sku_id] = f"{error.get('message') or 'refused'} (code {error.get('code')})"
    return out


def _prices(
    client: HttpClient, product_id: str, items: list[tuple[Change, str, str, str]], applied: OnApplied,
    failed: dict[str, str],
) -> None:  # fmt: skip
    sending = [(c, sku_id, cur) for c, sku_id, _ids, cur in items if c.price is not None]
    if not sending:
        return
    body = {"skus": [{"id": sku_id, "price": {"amount": _money(c.price or 0), "currency": cur}}
                     for c, sku_id, cur in sending]}  # fmt: skip
    _send(client, PRICES.format(product_id=product_id), body, sending, applied, failed, N_("price"))


def _inventory(
    client: HttpClient, product_id: str, items: list[tuple[Change, str, str, str]], applied: OnApplied,
    failed: dict[str, str],
) -> None:  # fmt: skip
    sending = []
    for change, sku_id, warehouses, _cur in items:
        if change.quantity is None:
            continue
        ids = [w for w in warehouses.split(",") if w]
        if len(ids) > 1:
            failed[change.sku] = _("this SKU has stock in several TikTok Shop warehouses; chansync sets one figure")
            continue
        stock: dict[str, Any] = {"quantity": change.quantity}
        if ids:
            stock["warehouse_id"] = ids[0]
        sending.append((change, sku_id, stock))
    if not sending:
        return
    body = {"skus": [{"id": sku_id, "inventory": [stock]} for _change, sku_id, stock in sending]}
    _send(client, INVENTORY.format(product_id=product_id), body, sending, applied, failed, N_("quantity"))


def _send(
    client: HttpClient, path: str, body: Any, sending: list[Any], applied: OnApplied, failed: dict[str, str],
    what: str,
) -> None:  # fmt: skip
    skus = tuple(c.sku for c, *_rest in sending)
    try:
        data = _call(client, path, body, skus)
    except Refused as refused:
        for change, sku_id, *_rest in sending:
            failed[change.sku] = _("TikTok Shop refused the {what}: {reason}").format(
                what=_(what), reason=refused.errors.get(sku_id, str(refused))
            )
        return
    errors = _errors(data)
    confirmed = []
    for change, sku_id, *_rest in sending:
        if sku_id in errors:
            failed[change.sku] = _("TikTok Shop refused the {what}: {reason}").format(
                what=_(what), reason=errors[sku_id]
            )
            continue
        sets: dict[str, Any] = {PRICE: change.price} if what == "price" else {QUANTITY: change.quantity}
        if what == "quantity" and change.delist:
            sets[LISTED] = False
        confirmed.append({"key": change.sku, "set": sets})
    if confirmed:
        applied(confirmed)
