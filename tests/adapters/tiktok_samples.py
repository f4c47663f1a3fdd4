"""Sample Seller Center batch edit downloads, built field by field.

TikTok Shop publishes no sample of this file, so these follow the layout sellers' own downloads have (see
docs/channels/tiktok_shop.md): sheet ``Template``; row 1 the untranslated keys; row 2 the template's version and
kind; row 3 the column names in the seller's language; rows 4 and 5 what is mandatory and what can be edited;
SKUs from row 6. The translated names are illustrative, not TikTok's exact wording.
"""

from __future__ import annotations

from pathlib import Path

KEYS = ["product_id", "category", "product_name", "product_status", "sku_id", "variation_value", "price",
        "quantity", "seller_sku"]  # fmt: skip

NAMES = {
    "en": ["Product ID", "Category", "Product Name", "Product Status", "SKU ID", "Variation", "Price", "Quantity",
           "Seller SKU"],
    # Vietnamese, as a re-saved file without the keys row would have them (mapped through header_map in the tests)
    "vi": ["ID sản phẩm", "Danh mục", "Tên sản phẩm", "Trạng thái sản phẩm", "ID SKU", "Biến thể",
           "Giá bán lẻ (Nội tệ)", "Số lượng", "SKU người bán"],
    # Indonesian: a language chansync has no list of; read through the keys row without any tuning
    "id": ["ID Produk", "Kategori", "Nama Produk", "Status Produk", "ID SKU", "Variasi", "Harga", "Kuantitas",
           "SKU Penjual"],
}  # fmt: skip
MANDATORY = {"en": "Mandatory", "vi": "Bắt buộc", "id": "Wajib"}
LOCKED = {"en": "Cannot be edited", "vi": "Không thể chỉnh sửa", "id": "Tidak dapat diubah"}

ROWS = [
    ["1729384756012345601", "Bicycle Lights (600001)", "Front light 80 lux USB rechargeable", "Live(1)",
     "1729384756012345611", "Default", "24.95", "12", "VL-1001"],
    ["1729384756012345602", "Bicycle Lights (600001)", "Rear light LED", "Live(1)",
     "1729384756012345612", "Default", "12.50", "0", "VL-1002"],
    ["1729384756012345603", "Jackets (601223)", "Rain jacket breathable", "Live(1)",
     "1729384756012345613", "Black, M", "89.95", "4", "JK-RAIN-BLK-M"],
    ["1729384756012345603", "Jackets (601223)", "Rain jacket breathable", "Live(1)",
     "1729384756012345614", "Black, L", "89.95", "2", "JK-RAIN-BLK-L"],
    ["1729384756012345604", "Bicycle Bells (600002)", "Brass bell", "Live(1)",
     "1729384756012345615", "Default", "5.00", "3", "OLD-0001"],
    ["1729384756012345605", "Stickers (600100)", "Reflective stickers", "Live(1)",
     "1729384756012345616", "Default", "2.00", "40", ""],
]  # fmt: skip


def download_rows(language: str = "en", *, keys_row: bool = True) -> list[list[str]]:
    head = [list(KEYS), ["V4", "Sales_Information", "metric"] + [""] * (len(KEYS) - 3)] if keys_row else []
    head += [list(NAMES[language]), [MANDATORY[language]] * len(KEYS), [LOCKED[language]] * len(KEYS)]
    return head + [list(r) for r in ROWS]


def write_download(path: Path, language: str = "en", *, keys_row: bool = True) -> Path:
    """The download as xlsx (the form Seller Center gives), or as CSV when ``path`` ends in .csv."""
    rows = download_rows(language, keys_row=keys_row)
    if path.suffix == ".csv":
        import csv

        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        return path
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Template"
    for row in rows:
        sheet.append(row)
    book.create_sheet("TemplateConfig").append(["x"])
    book.save(path)
    return path
