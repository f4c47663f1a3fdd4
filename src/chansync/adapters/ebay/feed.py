"""Writing the revise file: the same "Edit price and quantity" template the download came in, to upload under
Seller Hub > Reports > Uploads (https://pages.ebay.com/sh/reports/help/uploadable-file-feeds).

The first column is the action (the page above: "The first column determines what action the file feed will
perform"); every listing row is ``Revise`` with its item number. A variation is written as its listing's row
(``Revise``, item number, the listing's options) followed by the variation's row (blank action, ``Variation``, its
options, price, quantity, SKU), the shape the download itself has. Price and quantity are absolute values, so a
re-upload changes nothing; a delisted SKU gets quantity 0. Cells chansync does not set are left blank, which the
template reads as "unchanged" (observed in sellers' use, not stated on an official page).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ... import columns
from ...fields import Field
from ..feeds import as_text, csv_bytes, current_of, revised_rows, values_of
from .export import DETAILS, ITEM, PARENT_DETAILS, RELATIONSHIP, TEMPLATE

if TYPE_CHECKING:
    from ...model import Plan

HEADERS = ["Action", "Category name", "Item number", "Title", "Listing site", "Currency", "Start price",
           "Buy It Now price", "Available quantity", "Relationship", "Relationship details",
           "Custom label (SKU)"]  # fmt: skip
REVISE = "Revise"
INFO = "#INFO,Version=1.0.0,Template= {template}"


def template_name(plan: Plan, site: str) -> str:
    """The template the export named, else the price-and-quantity download template of ``site``."""
    if TEMPLATE in plan.current.columns:
        named = plan.current[TEMPLATE].astype("str").fillna("")
        named = named[named.ne("")]
        if len(named):
            return str(named.iloc[0])
    return f"eBay-active-revise-price-quantity-download_{site}"


def revise_bytes(plan: Plan, site: str, *, titles: bool) -> bytes:
    info = INFO.format(template=template_name(plan, site)) + "," * (len(HEADERS) - 3)
    return ("\ufeff" + info + "\n").encode("utf-8") + csv_bytes(revise_rows(plan, titles=titles))


def revise_rows(plan: Plan, *, titles: bool) -> pd.DataFrame:
    rows = revised_rows(plan)  # a delisted SKU: quantity 0
    if not len(rows):
        return pd.DataFrame(columns=HEADERS)
    sku = rows.index.to_series().astype("str")

    def now(name: str) -> pd.Series:
        return current_of(plan, rows, name)

    item, variation = now(ITEM), columns.lower(now(RELATIONSHIP)).eq("variation")
    title = as_text(Field.TITLE, values_of(rows, Field.TITLE)) if titles else pd.Series("", index=rows.index)
    out = pd.DataFrame({h: pd.Series("", index=rows.index, dtype="str") for h in HEADERS})
    out["Action"] = pd.Series(REVISE, index=rows.index).where(~variation, "")
    out["Item number"] = item.where(~variation, "")
    out["Title"] = title.where(~variation, "")
    out["Start price"] = as_text(Field.PRICE, values_of(rows, Field.PRICE))
    out["Available quantity"] = as_text(Field.QUANTITY, values_of(rows, Field.QUANTITY))
    out["Relationship"] = pd.Series("Variation", index=rows.index).where(variation, "")
    out["Relationship details"] = now(DETAILS).where(variation, "")
    out["Custom label (SKU)"] = sku
    out["_item"], out["_order"] = item, 1
    heads = pd.DataFrame({h: pd.Series("", index=rows.index, dtype="str") for h in HEADERS})[variation]
    if len(heads):
        heads["Action"], heads["Item number"] = REVISE, item[variation]
        heads["Title"] = title[variation]
        heads["Relationship details"] = now(PARENT_DETAILS)[variation]
        heads["_item"], heads["_order"] = item[variation], 0
        heads = heads.drop_duplicates("_item")
        out = pd.concat([heads, out])
    out = out.sort_values(["_item", "_order", "Custom label (SKU)"], kind="stable")  # not shown
    return out[HEADERS].reset_index(drop=True)
