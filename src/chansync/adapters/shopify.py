"""``shopify``: the Shopify product CSV (legacy and current header dialects) and the inventory CSV.

A Shopify product is a group of rows sharing a handle: the first row holds the product (title, description,
vendor, type, status, option names), every row with a SKU, option value or price is a variant, and rows with only
an image are extra images. Variants are keyed by SKU.

Fidelity: a product keeps the option names Shopify has for it (all three options, and ``Title``/``Default Title``
for a product without variants); colour and size are read from, and written into, whichever option carries them.
A field the export has no column for is not in the state at all, so it is neither compared nor written. The
description is compared as text (``Body (HTML)`` with its tags stripped) and written back as the shop's own HTML
where the text is unchanged.

Writing: the product CSV holds every product with a created or changed variant, all its variants grouped under one
handle (a variant left out of an overwrite import could be lost), plus delisted products set to ``draft``. Stock
goes into a separate inventory CSV for one location (the product CSV's quantity column only works for
single-location stores), so the product CSV leaves stock alone.

Stock is Shopify's ``Available`` quantity (what the shop may still sell; an order lowers it before the goods ship).
The inventory import sets ``On hand`` only (https://help.shopify.com/en/manual/products/inventory/inventory-csv:
"The import procedure updates and overwrites On hand inventory quantities only"), so the file asks for the on-hand
quantity that leaves the wanted number available: wanted + (on hand − available) as exported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import Field as PydField

from .. import columns
from ..errors import AdapterError
from ..fields import ROW, Field
from ..issues import Severity, define, frame_of
from .base import FIXED, LIVE, Adapter, AdapterSettings, Capability, ChannelState, Desired, FeedFile, OnApplied
from .feeds import as_text, csv_bytes, slug, values_of, variant_groups
from .html import MASTER_HTML, html_text, keep_html, master_text
from .tabular import Export, column, read_export

if TYPE_CHECKING:
    from ..model import Plan
    from ..transports.http import HttpClient

HANDLE, PRODUCT_STATUS, INVENTORY_ITEM = "handle", "shopify_status", "_inventory"
#: Channel columns: the description as Shopify holds it, and the on-hand quantity beside the available one.
BODY_HTML, ON_HAND = "shopify_body_html", "shopify_on_hand"
OPTION_NAMES = [f"option{i}_name" for i in (1, 2, 3)]
OPTION_VALUES = [f"option{i}_value" for i in (1, 2, 3)]

#: Legacy header first (what chansync writes; Shopify's importer reads both), then the 2024+ dialect.
PRODUCT_COLUMNS = [
    column(HANDLE, "Handle", "URL handle"),
    column(Field.TITLE, "Title"),
    column(Field.DESCRIPTION, "Body (HTML)", "Description"),
    column(Field.BRAND, "Vendor"),
    column(Field.CATEGORY, "Type"),
    column("published", "Published", "Published on online store"),
    *(column(OPTION_NAMES[i], f"Option{i + 1} Name") for i in range(3)),
    *(column(OPTION_VALUES[i], f"Option{i + 1} Value") for i in range(3)),
    column(Field.SKU, "Variant SKU", "SKU"),
    column(Field.QUANTITY, "Variant Inventory Qty", "Inventory quantity"),
    column(Field.PRICE, "Variant Price", "Price"),
    column("compare_at", "Variant Compare At Price", "Compare-at price"),
    column(Field.GTIN, "Variant Barcode", "Barcode"),
    column("image_src", "Image Src", "Product image URL"),
    column("variant_image", "Variant Image", "Variant image URL"),
    column(PRODUCT_STATUS, "Status"),
]
#: The inventory CSV's columns (https://help.shopify.com/en/manual/products/inventory/inventory-csv, and the
#: header list in reference/channels.md): the current layout marks read-only columns "(not editable)" and splits on
#: hand into "(current)" and "(new)"; older exports have plain "Available" and "On hand". "On hand (new)" is the
#: edit a person is about to import, not the shop's stock, so it is not read.
INVENTORY_COLUMNS = [
    column(HANDLE, "Handle"),
    column(Field.SKU, "SKU"),
    column("location", "Location"),
    column("available", "Available (not editable)", "Available"),
    column("on_hand", "On hand (current)", "On hand"),
]
INVENTORY_HEADERS = ["Handle", "SKU", "Location", "On hand (current)", "On hand (new)"]

OPTION_MISMATCH = define(
    "shopify-duplicate-options",
    Severity.ERROR,
    "Two variants of one Shopify product have the same option values (colour and size); Shopify cannot tell them "
    "apart.",
)
TITLE_TOO_LONG = define("shopify-title-too-long", Severity.ERROR, "A title is longer than Shopify's 255 characters.")
VENDOR_TOO_SHORT = define("shopify-vendor-too-short", Severity.WARNING, "Shopify wants a vendor of two characters.")

_LIVE_STATUSES = {"active", ""}


class ShopifySettings(AdapterSettings):
    inventory_export: str | None = PydField(
        None, description="Shopify's inventory CSV export (stock per location); relative to the config file."
    )
    location: str | None = PydField(
        None,
        description="The Shopify location whose stock chansync sets (the channel's stock rules pick the master "
        "locations that feed it). Needed when the inventory export has several locations.",
    )
    color_option: str = PydField("Color", description="Option name that holds the colour.")
    size_option: str = PydField("Size", description="Option name that holds the size.")
    color_names: list[str] = PydField(
        default_factory=lambda: ["Color", "Colour", "Kleur", "Farbe", "Couleur", "Colore", "Color "],
        description="Option names read as colour.",
    )
    size_names: list[str] = PydField(
        default_factory=lambda: ["Size", "Maat", "Größe", "Groesse", "Taille", "Taglia", "Talla"],
        description="Option names read as size.",
    )


class ShopifyAdapter(Adapter):
    name = "shopify"
    title = "Shopify"
    capabilities = frozenset(
        {Capability.READ_EXPORT, Capability.WRITE_FEED, Capability.APPLY_API, Capability.FETCH_API}
    )
    key = Field.SKU
    fields = (
        Field.TITLE,
        Field.DESCRIPTION,
        Field.BRAND,
        Field.CATEGORY,
        Field.GTIN,
        Field.PRICE,
        Field.SALE_PRICE,
        Field.QUANTITY,
        Field.IMAGE_URL,
        Field.COLOR,
        Field.SIZE,
    )
    required = (Field.TITLE, Field.PRICE)
    product_fields = (Field.TITLE, Field.DESCRIPTION, Field.BRAND, Field.CATEGORY)
    Settings = ShopifySettings

    @property
    def settings(self) -> ShopifySettings:
        assert isinstance(self.context.settings, ShopifySettings)
        return self.context.settings

    def needed(self) -> tuple[Field, ...]:
        return (*super().needed(), Field.PARENT_SKU)  # variants are grouped under their parent's handle

    # --- reading --------------------------------------------------------------------------------------------

    def read_export(self, path: Path, display: str) -> ChannelState:
        export = read_export(
            path,
            display,
            PRODUCT_COLUMNS,
            channel=self.channel,
            title="Shopify product",
            header_map=self.context.config.header_map,
            required=[HANDLE, Field.SKU.value],
        )
        frame = read_products(export, self.settings)
        issues = [*export.issues, *duplicate_skus(export, frame, self.channel)]
        if self.settings.inventory_export:
            inv_path, inv_display = self.context.file(self.settings.inventory_export, "inventory_export")
            stock, location, inv_issues = read_inventory(
                inv_path, inv_display, self.channel, self.settings.location, self.context.config.header_map
            )
            frame[Field.QUANTITY.value] = frame[Field.SKU.value].map(stock["available"]).astype("Int64")
            frame[ON_HAND] = frame[Field.SKU.value].map(stock["on_hand"]).astype("Int64")
            frame.attrs["location"] = location
            issues.extend(inv_issues)
        return ChannelState(frame, Field.SKU.value, display, issues=issues)

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The master's description with its whitespace as HTML shows it, so it compares with the shop's text."""
        if Field.DESCRIPTION.value in frame.columns:
            text, own_html = master_text(frame[Field.DESCRIPTION.value])
            frame = frame.assign(**{Field.DESCRIPTION.value: text, MASTER_HTML: own_html})
        return frame

    # --- the channel's rules --------------------------------------------------------------------------------

    def check(self, desired: Desired) -> Iterable[pd.DataFrame]:
        from ..channel_rules import WANTED, channel_issue

        frame = desired.frame
        wanted = frame[WANTED]
        title = frame.get(Field.TITLE.value)
        if title is not None:
            long = columns.length(title.astype("str").fillna("")).gt(255) & wanted
            message = "Shopify titles are at most 255 characters; this one is longer."
            yield channel_issue(desired, self, TITLE_TOO_LONG, long, message, Field.TITLE)
        brand = frame.get(Field.BRAND.value)
        if brand is not None:
            text = brand.astype("str").fillna("")
            short = columns.length(text).eq(1) & wanted
            message = "Shopify needs a vendor of at least 2 characters; this one has 1."
            yield channel_issue(desired, self, VENDOR_TOO_SHORT, short, message, Field.BRAND)
        if Field.PARENT_SKU.value in frame.columns:
            options = [frame.get(f.value, pd.Series("", index=frame.index)) for f in (Field.COLOR, Field.SIZE)]
            keyed = pd.DataFrame({"group": variant_groups(frame), "color": options[0], "size": options[1]})
            has_parent = frame[Field.PARENT_SKU.value].astype("str").fillna("").ne("")
            twice = keyed.astype("str").fillna("").duplicated(keep=False) & has_parent & wanted
            message = "Another variant of this product has the same colour and size; Shopify needs them to differ."
            yield channel_issue(desired, self, OPTION_MISMATCH, twice, message, Field.SIZE)

    # --- writing --------------------------------------------------------------------------------------------

    def feed_files(self, desired: Desired, plan: Plan) -> list[FeedFile]:
        return [
            FeedFile("", self.render(desired, plan)),
            FeedFile("-inventory", self.render_inventory(desired, plan)),
        ]

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        rows = product_rows(plan, self.settings)
        yield csv_bytes(rows)

    def render_inventory(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        location = self.settings.location or plan.current.attrs.get("location")
        rows = inventory_rows(plan, location)
        if len(rows) and not location:
            raise AdapterError(
                f"channel {self.channel!r}: name the Shopify location chansync sets stock for "
                f"(channels.{self.channel}.location), or give the inventory export so it can be found there"
            )
        yield csv_bytes(rows)

    # --- the Admin GraphQL API (``upload: {type: shopify_api}``; ``export: api``) --------------------------------

    def fetch(self, client: HttpClient) -> ChannelState:
        from .shopify_api import fetch_state

        settings = self.settings
        location_ids = dict(getattr(self.context.config.upload, "location_ids", None) or {})
        return fetch_state(client, f"{self.channel} (Shopify API)", location=settings.location,
                           color_names=settings.color_names, size_names=settings.size_names, channel=self.channel,
                           location_ids=location_ids,
                           master_locations=self.context.config.stock.locations or ())  # fmt: skip

    def apply(
        self,
        plan: Plan,
        desired: Desired,
        client: HttpClient,
        applied: OnApplied,
        *,
        upload: Any = None,
    ) -> dict[str, str]:
        """Apply the plan through the Admin GraphQL API (stock at the location, prices); {key: reason} for what
        failed. ``upload``: the channel's upload section with its variables filled in."""
        from .shopify_api import apply_plan

        location = self.settings.location or plan.current.attrs.get("location")
        location_ids = dict(
            getattr(upload, "location_ids", None) or getattr(self.context.config.upload, "location_ids", None) or {}
        )
        version = getattr(upload, "api_version", None) or getattr(self.context.config.upload, "api_version", None)
        return apply_plan(plan, client, applied, location=location, location_ids=location_ids,
                          master_locations=self.context.config.stock.locations or (), channel=self.channel,
                          api_version=version or "2026-01")  # fmt: skip


# --- reading helpers ------------------------------------------------------------------------------------------


def read_products(export: Export, settings: ShopifySettings) -> pd.DataFrame:
    """One row per variant: the product's fields carried down from its first row; colour and size from whichever
    option is named so. Only the fields the export has a column for are in the frame."""
    text = export.text
    handle = text[HANDLE].where(text[HANDLE].ne("")).ffill().fillna("")
    product_level = [n for n in (Field.TITLE.value, Field.DESCRIPTION.value, Field.BRAND.value, Field.CATEGORY.value,
                                 "published", PRODUCT_STATUS, *OPTION_NAMES, "image_src") if export.has(n)]  # fmt: skip
    product = pd.DataFrame({HANDLE: handle})
    for name in product_level:
        values = export.get(name)
        product[name] = values.where(values.ne("")).groupby(handle, sort=False).transform("first")
    variant_cells = [export.get(n) for n in (Field.SKU.value, *OPTION_VALUES, Field.PRICE.value) if export.has(n)]
    is_variant = pd.concat([c.ne("") for c in variant_cells], axis=1).any(axis=1)
    rows = text.index[is_variant]
    frame = pd.DataFrame(index=rows)
    frame[Field.SKU.value] = export.get(Field.SKU.value)[rows]
    frame[HANDLE] = handle[rows]
    for name in (Field.TITLE.value, Field.BRAND.value, Field.CATEGORY.value):
        if export.has(name):
            frame[name] = product.loc[rows, name].astype("str")
    if export.has(Field.DESCRIPTION):
        frame[BODY_HTML] = product.loc[rows, Field.DESCRIPTION.value].astype("str")
        frame[Field.DESCRIPTION.value] = html_text(frame[BODY_HTML])
    if export.has(Field.PRICE):
        price = export.parse(Field.PRICE)[rows]
        if export.has("compare_at"):
            compare = export.parse(Field.PRICE, "compare_at")[rows]
            on_sale = (compare > price).fillna(False)
            frame[Field.PRICE.value] = compare.where(on_sale, price).astype("Int64")
            frame[Field.SALE_PRICE.value] = price.where(on_sale).astype("Int64")
        else:
            frame[Field.PRICE.value] = price.astype("Int64")
    if export.has(Field.GTIN):
        frame[Field.GTIN.value] = export.get(Field.GTIN.value)[rows]  # as written: a mangled barcode is replaced
    if export.has(Field.QUANTITY):
        frame[Field.QUANTITY.value] = export.parse(Field.QUANTITY)[rows].astype("Int64")
    if export.has("variant_image") or export.has("image_src"):
        own = export.get("variant_image")[rows]
        shared = product.loc[rows, "image_src"] if "image_src" in product else pd.Series(pd.NA, index=rows)
        frame[Field.IMAGE_URL.value] = own.where(own.ne(""), shared)
    _read_options(frame, product.loc[rows], export, rows, settings)
    status = product.loc[rows, PRODUCT_STATUS] if PRODUCT_STATUS in product else pd.Series("", index=rows)
    status = status.fillna("").astype("str").str.strip().str.casefold()
    frame[PRODUCT_STATUS] = status
    frame[LIVE] = status.isin(_LIVE_STATUSES)
    frame[ROW] = text.loc[rows, ROW]
    return frame.reset_index(drop=True)


def _read_options(
    frame: pd.DataFrame, product: pd.DataFrame, export: Export, rows: pd.Index, settings: ShopifySettings
) -> None:
    """The three options as Shopify has them (kept, so a feed writes them back), colour and size from the options
    named so, and :data:`FIXED` naming colour or size where the product has no such option: Shopify does not hold
    that field for it (a ``Default Title`` product has no variants), so it is neither compared nor written."""
    if not any(export.has(n) for n in OPTION_NAMES):
        return
    colors = {n.strip().casefold() for n in settings.color_names}
    sizes = {n.strip().casefold() for n in settings.size_names}
    color = pd.Series(pd.NA, index=rows, dtype="str")
    size = pd.Series(pd.NA, index=rows, dtype="str")
    for name_col, value_col in zip(OPTION_NAMES, OPTION_VALUES, strict=True):
        names = product[name_col] if name_col in product else pd.Series(pd.NA, index=rows, dtype="str")
        values = export.get(value_col)[rows]
        frame[name_col] = names.fillna("").astype("str")
        frame[value_col] = values
        folded = frame[name_col].str.strip().str.casefold()
        color = color.where(~folded.isin(colors) | color.notna(), values.where(values.ne("")))
        size = size.where(~folded.isin(sizes) | size.notna(), values.where(values.ne("")))
    frame[Field.COLOR.value] = color
    frame[Field.SIZE.value] = size
    frame[FIXED] = not_held(frame[OPTION_NAMES], colors, sizes)


def not_held(option_names: pd.DataFrame, colors: set[str], sizes: set[str]) -> pd.Series:
    """:data:`FIXED` text per variant: ``color`` and/or ``size`` where none of its product's options is named so."""
    folded = [option_names[c].fillna("").astype("str").str.strip().str.casefold() for c in option_names.columns]
    has_color = pd.concat([f.isin(colors) for f in folded], axis=1).any(axis=1)
    has_size = pd.concat([f.isin(sizes) for f in folded], axis=1).any(axis=1)
    fixed = pd.Series("", index=option_names.index, dtype="str").mask(~has_color, Field.COLOR.value)
    return fixed.mask(~has_size, (fixed + "," + Field.SIZE.value).str.lstrip(","))


def duplicate_skus(export: Export, frame: pd.DataFrame, channel: str) -> list[pd.DataFrame]:
    """A located warning for each variant whose SKU another variant of the export has too (real exports have them):
    which of them chansync would change is unclear, so the plan leaves such SKUs alone."""
    from ..channel_codes import DUPLICATE_KEY

    sku = frame[Field.SKU.value]
    twice = sku.ne("") & sku.duplicated(keep=False)
    if not twice.any():
        return []
    message = "Shopify has another variant with this SKU; chansync leaves both alone until one SKU is changed."
    return [
        frame_of(
            DUPLICATE_KEY,
            message=message,
            rows=frame.loc[twice, ROW].astype("Int64"),
            skus=sku[twice],
            values=sku[twice],
            file=export.table.file,
            sheet=export.table.sheet,
            column=export.headers.get(Field.SKU.value),
            field=Field.SKU.value,
            channel=channel,
            severity=Severity.WARNING,
        )
    ]


def read_inventory(
    path: Path, display: str, channel: str, location: str | None, header_map: dict[str, str]
) -> tuple[pd.DataFrame, str | None, list[pd.DataFrame]]:
    """Available and on-hand stock per SKU at one location of Shopify's inventory CSV (old or new layout)."""
    export = read_export(
        path,
        display,
        INVENTORY_COLUMNS,
        channel=channel,
        title="Shopify inventory",
        header_map=header_map,
        required=[Field.SKU.value, "location", "available"],
    )
    locations = export.text["location"]
    names = sorted(set(locations[locations.ne("")]))
    if location is None:
        if len(names) > 1:
            raise AdapterError(
                f"{display} holds stock for {len(names)} locations ({', '.join(names)}); name the one chansync "
                f"sets under channels.{channel}.location"
            )
        location = names[0] if names else None
    elif location not in names:
        raise AdapterError(f"{display} has no location {location!r}; it has {', '.join(names) or 'none'}")
    at = export.text[locations.eq(location or "") & export.text[Field.SKU.value].ne("")]
    stock = pd.DataFrame(
        {
            "available": export.parse(Field.QUANTITY, "available")[at.index].astype("Int64").to_numpy(),
            "on_hand": (
                export.parse(Field.QUANTITY, "on_hand")[at.index].astype("Int64").to_numpy()
                if export.has("on_hand")
                else pd.array([pd.NA] * len(at), dtype="Int64")
            ),
        },
        index=at[Field.SKU.value].to_numpy(),
    )
    return stock[~stock.index.duplicated()], location, export.issues


# --- writing helpers ------------------------------------------------------------------------------------------


def _handles(rows: pd.DataFrame, current: pd.DataFrame) -> pd.Series:
    """The handle of each row's product: the one Shopify already has for any of its variants, else a new one."""
    groups = variant_groups(rows)
    known = rows.index.to_series().map(current[HANDLE]) if HANDLE in current.columns else None
    if known is not None:
        by_group = known.dropna().groupby(groups[known.notna()]).first()
        return groups.map(by_group).fillna(slug(groups)).astype("str")
    return slug(groups)


def _on_channel(rows: pd.DataFrame, current: pd.DataFrame, name: str) -> pd.Series | None:
    """Column ``name`` of the channel's state for each row's key (NA for a key the channel does not have)."""
    if name not in current.columns:
        return None
    values = current[name][~current.index.duplicated()]
    return rows.index.to_series().map(values)


def _options(rows: pd.DataFrame, current: pd.DataFrame, settings: ShopifySettings) -> pd.DataFrame:
    """Option names and values to write. A product Shopify has keeps its own option names (all three, in its
    order, ``Title``/``Default Title`` included), with the master's colour and size put into the options named so.
    A new product gets the configured colour and size names, or ``Title``/``Default Title`` without either."""
    color = values_of(rows, Field.COLOR).astype("str").fillna("")
    size = values_of(rows, Field.SIZE).astype("str").fillna("")
    has_color = color.ne("").groupby(rows[HANDLE]).transform("any")
    has_size = size.ne("").groupby(rows[HANDLE]).transform("any")
    simple = ~has_color & ~has_size
    out = pd.DataFrame(index=rows.index)
    out[OPTION_NAMES[0]] = pd.Series(settings.size_option, index=rows.index).where(~has_color, settings.color_option)
    out[OPTION_NAMES[0]] = out[OPTION_NAMES[0]].where(~simple, "Title")
    out[OPTION_VALUES[0]] = size.where(~has_color, color).where(~simple, "Default Title")
    out[OPTION_NAMES[1]] = pd.Series(settings.size_option, index=rows.index).where(has_color & has_size, "")
    out[OPTION_VALUES[1]] = size.where(has_color & has_size, "")
    out[OPTION_NAMES[2]] = ""
    out[OPTION_VALUES[2]] = ""
    if OPTION_NAMES[0] not in current.columns or HANDLE not in current.columns:
        return out
    named = current[current[OPTION_NAMES[0]].fillna("").ne("")]
    by_handle = named.drop_duplicates(HANDLE).set_index(HANDLE)
    known = rows[HANDLE].isin(by_handle.index)
    colors = {n.strip().casefold() for n in settings.color_names}
    sizes = {n.strip().casefold() for n in settings.size_names}
    for name_col, value_col in zip(OPTION_NAMES, OPTION_VALUES, strict=True):
        name = rows[HANDLE].map(by_handle[name_col]).fillna("").astype("str")
        value = _on_channel(rows, current, value_col)
        value = value.fillna("").astype("str") if value is not None else pd.Series("", index=rows.index)
        folded = name.str.strip().str.casefold()
        value = value.mask(folded.isin(colors) & color.ne(""), color).mask(folded.isin(sizes) & size.ne(""), size)
        out[name_col] = name.where(known, out[name_col])
        out[value_col] = value.where(known, out[value_col])
    return out


def product_rows(plan: Plan, settings: ShopifySettings) -> pd.DataFrame:
    from ..model import CREATE, DELIST, SKIPPED, UNCHANGED, UPDATE

    desired, current = plan.desired, plan.current
    listed = desired.loc[plan.keys(CREATE, UPDATE, UNCHANGED).intersection(desired.index)]
    listed = listed.assign(**{PRODUCT_STATUS: "active"})
    listed[HANDLE] = _handles(listed, current)
    touched = listed.index.isin(plan.keys(CREATE, UPDATE))
    written_handles = set(listed.loc[touched, HANDLE])
    wanted = listed[listed[HANDLE].isin(written_handles)]
    # Variants Shopify has that this run leaves as they are (skipped) or takes off (delisted). Within a written
    # product they are written as they are now (stock of a delisted one goes to 0 in the inventory file); a product
    # none of whose variants stays is set to draft.
    skipped, delisted = plan.keys(SKIPPED), plan.keys(DELIST)
    others = current.loc[skipped.union(delisted).intersection(current.index)]
    if HANDLE not in others.columns or PRODUCT_STATUS not in others.columns:
        others = others.iloc[0:0].assign(**{HANDLE: "", PRODUCT_STATUS: ""})
    gone = set(others.loc[others.index.isin(delisted), HANDLE]) - set(listed[HANDLE])
    gone -= set(others.loc[others.index.isin(skipped), HANDLE])
    others = others[others[HANDLE].isin(written_handles | gone)]
    others = others.assign(**{PRODUCT_STATUS: others[PRODUCT_STATUS].mask(others[HANDLE].isin(gone), "draft")})
    rows = pd.concat([wanted, others]) if len(others) else wanted
    if not len(rows):
        return pd.DataFrame(columns=PRODUCT_HEADERS)
    rows = rows.assign(_order=range(len(rows))).sort_values([HANDLE, "_order"], kind="stable")
    first = ~rows[HANDLE].duplicated()
    options = _options(rows, current, settings)
    price, sale = values_of(rows, Field.PRICE).astype("Int64"), values_of(rows, Field.SALE_PRICE).astype("Int64")
    on_sale = sale.notna() & (sale < price).fillna(False)
    out = pd.DataFrame(index=rows.index)

    def product_level(values: pd.Series) -> pd.Series:
        return values.where(first, "")

    out["Handle"] = rows[HANDLE]
    out["Title"] = product_level(as_text(Field.TITLE, values_of(rows, Field.TITLE)))
    description = as_text(Field.DESCRIPTION, values_of(rows, Field.DESCRIPTION))
    own = rows.get(MASTER_HTML)
    out["Body (HTML)"] = product_level(keep_html(description, _on_channel(rows, current, BODY_HTML),
                                                 _on_channel(rows, current, Field.DESCRIPTION.value), own))  # fmt: skip
    out["Vendor"] = product_level(as_text(Field.BRAND, values_of(rows, Field.BRAND)))
    out["Type"] = product_level(as_text(Field.CATEGORY, values_of(rows, Field.CATEGORY)))
    out["Published"] = product_level(rows[PRODUCT_STATUS].eq("active").map({True: "TRUE", False: "FALSE"}))
    for i in range(3):
        out[f"Option{i + 1} Name"] = product_level(options[OPTION_NAMES[i]])
        out[f"Option{i + 1} Value"] = options[OPTION_VALUES[i]]
    out["Variant SKU"] = rows.index.astype("str")
    out["Variant Price"] = as_text(Field.PRICE, sale.where(on_sale, price))
    out["Variant Compare At Price"] = as_text(Field.PRICE, price.where(on_sale))
    out["Variant Barcode"] = as_text(Field.GTIN, values_of(rows, Field.GTIN))
    out["Image Src"] = product_level(as_text(Field.IMAGE_URL, values_of(rows, Field.IMAGE_URL)))
    out["Variant Image"] = as_text(Field.IMAGE_URL, values_of(rows, Field.IMAGE_URL))
    out["Status"] = product_level(rows[PRODUCT_STATUS].replace("", "active"))
    return out[_kept_headers(out, current)]


#: Written columns that carry one field, for :func:`_kept_headers`.
_FIELD_OF = {"Body (HTML)": Field.DESCRIPTION, "Vendor": Field.BRAND, "Type": Field.CATEGORY,
             "Variant Barcode": Field.GTIN, "Image Src": Field.IMAGE_URL, "Variant Image": Field.IMAGE_URL}  # fmt: skip


def _kept_headers(out: pd.DataFrame, current: pd.DataFrame) -> list[str]:
    """The headers to write: a column empty in every row is left out when the export had no such column either.
    Shopify leaves a value alone when its column is absent, and a blank cell could clear what the shop has
    (https://help.shopify.com/en/manual/products/import-export/using-csv)."""
    unknown = {h for h, f in _FIELD_OF.items() if f.value not in current.columns and out[h].eq("").all()}
    return [h for h in PRODUCT_HEADERS if h not in unknown]


PRODUCT_HEADERS = ["Handle", "Title", "Body (HTML)", "Vendor", "Type", "Published", "Option1 Name", "Option1 Value",
                   "Option2 Name", "Option2 Value", "Option3 Name", "Option3 Value", "Variant SKU",
                   "Variant Price", "Variant Compare At Price",
                   "Variant Barcode", "Image Src", "Variant Image", "Status"]  # fmt: skip


def inventory_rows(plan: Plan, location: str | None) -> pd.DataFrame:
    """Stock for every created variant and every variant whose stock changes; delisted variants go to 0 available.
    The import sets on hand, so each row asks for the wanted available quantity plus what is on hand but not
    available (committed to orders, unavailable) as exported; a variant without those numbers gets the wanted one."""
    from ..model import CREATE, DELIST

    quantity = Field.QUANTITY.value
    changed = plan.changes.loc[plan.changes["field"].eq(quantity), "key"]
    set_keys = plan.keys(CREATE).union(pd.Index(changed)).intersection(plan.desired.index)
    new = plan.desired.loc[set_keys, quantity].astype("Int64")
    new = new[new.notna()]
    zero_keys = plan.keys(DELIST).intersection(plan.current.index)
    values = pd.concat([new, pd.Series(0, index=zero_keys, dtype="Int64")])
    handles = _handles(plan.desired.loc[new.index], plan.current) if len(new) else pd.Series(dtype="str")
    if len(zero_keys):
        handles = pd.concat([handles, plan.current.loc[zero_keys, HANDLE].astype("str")])
    current = plan.current[~plan.current.index.duplicated()]
    keys = values.index.to_series()
    unknown = pd.Series(pd.NA, index=keys.index, dtype="Int64")
    on_hand = keys.map(current[ON_HAND]).astype("Int64") if ON_HAND in current else unknown
    available = keys.map(current[quantity]).astype("Int64") if quantity in current else unknown
    held = (on_hand - available).fillna(0).clip(lower=0).astype("Int64")
    out = pd.DataFrame(
        {
            "Handle": handles.reindex(values.index).astype("str").to_numpy(),
            "SKU": values.index.astype("str"),
            "Location": location or "",
            "On hand (current)": as_text(Field.QUANTITY, on_hand.astype("Int64")).to_numpy(),
            "On hand (new)": as_text(Field.QUANTITY, (values + held.to_numpy()).astype("Int64")).to_numpy(),
        }
    )
    return out[INVENTORY_HEADERS].sort_values(["Handle", "SKU"], kind="stable").reset_index(drop=True)
