"""``chansync init``: a starter channels.yaml and a small master workbook that validate cleanly.

Both are written in the run's language: the comments of channels.yaml (each one a message in :data:`_NOTES`, filled
into the templates below by name) and the sample products' texts. Keys, adapter names, values and ``${VAR}`` names
stay as they are: they are what the config needs."""

from __future__ import annotations

import io
from pathlib import Path

from .errors import ChansyncError
from .fields import Field, StockField
from .i18n import N_, _, ngettext
from .transports.local import write_atomic

CONFIG_NAME = "channels.yaml"
MASTER_NAME = "master.xlsx"

#: The templates below are ``str.format`` templates: ``{name}`` is a comment from :data:`_NOTES` in the run's
#: language, ``{{`` and ``}}`` are YAML's braces.
STARTER_CONFIG = """\
# {intro}
version: 1

master:
  file: master.xlsx          # {master_file}
  sheet: products            # {master_sheet}
  stock_sheet: stock         # {master_stock_sheet}
  currency: EUR              # {master_currency}
  columns: {{}}                # {master_columns}

state_dir: .chansync         # {state_dir}

{channels}"""

NO_CHANNELS = """channels: {{}}                 # {no_channels}
"""

#: A commented example block per adapter kind (``chansync init --channel NAME``). Exports and feeds are file
#: names to replace; secrets are always ``${{VAR}}`` names of environment variables.
CHANNEL_EXAMPLES = {
    "csv": """  till:                            # {csv}
    adapter: csv
    export: exports/till.csv         # {csv_export}
    feed: out/till.csv               # {csv_feed}
    columns: {{sku: ItemCode, title: Description, quantity: OnHand, price: RetailPrice}}  # {csv_columns}
    stock: {{locations: [store]}}      # {csv_stock}
    # listing: {{create: true, delist: true, unknown: keep}}   # {csv_listing}
""",
    "shopify": """  webshop:                         # Shopify
    adapter: shopify
    export: exports/products_export.csv          # {shopify_export}
    inventory_export: exports/inventory_export.csv  # {shopify_inventory_export}
    location: Warehouse                          # {shopify_location}
    feed: out/shopify.csv                        # {shopify_feed}
    stock: {{locations: [warehouse]}}
    # upload: {{type: shopify_api, shop: my-shop.myshopify.com, token: "${{SHOPIFY_TOKEN}}", api_version: "2026-01"}}
    # export: api                                # {shopify_api}
""",
    "woocommerce": """  woo:                             # WooCommerce
    adapter: woocommerce
    export: exports/wc-product-export.csv        # {woocommerce_export}
    feed: out/woocommerce.csv                    # {woocommerce_feed}
    # upload: {{type: woocommerce_api, url: "https://shop.example.com", key: "${{WC_KEY}}", secret: "${{WC_SECRET}}"}}
""",
    "google_merchant": """  google:                          # Google Merchant Center
    adapter: google_merchant
    export: exports/google.xml                   # {google_export}
    feed: out/google.xml                         # {google_feed}
    shop_url: https://www.example.com/
    # upload: {{type: sftp, host: partnerupload.google.com, port: 19321, username: mc-sftp-123,
    #          password: "${{GMC_SFTP}}", path: google.xml}}
    # {google_upload_api}
    # upload: {{type: google_merchant_api, account_id: "123456789", data_source: "987654321",
    #          credentials: "${{GMC_KEY_FILE}}", content_language: nl, feed_label: NL}}
    # export: api                                # {google_api}
""",
    "meta": """  meta:                            # {meta}
    adapter: meta
    export: exports/meta.csv
    feed: out/meta.csv
    stock: {{buffer: 1}}                           # {meta_stock}
    # upload: {{type: meta_api, catalog_id: "123456789012345", token: "${{META_TOKEN}}"}}  # {meta_upload}
    # export: api                                # {meta_api}
""",
    "amazon": """  amazon:                          # {amazon}
    adapter: amazon
    export: exports/all_listings.txt             # {amazon_export}
    feed: out/amazon.json                        # {amazon_feed}
    seller_id: A2EXAMPLE
    marketplace_id: A1805IZSGTT6HS               # amazon.nl
    # upload: {{type: amazon_sp_api, client_id: "${{LWA_CLIENT_ID}}", client_secret: "${{LWA_CLIENT_SECRET}}",
    #          refresh_token: "${{LWA_REFRESH_TOKEN}}", seller_id: A2EXAMPLE, marketplace_id: A1805IZSGTT6HS}}
    # export: api                                # {amazon_api}
""",
    "bol": """  bol:                             # {bol}
    adapter: bol
    export: exports/bol_offers.csv               # {bol_export}
    feed: out/bol.csv                            # {bol_feed}
    # upload: {{type: bol_api, client_id: "${{BOL_CLIENT_ID}}", client_secret: "${{BOL_CLIENT_SECRET}}"}}
    # export: api                                # {bol_api}
    stock: {{locations: [warehouse], buffer: 1}}
""",
    "ebay": """  ebay:                            # {ebay}
    adapter: ebay
    export: exports/ebay-active-listings.csv
    feed: out/ebay.csv                           # {ebay_feed}
    # upload: {{type: ebay_api, marketplace_id: EBAY_NL, client_id: "${{EBAY_CLIENT_ID}}",
    #          client_secret: "${{EBAY_CLIENT_SECRET}}", refresh_token: "${{EBAY_REFRESH_TOKEN}}"}}
    # export: api                                # {ebay_api}
""",
    "etsy": """  etsy:                            # {etsy}
    adapter: etsy
    export: exports/EtsyListingsDownload.csv
    feed: out/etsy.csv                           # {etsy_feed}
    # upload: {{type: etsy_api, shop_id: "12345678", api_key: "${{ETSY_KEYSTRING}}", token: "${{ETSY_TOKEN}}"}}
    # export: api                                # {etsy_api}
""",
    "tiktok_shop": """  tiktok:                          # {tiktok_shop}
    adapter: tiktok_shop
    export: exports/tiktok-batch-edit.xlsx
    feed: out/tiktok.xlsx                        # {tiktok_shop_feed}
    # upload: {{type: tiktok_shop_api, app_key: "${{TTS_APP_KEY}}", app_secret: "${{TTS_APP_SECRET}}",
    #          access_token: "${{TTS_ACCESS_TOKEN}}", shop_cipher: ROW_example}}
    # export: api                                # {tiktok_shop_api}
""",
}

#: The comments of the templates above, by placeholder. A menu path is the channel's own words; an example setting
#: (``unknown: keep``) is a placeholder filled as it is, so a translation keeps it exact.
_NOTES = {
    "intro": N_("chansync configuration: see {command} for every key."),
    "master_file": N_("xlsx, csv or tsv; relative to this file"),
    "master_sheet": N_("the sheet with one row per product (the first sheet by default)"),
    "master_stock_sheet": N_("{columns} per row; summed per channel over its locations"),
    "master_currency": N_("used when the sheet has no currency column"),
    "master_columns": N_("your own headers where they differ, e.g. {example}"),
    "state_dir": N_("the sync state (what was last set, the stock ledger, the run log) and the lock"),
    "no_channels": N_("one block per channel ({command} writes one)"),
    "csv": N_("a point of sale or partner that imports and exports plain CSV"),
    "csv_export": N_("what the till has now (its export)"),
    "csv_feed": N_("what {command} writes for it"),
    "csv_columns": N_("canonical: its header"),
    "csv_stock": N_("it sells what is in the store"),
    "csv_listing": N_("{setting} leaves till-only items (gift cards)"),
    "shopify_export": N_("Products > Export (CSV)"),
    "shopify_inventory_export": N_("Products > Inventory > Export"),
    "shopify_location": N_("the Shopify location chansync sets stock for"),
    "shopify_feed": N_("a product CSV and a -inventory CSV to import"),
    "shopify_api": N_("read the shop through the API instead of export files"),
    "woocommerce_export": N_("Products > Export"),
    "woocommerce_feed": N_("-new and -update files for the product importer"),
    "google_export": N_("the feed as Google last fetched it"),
    "google_feed": N_("RSS 2.0 ({setting} for a TSV feed)"),
    "google_upload_api": N_(
        "or, through the Merchant API (a service account's JSON key file; its path in the variable):"
    ),
    "google_api": N_("read the products through the Merchant API instead"),
    "meta": N_("Facebook and Instagram shops (Meta catalogue)"),
    "meta_stock": N_("hold one unit back from social sales"),
    "meta_upload": N_("the Catalog Batch API"),
    "meta_api": N_("read the catalogue's products instead of a file"),
    "amazon": N_("Amazon Seller Central (prices and stock of existing listings)"),
    "amazon_export": N_("Reports > Inventory > All Listings Report"),
    "amazon_feed": N_("a JSON_LISTINGS_FEED to upload"),
    "amazon_api": N_("request the All Listings report through the Reports API"),
    "bol": N_("bol.com (offers keyed by EAN)"),
    "bol_export": N_("the offers export"),
    "bol_feed": N_("a review file; apply through the Retailer API:"),
    "bol_api": N_("ask bol for a fresh offers export on every run"),
    "ebay": N_('eBay (Seller Hub "All active listings" download)'),
    "ebay_feed": N_('the "Edit price and quantity" revise file to upload'),
    "ebay_api": N_("read the listings through the Inventory API"),
    "etsy": N_("Etsy (Shop Manager > Settings > Options > Download Data)"),
    "etsy_feed": N_("a review file (Etsy has no CSV import)"),
    "etsy_api": N_("read the active listings through the API"),
    "tiktok_shop": N_("TikTok Shop (Seller Center > Products > batch edit download)"),
    "tiktok_shop_feed": N_("the batch edit file for price and stock to upload"),
    "tiktok_shop_api": N_("read the SKUs through the Partner API"),
}

#: What the placeholders inside the notes stand for: commands and settings, the same in every language.
_FILLS = {
    "intro": {"command": "`chansync config schema`"},
    "master_stock_sheet": {"columns": "sku, location, quantity"},
    "master_columns": {"example": "{sku: Artikelnummer, price: Prijs}"},
    "no_channels": {"command": "`chansync init --channel shopify`"},
    "csv_feed": {"command": "`chansync push`"},
    "csv_listing": {"setting": "unknown: keep"},
    "google_feed": {"setting": "format: tsv"},
}


def _notes() -> dict[str, str]:
    """Every comment of the starter channels.yaml in the run's language."""
    return {key: _(note).format(**_FILLS.get(key, {})) for key, note in _NOTES.items()}


def starter_config(channels: list[str] | None = None) -> str:
    """The starter channels.yaml, with an example block for each adapter named, commented in the run's language."""
    names = list(dict.fromkeys(channels or []))
    unknown = [n for n in names if n not in CHANNEL_EXAMPLES]
    if unknown:
        raise ChansyncError(
            _("no example for channel kind {kinds}").format(kinds=", ".join(map(repr, unknown))),
            hint=_("choose from {kinds}").format(kinds=", ".join(CHANNEL_EXAMPLES)),
        )
    notes = _notes()
    if names:
        blocks = "channels:\n" + "\n".join(CHANNEL_EXAMPLES[n].format(**notes) for n in names)
    else:
        blocks = NO_CHANNELS.format(**notes)
    return STARTER_CONFIG.format(channels=blocks, **notes)


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
        N_("Stoneware mug 350 ml"),
        N_("A sturdy stoneware mug, dishwasher safe."),
        "Kiln & Co",
        "4006381333931",
        "12.50",
        "",
        "new",
        "https://example.com/img/mug-001.jpg",
        "https://example.com/p/mug-001",
        N_("Kitchen > Mugs"),
        "",
        "",
        "",
        "active",
    ],
    [
        "TEE",
        N_("Organic cotton T-shirt"),
        N_("Soft organic cotton T-shirt."),
        "Fieldline",
        "",
        "",
        "",
        "new",
        "https://example.com/img/tee.jpg",
        "https://example.com/p/tee",
        N_("Clothing > Shirts"),
        "",
        "",
        "",
        "active",
    ],
    [
        "TEE-BLK-M",
        N_("Organic cotton T-shirt black M"),
        N_("Soft organic cotton T-shirt."),
        "Fieldline",
        "5012345678900",
        "19.95",
        "17.95",
        "new",
        "https://example.com/img/tee-blk.jpg",
        "https://example.com/p/tee",
        N_("Clothing > Shirts"),
        "TEE",
        N_("black"),
        "M",
        "active",
    ],
    [
        "TEE-BLK-L",
        N_("Organic cotton T-shirt black L"),
        N_("Soft organic cotton T-shirt."),
        "Fieldline",
        "5012345678917",
        "19.95",
        "17.95",
        "new",
        "https://example.com/img/tee-blk.jpg",
        "https://example.com/p/tee",
        N_("Clothing > Shirts"),
        "TEE",
        N_("black"),
        "L",
        "active",
    ],
    [
        "LAMP-07",
        N_("Desk lamp with brass arm"),
        N_("Adjustable desk lamp, E27 fitting."),
        "Lumo",
        "8712345678906",
        "64.00",
        "",
        "new",
        "https://example.com/img/lamp-07.jpg",
        "https://example.com/p/lamp-07",
        N_("Home > Lighting"),
        "",
        N_("brass"),
        "",
        "active",
    ],
]
#: The sample products' texts a seller reads, written in the run's language (marked with ``N_()`` above); codes such
#: as the condition and the status stay as they are.
_SHOWN = {Field.TITLE, Field.DESCRIPTION, Field.CATEGORY, Field.COLOR}
_STOCK: list[list[object]] = [
    ["MUG-001", "warehouse", 24],
    ["MUG-001", "store", 6],
    ["TEE-BLK-M", "warehouse", 10],
    ["TEE-BLK-L", "warehouse", 0],
    ["TEE-BLK-L", "store", 2],
    ["LAMP-07", "warehouse", 3],
]


def starter_workbook() -> bytes:
    """The sample master workbook: products and stock, the products' texts in the run's language."""
    from openpyxl import Workbook

    book = Workbook()
    products = book.active
    assert products is not None
    products.title = "products"
    products.append([f.value for f in _HEADERS])
    shown = [i for i, f in enumerate(_HEADERS) if f in _SHOWN]
    for row in _ROWS:
        products.append([_(cell) if i in shown and cell else cell for i, cell in enumerate(row)])
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
