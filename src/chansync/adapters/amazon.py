"""``amazon``: Amazon Seller Central listings: the All Listings report in, a JSON listings feed out.

Reading: the tab-separated "All Listings" report (``GET_MERCHANT_LISTINGS_ALL_DATA``), one row per listing, keyed by
``seller-sku``. Its columns differ by marketplace and over time, so they are found by name. A listing is live when
its ``status`` is ``Active``; ``Inactive`` and ``Incomplete`` listings are not. Listings fulfilled by Amazon (a
``fulfillment-channel`` other than ``DEFAULT``, such as ``AMAZON_EU``) show no quantity: Amazon counts that stock,
so chansync treats it as unknown and never writes it.

Writing: a ``JSON_LISTINGS_FEED`` (Listings Feed schema 2.0) of ``PATCH`` messages, one per listing that changes,
holding only what changed: the price as ``purchasable_offer`` (a JSON number written from the cents, never through
a binary float) and the stock as ``fulfillment_availability``. Both are ``merge`` patches that name only the offer's
selectors and the one value that changes, so whatever the seller set elsewhere (sale and business prices, minimum
and maximum prices, handling time, restock date) stays as it is; a ``replace`` would drop it. A delisted listing
has its stock set to 0; chansync never deletes a listing. chansync cannot create Amazon listings (a new listing
needs a product type and attributes the master does not hold): products Amazon lacks are reported as skipped. A
feed holds at most ``messages_per_feed`` messages; more are split over several files (``amazon.json``,
``amazon-2.json``, ...).

The processing report Amazon returns for a feed is read by :func:`read_processing_report` (one row per issue) and
:func:`message_results` (per message: accepted, accepted with warnings, or invalid).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import Field as PydField

from .. import columns
from ..errors import AdapterError
from ..fields import ROW, Field
from ..issues import Severity, define
from .base import FIXED, LIVE, Adapter, AdapterSettings, Capability, ChannelState, Desired, FeedFile
from .feeds import as_text
from .tabular import Export, column, read_channel_export

if TYPE_CHECKING:
    from ..model import Plan

ASIN, LISTING_ID, PRODUCT_ID, PRODUCT_ID_TYPE = "asin", "listing_id", "product_id", "product_id_type"
OPEN_DATE, FULFILMENT, AMAZON_STATUS = "open_date", "fulfillment_channel", "amazon_status"

#: Columns of the All Listings report (the Active Listings report has the same ones without ``status``).
COLUMNS = [
    column(Field.SKU, "seller-sku", "sku"),
    column(ASIN, "asin1", "asin"),
    column(Field.TITLE, "item-name"),
    column(LISTING_ID, "listing-id"),
    column(Field.PRICE, "price"),
    column(Field.QUANTITY, "quantity"),
    column(AMAZON_STATUS, "status"),
    column(FULFILMENT, "fulfillment-channel"),
    column(PRODUCT_ID, "product-id"),
    column(PRODUCT_ID_TYPE, "product-id-type"),
    column(OPEN_DATE, "open-date"),
]

#: The fulfilment channel code of listings the seller ships (merchant fulfilled).
MERCHANT_FULFILLED = "DEFAULT"
#: Amazon's limits: messages per JSON listings feed, characters per seller SKU.
MAX_MESSAGES = 10_000
MAX_SKU_LENGTH = 40

SKU_TOO_LONG = define(
    "amazon-sku-too-long", Severity.ERROR, f"A SKU is longer than Amazon's {MAX_SKU_LENGTH} characters."
)


class AmazonSettings(AdapterSettings):
    seller_id: str = PydField(description="Your Amazon seller (merchant) id, e.g. A2EXAMPLE.")
    marketplace_id: str = PydField(description="The marketplace the prices are for, e.g. A1805IZSGTT6HS (nl).")
    issue_locale: str = PydField("en_US", description="Language of the issues in Amazon's processing report.")
    product_type: str = PydField(
        "PRODUCT", description="Product type sent with each patch (PRODUCT works for price and stock changes)."
    )
    fulfillment_channel_code: str = PydField(
        MERCHANT_FULFILLED, description="Fulfilment channel code of the stock chansync sets (DEFAULT: you ship)."
    )
    messages_per_feed: int = PydField(
        MAX_MESSAGES, ge=1, le=MAX_MESSAGES, description="Messages per feed file; more are split over files."
    )


class AmazonAdapter(Adapter):
    name = "amazon"
    title = "Amazon"
    capabilities = frozenset({Capability.READ_EXPORT, Capability.WRITE_FEED})
    key = Field.SKU
    fields = (Field.PRICE, Field.QUANTITY)
    creates = False
    feed_suffix = ".json"
    Settings = AmazonSettings

    @property
    def settings(self) -> AmazonSettings:
        assert isinstance(self.context.settings, AmazonSettings)
        return self.context.settings

    def read_export(self, path: Path, display: str) -> ChannelState:
        export = read_channel_export(
            self, path, display, COLUMNS, title="Amazon All Listings report", required=[Field.SKU.value]
        )
        return ChannelState(read_listings(export), Field.SKU.value, display, issues=export.issues)

    def check(self, desired: Desired) -> Iterable[pd.DataFrame]:
        from ..channel_rules import WANTED, channel_issue

        frame = desired.frame
        long = columns.length(frame[Field.SKU.value].astype("str").fillna("")).gt(MAX_SKU_LENGTH) & frame[WANTED]
        message = f"Amazon SKUs are at most {MAX_SKU_LENGTH} characters; this one is longer."
        yield channel_issue(desired, self, SKU_TOO_LONG, long, message, Field.SKU)

    def feed_files(self, desired: Desired, plan: Plan) -> list[FeedFile]:
        documents = self.documents(desired, plan)
        return [FeedFile("" if n == 1 else f"-{n}", iter([doc])) for n, doc in enumerate(documents, 1)]

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        """The first (usually the only) feed file; :meth:`feed_files` gives them all."""
        yield self.documents(desired, plan)[0]

    def documents(self, desired: Desired, plan: Plan) -> list[bytes]:
        """The feed as JSON documents of at most ``messages_per_feed`` messages each (one, possibly empty), in the
        shape of Amazon's listings feed schema 2.0 (amzn/selling-partner-api-models
        ``schemas/feeds/listings-feed-schema-v2.json``: header ``sellerId``, ``version``, ``issueLocale``; 1 to 10,000
        messages with ``messageId``, ``sku``, ``operationType``, ``productType``, ``patches``)."""
        settings = self.settings
        messages = patch_messages(plan, settings, desired.currency)
        size = settings.messages_per_feed
        parts = [messages[start : start + size] for start in range(0, len(messages), size)] or [[]]
        header = {"sellerId": settings.seller_id, "version": "2.0", "issueLocale": settings.issue_locale}
        documents = []
        for part in parts:
            numbered = [{"messageId": n, **message} for n, message in enumerate(part, 1)]
            documents.append((dumps({"header": header, "messages": numbered}) + "\n").encode("utf-8"))
        return documents


# --- reading --------------------------------------------------------------------------------------------------


def fulfilled_by_amazon(fulfilment: pd.Series) -> pd.Series:
    """Listings whose stock Amazon keeps: a fulfilment channel given and not ``DEFAULT``."""
    text = fulfilment.astype("str").fillna("")
    return columns.filled(text) & columns.upper(text).ne(MERCHANT_FULFILLED)


def read_listings(export: Export) -> pd.DataFrame:
    text = export.text
    frame = pd.DataFrame(index=text.index)
    frame[Field.SKU.value] = export.get(Field.SKU.value)
    export.duplicates(frame[Field.SKU.value], Field.SKU.value, Field.SKU, "seller SKU")
    for name in (ASIN, LISTING_ID, PRODUCT_ID, PRODUCT_ID_TYPE, OPEN_DATE):
        frame[name] = export.get(name)
    # A field the report has no column for gets no column either, so the plan does not compare it.
    if export.has(Field.TITLE):
        frame[Field.TITLE.value] = export.get(Field.TITLE.value)
    if export.has(Field.PRICE):
        frame[Field.PRICE.value] = export.parse(Field.PRICE).astype("Int64")
    fulfilment = export.get(FULFILMENT)
    by_amazon = fulfilled_by_amazon(fulfilment)
    frame[FULFILMENT] = fulfilment.where(columns.filled(fulfilment), MERCHANT_FULFILLED)
    if export.has(Field.QUANTITY):
        quantity = export.parse(Field.QUANTITY).astype("Int64")
        frame[Field.QUANTITY.value] = quantity.mask(by_amazon)  # Amazon's own count: unknown here
    frame[FIXED] = pd.Series("", index=text.index, dtype="str").mask(by_amazon, Field.QUANTITY.value)
    status = columns.lower(export.get(AMAZON_STATUS, "active"))
    frame[AMAZON_STATUS] = status
    frame[LIVE] = status.eq("active") | status.eq("")
    frame[ROW] = text[ROW]
    return frame[columns.filled(frame[Field.SKU.value])].reset_index(drop=True)


# --- writing --------------------------------------------------------------------------------------------------


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
    from ..model import DELIST, LISTED, UPDATE

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


# --- the processing report --------------------------------------------------------------------------------------

ISSUE_COLUMNS = ["messageId", "sku", "severity", "code", "message", "attribute"]
ACCEPTED, ACCEPTED_WITH_WARNINGS, INVALID = "accepted", "accepted-with-warnings", "invalid"
_FAILING = ("ERROR", "FATAL")


def _document(data: bytes | str | Mapping[str, Any], what: str) -> Mapping[str, Any]:
    if isinstance(data, Mapping):
        return data
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as error:
        raise AdapterError(f"the Amazon {what} is not JSON: {error}") from None
    if not isinstance(loaded, dict):
        raise AdapterError(f"the Amazon {what} is not a JSON object")
    return loaded


def read_processing_report(data: bytes | str | Mapping[str, Any]) -> pd.DataFrame:
    """The issues of a JSON listings feed's processing report: one row per issue, with ``messageId`` (NA for an
    issue with the feed as a whole), ``sku``, ``severity`` (ERROR, WARNING, INFO), ``code``, ``message`` and
    ``attribute`` (the attribute it concerns, "" if none). The report's summary counts are in
    ``frame.attrs["summary"]`` (see :func:`report_summary`).

    Issues Amazon lists under ``items`` describe each listing's state as it is now (missing attributes, image
    problems), not the feed, and are not included.
    """
    document = _document(data, "processing report")
    raw = pd.DataFrame(
        list(document.get("issues") or []), columns=[*ISSUE_COLUMNS[:5], "attributeName", "attributeNames"]
    )
    frame = raw[ISSUE_COLUMNS[:5]].astype({"messageId": "Int64"} | {name: "str" for name in ISSUE_COLUMNS[1:5]})
    frame = frame.fillna({name: "" for name in ISSUE_COLUMNS[1:5]})
    names = raw["attributeNames"].astype(object)
    listed = names.str.join(",") if names.notna().any() else names
    frame["attribute"] = raw["attributeName"].astype("str").fillna(listed.astype("str")).fillna("")
    frame["severity"] = columns.upper(frame["severity"]) if len(frame) else frame["severity"]
    frame.attrs["summary"] = report_summary(document)
    return frame


def report_summary(data: bytes | str | Mapping[str, Any]) -> dict[str, int]:
    """The report's counts: errors, warnings, messagesProcessed, messagesAccepted, messagesInvalid (0 if absent)."""
    summary = _document(data, "processing report").get("summary") or {}
    names = ("errors", "warnings", "messagesProcessed", "messagesAccepted", "messagesInvalid")
    return {name: int(summary.get(name) or 0) for name in names}


def feed_messages(feed: bytes | str | Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The messages of a feed (the document, or its ``messages`` list): messageId, sku, operationType."""
    if isinstance(feed, bytes | str | Mapping):
        messages = list(_document(feed, "listings feed").get("messages") or [])
    else:
        messages = list(feed)
    frame = pd.DataFrame(messages, columns=["messageId", "sku", "operationType"])
    return frame.astype({"messageId": "Int64", "sku": "str", "operationType": "str"})


def message_results(
    issues: pd.DataFrame, feed: bytes | str | Mapping[str, Any] | Sequence[Mapping[str, Any]]
) -> pd.DataFrame:
    """Per message of the feed: ``messageId``, ``sku``, ``result`` (accepted, accepted-with-warnings or invalid)
    and its ``errors`` and ``warnings`` counts, from the issues of :func:`read_processing_report`.

    Issues are matched to messages by ``messageId`` (unique within a feed), so the SKU is the one the feed sent.
    """
    messages = feed_messages(feed)
    severity = issues["severity"].astype("str")
    failing = severity.isin(_FAILING)
    counts = pd.DataFrame(
        {"messageId": issues["messageId"].astype("Int64"), "errors": failing, "warnings": severity.eq("WARNING")}
    )
    counts = counts[counts["messageId"].notna()].groupby("messageId").sum()
    out = messages[["messageId", "sku"]].copy()
    out["errors"] = out["messageId"].map(counts["errors"]).fillna(0).astype("int64")
    out["warnings"] = out["messageId"].map(counts["warnings"]).fillna(0).astype("int64")
    result = pd.Series(ACCEPTED, index=out.index, dtype="str")
    result = result.mask(out["warnings"].gt(0), ACCEPTED_WITH_WARNINGS).mask(out["errors"].gt(0), INVALID)
    out.insert(2, "result", result)
    return out
