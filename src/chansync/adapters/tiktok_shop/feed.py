"""Writing the batch edit file: the template Seller Center gives for price and stock, filled in for the SKUs whose
price or quantity should change, to upload under Products > Manage products > Batch edit.

The layout is the download's (see :mod:`.export`): the keys row, the template row, the column names, whether a
column is mandatory and whether it can be edited, then one row per SKU named by its ``product_id`` and ``sku_id``.
Price and quantity are absolute values, so uploading the file twice changes nothing; a delisted SKU gets
quantity 0. A cell chansync does not set (a price the master does not know) is left blank. The wording of rows 2
to 5 is TikTok's as seen in sellers' files, not from an official page (``docs/channels/tiktok_shop.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ...fields import Field
from ..feeds import as_text, current_of, revised_rows, values_of
from .export import PRODUCT_ID, SKU_ID, VARIATION
from .xlsx import Cell, Number, xlsx_bytes

if TYPE_CHECKING:
    from ...model import Plan

KEYS = ["product_id", "product_name", "sku_id", "variation_value", "seller_sku", "price", "quantity"]
NAMES = ["Product ID", "Product Name", "SKU ID", "Variation", "Seller SKU", "Price", "Quantity"]
MANDATORY = ["Mandatory", "Optional", "Mandatory", "Optional", "Optional", "Mandatory", "Mandatory"]
EDITABLE = ["Cannot be edited", "Cannot be edited", "Cannot be edited", "Cannot be edited", "Cannot be edited",
            "Editable", "Editable"]  # fmt: skip
TEMPLATE = ["V4", "Sales_Information"]
SHEET = "Template"
FIRST_SKU_ROW = 6


def batch_edit_bytes(plan: Plan, *, titles: bool) -> bytes:
    frame = batch_edit_rows(plan, titles=titles)
    body: list[list[Cell]] = [  # the changed SKUs only: a short loop
        [*(str(v) for v in r[:5]), Number(r.price) if r.price else None, int(str(r.quantity)) if r.quantity else None]
        for r in frame.itertuples(index=False)
    ]
    header: list[list[Cell]] = [list(KEYS), list(TEMPLATE), list(NAMES), list(MANDATORY), list(EDITABLE)]
    return xlsx_bytes(header + body, sheet=SHEET)


def batch_edit_rows(plan: Plan, *, titles: bool) -> pd.DataFrame:
    """The changed and delisted SKUs as text, by product and SKU id."""
    rows = revised_rows(plan)  # a delisted SKU: quantity 0
    if not len(rows):
        return pd.DataFrame(columns=KEYS)
    sku = rows.index.to_series().astype("str")

    def now(name: str) -> pd.Series:
        return current_of(plan, rows, name)

    title = as_text(Field.TITLE, values_of(rows, Field.TITLE)).fillna("") if titles else now(Field.TITLE.value)
    out = pd.DataFrame(
        {
            "product_id": now(PRODUCT_ID),
            "product_name": title,
            "sku_id": now(SKU_ID),
            "variation_value": now(VARIATION),
            "seller_sku": sku,
            "price": as_text(Field.PRICE, values_of(rows, Field.PRICE)).fillna(""),
            "quantity": as_text(Field.QUANTITY, values_of(rows, Field.QUANTITY)).fillna(""),
        },
        index=rows.index,
    )
    out = out.sort_values(["product_id", "sku_id", "seller_sku"], kind="stable")
    return out.reset_index(drop=True)
