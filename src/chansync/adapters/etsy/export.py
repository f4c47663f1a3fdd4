"""Reading ``EtsyListingsDownload.csv`` (Shop Manager > Settings > Options > Download Data), in any language.

One row per listing, no listing id. ``SKU`` holds the listing's SKU, or for a listing with variations the SKUs of
all its products comma-joined (the real download has listings with up to a hundred); descriptions are multi-line
quoted cells. The listing's ``PRICE`` and ``QUANTITY`` are one price and one total for the whole listing, so for a
listing with several SKUs they say nothing about any one product: chansync reads them as unknown and marks them
the channel's own (``_fixed``), never comparing or writing them from this file. Titles and descriptions belong to
the listing and are read for each of its SKUs.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ... import columns
from ...errors import AdapterError
from ...fields import ROW, Field
from ...i18n import _
from ...parse import clean
from ...sheet import normalize_header, read_table
from ..base import FIXED, LIVE
from ..tabular import Export, translated
from . import headers as h

LISTING, LISTING_ROW, LISTING_SKUS = "etsy_listing", "etsy_listing_row", "etsy_listing_skus"
LISTING_PRICE, LISTING_QUANTITY = "etsy_listing_price", "etsy_listing_quantity"

#: Frame column of each download column chansync reads.
NAMES = {h.TITLE: Field.TITLE.value, h.DESCRIPTION: Field.DESCRIPTION.value, h.PRICE: Field.PRICE.value,
         h.CURRENCY: Field.CURRENCY.value, h.QUANTITY: Field.QUANTITY.value, h.SKU: Field.SKU.value,
         h.TAGS: "etsy_tags", h.MATERIALS: "etsy_materials"}  # fmt: skip
REQUIRED = (h.TITLE, h.PRICE, h.QUANTITY, h.SKU)


def find_columns(file_headers: list[str], header_map: Mapping[str, str]) -> dict[str, str]:
    """{column: file header}: by the channel's ``header_map``, then by the known spellings of every language, then
    by the column's place next to ``CURRENCY_CODE`` (which Etsy leaves in English)."""
    english = translated(file_headers, header_map)
    by_norm: dict[str, str] = {}
    for header in file_headers:
        by_norm.setdefault(normalize_header(english[header].lstrip("\ufeff")), header)
    found: dict[str, str] = {}
    for name in h.ENGLISH:
        match = next((by_norm[k] for k in map(normalize_header, h.spellings(name)) if k in by_norm), None)
        if match is not None and match not in found.values():
            found[name] = match
    if h.CURRENCY in found:
        at = file_headers.index(found[h.CURRENCY])
        for name, offset in h.OFFSETS.items():
            place = at + offset
            if name not in found and 0 <= place < len(file_headers) and file_headers[place] not in found.values():
                found[name] = file_headers[place]
    return found


def read_download(path: Path, display: str, channel: str, header_map: Mapping[str, str]) -> Export:
    hints = [s for name in h.ENGLISH for s in h.spellings(name)] + list(header_map)
    table = read_table(path, header_hints=hints, display=display)
    found = find_columns(table.headers, header_map)
    missing = [h.ENGLISH[name] for name in REQUIRED if name not in found]
    if missing:
        shown = ", ".join(f'"{x}"' for x in table.headers[:25])
        raise AdapterError(
            _(
                "{display} does not look like an Etsy listings download (EtsyListingsDownload.csv): no column "
                "{names} was recognised. Its headers are {shown}"
            ).format(display=display, names=", ".join(missing), shown=shown),
            hint=_("if the export's headers are translated, map them under {key} (e.g. {example})").format(
                key=f"channels.{channel}.header_map", example="{TITOLO: TITLE}"
            ),
        )
    text = pd.DataFrame({NAMES[n]: clean(table.frame[col]) for n, col in found.items()}, index=table.frame.index)
    text[ROW] = table.frame[ROW]
    return Export(text, table, {NAMES[n]: col for n, col in found.items()}, issues=list(table.issues))


def read_listings(export: Export) -> pd.DataFrame:
    """One row per SKU of every listing (a listing without a SKU cannot be matched and is left out)."""
    text = export.text
    sku = export.get(Field.SKU.value).str.split(",").explode().str.strip()
    sku = sku[sku.notna() & sku.ne("")]
    count = sku.index.value_counts().reindex(text.index, fill_value=0)
    several = count.gt(1)
    listing = pd.DataFrame(index=text.index)
    listing[Field.TITLE.value] = export.get(Field.TITLE.value)
    listing[Field.DESCRIPTION.value] = export.get(Field.DESCRIPTION.value)
    listing[Field.PRICE.value] = export.parse(Field.PRICE).astype("Int64").mask(several)
    listing[Field.QUANTITY.value] = export.parse(Field.QUANTITY).astype("Int64").mask(several)
    listing[Field.CURRENCY.value] = columns.upper(export.get(Field.CURRENCY.value))
    listing[FIXED] = pd.Series("", index=text.index, dtype="str").mask(
        several, f"{Field.PRICE.value},{Field.QUANTITY.value}"
    )
    listing[LISTING] = listing[Field.TITLE.value]
    listing[LISTING_ROW] = text[ROW]
    listing[LISTING_SKUS] = count
    listing[LISTING_PRICE] = export.get(Field.PRICE.value)
    listing[LISTING_QUANTITY] = export.get(Field.QUANTITY.value)
    listing[LIVE] = True  # every listing in the download is taken as on sale (unconfirmed; see docs)
    listing[ROW] = text[ROW]
    frame = listing.loc[sku.index]
    frame.insert(0, Field.SKU.value, sku.astype("str").to_numpy())
    frame = frame.reset_index(drop=True)
    # every listing with it is left alone (the plan skips it)
    export.duplicate_rows(
        frame,
        Field.SKU,
        _(
            "The export lists the SKU {key} more than once (rows {rows}); "
            "chansync leaves it alone on this channel until one is removed."
        ),
    )
    return frame.reset_index(drop=True)
