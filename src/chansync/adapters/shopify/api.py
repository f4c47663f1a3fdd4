"""Shopify Admin GraphQL API: applying a plan (stock at one location, prices, barcodes) and reading the shop's
variants (``export: api``).

Applying sets absolute values only, never adjustments:

- Stock: ``inventorySetQuantities`` (``available`` at the channel's location: what the shop may still sell), at
  most 250 quantities a call, each with ``changeFromQuantity`` = the stock chansync read (the export, with what
  earlier pushes applied; Shopify's own number when the export has none). An order lowers ``available`` at once and
  ``on_hand`` only when it ships, so ``available`` is what tells a sale since the export. When Shopify holds another
  number by now, the variant is reported as failed and its stock is left alone, never overwritten blindly: checked
  against the stock looked up just before, and by Shopify itself (``CHANGE_FROM_QUANTITY_STALE``) for a sale in
  between.
- The configured ``api_version`` picks the mutation's shape (:data:`API_VERSIONS`): ``changeFromQuantity`` exists
  from 2026-01; from 2026-04 it is mandatory and the mutation needs an ``@idempotent(key:)`` directive. chansync
  sends both from 2026-01 on (the directive is optional there), one key per distinct request, so a retried request
  is recognised by Shopify instead of failing its own compare-and-swap.
- Prices and barcodes: ``productVariantsBulkUpdate``, one product a call (at most 250 variants). Shopify's price is
  the selling price: the sale price while on sale, with the regular price as compare-at price.
- A delisted variant gets no stock at the location; nothing is deleted.
- New products, and changes to title, description, vendor, type or images, go through the product CSV (``feed``);
  they are reported as failed with that reason. A draft or archived product is not made active through the API.

The CSV export has no Shopify ids, so the variants to change are looked up by SKU first (ids, prices, stock at the
location). Every call is paced by Shopify's cost-based leaky bucket: each reply's ``extensions.cost.throttleStatus``
says what is left, and a ``THROTTLED`` reply (HTTP 200) is waited out for ``(requested - available) / restoreRate``
seconds before the call is sent again. Per-variant ``userErrors`` fail those variants only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd

from ...errors import AdapterError
from ...fields import ROW, Field
from ...i18n import N_, _
from ...model import CREATE, DELIST, LISTED, UPDATE, Plan
from ...parse import format_money, parse_money
from ...transports.http import HttpClient
from ..base import LIVE, ChannelState, OnApplied
from ..changes import plain
from .graphql import GraphQL, json_object
from .versions import API_VERSIONS, Shape

#: Shopify's cap on every input array (quantities, variants).
API_LIMIT = 250
#: SKUs per lookup query, and variants per page when reading the shop (a query's cost grows with what it asks for).
LOOKUP_BATCH = 50
PAGE = 100
CREATE_REASON = N_("new products are created through the product CSV (feed)")
STALE_CODES = frozenset({"CHANGE_FROM_QUANTITY_STALE", "COMPARE_QUANTITY_STALE"})
#: Fields applied through the API (the rest go through the product CSV).
VARIANT_FIELDS = (Field.PRICE.value, Field.SALE_PRICE.value, Field.GTIN.value)
LOCATION_GID = "gid://shopify/Location/"
#: The quantity chansync reads and sets: what the shop may sell at the location.
QUANTITY_NAME = "available"


# --- queries ----------------------------------------------------------------------------------------------------

LOCATIONS = "query chansyncLocations { locations(first: 250) { nodes { id name } } }"

_STOCK = 'inventoryLevel(locationId: $location) { quantities(names: ["available", "on_hand"]) { name quantity } }'


def _variants_query(name: str, *, search: bool, stock: bool, details: bool = False) -> str:
    args = ["$first: Int!", "$after: String"]
    if search:
        args.append("$query: String!")
    if stock:
        args.append("$location: ID!")
    product = "id status"  # not shown: GraphQL
    if details:
        product += " handle title descriptionHtml vendor productType"  # not shown: GraphQL
    options = " selectedOptions { name value }" if details else ""
    inventory = f"inventoryItem {{ id {_STOCK if stock else ''} }}"
    return (
        f"query {name}({', '.join(args)}) {{ productVariants(first: $first, after: $after"
        f"{', query: $query' if search else ''}) {{ nodes {{ id sku price compareAtPrice barcode{options} "
        f"product {{ {product} }} {inventory} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    )


def set_stock_mutation(shape: Shape, key: str) -> str:
    """The stock mutation in the version's shape; ``key`` is the request's idempotency key (a UUID: no quoting)."""
    directive = f' @idempotent(key: "{key}")' if shape.idempotent else ""
    return (
        "mutation chansyncSetStock($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input)"
        + directive
        + " { inventoryAdjustmentGroup { id } userErrors { field message code } } }"
    )


SET_VARIANTS = (
    "mutation chansyncSetVariants($productId: ID!, $variants: [ProductVariantsBulkInput!]!) "
    "{ productVariantsBulkUpdate(productId: $productId, variants: $variants) "
    "{ productVariants { id } userErrors { field message code } } }"
)


@dataclass
class Variant:
    """One variant as Shopify has it now."""

    id: str
    sku: str
    product_id: str
    product_status: str
    price: str | None
    compare_at: str | None
    barcode: str | None
    inventory_item: str
    stocked: bool  # has an inventory level at the location
    available: int | None
    on_hand: int | None
    node: dict[str, Any]


def _variant(node: dict[str, Any]) -> Variant:
    product = node.get("product") or {}
    item = node.get("inventoryItem") or {}
    level = item.get("inventoryLevel")
    quantities = (level or {}).get("quantities") or []
    named = {q.get("name"): q.get("quantity") for q in quantities if isinstance(q, dict)}
    available, on_hand = named.get("available"), named.get("on_hand")
    return Variant(
        id=str(node.get("id") or ""),
        sku=str(node.get("sku") or ""),
        product_id=str(product.get("id") or ""),
        product_status=str(product.get("status") or ""),
        price=node.get("price"),
        compare_at=node.get("compareAtPrice"),
        barcode=node.get("barcode"),
        inventory_item=str(item.get("id") or ""),
        stocked=isinstance(level, dict),
        available=int(available) if isinstance(available, int | float) else None,
        on_hand=int(on_hand) if isinstance(on_hand, int | float) else None,
        node=node,
    )


def _pages(
    gql: GraphQL, operation: str, query: str, variables: dict[str, Any], skus: Sequence[str] = ()
) -> list[Variant]:
    found: list[Variant] = []
    after: str | None = None
    while True:
        data = gql(operation, query, {**variables, "after": after}, skus=skus)
        connection = data.get("productVariants") or {}
        found.extend(_variant(n) for n in connection.get("nodes") or [] if isinstance(n, dict))
        page = connection.get("pageInfo") or {}
        if not page.get("hasNextPage") or not page.get("endCursor"):
            return found
        after = str(page["endCursor"])


def _quoted(sku: str) -> str:
    return '"' + sku.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lookup(gql: GraphQL, skus: Sequence[str], location_id: str | None) -> dict[str, list[Variant]]:
    """The variants whose SKU is one of ``skus`` (exactly), with stock at the location when one is given."""
    query = _variants_query("chansyncLookup", search=True, stock=location_id is not None)
    wanted = set(skus)
    found: dict[str, dict[str, Variant]] = {}
    for start in range(0, len(skus), LOOKUP_BATCH):
        batch = list(skus[start : start + LOOKUP_BATCH])
        variables: dict[str, Any] = {"first": LOOKUP_BATCH, "query": " OR ".join(f"sku:{_quoted(s)}" for s in batch)}
        if location_id is not None:
            variables["location"] = location_id
        for variant in _pages(gql, "lookup", query, variables, batch):
            if variant.sku in wanted:
                found.setdefault(variant.sku, {})[variant.id] = variant
    return {sku: list(by_id.values()) for sku, by_id in found.items()}


def resolve_location(
    gql: GraphQL,
    name: str | None,
    location_ids: Mapping[str, str],
    channel: str,
    master_locations: Sequence[str] = (),
) -> tuple[str, str]:
    """(gid, name) of the location chansync sets stock at: ``upload.location_ids`` for the Shopify location name
    (or for the master stock locations that feed the channel, when they all map to one), else Shopify's location of
    that name (the only one when no name is given). :class:`AdapterError` when there is no such location."""
    if name and name in location_ids:
        return str(location_ids[name]), name
    if name and name.startswith(LOCATION_GID):
        return name, name
    mapped = {str(location_ids[m]) for m in master_locations if m in location_ids}
    if len(mapped) == 1:
        return mapped.pop(), name or next(m for m in master_locations if m in location_ids)
    if not name and len(location_ids) == 1:
        ((only, gid),) = location_ids.items()
        return str(gid), only
    nodes = (gql("locations", LOCATIONS, {}).get("locations") or {}).get("nodes") or []
    known = {str(n.get("name")): str(n.get("id")) for n in nodes if isinstance(n, dict) and n.get("id")}
    if name:
        match = known.get(name) or next((g for n, g in known.items() if n.casefold() == name.casefold()), None)
        if match is None:
            raise AdapterError(
                _("Shopify has no location {name}; it has {names}").format(
                    name=repr(name), names=", ".join(sorted(known)) or _("none")
                )
            )
        return match, name
    if len(known) == 1:
        ((only, gid),) = known.items()
        return gid, only
    raise AdapterError(
        _(
            "Shopify has {known} locations ({names}); name the one chansync sets stock at under "
            "channels.{channel}.location"
        ).format(known=len(known), names=", ".join(sorted(known)), channel=channel)
    )


# --- applying ---------------------------------------------------------------------------------------------------


@dataclass
class _Change:
    key: str
    input: dict[str, Any]
    done: dict[str, Any]  # what the journal records once Shopify confirms it
    read: int | None = None  # stock changes: the quantity chansync read


def _fail(failed: dict[str, str], key: str, reason: str) -> None:
    if key not in failed:
        failed[key] = reason
    elif reason not in failed[key]:
        failed[key] = f"{failed[key]}; {reason}"


def _cents(value: Any) -> int | None:
    value = plain(value)
    return None if value is None else int(value)


def _money(cents: int | None) -> str | None:
    return None if cents is None else str(format_money(pd.Series([cents], dtype="Int64")).iloc[0])


def _same_money(a: Any, b: str | None) -> bool:
    """Whether two money texts mean the same amount (no amount, "" and 0 are all "none")."""

    def amount(text: Any) -> Decimal:
        try:
            return Decimal(str(text)) if text not in (None, "") else Decimal(0)
        except InvalidOperation:
            return Decimal(-1)

    return amount(a) == amount(b)


def shopify_prices(price: int | None, sale: int | None) -> tuple[int | None, int | None]:
    """(Shopify's price, compare-at price) in cents: on sale, the price is the sale price and compare-at the
    regular price; otherwise the regular price and no compare-at."""
    if price is not None and sale is not None and sale < price:
        return sale, price
    return price, None


def apply_plan(
    plan: Plan,
    client: HttpClient,
    applied: OnApplied,
    *,
    location: str | None,
    location_ids: Mapping[str, str] | None = None,
    master_locations: Sequence[str] = (),
    channel: str = "",
    gql: GraphQL | None = None,
    api_version: str = "2026-01",
) -> dict[str, str]:
    """Apply the plan's updates and delists; return {key: reason} for what failed. ``applied`` is called with what
    Shopify confirmed after each call (for the journal). ``location``: the Shopify location name stock is set at;
    ``api_version``: the Admin API version the client talks to (it picks the stock mutation's shape)."""
    shape = shape_of(api_version)
    gql = gql or GraphQL(client)
    current, wanted = plan.current, plan.desired
    failed: dict[str, str] = {}
    for key in plan.keys(CREATE):
        _fail(failed, str(key), _(CREATE_REASON))
    by_key: dict[str, set[str]] = {}
    for key, name in zip(plan.changes["key"].tolist(), plan.changes["field"].tolist(), strict=True):
        by_key.setdefault(str(key), set()).add(str(name))
    stock: dict[str, int] = {}  # key -> the absolute quantity to set
    variant_fields: dict[str, set[str]] = {}
    relist: list[str] = []
    for key in map(str, plan.keys(UPDATE)):
        fields = by_key.get(key, set())
        # Other fields (title, description, vendor, type, images) go to Shopify through the product CSV the push
        # writes (`feed:`); they are not failures of the API upload.
        quantity = plain(wanted.at[key, Field.QUANTITY.value]) if Field.QUANTITY.value in fields else None
        if quantity is not None:
            stock[key] = int(quantity)
        if fields & set(VARIANT_FIELDS):
            variant_fields[key] = fields & set(VARIANT_FIELDS)
        if LISTED in fields:
            relist.append(key)
    delisted = [str(k) for k in plan.keys(DELIST)]
    for key in delisted:
        stock[key] = 0
    needed = sorted({*stock, *variant_fields, *relist})
    if not needed:
        return failed

    location_id: str | None = None
    if stock:
        try:
            location_id, location = resolve_location(gql, location, location_ids or {}, channel, master_locations)
        except AdapterError as error:
            for key in stock:
                _fail(failed, key, _("stock not set: {reason}").format(reason=error.message))
            stock = {}
    variants = lookup(gql, needed, location_id)
    found: dict[str, Variant] = {}
    for key in needed:
        matches = variants.get(key, [])
        if len(matches) == 1:
            found[key] = matches[0]
        elif len(matches) > 1:
            _fail(failed, key, _("{count} variants on Shopify have this SKU; which to change is unclear").format(
                count=len(matches)))  # fmt: skip
        elif key not in delisted:
            _fail(failed, key, _("no variant with this SKU on Shopify"))
    confirmed: list[dict[str, Any]] = []
    for key in delisted:
        if key in stock and key not in variants:  # gone from Shopify already: nothing left to sell
            confirmed.append({"key": key, "set": {Field.QUANTITY.value: 0, LISTED: False}})
    for key in relist:
        if key in found:
            status = found[key].product_status.upper()
            if status == "ACTIVE":
                confirmed.append({"key": key, "set": {LISTED: True}})
            else:
                # Shopify's own status word (draft, archived) stays as Shopify writes it.
                reason = _("the product is {status} on Shopify; make it active there or through the product CSV (feed)")
                _fail(failed, key, reason.format(status=status.lower() or _("not active")))

    # Prices and barcodes, one product per call.
    by_product: dict[str, list[_Change]] = {}
    for key, fields in variant_fields.items():
        variant = found.get(key)
        if variant is None:
            continue
        change = _variant_change(key, fields, wanted, variant)
        if change is None:  # Shopify has these values already (a run cut short after applying them)
            confirmed.append({"key": key, "set": _variant_done(key, fields, wanted)})
        else:
            by_product.setdefault(variant.product_id, []).append(change)

    # Stock at the location.
    quantities: list[_Change] = []
    for key, target in stock.items():
        variant = found.get(key)
        if variant is None:
            continue
        done = {Field.QUANTITY.value: target, **({LISTED: False} if key in delisted else {})}
        if variant.available == target or (not variant.stocked and target == 0):
            confirmed.append({"key": key, "set": done})
            continue
        if not variant.stocked:
            _fail(failed, key, _("this variant is not stocked at {location} on Shopify; stock it there first").format(
                location=location))  # fmt: skip
            continue
        known = plain(current.at[key, Field.QUANTITY.value]) if Field.QUANTITY.value in current.columns else None
        read = int(known) if known is not None else variant.available
        if read is not None and variant.available is not None and read != variant.available:
            _fail(failed, key, _stale(read, variant.available, target, location))
            continue
        item = {"inventoryItemId": variant.inventory_item, "locationId": location_id, "quantity": target,
                "changeFromQuantity": read}  # fmt: skip
        quantities.append(_Change(key, item, done, read))

    if confirmed:
        applied(confirmed)
    for product_id, changes in by_product.items():
        for start in range(0, len(changes), API_LIMIT):
            chunk = changes[start : start + API_LIMIT]
            _send(gql, "productVariantsBulkUpdate", "variants", chunk, failed, applied, location,
                  lambda: SET_VARIANTS, _variables_of(product_id))  # fmt: skip
    for start in range(0, len(quantities), API_LIMIT):
        chunk = quantities[start : start + API_LIMIT]
        _send(gql, "inventorySetQuantities", "quantities", chunk, failed, applied, location,
              lambda: set_stock_mutation(shape, str(uuid.uuid4())), _stock_input)  # fmt: skip
    return failed


def _variables_of(product_id: str) -> Callable[[list[dict[str, Any]]], dict[str, Any]]:
    def variables(items: list[dict[str, Any]]) -> dict[str, Any]:
        return {"productId": product_id, "variants": items}

    return variables


def _stock_input(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"input": {"name": QUANTITY_NAME, "reason": "correction", "quantities": items}}


def shape_of(api_version: str) -> Shape:
    """The request shape of a version; :class:`AdapterError` for one chansync does not know (the config refuses it
    first, so this guards direct library use)."""
    shape = API_VERSIONS.get(api_version)
    if shape is None:
        known = ", ".join(API_VERSIONS)
        raise AdapterError(
            _("Shopify API version {api_version} is not supported; use one of {known}").format(
                api_version=repr(api_version), known=known
            )
        )
    return shape


def _variant_change(key: str, fields: set[str], wanted: pd.DataFrame, variant: Variant) -> _Change | None:
    """The ``ProductVariantsBulkInput`` for a variant's changed prices and barcode; None when Shopify has them."""
    body: dict[str, Any] = {"id": variant.id}
    differs = False
    if fields & {Field.PRICE.value, Field.SALE_PRICE.value}:
        price, compare = shopify_prices(
            _cents(wanted.at[key, Field.PRICE.value]),
            _cents(wanted.at[key, Field.SALE_PRICE.value]) if Field.SALE_PRICE.value in wanted.columns else None,
        )
        if price is not None:
            body["price"], body["compareAtPrice"] = _money(price), _money(compare)
            same = _same_money(body["price"], variant.price) and _same_money(body["compareAtPrice"], variant.compare_at)
            differs |= not same
    if Field.GTIN.value in fields:
        barcode = plain(wanted.at[key, Field.GTIN.value])
        body["barcode"] = "" if barcode is None else str(barcode)
        differs |= body["barcode"] != (variant.barcode or "")
    if len(body) == 1 or not differs:
        return None
    return _Change(key, body, _variant_done(key, fields, wanted))


def _variant_done(key: str, fields: set[str], wanted: pd.DataFrame) -> dict[str, Any]:
    return {name: plain(wanted.at[key, name]) for name in sorted(fields) if name in wanted.columns}


def _stale(read: int, now: int | None, target: int, location: str | None) -> str:
    if now is None:
        message = _(
            "stock not set to {target}: Shopify's stock at {location} is no longer {read} as chansync read it, "
            "so it was left alone; take a fresh inventory export and push again"
        )
    else:
        message = _(
            "stock not set to {target}: Shopify's stock at {location} is no longer {read} as chansync read it "
            "(it has {now}), so it was left alone; take a fresh inventory export and push again"
        )
    return message.format(target=target, location=location, read=read, now=now)


def _send(
    gql: GraphQL,
    operation: str,
    array: str,
    changes: list[_Change],
    failed: dict[str, str],
    applied: OnApplied,
    location: str | None,
    query_of: Callable[[], str],
    variables_of: Callable[[list[dict[str, Any]]], dict[str, Any]],
) -> None:
    """Send one mutation; the items Shopify refuses fail, the rest are journalled. When Shopify refused the call as
    a whole because of some items, the others are sent once more without them (a new request: ``query_of`` gives
    it a new idempotency key; retries of one request keep theirs)."""
    pending = changes
    for _attempt in range(2):
        data = gql(operation, query_of(), variables_of([c.input for c in pending]), skus=[c.key for c in pending])
        result = json_object(data.get(operation))
        errors = [e for e in result.get("userErrors") or [] if isinstance(e, dict)]
        if not errors:
            applied([{"key": c.key, "set": c.done} for c in pending])
            return
        by_item: dict[int, list[dict[str, Any]]] = {}
        general: list[dict[str, Any]] = []
        for error in errors:
            index = _item_index(error.get("field"), array)
            if index is not None and index < len(pending):
                by_item.setdefault(index, []).append(error)
            else:
                general.append(error)
        if general:
            for change in pending:
                _fail(failed, change.key, _refused(general))
            return
        for index, item_errors in by_item.items():
            change = pending[index]
            stale = [e for e in item_errors if e.get("code") in STALE_CODES]
            if stale and change.read is not None:
                _fail(failed, change.key, _stale(change.read, None, int(change.input["quantity"]), location))
            else:
                _fail(failed, change.key, _refused(item_errors))
        rest = [c for i, c in enumerate(pending) if i not in by_item]
        marker = "inventoryAdjustmentGroup" if array == "quantities" else "productVariants"
        if result.get(marker) is not None:  # applied, all but the refused items
            if rest:
                applied([{"key": c.key, "set": c.done} for c in rest])
            return
        pending = rest
        if not pending:
            return
    for change in pending:
        _fail(failed, change.key, _("Shopify refused the call this change was in twice, for other variants"))


def _item_index(path: Any, array: str) -> int | None:
    """The item a userError's ``field`` path points at (``["input", "quantities", "3", "quantity"]`` -> 3)."""
    if not isinstance(path, list):
        return None
    parts = [str(p) for p in path]
    for position, part in enumerate(parts[:-1]):
        if part == array and parts[position + 1].isdigit():
            return int(parts[position + 1])
    return None


def _refused(errors: list[dict[str, Any]]) -> str:
    texts = [f"{e.get('message', '')}" + (f" ({e['code']})" if e.get("code") else "") for e in errors]
    return _("Shopify refused it: {reason}").format(reason="; ".join(texts))


# --- reading (``export: api``) ----------------------------------------------------------------------------------


def fetch_state(
    client: HttpClient,
    display: str,
    *,
    location: str | None,
    color_names: Sequence[str],
    size_names: Sequence[str],
    channel: str = "",
    location_ids: Mapping[str, str] | None = None,
    master_locations: Sequence[str] = (),
    gql: GraphQL | None = None,
) -> ChannelState:
    """Every variant of the shop, in the frame the CSV reader gives (stock available at the location)."""
    from ...model import FIXED
    from ..html import html_text
    from .columns import BODY_HTML, HANDLE, ON_HAND, OPTION_NAMES, OPTION_VALUES, PRODUCT_STATUS, not_held

    gql = gql or GraphQL(client)
    location_id, location = resolve_location(gql, location, location_ids or {}, channel, master_locations)
    query = _variants_query("chansyncExport", search=False, stock=True, details=True)
    variants = _pages(gql, "export", query, {"first": PAGE, "location": location_id})
    colors = {n.strip().casefold() for n in color_names}
    sizes = {n.strip().casefold() for n in size_names}

    def option(variant: Variant, names: set[str]) -> str | None:
        options = variant.node.get("selectedOptions") or []
        return next((str(o.get("value")) for o in options if str(o.get("name", "")).strip().casefold() in names), None)

    def nth(variant: Variant, n: int, part: str) -> str:
        options = [o for o in variant.node.get("selectedOptions") or [] if isinstance(o, dict)]
        return str(options[n].get(part) or "") if n < len(options) else ""

    def product(variant: Variant, name: str) -> str:
        return str((variant.node.get("product") or {}).get(name) or "")

    frame = pd.DataFrame(
        {
            Field.SKU.value: [v.sku for v in variants],
            HANDLE: [product(v, "handle") for v in variants],
            Field.TITLE.value: [product(v, "title") for v in variants],
            BODY_HTML: [product(v, "descriptionHtml") for v in variants],
            Field.BRAND.value: [product(v, "vendor") for v in variants],
            Field.CATEGORY.value: [product(v, "productType") for v in variants],
            Field.GTIN.value: [v.barcode or None for v in variants],
            Field.COLOR.value: [option(v, colors) for v in variants],
            Field.SIZE.value: [option(v, sizes) for v in variants],
            **{OPTION_NAMES[n]: [nth(v, n, "name") for v in variants] for n in range(3)},
            **{OPTION_VALUES[n]: [nth(v, n, "value") for v in variants] for n in range(3)},
            PRODUCT_STATUS: [v.product_status.casefold() for v in variants],
            "shopify_variant_id": [v.id for v in variants],
            "shopify_product_id": [v.product_id for v in variants],
        },
        dtype="str",
    )
    price = parse_money(pd.Series([v.price or "" for v in variants], dtype="str")).values
    compare = parse_money(pd.Series([v.compare_at or "" for v in variants], dtype="str")).values
    on_sale = (compare > price).fillna(False).to_numpy(dtype=bool)
    frame[Field.PRICE.value] = compare.where(on_sale, price).astype("Int64").to_numpy()
    frame[Field.SALE_PRICE.value] = price.where(on_sale).astype("Int64").to_numpy()
    frame[Field.DESCRIPTION.value] = html_text(frame[BODY_HTML])
    frame[FIXED] = not_held(frame[OPTION_NAMES], colors, sizes)
    frame[Field.QUANTITY.value] = pd.array([v.available for v in variants], dtype="Int64")
    frame[ON_HAND] = pd.array([v.on_hand for v in variants], dtype="Int64")
    frame[LIVE] = frame[PRODUCT_STATUS].eq("active").to_numpy(dtype=bool)
    frame[ROW] = pd.array(np.arange(1, len(frame) + 1), dtype="Int64")
    frame.attrs["location"] = location
    return ChannelState(frame, Field.SKU.value, display)
