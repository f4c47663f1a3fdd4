"""Writing the product CSV for WooCommerce's importer: the ``-new`` file (created products) and the ``-update`` file
(changed and delisted ones)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ...fields import Field
from ...model import FIXED
from ..feeds import as_text, neutralise, values_of, variant_groups
from ..html import MASTER_HTML, keep_html
from .columns import DESCRIPTION_HTML, DRAFT, IN_STOCK, PRIVATE, PUBLISH, PUBLISHED, WC_ID, WC_TYPE

if TYPE_CHECKING:
    from ...model import Plan
    from . import WooCommerceSettings

#: The two files of the feed: for the importer without and with "Update existing products".
NEW, UPDATE_FILE = "-new", "-update"


HEADERS = ["ID", "Type", "SKU", "GTIN, UPC, EAN, or ISBN", "Name", "Published", "Description", "In stock?", "Stock",
           "Sale price", "Regular price", "Categories", "Images", "Parent", "Attribute 1 name",
           "Attribute 1 value(s)", "Attribute 1 visible", "Attribute 1 global", "Attribute 2 name",
           "Attribute 2 value(s)", "Attribute 2 visible", "Attribute 2 global"]  # fmt: skip


#: The text columns that get an apostrophe before ``= + - @``. WooCommerce's importer removes it again (its
#: ``unescape_data()``) in the columns it reads through ``parse_comma_field`` (Type, attribute values),
#: ``parse_published_field``, ``parse_stock_quantity_field`` and the int/float parsers: see ``get_formatting_callback``
#: in https://github.com/woocommerce/woocommerce/blob/trunk/plugins/woocommerce/includes/import/class-wc-product-csv-importer.php
#: Name (``parse_skip_field``), Description (``parse_description_field``) and Categories keep it as written
#: there; they are neutralised as WooCommerce's own exporter does, and read back through :func:`unescape`.
NEUTRALISED = ("Type", "Name", "Published", "Description", "Stock", "Categories", "Attribute 1 value(s)",
               "Attribute 2 value(s)")  # fmt: skip


def _on_channel(rows: pd.DataFrame, current: pd.DataFrame, name: str) -> pd.Series | None:
    """Column ``name`` of the shop's state for each row's key (NA where the shop has no such product)."""
    if name not in current.columns:
        return None
    values = current[name][~current.index.duplicated()]
    return rows.index.to_series().map(values)


def _stock(rows: pd.DataFrame, current: pd.DataFrame, is_variation: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``Stock`` and ``In stock?`` cells. The master's quantity, else the shop's own (an empty cell would switch
    stock management off); 0 and out of stock for a delisted row. A variation whose parent manages its stock keeps
    an empty cell (the importer then leaves it to the parent) unless it is delisted as a simple product would be."""
    delisted = rows[PUBLISHED].ne(PUBLISH)
    quantity = values_of(rows, Field.QUANTITY).astype("Int64")
    shop = _on_channel(rows, current, Field.QUANTITY.value)
    if shop is not None:
        quantity = quantity.fillna(shop.astype("Int64"))
    fixed = _on_channel(rows, current, FIXED)
    by_parent = (
        fixed.fillna("").astype("str").str.contains(Field.QUANTITY.value, regex=False) & is_variation
        if fixed is not None
        else pd.Series(False, index=rows.index)
    )
    quantity = quantity.mask(by_parent).mask(delisted & ~by_parent, 0)
    shop_flag = _on_channel(rows, current, IN_STOCK)
    in_stock = shop_flag.fillna("").astype("str") if shop_flag is not None else pd.Series("", index=rows.index)
    in_stock = in_stock.mask(quantity.gt(0).fillna(False), "1").mask(quantity.eq(0).fillna(False) | delisted, "0")
    return as_text(Field.QUANTITY, quantity), in_stock


def product_rows(plan: Plan, settings: WooCommerceSettings, which: str = UPDATE_FILE) -> pd.DataFrame:
    """The rows of one file: ``-new`` holds the created products, ``-update`` the changed and delisted ones."""
    from ...model import CREATE, DELIST, UPDATE

    if which == NEW:
        listed = plan.desired.loc[plan.keys(CREATE).intersection(plan.desired.index)]
        delisted = plan.current.iloc[0:0]
    else:
        listed = plan.desired.loc[plan.keys(UPDATE).intersection(plan.desired.index)]
        delisted = plan.current.loc[plan.keys(DELIST).intersection(plan.current.index)]
        # What the export lacks, the master may still know (a product made inactive): an empty cell would clear it.
        known = plan.desired[~plan.desired.index.duplicated()]
        delisted = delisted.combine_first(known.reindex(delisted.index)[known.columns.difference(delisted.columns)])
    listed = listed.assign(**{PUBLISHED: PUBLISH})
    delisted = delisted.assign(**{PUBLISHED: DRAFT})
    rows = pd.concat([listed, delisted]) if len(delisted) else listed
    if not len(rows):
        return pd.DataFrame(columns=HEADERS)
    sku = rows.index.to_series().astype("str")
    parent = values_of(rows, Field.PARENT_SKU).astype("str").fillna("")
    is_variation = parent.ne("")
    named_parents = set(values_of(plan.desired, Field.PARENT_SKU).dropna().astype("str"))
    named_parents |= set(values_of(plan.current, Field.PARENT_SKU).dropna().astype("str"))
    is_variable = sku.isin(named_parents)
    computed = pd.Series("simple", index=rows.index).mask(is_variable, "variable").mask(is_variation, "variation")
    current_type = sku.map(plan.current[WC_TYPE]) if WC_TYPE in plan.current.columns else None
    kind = (
        current_type.where(current_type.notna() & current_type.ne(""), computed)
        if current_type is not None
        else computed
    )
    known_id = _on_channel(rows, plan.current, WC_ID)
    wc_id = known_id.fillna("").astype("str") if known_id is not None else ""
    rows[PUBLISHED] = rows[PUBLISHED].mask(rows[PUBLISHED].eq(DRAFT) & kind.str.contains("variation"), PRIVATE)
    stock, in_stock = _stock(rows, plan.current, kind.str.contains("variation", regex=False))
    images = as_text(Field.IMAGE_URL, values_of(rows, Field.IMAGE_URL))
    extra = as_text(Field.ADDITIONAL_IMAGE_URLS, values_of(rows, Field.ADDITIONAL_IMAGE_URLS))
    extra = extra.str.replace(r"[,\s|]+", ", ", regex=True).str.strip(", ")
    images = (images + ", " + extra).where(extra.ne(""), images).str.strip(", ")
    out = pd.DataFrame(index=rows.index)
    out["ID"] = wc_id
    out["Type"] = kind
    out["SKU"] = sku
    out["GTIN, UPC, EAN, or ISBN"] = as_text(Field.GTIN, values_of(rows, Field.GTIN))
    out["Name"] = as_text(Field.TITLE, values_of(rows, Field.TITLE))
    out["Published"] = rows[PUBLISHED]
    text = as_text(Field.DESCRIPTION, values_of(rows, Field.DESCRIPTION))
    shop_html = _on_channel(rows, plan.current, DESCRIPTION_HTML)
    shop_text = _on_channel(rows, plan.current, Field.DESCRIPTION.value)
    description = keep_html(text, shop_html, shop_text, rows.get(MASTER_HTML))
    out["Description"] = description.str.replace("\r\n", "\n", regex=False).str.replace("\n", "\\n", regex=False)
    out["In stock?"] = in_stock
    out["Stock"] = stock
    out["Sale price"] = as_text(Field.SALE_PRICE, values_of(rows, Field.SALE_PRICE))
    out["Regular price"] = as_text(Field.PRICE, values_of(rows, Field.PRICE))
    out["Categories"] = as_text(Field.CATEGORY, values_of(rows, Field.CATEGORY)).str.replace(",", "\\,", regex=False)
    out["Images"] = images
    out["Parent"] = parent
    _attributes(out, rows, plan, is_variable, is_variation, settings)
    if settings.spreadsheet_safe:
        for name in NEUTRALISED:
            out[name] = neutralise(out[name])
    group = variant_groups(pd.DataFrame({Field.SKU.value: sku, Field.PARENT_SKU.value: parent}))
    out = out.assign(_group=group, _variation=is_variation).sort_values(["_group", "_variation", "SKU"], kind="stable")
    return out[_kept_headers(out, plan.current)].reset_index(drop=True)


#: Written columns that carry one field, for :func:`_kept_headers`.
_FIELD_OF = {"GTIN, UPC, EAN, or ISBN": Field.GTIN, "Description": Field.DESCRIPTION, "Sale price": Field.SALE_PRICE,
             "Regular price": Field.PRICE, "Categories": Field.CATEGORY, "Images": Field.IMAGE_URL}  # fmt: skip


def _kept_headers(out: pd.DataFrame, current: pd.DataFrame) -> list[str]:
    """The headers to write: a column that is empty in every row is left out when the shop's export had no such
    column either, because the importer sets what a column holds, and an empty cell would clear what the shop has
    (a master without GTINs must not wipe the shop's)."""
    unknown = [h for h, f in _FIELD_OF.items() if f.value not in current.columns and out[h].eq("").all()]
    return [h for h in HEADERS if h not in unknown]


def _attributes(
    out: pd.DataFrame,
    rows: pd.DataFrame,
    plan: Plan,
    is_variable: pd.Series,
    is_variation: pd.Series,
    settings: WooCommerceSettings,
) -> None:
    """Colour as attribute 1 and size as attribute 2; a variable product lists its variations' values."""
    every = pd.concat([plan.desired, plan.current.loc[plan.current.index.difference(plan.desired.index)]])
    parents = values_of(every, Field.PARENT_SKU).astype("str").fillna("")
    for n, (field_, name) in enumerate(
        ((Field.COLOR, settings.color_attribute), (Field.SIZE, settings.size_attribute)), 1
    ):
        own = values_of(rows, field_).astype("str").fillna("")
        children = values_of(every, field_).astype("str").fillna("")
        listed = children[parents.ne("") & children.ne("")]
        distinct = pd.DataFrame({"parent": parents[listed.index], "value": listed}).drop_duplicates()
        joined = distinct.groupby("parent", sort=False)["value"].agg(", ".join)
        values = own.mask(is_variable, rows.index.to_series().map(joined).astype("str").fillna(""))
        has = values.ne("")
        out[f"Attribute {n} name"] = pd.Series(name, index=rows.index).where(has, "")
        out[f"Attribute {n} value(s)"] = values
        out[f"Attribute {n} visible"] = pd.Series("1", index=rows.index).where(has & ~is_variation, "")
        out[f"Attribute {n} global"] = pd.Series("1", index=rows.index).where(has, "")
