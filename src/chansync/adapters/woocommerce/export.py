"""Reading the product CSV of WooCommerce's built-in exporter into the canonical frame."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ... import columns
from ...fields import ROW, Field
from ...model import FIXED, LIVE
from ..html import html_text
from ..tabular import Export, column
from .columns import DESCRIPTION_HTML, IN_STOCK, MAX_ATTRIBUTES, PUBLISH, PUBLISHED, WC_ID, WC_TYPE

if TYPE_CHECKING:
    from . import WooCommerceSettings

COLUMNS = [
    column(WC_ID, "ID"),
    column(WC_TYPE, "Type"),
    column(Field.SKU, "SKU"),
    column(Field.GTIN, "GTIN, UPC, EAN, or ISBN", "GTIN, UPC, EAN or ISBN", "GTIN"),
    column(Field.TITLE, "Name"),
    column(PUBLISHED, "Published"),
    column(Field.DESCRIPTION, "Description"),
    column("in_stock", "In stock?"),
    column(Field.QUANTITY, "Stock"),
    column(Field.SALE_PRICE, "Sale price"),
    column(Field.PRICE, "Regular price"),
    column(Field.CATEGORY, "Categories"),
    column("images", "Images"),
    column(Field.PARENT_SKU, "Parent"),
    *(column(f"attribute{n}_name", f"Attribute {n} name") for n in range(1, MAX_ATTRIBUTES + 1)),
    *(column(f"attribute{n}_values", f"Attribute {n} value(s)") for n in range(1, MAX_ATTRIBUTES + 1)),
]


def unescape(text: pd.Series) -> pd.Series:
    """Undo the exporter's cell escapes: the apostrophe before a formula-like start, ``\\n`` for a newline."""
    text = columns.replace(text, r"^'([=+\-@\t\r])", r"\1")
    return text.str.replace("\\n", "\n", regex=False)


def _split_list(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``a, b\\, c, d`` -> first item ``a`` and the rest ``b, c,d`` joined with commas (escaped commas kept)."""
    if not len(text):  # an export with a header and no products: str.partition would give no columns
        return text.astype("str"), text.astype("str")
    marker = "\u0000"
    protected = text.str.replace("\\,", marker, regex=False)
    parts = protected.str.partition(",")
    first = parts[0].str.strip().str.replace(marker, ",", regex=False)
    rest = parts[2].str.replace(r"\s*,\s*", ",", regex=True)
    return first, rest.str.strip().str.replace(marker, ",", regex=False)


def read_products(export: Export, settings: WooCommerceSettings) -> pd.DataFrame:
    """The canonical frame of an export; a field whose column the export lacks is left out (not compared)."""
    text = export.text
    frame = pd.DataFrame(index=text.index)
    frame[Field.SKU.value] = export.get(Field.SKU.value)
    frame[WC_ID] = export.get(WC_ID)
    frame[WC_TYPE] = export.get(WC_TYPE).str.casefold()
    frame[Field.TITLE.value] = unescape(export.get(Field.TITLE.value))
    if export.has(Field.DESCRIPTION):
        frame[DESCRIPTION_HTML] = unescape(export.get(Field.DESCRIPTION.value))
        frame[Field.DESCRIPTION.value] = html_text(frame[DESCRIPTION_HTML], newlines=True)
    for field_ in (Field.GTIN, Field.PRICE, Field.SALE_PRICE):
        if export.has(field_):
            frame[field_.value] = export.parse(field_)
    if export.has(Field.QUANTITY):
        stock = export.get(Field.QUANTITY.value)
        by_parent = stock.str.casefold().eq("parent")  # a variation whose parent manages its stock
        export.text[Field.QUANTITY.value] = stock.where(~by_parent, "")
        frame[Field.QUANTITY.value] = export.parse(Field.QUANTITY)
        frame[FIXED] = pd.Series("", index=text.index, dtype="str").mask(by_parent, Field.QUANTITY.value)
    if export.has("in_stock"):
        frame[IN_STOCK] = export.get("in_stock")
    if export.has(Field.CATEGORY):
        frame[Field.CATEGORY.value] = unescape(export.get(Field.CATEGORY.value)).str.replace("\\,", ",", regex=False)
    if export.has("images"):
        first, rest = _split_list(export.get("images"))
        frame[Field.IMAGE_URL.value] = first
        frame[Field.ADDITIONAL_IMAGE_URLS.value] = rest
    if export.has(Field.PARENT_SKU):
        frame[Field.PARENT_SKU.value] = _parent_skus(export.get(Field.PARENT_SKU.value), frame)
    if export.has("attribute1_name"):
        variable = frame[WC_TYPE].str.contains("variable", regex=False)
        for field_, names in ((Field.COLOR, settings.color_names), (Field.SIZE, settings.size_names)):
            values = _attribute(export, {n.strip().casefold() for n in names})
            frame[field_.value] = values.mask(variable)  # a variable product lists every variation's value
    published = export.get(PUBLISHED, PUBLISH)
    frame[PUBLISHED] = published
    frame[LIVE] = published.eq(PUBLISH) | published.eq("")
    frame[ROW] = text[ROW]
    return frame.reset_index(drop=True)


def _parent_skus(parent: pd.Series, frame: pd.DataFrame) -> pd.Series:
    """``Parent`` holds a SKU or ``id:123``; the latter becomes the SKU of product 123."""
    by_id = frame.loc[frame[WC_ID].ne(""), [WC_ID, Field.SKU.value]].drop_duplicates(WC_ID).set_index(WC_ID)
    ids = parent.str.extract(r"^id:(\d+)$", expand=False)
    return parent.where(ids.isna(), ids.map(by_id[Field.SKU.value]))


def _attribute(export: Export, names: set[str]) -> pd.Series:
    out = pd.Series(pd.NA, index=export.text.index, dtype="str")
    for n in range(1, MAX_ATTRIBUTES + 1):
        if not export.has(f"attribute{n}_name"):
            break
        named = export.get(f"attribute{n}_name").str.casefold().isin(names)
        values = unescape(export.get(f"attribute{n}_values"))
        out = out.where(~named | out.notna(), values.where(values.ne("")))
    return out
