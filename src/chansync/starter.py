"""``chansync init``: a starter channels.yaml and a small master workbook that validate cleanly."""

from __future__ import annotations

import io
from pathlib import Path

from .errors import ChansyncError
from .fields import Field, StockField
from .transports.local import write_atomic

CONFIG_NAME = "channels.yaml"
MASTER_NAME = "master.xlsx"

STARTER_CONFIG = """\
# chansync configuration: see `chansync config schema` for every key.
version: 1

master:
  file: master.xlsx          # xlsx, csv or tsv; relative to this file
  sheet: products            # the sheet with one row per product (the first sheet by default)
  stock_sheet: stock         # sku, location, quantity per row; summed per channel over its locations
  currency: EUR              # used when the sheet has no currency column
  columns: {}                # your own headers where they differ, e.g. {sku: Artikelnummer, price: Prijs}

state_dir: .chansync         # journal and lock of `chansync push`

channels: {}                 # one block per sales channel; `chansync channels` lists the adapters
"""

_HEADERS = [
    Field.SKU,
    Field.TITLE,
    Field.DESCRIPTION,
    Field.BRAND,
    Field.GTIN,
    Field.PRICE,
    Field.SALE_PRICE,
    Field.CONDITION,
    Field.IMAGE_URL,
    Field.PRODUCT_URL,
    Field.CATEGORY,
    Field.PARENT_SKU,
    Field.COLOR,
    Field.SIZE,
    Field.STATUS,
]
_ROWS = [
    [
        "MUG-001",
        "Stoneware mug 350 ml",
        "A sturdy stoneware mug, dishwasher safe.",
        "Kiln & Co",
        "4006381333931",
        "12.50",
        "",
        "new",
        "https://example.com/img/mug-001.jpg",
        "https://example.com/p/mug-001",
        "Kitchen > Mugs",
        "",
        "",
        "",
        "active",
    ],
    [
        "TEE",
        "Organic cotton T-shirt",
        "Soft organic cotton T-shirt.",
        "Fieldline",
        "",
        "",
        "",
        "new",
        "https://example.com/img/tee.jpg",
        "https://example.com/p/tee",
        "Clothing > Shirts",
        "",
        "",
        "",
        "active",
    ],
    [
        "TEE-BLK-M",
        "Organic cotton T-shirt black M",
        "Soft organic cotton T-shirt.",
        "Fieldline",
        "5012345678900",
        "19.95",
        "17.95",
        "new",
        "https://example.com/img/tee-blk.jpg",
        "https://example.com/p/tee",
        "Clothing > Shirts",
        "TEE",
        "black",
        "M",
        "active",
    ],
    [
        "TEE-BLK-L",
        "Organic cotton T-shirt black L",
        "Soft organic cotton T-shirt.",
        "Fieldline",
        "5012345678917",
        "19.95",
        "17.95",
        "new",
        "https://example.com/img/tee-blk.jpg",
        "https://example.com/p/tee",
        "Clothing > Shirts",
        "TEE",
        "black",
        "L",
        "active",
    ],
    [
        "LAMP-07",
        "Desk lamp with brass arm",
        "Adjustable desk lamp, E27 fitting.",
        "Lumo",
        "8712345678906",
        "64.00",
        "",
        "new",
        "https://example.com/img/lamp-07.jpg",
        "https://example.com/p/lamp-07",
        "Home > Lighting",
        "",
        "brass",
        "",
        "active",
    ],
]
_STOCK: list[list[object]] = [
    ["MUG-001", "warehouse", 24],
    ["MUG-001", "store", 6],
    ["TEE-BLK-M", "warehouse", 10],
    ["TEE-BLK-L", "warehouse", 0],
    ["TEE-BLK-L", "store", 2],
    ["LAMP-07", "warehouse", 3],
]


def starter_workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    products = book.active
    assert products is not None
    products.title = "products"
    products.append([f.value for f in _HEADERS])
    for row in _ROWS:
        products.append(row)
    for cell in products["E"]:  # GTINs as text, so a spreadsheet keeps their leading zeros
        cell.number_format = "@"
    stock = book.create_sheet("stock")
    stock.append([f.value for f in StockField])
    for stock_row in _STOCK:
        stock.append(stock_row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def init_project(folder: Path, *, force: bool = False) -> list[Path]:
    """Write the starter files into ``folder``; refuse to overwrite unless ``force``."""
    folder.mkdir(parents=True, exist_ok=True)
    targets = [folder / CONFIG_NAME, folder / MASTER_NAME]
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        names = ", ".join(str(p) for p in existing)
        raise ChansyncError(
            f"{names} already exist{'s' * (len(existing) == 1)}; nothing was written",
            hint="pass --force to overwrite them",
        )
    write_atomic(targets[0], STARTER_CONFIG.encode("utf-8"))
    write_atomic(targets[1], starter_workbook())
    return targets
