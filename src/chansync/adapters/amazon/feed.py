"""Writing Amazon's ``JSON_LISTINGS_FEED`` (Listings Feed schema 2.0): ``PATCH`` messages with only what changed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from ...fields import Field
from ..feeds import as_text
from .columns import FULFILMENT, fulfilled_by_amazon

if TYPE_CHECKING:
    from ...model import Plan
    from . import AmazonSettings


@dataclass(frozen=True)
class Number:
    """A JSON number written exactly as its text (a price from cents: ``19.99``, never a binary float)."""

    text: str


def dumps(value: Any, indent: int = 2, level: int = 0) -> str:
    """JSON text like ``json.dumps(value, indent=2, ensure_ascii=False)``, with :class:`Number` written as is."""
    if isinstance(value, Number):
        return value.text
    inner, outer = " " * (indent * (level + 1)), " " * (indent * level)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [
            f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {dumps(v, indent, level + 1)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + outer + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + dumps(v, indent, level + 1) for v in value) + "\n" + outer + "]"
    return json.dumps(value, ensure_ascii=False)


def patch_messages(plan: Plan, settings: AmazonSettings, currency: str) -> list[dict[str, Any]]:
    """One PATCH message (without its ``messageId``) per listing that changes, sorted by SKU.

    Updates carry the fields that changed (a listing made live again also gets its stock); delisted listings get
    stock 0. Stock is never written for listings fulfilled by Amazon.
    """
    from ...model import DELIST, LISTED, UPDATE

    price, quantity = Field.PRICE.value, Field.QUANTITY.value
    desired, current, changes = plan.desired, plan.current, plan.changes
    updates = plan.keys(UPDATE).intersection(desired.index)
    delists = plan.keys(DELIST).intersection(current.index)
    keys = updates.union(delists)
    if not len(keys):
        return []
    rows = pd.DataFrame(index=keys)
    price_keys = pd.Index(changes.loc[changes["field"].eq(price), "key"]).intersection(updates)
    stock_keys = pd.Index(changes.loc[changes["field"].isin([quantity, LISTED]), "key"]).intersection(updates)
    new_price = desired.loc[price_keys, price] if price in desired.columns else pd.Series(dtype="Int64")
    rows["price"] = as_text(Field.PRICE, new_price.reindex(keys))
    stock = desired.loc[stock_keys, quantity] if quantity in desired.columns else pd.Series(dtype="Int64")
    stock = pd.concat([stock.astype("Int64"), pd.Series(0, index=delists, dtype="Int64")])
    rows["quantity"] = as_text(Field.QUANTITY, stock[~stock.index.duplicated(keep="last")].reindex(keys))
    if FULFILMENT in current.columns:
        by_amazon = fulfilled_by_amazon(current[FULFILMENT].reindex(keys))
        rows["quantity"] = rows["quantity"].mask(by_amazon.to_numpy(), "")
    rows = rows[rows["price"].ne("") | rows["quantity"].ne("")]
    rows = rows.sort_index(key=lambda index: index.astype("str"))
    messages = []
    for sku, new_price_text, new_stock_text in rows.itertuples():  # only the listings that change
        patches: list[dict[str, Any]] = []
        if new_price_text:
            patches.append(price_patch(settings.marketplace_id, currency, new_price_text))
        if new_stock_text:
            patches.append(stock_patch(settings.fulfillment_channel_code, int(new_stock_text)))
        messages.append(
            {"sku": str(sku), "operationType": "PATCH", "productType": settings.product_type, "patches": patches}
        )
    return messages


#: The ``audience`` selector of the offer chansync prices: every buyer (Amazon's default; ``B2B`` is the business
#: offer, which chansync leaves alone).
AUDIENCE_ALL = "ALL"


def price_patch(marketplace_id: str, currency: str, price: str) -> dict[str, Any]:
    """A ``merge`` of the offer's ``our_price`` only.

    Amazon identifies an offer in ``purchasable_offer`` by its selectors ``marketplace_id``, ``currency`` and
    ``audience`` and updates its sub-attributes one by one without recreating the offer
    (https://developer-docs.amazon.com/sp-api/docs/manage-purchasable-offer); the ``merge`` op exists in the
    Listings Items API and in ``JSON_LISTINGS_FEED`` since June 2025
    (https://developer-docs.amazon.com/sp-api/changelog/update-listings-items-v2021-08-01-api-and-json_listing_feed-now-include-a-json-patch-merge-operation).
    A ``replace`` would drop the sale price, minimum and maximum prices and business prices set elsewhere.
    """
    offer = {"marketplace_id": marketplace_id, "currency": currency, "audience": AUDIENCE_ALL,
             "our_price": [{"schedule": [{"value_with_tax": Number(price)}]}]}  # fmt: skip
    return {"op": "merge", "path": "/attributes/purchasable_offer", "value": [offer]}


def stock_patch(channel_code: str, quantity: int) -> dict[str, Any]:
    """A ``merge`` of the quantity only: Amazon's example for changing stock names the selector
    ``fulfillment_channel_code`` and ``quantity`` and keeps ``lead_time_to_ship_max_days`` and ``restock_date``
    (https://developer-docs.amazon.com/sp-api/docs/merge-a-listing; message 5 of
    amzn/selling-partner-api-models ``schemas/feeds/listings-feed-schema-v2.example.json``)."""
    availability = {"fulfillment_channel_code": channel_code, "quantity": quantity}
    return {"op": "merge", "path": "/attributes/fulfillment_availability", "value": [availability]}


def documents(plan: Plan, settings: AmazonSettings, currency: str) -> list[bytes]:
    """The feed as JSON documents of at most ``messages_per_feed`` messages each (one, possibly empty)."""
    messages = patch_messages(plan, settings, currency)
    size = settings.messages_per_feed
    parts = [messages[start : start + size] for start in range(0, len(messages), size)] or [[]]
    return [document(part, settings) for part in parts]


def document(messages: list[dict[str, Any]], settings: AmazonSettings) -> bytes:
    """One feed document of ``messages``, numbered from 1 in their order (keys other than a message's own, such as
    the ``set`` the SP-API route keeps for its journal, are left out)."""
    header = {"sellerId": settings.seller_id, "version": "2.0", "issueLocale": settings.issue_locale}
    numbered = [
        {"messageId": n, **{k: v for k, v in m.items() if k in MESSAGE_KEYS}} for n, m in enumerate(messages, 1)
    ]
    return (dumps({"header": header, "messages": numbered}) + "\n").encode("utf-8")


MESSAGE_KEYS = ("sku", "operationType", "productType", "patches")
