"""``chansync init``: a starter channels.yaml and a small master workbook that validate cleanly."""

from __future__ import annotations

import io
from pathlib import Path

from .errors import ChansyncError
from .fields import Field, StockField
from .i18n import _, ngettext
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
  columns: {{}}                # your own headers where they differ, e.g. {{sku: Artikelnummer, price: Prijs}}

state_dir: .chansync         # the sync state (what was last set, the stock ledger, the run log) and the lock

{channels}"""

NO_CHANNELS = """channels: {}                 # one block per channel (`chansync init --channel shopify` writes one)
"""

#: A commented example block per adapter kind (``chansync init --channel NAME``). Exports and feeds are file
#: names to replace; secrets are always ``${VAR}`` names of environment variables.
CHANNEL_EXAMPLES = {
    "csv": """  till:                            # a point of sale or partner that imports and exports plain CSV
    adapter: csv
    export: exports/till.csv         # what the till has now (its export)
    feed: out/till.csv               # what `chansync push` writes for it
    columns: {sku: ItemCode, title: Description, quantity: OnHand, price: RetailPrice}  # canonical: its header
    stock: {locations: [store]}      # it sells what is in the store
    # listing: {create: true, delist: true, unknown: keep}   # unknown: keep leaves till-only items (gift cards)
""",
    "shopify": """  webshop:                         # Shopify
    adapter: shopify
    export: exports/products_export.csv          # Products > Export (CSV)
    inventory_export: exports/inventory_export.csv  # Products > Inventory > Export
    location: Warehouse                          # the Shopify location chansync sets stock for
    feed: out/shopify.csv                        # a product CSV and a -inventory CSV to import
    stock: {locations: [warehouse]}
    # upload: {type: shopify_api, shop: my-shop.myshopify.com, token: "${SHOPIFY_TOKEN}", api_version: "2026-01"}
    # export: api                                # read the shop through the API instead of export files
""",
    "woocommerce": """  woo:                             # WooCommerce
    adapter: woocommerce
    export: exports/wc-product-export.csv        # Products > Export
    feed: out/woocommerce.csv                    # -new and -update files for the product importer
    # upload: {type: woocommerce_api, url: "https://shop.example.com", key: "${WC_KEY}", secret: "${WC_SECRET}"}
""",
    "google_merchant": """  google:                          # Google Merchant Center
    adapter: google_merchant
    export: exports/google.xml                   # the feed as Google last fetched it
    feed: out/google.xml                         # RSS 2.0 (format: tsv for a TSV feed)
    shop_url: https://www.example.com/
    # upload: {type: sftp, host: partnerupload.google.com, port: 19321, username: mc-sftp-123,
    #          password: "${GMC_SFTP}", path: google.xml}
    # or, through the Merchant API (a service account's JSON key file; its path in the variable):
    # upload: {type: google_merchant_api, account_id: "123456789", data_source: "987654321",
    #          credentials: "${GMC_KEY_FILE}", content_language: nl, feed_label: NL}
    # export: api                                # read the products through the Merchant API instead
""",
    "meta": """  meta:                            # Facebook and Instagram shops (Meta catalogue)
    adapter: meta
    export: exports/meta.csv
    feed: out/meta.csv
    stock: {buffer: 1}                           # hold one unit back from social sales
    # upload: {type: meta_api, catalog_id: "123456789012345", token: "${META_TOKEN}"}  # the Catalog Batch API
    # export: api                                # read the catalogue's products instead of a file
""",
    "amazon": """  amazon:                          # Amazon Seller Central (prices and stock of existing listings)
    adapter: amazon
    export: exports/all_listings.txt             # Reports > Inventory > All Listings Report
    feed: out/amazon.json                        # a JSON_LISTINGS_FEED to upload
    seller_id: A2EXAMPLE
    marketplace_id: A1805IZSGTT6HS               # amazon.nl
    # upload: {type: amazon_sp_api, client_id: "${LWA_CLIENT_ID}", client_secret: "${LWA_CLIENT_SECRET}",
    #          refresh_token: "${LWA_REFRESH_TOKEN}", seller_id: A2EXAMPLE, marketplace_id: A1805IZSGTT6HS}
    # export: api                                # request the All Listings report through the Reports API
""",
    "bol": """  bol:                             # bol.com (offers keyed by EAN)
    adapter: bol
    export: exports/bol_offers.csv               # the offers export
    feed: out/bol.csv                            # a review file; apply through the Retailer API:
    # upload: {type: bol_api, client_id: "${BOL_CLIENT_ID}", client_secret: "${BOL_CLIENT_SECRET}"}
    # export: api                                # ask bol for a fresh offers export on every run
    stock: {locations: [warehouse], buffer: 1}
""",
    "ebay": """  ebay:                            # eBay (Seller Hub "All active listings" download)
    adapter: ebay
    export: exports/ebay-active-listings.csv
    feed: out/ebay.csv                           # the "Edit price and quantity" revise file to upload
    # upload: {type: ebay_api, marketplace_id: EBAY_NL, client_id: "${EBAY_CLIENT_ID}",
    #          client_secret: "${EBAY_CLIENT_SECRET}", refresh_token: "${EBAY_REFRESH_TOKEN}"}
    # export: api                                # read the listings through the Inventory API
""",
    "etsy": """  etsy:                            # Etsy (Shop Manager > Settings > Options > Download Data)
    adapter: etsy
    export: exports/EtsyListingsDownload.csv
    feed: out/etsy.csv                           # a review file (Etsy has no CSV import)
    # upload: {type: etsy_api, shop_id: "12345678", api_key: "${ETSY_KEYSTRING}", token: "${ETSY_TOKEN}"}
    # export: api                                # read the active listings through the API
""",
    "tiktok_shop": """  tiktok:                          # TikTok Shop (Seller Center > Products > batch edit download)
    adapter: tiktok_shop
    export: exports/tiktok-batch-edit.xlsx
    feed: out/tiktok.xlsx                        # the batch edit file for price and stock to upload
    # upload: {type: tiktok_shop_api, app_key: "${TTS_APP_KEY}", app_secret: "${TTS_APP_SECRET}",
    #          access_token: "${TTS_ACCESS_TOKEN}", shop_cipher: ROW_example}
    # export: api                                # read the SKUs through the Partner API
""",
}


def starter_config(channels: list[str] | None = None) -> str:
    """The starter channels.yaml, with an example block for each adapter named."""
    names = list(dict.fromkeys(channels or []))
    unknown = [n for n in names if n not in CHANNEL_EXAMPLES]
    if unknown:
        raise ChansyncError(
            _("no example for channel kind {kinds}").format(kinds=", ".join(map(repr, unknown))),
            hint=_("choose from {kinds}").format(kinds=", ".join(CHANNEL_EXAMPLES)),
        )
    blocks = "channels:\n" + "\n".join(CHANNEL_EXAMPLES[n] for n in names) if names else NO_CHANNELS
    return STARTER_CONFIG.format(channels=blocks)


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


def init_project(folder: Path, *, force: bool = False, channels: list[str] | None = None) -> list[Path]:
    """Write the starter files into ``folder`` (with an example block per channel kind named); refuse to overwrite
    unless ``force``."""
    config = starter_config(channels)
    folder.mkdir(parents=True, exist_ok=True)
    targets = [folder / CONFIG_NAME, folder / MASTER_NAME]
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        names = ", ".join(str(p) for p in existing)
        raise ChansyncError(
            ngettext(
                "{names} already exists; nothing was written",
                "{names} already exist; nothing was written",
                len(existing),
            ).format(names=names),
            hint=_("pass --force to overwrite them"),
        )
    write_atomic(targets[0], config.encode("utf-8"))
    write_atomic(targets[1], starter_workbook())
    return targets
