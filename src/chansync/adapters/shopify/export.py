"""Reading Shopify's product CSV export (one row per variant, the product's fields carried down) and its inventory
CSV (stock per location)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ...errors import AdapterError
from ...fields import ROW, Field
from ...i18n import _, number
from ...issues import Severity, frame_of
from ...model import FIXED, LIVE
from ..html import html_text
from ..tabular import Export, column, read_export
from .columns import BODY_HTML, HANDLE, OPTION_NAMES, OPTION_VALUES, PRODUCT_STATUS, not_held

if TYPE_CHECKING:
    from . import ShopifySettings

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

_LIVE_STATUSES = {"active", ""}


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


def duplicate_skus(export: Export, frame: pd.DataFrame, channel: str) -> list[pd.DataFrame]:
    """A located warning for each variant whose SKU another variant of the export has too (real exports have them):
    which of them chansync would change is unclear, so the plan leaves such SKUs alone."""
    from ...channel_codes import DUPLICATE_KEY

    sku = frame[Field.SKU.value]
    twice = sku.ne("") & sku.duplicated(keep=False)
    if not twice.any():
        return []
    message = _("Shopify has another variant with this SKU; chansync leaves both alone until one SKU is changed.")
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
                _(
                    "{display} holds stock for {count} locations ({names}); name the one chansync sets under {key}"
                ).format(
                    display=display,
                    count=number(len(names)),
                    names=", ".join(names),
                    key=f"channels.{channel}.location",
                )
            )
        location = names[0] if names else None
    elif location not in names:
        if names:
            raise AdapterError(
                _("{display} has no location {location}; it has {names}").format(
                    display=display, location=repr(location), names=", ".join(names)
                )
            )
        raise AdapterError(
            _("{display} has no location {location}; it has none").format(display=display, location=repr(location))
        )
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
