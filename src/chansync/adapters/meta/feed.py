"""Writing a Meta catalogue data feed: CSV with only the fields Meta documents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pandas as pd

from ..feeds import csv_bytes, kept_rows

if TYPE_CHECKING:
    from ...model import Desired, Plan
    from ..catalogue import CatalogueAdapter


def feed_bytes(adapter: CatalogueAdapter, desired: Desired, plan: Plan) -> Iterator[bytes]:
    rows = kept_rows(plan)
    text = adapter.attribute_text(rows, desired.currency)
    frame = pd.DataFrame(text, index=rows.index)
    # Only fields Meta documents: its catalogue fields reference and the sample feed header on
    # https://developers.facebook.com/docs/marketing-api/catalog/guides/metadata-tags (id, title, description,
    # product_type, link, image_link, condition, availability, price, sale_price, gtin, brand, mpn,
    # item_group_id, color, size; additional_image_link and quantity_to_sell_on_facebook on
    # https://developers.facebook.com/docs/commerce-platform/catalog/fields). Google's identifier_exists is not
    # among them, so it is not written.
    yield csv_bytes(frame[[a.name for a in adapter.attributes()]])
