"""Reading Seller Center's batch edit download (Products > Manage products > Batch edit > download the template).

TikTok Shop publishes no column list for this file; its layout is known from sellers' own files (see
``docs/channels/tiktok_shop.md``, "what could not be confirmed"):

- an xlsx named ``Tiktoksellercenter_batchedit_<date>_<kind>_template.xlsx`` (``sales_information``,
  ``basic_information``, ``all_information``), first sheet ``Template``;
- row 1: the columns' fixed keys, the same in every language: ``product_id``, ``category``, ``product_name``,
  ``product_status``, ``sku_id``, ``variation_value``, …, ``price``, ``quantity``, ``seller_sku``, …;
- row 2: the template's version and kind (``V4``, ``All_Information``, …); row 3: the column names in the
  seller's language; rows 4 and 5: whether a column is mandatory and whether it can be edited;
- one row per SKU from row 6: a product with variations has one row per variation, each with the product's id
  and name and its own ``sku_id``, ``variation_value``, price, quantity and seller SKU.

Because row 1 is never translated, a download in any language is read without a ``header_map``: the rows that
follow the keys row and are not SKUs (their ``product_id`` is not a number) are left out. A file whose keys row
was removed (saved again from a spreadsheet with only the translated names, or a CSV written by hand) is read
through the channel's ``header_map`` ({"Số lượng": "quantity"}) or the English names below.

SKUs are matched by seller SKU (the master's SKU); ``sku_id`` and ``product_id`` are kept, because the batch edit
upload and the API name a SKU by them. A row without a seller SKU cannot be matched and is left out (so left
alone).
"""

from __future__ import annotations

import pandas as pd

from ... import columns
from ...fields import ROW, Field
from ...i18n import _
from ..base import LIVE
from ..tabular import Export, column

PRODUCT_ID, SKU_ID, VARIATION, STATUS = "tiktok_product_id", "tiktok_sku_id", "tiktok_variation", "tiktok_status"
CATEGORY = "tiktok_category"

#: The keys row's names first, then the English column names of the template (other spellings seen in files).
COLUMNS = [
    column(PRODUCT_ID, "product_id", "Product ID"),
    column(CATEGORY, "category", "Category"),
    column(Field.TITLE, "product_name", "Product Name", "Product name"),
    column(STATUS, "product_status", "Product Status", "Status"),
    column(SKU_ID, "sku_id", "SKU ID"),
    column(VARIATION, "variation_value", "Variation", "Variation Value"),
    column(Field.PRICE, "price", "Price", "Retail Price", "Retail Price (Local Currency)"),
    column(Field.QUANTITY, "quantity", "Quantity", "Stock"),
    column(Field.SKU, "seller_sku", "Seller SKU"),
]
REQUIRED = [PRODUCT_ID, SKU_ID, Field.SKU.value]


def read_skus(export: Export) -> pd.DataFrame:
    """One row per SKU with a seller SKU; the template's own rows under the keys row are left out."""
    text = export.text
    product = export.get(PRODUCT_ID)
    is_sku = product.str.fullmatch(r"\d+").fillna(False) & columns.filled(export.get(SKU_ID))
    frame = pd.DataFrame(index=text.index)
    frame[Field.SKU.value] = export.get(Field.SKU.value)
    frame[PRODUCT_ID] = product
    frame[SKU_ID] = export.get(SKU_ID)
    frame[Field.TITLE.value] = export.get(Field.TITLE.value)
    frame[VARIATION] = export.get(VARIATION)
    frame[STATUS] = export.get(STATUS)
    frame[ROW] = text[ROW]
    frame = frame[is_sku & columns.filled(frame[Field.SKU.value])]
    sub = Export(text.loc[frame.index], export.table, export.headers, export.issues)
    frame[Field.PRICE.value] = sub.parse(Field.PRICE) if sub.has(Field.PRICE) else pd.NA
    frame[Field.QUANTITY.value] = sub.parse(Field.QUANTITY) if sub.has(Field.QUANTITY) else pd.NA
    frame[LIVE] = True  # the download lists the shop's products; their status words are not documented
    # every SKU with it is left alone
    export.duplicate_rows(
        frame,
        Field.SKU,
        _(
            "The export lists the seller SKU {key} more than once (rows {rows}); "
            "chansync leaves it alone on this channel until one is removed."
        ),
    )
    return frame.reset_index(drop=True)
