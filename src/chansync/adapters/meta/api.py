"""Meta's Catalog Batch API (``upload: {type: meta_api}``): applying a plan through ``items_batch`` and reading the
catalogue through the ``products`` edge (``export: api``). The facts, with their sources, are in
``docs/channels/meta.md``; the ones the code leans on are named beside it.

Applying. Every change is an item request in ``POST /{catalog_id}/items_batch`` with ``item_type=PRODUCT_ITEM``
(https://developers.facebook.com/docs/marketing-api/catalog-batch/guides/send-product-updates):

- an update is ``UPDATE`` with the item's ``id`` (the SKU) and only the changed attributes ("When the method is
  UPDATE, it can contain any fields"), sent with ``allow_upsert: false``, so an item deleted on Meta since is
  reported instead of coming back half-filled;
- a new item is ``UPDATE`` with every attribute it has and ``allow_upsert: true`` ("The UPDATE method can also be
  used to create items if they don't already exist"): sent again after a crash, it sets the same values instead of
  failing as a second ``CREATE`` might. Meta's own WooCommerce integration sends creates the same way
  (facebook/facebook-for-woocommerce, ``includes/Products/Sync/Background.php``);
- a delisted item is ``DELETE`` with its ``id``: the feed leaves it out, and a catalogue fed by a full file deletes
  what the file leaves out, so the API does what the feed does.

At most ``batch_size`` requests go in one call (Meta: 5,000). Each call answers with a ``handle`` and per-item
``validation_status`` (an item with errors there is not ingested). The handles are read through
``GET /{catalog_id}/check_batch_request_status`` in rounds with a doubling wait until their status is finished
(or error/canceled, which confirm nothing); items listed in ``ids_of_invalid_requests`` or ``errors`` fail with
Meta's message. Only what a finished batch confirms is passed to ``applied`` (journalled at once: a rerun after a
kill never sends it again); everything else is reported by SKU and sent again by the next run (values are
absolute, so that is harmless).

Rate limits: Graph answers a throttled call with an error object (codes 4, 17, 32, 613 and the Business Use Case
codes 80000-80014, 80014 being the catalogue batch one), not a 429 with ``Retry-After``. :class:`GraphClient`
turns such an answer into a retry after ``estimated_time_to_regain_access`` (minutes, from the
``X-Business-Use-Case-Usage`` header), or stops at once with that estimate when it is longer than a retry waits.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import requests

from ... import columns
from ...errors import TransportError
from ...fields import ROW, Field
from ...i18n import _
from ...model import CREATE, DELIST, LISTED, UPDATE, Plan
from ...sheet import Table
from ...transports.http import HttpClient, RetryPolicy
from ..base import ChannelState, Desired, OnApplied
from ..changes import plain
from ..tabular import Export

if TYPE_CHECKING:
    from . import MetaAdapter

ITEM_TYPE = "PRODUCT_ITEM"
MAX_BATCH = 5000  # "The requests param can contain up to 5,000 items" (catalog-batch/guides/send-product-updates)
PAGE = 100  # products per page read; Graph pages with cursors (graph-api/results#cursors)
MAX_STATUS_WAIT = 60.0

#: Graph error codes of a throttled call: 4 (app), 17 (user), 32 (page), 613 (custom)
#: (https://developers.facebook.com/docs/graph-api/guides/error-handling#errorcodes) and the Business Use Case
#: limits 80000-80014; 80014 is the items_batch one ("There have been too many calls for the batch uploads to this
#: catalog account", https://developers.facebook.com/docs/marketing-api/reference/product-catalog/items_batch/).
THROTTLED = frozenset({4, 17, 32, 613, *range(80000, 80015)})
#: Graph error codes the error-handling guide calls temporary (1 unknown, 2 service): tried again.
TRANSIENT = frozenset({1, 2})
#: Graph error codes of a token or session that is not valid (the rest of 200-299 are permissions).
AUTH = frozenset({10, 102, 190})

#: ProductItem fields read through ``GET /{catalog_id}/products`` and the feed attribute each one is
#: (https://developers.facebook.com/docs/marketing-api/reference/product-item/). ``price`` and ``sale_price`` are
#: read as Meta formats them (``$25.99``) and ``currency`` gives their code.
READ_FIELDS = {
    "retailer_id": "id",
    "name": "title",
    "description": "description",
    "url": "link",
    "image_url": "image_link",
    "additional_image_urls": "additional_image_link",
    "availability": "availability",
    "price": "price",
    "sale_price": "sale_price",
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
STOCK_ATTRIBUTE = "quantity_to_sell_on_facebook"
LIST_ATTRIBUTES = ("additional_image_link",)  # sent as a JSON list, as Meta's own integration does


# --- the client -------------------------------------------------------------------------------------------------


def client(section: Any, secrets: tuple[str, ...], policy: RetryPolicy) -> HttpClient:
    """The Graph client of a ``meta_api`` upload: the system-user token as ``Authorization: Bearer`` on every
    request (the Graph host takes it so: https://developers.facebook.com/documentation/business-messaging/whatsapp/
    messages/text-messages, and Meta's own WooCommerce integration sends it so, ``includes/API.php``). A header
    keeps the token out of URLs, which proxies and logs keep."""
    headers = {"Authorization": f"Bearer {section.token}"}
    return GraphClient(str(section.url).rstrip("/"), policy=policy, headers=headers, secrets=secrets)


@dataclass
class GraphClient(HttpClient):
    """The shared client, with Graph's throttling errors read as what they are (see the module text)."""

    #: The Graph error code of the last failed answer (None: not a Graph error).
    last_code: int | None = None

    def _send(self, method: str, url: str, *, headers: Mapping[str, str], **kwargs: Any) -> requests.Response:
        response = super()._send(method, url, headers=headers, **kwargs)
        if response.status_code < 400:
            return response
        code, message = graph_error(response)
        self.last_code = code
        if code in THROTTLED:
            minutes = regain_minutes(response.headers)
            if minutes is not None and minutes * 60 > self.policy.max_wait:
                raise TransportError(
                    self._scrub(
                        _(
                            "{request} failed: Meta is limiting calls (Graph error {code}: {reason}); it expects to "
                            "take calls again in about {minutes:g} minutes"
                        ).format(request=f"{method} {url}", code=code, reason=message, minutes=minutes)
                    ),
                    retriable=True,
                    hint=_("run chansync push again later; nothing unconfirmed was recorded as applied"),
                )
            response.status_code = 429  # retried by the shared policy, after Meta's estimate when it gives one
            if minutes is not None:
                response.headers["Retry-After"] = f"{minutes * 60:g}"
        elif code in TRANSIENT:
            response.status_code = 503
        return response


def graph_error(response: requests.Response) -> tuple[int | None, str]:
    """(code, message) of a Graph error body ``{"error": {"message", "type", "code", ...}}``
    (https://developers.facebook.com/docs/graph-api/guides/error-handling)."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return None, ""
    if not isinstance(error, dict):
        return None, ""
    try:
        code: int | None = int(str(error.get("code")))
    except ValueError:
        code = None
    return code, str(error.get("message") or "")[:300]


def regain_minutes(headers: Mapping[str, str]) -> float | None:
    """The longest ``estimated_time_to_regain_access`` (minutes) in ``X-Business-Use-Case-Usage``: JSON keyed by
    business id, each a list of usage objects (https://developers.facebook.com/docs/graph-api/overview/
    rate-limiting#headers-2). None when the header is absent or unreadable."""
    raw = headers.get("X-Business-Use-Case-Usage")
    if not raw:
        return None
    try:
        usage = json.loads(raw)
    except ValueError:
        return None
    found = []
    for entries in usage.values() if isinstance(usage, dict) else ():
        for entry in entries if isinstance(entries, list) else [entries]:
            if isinstance(entry, dict):
                try:
                    found.append(float(entry.get("estimated_time_to_regain_access") or 0))
                except (TypeError, ValueError):
                    continue
    return max(found) if found else None


# --- reading (export: api) --------------------------------------------------------------------------------------


def product_pages(client: HttpClient, catalog_id: str) -> Iterator[list[dict[str, Any]]]:
    """Every page of the catalogue's products, following the ``after`` cursor until a page has no ``next``
    (https://developers.facebook.com/docs/graph-api/results#cursors)."""
    params: dict[str, Any] = {"fields": ",".join([*READ_FIELDS, "currency"]), "limit": PAGE}
    while True:
        page = client.request("GET", f"{catalog_id}/products", params=params, expect_json=True).json()
        data = page.get("data") if isinstance(page, dict) else None
        if not isinstance(data, list):
            raise TransportError(
                _("Meta's product list for catalogue {catalog_id} has no data").format(catalog_id=catalog_id),
                retriable=True,
            )
        yield [item for item in data if isinstance(item, dict)]
        paging = page.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        if not data or not paging.get("next") or not after:
            return
        params = {**params, "after": after}


def fetch_state(adapter: MetaAdapter, client: HttpClient, catalog_id: str) -> ChannelState:
    """The catalogue's items in the canonical frame the feed reader gives (prices parsed with their currency,
    stock from ``quantity_to_sell_on_facebook``)."""
    display = f"Meta catalogue {catalog_id} (API)"  # the channel's word
    records = [item for page in product_pages(client, catalog_id) for item in page]
    text = pd.DataFrame({name: [_text(r.get(api)) for r in records] for api, name in READ_FIELDS.items()}, dtype="str")
    currency = pd.Series([_text(r.get("currency")) for r in records], dtype="str")
    for name in ("price", "sale_price"):  # "$25.99" + "USD" -> "25.99 USD", the feed's form
        amount = columns.replace(text[name].fillna(""), r"[^\d.,]", "")
        text[name] = (amount + " " + currency.fillna("")).str.strip().where(amount.ne(""), "")
    text[ROW] = pd.array(np.arange(1, len(text) + 1), dtype="Int64")
    names = [n for n in text.columns if n != ROW]
    export = Export(text, Table(text, display, None, 0, names), {})
    renamed = {a.name: a.field.value for a in adapter.attributes() if a.name in export.text.columns}
    export.text = export.text.rename(columns=renamed)
    export.headers = {canonical: name for name, canonical in renamed.items()}
    return ChannelState(adapter.canonical(export), Field.SKU.value, display, issues=export.issues)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value).strip()


# --- applying ---------------------------------------------------------------------------------------------------


@dataclass
class Item:
    """One item request and what it sets when Meta confirms it."""

    key: str
    request: dict[str, Any]
    sets: dict[str, Any]


@dataclass
class Sent:
    handle: str
    items: dict[str, Item] = field(default_factory=dict)


def item_requests(adapter: MetaAdapter, plan: Plan, desired: Desired) -> tuple[list[Item], list[Item]]:
    """(updates and deletes, creates) as item requests, values as the feed writes them."""
    wanted = plan.desired
    by_key: dict[str, set[str]] = {}
    for key, name in zip(plan.changes["key"].tolist(), plan.changes["field"].tolist(), strict=True):
        by_key.setdefault(str(key), set()).add(str(name))
    updates = [str(k) for k in plan.keys(UPDATE) if str(k) in wanted.index]
    creates = [str(k) for k in plan.keys(CREATE) if str(k) in wanted.index]
    attribute_of = {a.field.value: a.name for a in adapter.attributes()}
    money = {Field.PRICE.value, Field.SALE_PRICE.value}
    changed_items: list[Item] = []
    if updates:
        text = adapter.attribute_text(wanted.loc[updates], desired.currency)
        for key in updates:
            fields = by_key.get(key, set())
            relist = LISTED in fields
            if Field.CURRENCY.value in fields:
                fields = fields | money
            names = [f for f in fields if f in attribute_of and f in wanted.columns]
            if relist:  # not live on Meta: every attribute, as for a new item
                names = [f for f in attribute_of if f in wanted.columns]
            data = {"id": key}
            for name in names:
                data.update(_value(attribute_of[name], text[attribute_of[name]].at[key], keep_empty=not relist))
            if len(data) == 1:
                continue
            sets = {name: plain(wanted.at[key, name]) for name in names}
            if Field.CURRENCY.value in fields and Field.CURRENCY.value in wanted.columns:
                sets[Field.CURRENCY.value] = plain(wanted.at[key, Field.CURRENCY.value])
            if relist:
                sets[LISTED] = True
            changed_items.append(Item(key, {"method": "UPDATE", "data": data}, sets))
    for key in map(str, plan.keys(DELIST)):
        changed_items.append(Item(key, {"method": "DELETE", "data": {"id": key}}, {LISTED: False}))
    created: list[Item] = []
    if creates:
        text = adapter.attribute_text(wanted.loc[creates], desired.currency)
        carried = [f for f in attribute_of if f in wanted.columns and f != Field.SKU.value]
        for key in creates:
            data = {"id": key}
            for name in carried:
                data.update(_value(attribute_of[name], text[attribute_of[name]].at[key], keep_empty=False))
            sets = {name: plain(wanted.at[key, name]) for name in carried}
            if Field.CURRENCY.value in wanted.columns:
                sets[Field.CURRENCY.value] = plain(wanted.at[key, Field.CURRENCY.value])
            created.append(Item(key, {"method": "UPDATE", "data": data}, sets))
    return changed_items, created


def _value(attribute: str, text: Any, *, keep_empty: bool) -> dict[str, Any]:
    """One attribute as the request carries it; an empty one is sent as "" (cleared) only in an update."""
    value = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)
    if not value:
        return {attribute: ""} if keep_empty else {}
    if attribute == STOCK_ATTRIBUTE:
        return {attribute: int(value)}
    if attribute in LIST_ATTRIBUTES:
        return {attribute: [v for v in value.split(",") if v]}
    return {attribute: value}


def apply_plan(
    adapter: MetaAdapter, plan: Plan, desired: Desired, client: HttpClient, applied: OnApplied, upload: Any
) -> dict[str, str]:
    """Send the plan through ``items_batch`` and confirm it through the batch statuses; {SKU: reason} for what was
    not applied. A failure that hits the whole channel raises :class:`TransportError` naming every SKU not
    confirmed (after confirming what was sent before it)."""
    catalog_id = str(upload.catalog_id)
    size = max(1, min(int(getattr(upload, "batch_size", 1000) or 1000), MAX_BATCH))
    changed, created = item_requests(adapter, plan, desired)
    failed: dict[str, str] = {}
    sent: list[Sent] = []
    calls = [(changed[i : i + size], False) for i in range(0, len(changed), size)]
    calls += [(created[i : i + size], True) for i in range(0, len(created), size)]
    for position, (items, upsert) in enumerate(calls):
        body = {"item_type": ITEM_TYPE, "allow_upsert": upsert, "requests": [i.request for i in items]}
        keys = tuple(i.key for i in items)
        try:
            answer = client.request("POST", f"{catalog_id}/items_batch", json=body, expect_json=True, skus=keys)
        except TransportError as error:
            if not error.retriable and not _refuses_everything(client, error):
                # the call itself was refused (e.g. Graph error 100 on a value): this batch alone fails
                failed.update({k: _("Meta refused the batch: {reason}").format(reason=error.message) for k in keys})
                continue
            unsent = [i.key for rest, _call in calls[position:] for i in rest]
            _confirm_then_raise(client, catalog_id, sent, applied, failed, upload, error, unsent)
        batch = _accepted(answer.json(), items, failed)
        if batch is not None:
            sent.append(batch)
    try:
        poll(client, catalog_id, sent, applied, failed, checks=_checks(upload), wait=_wait(upload))
    except TransportError as error:  # what was refused before it is named too
        skus = tuple(dict.fromkeys([*failed, *error.skus]))
        raise TransportError(error.message, retriable=error.retriable, skus=skus, hint=error.hint) from None
    return failed


def _refuses_everything(client: HttpClient, error: TransportError) -> bool:
    """A refused token or missing permission fails every batch alike (Graph codes 190, 102, 10, 200-299:
    https://developers.facebook.com/docs/graph-api/guides/error-handling#errorcodes)."""
    code = getattr(client, "last_code", None)
    return code in AUTH or (isinstance(code, int) and 200 <= code < 300) or "HTTP 401" in error.message


def _checks(upload: Any) -> int:
    return int(getattr(upload, "status_checks", 10) or 10)


def _wait(upload: Any) -> float:
    value = getattr(upload, "status_wait", 2.0)
    return float(2.0 if value is None else value)


def _confirm_then_raise(
    client: HttpClient,
    catalog_id: str,
    sent: list[Sent],
    applied: OnApplied,
    failed: dict[str, str],
    upload: Any,
    error: TransportError,
    unsent: list[str],
) -> None:
    """What was sent before a failure is still confirmed (and journalled); then the failure names the rest."""
    try:
        poll(client, catalog_id, sent, applied, failed, checks=_checks(upload), wait=_wait(upload))
        unconfirmed: list[str] = []
    except TransportError:
        unconfirmed = [k for s in sent for k in s.items]
    skus = tuple(dict.fromkeys([*failed, *unconfirmed, *unsent]))
    raise TransportError(error.message, retriable=error.retriable, skus=skus, hint=error.hint) from None


def _accepted(answer: Any, items: list[Item], failed: dict[str, str]) -> Sent | None:
    """The batch's handle and the items Meta took in; items with validation errors fail with Meta's message."""
    answer = answer if isinstance(answer, dict) else {}
    refused: dict[str, str] = {}
    for status in answer.get("validation_status") or []:
        if not isinstance(status, dict):
            continue
        messages = [str(e.get("message") or "") for e in status.get("errors") or [] if isinstance(e, dict)]
        if messages:
            refused[str(status.get("retailer_id"))] = "; ".join(m for m in messages if m) or "invalid"
    handles = [h for h in answer.get("handles") or [] if isinstance(h, str) and h]
    for item in items:
        if item.key in refused:
            failed[item.key] = _("Meta refused it: {reason}").format(reason=refused[item.key])
        elif not handles:
            failed[item.key] = _("Meta took in nothing of this batch (no handle returned); the next run sends it again")
    if not handles:
        return None
    return Sent(handles[0], {i.key: i for i in items if i.key not in refused})


def poll(
    client: HttpClient,
    catalog_id: str,
    sent: list[Sent],
    applied: OnApplied,
    failed: dict[str, str],
    *,
    checks: int,
    wait: float,
) -> None:
    """Read each handle's status in rounds (``wait`` seconds, doubling, at most a minute) until it is finished,
    passing what it confirms to ``applied``; what is still processing after ``checks`` rounds fails, to be sent
    again by the next run. Statuses: scheduled, dispatched, started, finished, canceled, error
    (https://developers.facebook.com/docs/marketing-api/reference/check-batch-request-status/)."""
    pending = [s for s in sent if s.items]
    for attempt in range(checks):
        if not pending:
            return
        client.sleep(min(wait * 2**attempt, MAX_STATUS_WAIT))
        still = []
        for batch in pending:
            try:
                response = client.request(
                    "GET",
                    f"{catalog_id}/check_batch_request_status",
                    params={"handle": batch.handle, "load_ids_of_invalid_requests": "true"},
                    expect_json=True,
                    skus=tuple(batch.items),
                )
            except TransportError as error:
                keys = tuple(k for s in pending for k in s.items)
                raise TransportError(error.message, retriable=error.retriable, skus=keys, hint=error.hint) from None
            if not _settled(response.json(), batch, applied, failed):
                still.append(batch)
        pending = still
    for batch in pending:
        for key in batch.items:
            failed[key] = _(
                "Meta was still processing this change after {checks} status checks; it is not counted as "
                "applied and the next run sends it again"
            ).format(checks=checks)
    for batch in pending:
        batch.items.clear()


def _settled(answer: Any, batch: Sent, applied: OnApplied, failed: dict[str, str]) -> bool:
    records = answer.get("data") if isinstance(answer, dict) else None
    record = records[0] if isinstance(records, list) and records and isinstance(records[0], dict) else {}
    status = str(record.get("status") or "").strip().lower()
    if status in ("canceled", "cancelled", "error"):
        for key in batch.items:
            failed[key] = _(
                "Meta's batch ended with status {status}; this change is not confirmed and the next run sends it again"
            ).format(status=repr(status))
        batch.items.clear()
        return True
    if status != "finished":
        return False
    reasons: dict[str, str] = {}
    for error in record.get("errors") or []:
        if isinstance(error, dict):
            key = str(error.get("id") or error.get("retailer_id") or "")
            if key:
                reasons[key] = str(error.get("message") or "")
    invalid = {str(k) for k in record.get("ids_of_invalid_requests") or []} | set(reasons)
    done = []
    for key, item in batch.items.items():
        if key in invalid:
            reason = reasons.get(key) or _("no reason given (see the catalogue in Commerce Manager)")
            failed[key] = _("Meta refused it: {reason}").format(reason=reason)
        else:
            done.append({"key": key, "set": item.sets})
    batch.items.clear()
    if done:
        applied(done)
    return True


__all__ = ["GraphClient", "apply_plan", "client", "fetch_state", "item_requests", "poll", "regain_minutes"]
