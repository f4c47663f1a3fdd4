"""WooCommerce REST API v3: reading the shop's products (``export: api``) and applying a plan in batches.

Applying sets absolute values only (``stock_quantity: 7``, never an adjustment), through ``products/batch`` and
``products/{id}/variations/batch`` with at most ``batch_size`` (≤ 100, WooCommerce's limit) items per request.
What goes through the API: price, sale price, stock, name, description, GTIN and whether the product is published;
a delisted product is set to draft (a variation to private), never deleted. New simple products are created; new
variable products and variations need their attributes set up and are left to the CSV feed (reported as failed
with that reason). Each batch's results are reported back item by item, so one bad product does not fail the rest.

- The GTIN property ``global_unique_id`` exists from WooCommerce 9.2 (woocommerce/woocommerce pull request 47364,
  "Add unique_id field to product"); an older store ignores it without an error. Its absence tells: a store whose
  products come back without the property does not hold GTINs, so they are neither read (``export: api``) nor
  reported as applied; a sent GTIN that does not come back in the item's answer is reported as not applied.
- A variation whose stock its parent manages (``manage_stock: "parent"`` in the variations endpoint's schema) has
  no stock of its own: it is read with stock unknown and marked so (:data:`FIXED`), and neither ``manage_stock``
  nor ``stock_quantity`` is ever sent for it (that would switch it to its own stock). The parent's own stock is
  read and planned like any product's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...fields import ROW, Field
from ...i18n import N_, _
from ...model import CREATE, DELIST, LISTED, UPDATE, Plan
from ...parse import format_money, parse_money, parse_quantity
from ...transports.http import HttpClient
from ..base import FIXED, LIVE, ChannelState, Desired, OnApplied
from ..changes import plain
from ..html import html_text
from .columns import DESCRIPTION_HTML, WC_ID, WC_PARENT_ID, WC_TYPE

GTIN_PROPERTY = "global_unique_id"
GTIN_NOT_APPLIED = N_(
    "the GTIN was not applied: this store ignores global_unique_id (it needs WooCommerce 9.2 or later); "
    "the other changes were"
)
PAGE = 100

#: Canonical field -> the API's product property, for what chansync applies through the API.
PROPERTIES = {
    Field.PRICE.value: "regular_price",
    Field.SALE_PRICE.value: "sale_price",
    Field.QUANTITY.value: "stock_quantity",
    Field.TITLE.value: "name",
    Field.DESCRIPTION.value: "description",
    Field.GTIN.value: "global_unique_id",
}


# --- reading --------------------------------------------------------------------------------------------------


def _pages(client: HttpClient, path: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    page = 1
    while True:
        response = client.request("GET", path, params={"per_page": PAGE, "page": page}, expect_json=True)
        batch = response.json()
        if not isinstance(batch, list):
            break
        records.extend(batch)
        total = int(response.headers.get("X-WP-TotalPages", page) or page)
        if page >= total or not batch:
            break
        page += 1
    return records


def fetch_state(client: HttpClient, display: str) -> ChannelState:
    """Every product and variation, in the canonical frame the CSV reader gives (plus ids for updates)."""

    products = _pages(client, "products")
    records = list(products)
    by_id = {p.get("id"): p.get("sku", "") for p in products}
    for product in products:
        if product.get("type") == "variable":
            for variation in _pages(client, f"products/{product['id']}/variations"):
                variation = dict(variation, type="variation", parent_id=product["id"])
                records.append(variation)
    frame = pd.DataFrame(
        {
            Field.SKU.value: [str(r.get("sku") or "") for r in records],
            WC_ID: [str(r.get("id", "")) for r in records],
            WC_TYPE: [str(r.get("type", "")) for r in records],
            WC_PARENT_ID: [str(r.get("parent_id") or "") for r in records],
            Field.TITLE.value: [str(r.get("name") or "") for r in records],
            Field.DESCRIPTION.value: [str(r.get("description") or "") for r in records],
            "regular_price": [str(r.get("regular_price") or "") for r in records],
            "sale_price_text": [str(r.get("sale_price") or "") for r in records],
            "stock_text": [str(r.get("stock_quantity")) if r.get("manage_stock") is True else "" for r in records],
            Field.GTIN.value: [str(r.get(GTIN_PROPERTY) or "") or None for r in records],
            FIXED: [Field.QUANTITY.value if r.get("manage_stock") == "parent" else "" for r in records],
            "status": [str(r.get("status") or "") for r in records],
        },
        dtype="str",
    )
    if records and not any(GTIN_PROPERTY in r for r in records):
        frame = frame.drop(columns=Field.GTIN.value)  # a store before 9.2 holds no GTIN: nothing to compare
    frame[DESCRIPTION_HTML] = frame[Field.DESCRIPTION.value]
    frame[Field.DESCRIPTION.value] = html_text(frame[Field.DESCRIPTION.value], newlines=True)
    frame[Field.PRICE.value] = parse_money(frame.pop("regular_price")).values
    frame[Field.SALE_PRICE.value] = parse_money(frame.pop("sale_price_text")).values
    frame[Field.QUANTITY.value] = parse_quantity(frame.pop("stock_text")).values
    frame[Field.PARENT_SKU.value] = frame[WC_PARENT_ID].map(lambda i: by_id.get(int(i)) if i else None).astype("str")
    frame[LIVE] = frame.pop("status").eq("publish").to_numpy()
    frame[ROW] = pd.array(np.arange(1, len(frame) + 1), dtype="Int64")
    return ChannelState(frame, Field.SKU.value, display)


# --- applying -------------------------------------------------------------------------------------------------


def _money(cents: Any) -> str:
    if cents is None or pd.isna(cents):
        return ""
    return str(format_money(pd.Series([cents], dtype="Int64")).iloc[0])


def _payload(changes: dict[str, Any], listed: bool) -> dict[str, Any]:
    """The API properties for a product's changed fields (absolute values)."""
    body: dict[str, Any] = {}
    for name, value in changes.items():
        prop = PROPERTIES.get(name)
        if prop is None:
            continue
        if name in (Field.PRICE.value, Field.SALE_PRICE.value):
            body[prop] = _money(value)
        elif name == Field.QUANTITY.value:
            if value is None or pd.isna(value):
                continue
            body["manage_stock"] = True
            body[prop] = int(value)
        else:
            body[prop] = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    if listed:
        body["status"] = "publish"
    return body


def apply_plan(
    plan: Plan,
    desired: Desired,
    client: HttpClient,
    applied: OnApplied,
    *,
    batch_size: int = 100,
) -> dict[str, str]:
    """Send the plan's creates, updates and delists in batches; return {key: reason} for what failed. After each
    batch, ``applied`` is called with what the shop confirmed (for the journal)."""
    current, wanted = plan.current, plan.desired
    failed: dict[str, str] = {}
    groups: dict[str, list[tuple[str, str, dict[str, Any], dict[str, Any]]]] = {}  # endpoint -> (kind, key, body, set)

    def text(value: Any) -> str:
        return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)

    def endpoint(key: str) -> str | None:
        """``products/batch``, or the variations batch of the variation's parent (None: parent id unknown)."""
        parent_id = text(current.at[key, WC_PARENT_ID]) if WC_PARENT_ID in current.columns else ""
        parent_sku = text(current.at[key, Field.PARENT_SKU.value]) if Field.PARENT_SKU.value in current.columns else ""
        if not parent_id and parent_sku:
            parent_id = text(current.at[parent_sku, WC_ID]) if parent_sku in current.index else ""
            if not parent_id:
                return None
        return f"products/{parent_id}/variations/batch" if parent_id else "products/batch"

    by_key: dict[str, set[str]] = {}
    for key, name in zip(plan.changes["key"].tolist(), plan.changes["field"].tolist(), strict=True):
        by_key.setdefault(str(key), set()).add(str(name))
    by_parent = _stock_by_parent(current)
    for key in plan.keys(UPDATE):
        key = str(key)
        fields = by_key.get(key, set())
        if key in by_parent:
            fields = fields - {Field.QUANTITY.value}  # its parent's stock: never switched to its own
        values: dict[str, Any] = {
            name: wanted.at[key, name] for name in fields if name in PROPERTIES and name in wanted.columns
        }
        body = _payload(values, LISTED in fields)
        if not body:
            continue
        target = endpoint(key)
        if target is None:
            failed[key] = _("the shop's id of this variation's parent is unknown")
            continue
        body["id"] = int(str(current.at[key, WC_ID]))
        done = {**{k: plain(v) for k, v in values.items()}, **({LISTED: True} if LISTED in fields else {})}
        groups.setdefault(target, []).append(("update", key, body, done))
    for key in plan.keys(DELIST):
        key = str(key)
        target = endpoint(key)
        if target is None or WC_ID not in current.columns:
            failed[key] = _("the shop's id of this product is unknown")
            continue
        status = "private" if "/variations/" in target else "draft"
        groups.setdefault(target, []).append(("update", key, {"id": int(str(current.at[key, WC_ID])), "status": status},
                                              {LISTED: False}))  # fmt: skip
    parents = set(wanted[Field.PARENT_SKU.value].dropna().astype("str")) if Field.PARENT_SKU.value in wanted else set()
    for key in plan.keys(CREATE):
        key = str(key)
        row = wanted.loc[key]
        parent = row.get(Field.PARENT_SKU.value)
        if (isinstance(parent, str) and parent) or key in parents:
            failed[key] = _(
                "new variable products and variations are created through the CSV feed (write it with `feed:`)"
            )
            continue
        values = {name: row[name] for name in PROPERTIES if name in wanted.columns}
        body = {"sku": key, "type": "simple", **_payload(values, True)}
        groups.setdefault("products/batch", []).append(("create", key, body, {k: plain(v) for k, v in values.items()}))
    for target, items in groups.items():
        for start in range(0, len(items), batch_size):
            _send_batch(client, target, items[start : start + batch_size], failed, applied)
    return failed


def _stock_by_parent(current: pd.DataFrame) -> set[str]:
    """Keys of the variations whose stock their parent manages (read as :data:`FIXED` quantity)."""
    if FIXED not in current.columns:
        return set()
    fixed = current[FIXED].astype("str").fillna("")
    return set(current.index[fixed.str.contains(Field.QUANTITY.value, regex=False)].astype("str"))


def _send_batch(
    client: HttpClient,
    target: str,
    items: list[tuple[str, str, dict[str, Any], dict[str, Any]]],
    failed: dict[str, str],
    applied: OnApplied,
) -> None:
    body: dict[str, list[dict[str, Any]]] = {}
    for kind, _key, payload, _set in items:
        body.setdefault(kind, []).append(payload)
    skus = tuple(key for _a, key, _b, _c in items)
    response = client.request("POST", target, json=body, expect_json=True, skus=skus)
    results = response.json()
    confirmed = []
    for kind in ("create", "update"):
        sent = [item for item in items if item[0] == kind]
        answers = results.get(kind, []) if isinstance(results, dict) else []
        for position, (_kind, key, payload, values) in enumerate(sent):
            answer = answers[position] if position < len(answers) else None
            error = answer.get("error") if isinstance(answer, dict) else _("no result for this item")
            if error:
                message = error.get("message", str(error)) if isinstance(error, dict) else str(error)
                failed[key] = _("WooCommerce refused it: {reason}").format(reason=message)
                continue
            if GTIN_PROPERTY in payload and isinstance(answer, dict) and GTIN_PROPERTY not in answer:
                failed[key] = _(GTIN_NOT_APPLIED)  # a store before 9.2 dropped it silently
                values = {k: v for k, v in values.items() if k != Field.GTIN.value}
            confirmed.append({"key": key, "set": values})
    if confirmed:
        applied(confirmed)
