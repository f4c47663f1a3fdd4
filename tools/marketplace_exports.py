"""Write the marketplaces' sample exports under samples/exports/ (deterministic: run it again, same bytes).

    python tools/marketplace_exports.py

Both are built from the bundled master (tools/make_samples.py) and drift from it the way a real channel does:

- ``amazon_listings.txt``: Amazon's tab-separated All Listings report (GET_MERCHANT_LISTINGS_ALL_DATA). Only
  variants and simple products are listed (parents like JK-RAIN are not). Drift: two changed prices, stock counted
  differently for a simple product and a variant, a listing fulfilled by Amazon (no quantity, a changed price), an
  inactive listing the master sells, a listing of a product the master made inactive, one of a product the master
  no longer has, and products Amazon lacks (HM-URBAN's variants, TR-4001, BT-8002).
- ``bol_offers.csv``: bol.com's offer export CSV. Drift: a changed price, a price below the master's ``Prijs@bol``,
  stock counted differently for a simple product and a variant, an offer bol fulfils (FBB), an offer on hold the
  master sells, an offer of a product the master made inactive, an old offer on hold in condition REASONABLE, an
  offer of a product the master no longer has, and offers bol lacks (GL-WINTER's variants, BT-8002, BT-8004). BT-8003's
  12-digit UPC is offered as its 13-digit EAN.
"""

from __future__ import annotations

import hashlib
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `tools` importable
    sys.path.insert(0, str(ROOT))

from tools.make_samples import check_digit, products, stock_rows  # noqa: E402

EXPORTS = ROOT / "samples" / "exports"
PARENTS = ("JK-RAIN", "HM-URBAN", "GL-WINTER")


def _price(row: dict, *, channel: str | None = None) -> float:
    """The master's price of a row as a number (``€ 19,95`` and ``1.249,00`` included), or its override."""
    override = row.get(f"Prijs@{channel}") if channel else None
    price = override if override not in ("", None) else row["Prijs"]
    if isinstance(price, str):
        price = float(price.replace("€", "").replace(".", "").replace(",", ".").strip() or 0)
    return float(price)


def _stock() -> dict[str, int]:
    """Stock per SKU over every location of the master's stock sheet."""
    out: dict[str, int] = {}
    for sku, _location, quantity in stock_rows():
        if isinstance(quantity, int):
            out[sku] = out.get(sku, 0) + quantity
    return out


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest().upper()


def _listed() -> list[dict]:
    """Variants and simple products: what a marketplace lists (parents are not)."""
    return [row for row in products() if row["Artikelnummer"] not in PARENTS]


# --- Amazon ---------------------------------------------------------------------------------------------------

AMAZON_HEADER = [
    "item-name", "item-description", "listing-id", "seller-sku", "price", "quantity", "open-date", "image-url",
    "item-is-marketplace", "product-id-type", "zshop-shipping-fee", "item-note", "item-condition",
    "zshop-category1", "zshop-browse-path", "zshop-storefront-feature", "asin1", "asin2", "asin3",
    "will-ship-internationally", "expedited-shipping", "zshop-boldface", "product-id", "bid-for-featured-placement",
    "add-delete", "pending-quantity", "fulfillment-channel", "merchant-shipping-group", "status",
]  # fmt: skip
AMAZON_MISSING = {"TR-4001", "BT-8002"}  # and HM-URBAN's variants


def _amazon_row(n: int, sku: str, title: str, price: float, quantity: object, product_id: str, **extra: str) -> list:
    asin = "B0" + _digest("asin " + product_id)[:8]  # two SKUs of one product share its ASIN
    listing_id = f"{(n % 12) + 1:02d}{(n % 28) + 1:02d}Z" + _digest("listing " + sku)[:6]
    values = {
        "item-name": title,
        "listing-id": listing_id,
        "seller-sku": sku,
        "price": f"{price:.2f}",
        "quantity": str(quantity),
        "open-date": f"2025-{(n % 12) + 1:02d}-{(n % 28) + 1:02d} {8 + n % 10:02d}:{(n * 7) % 60:02d}:14 MET",
        "item-is-marketplace": "y",
        "product-id-type": "3" if len(product_id) == 12 else "4",  # 3 UPC, 4 EAN
        "item-condition": "11",  # new
        "asin1": asin,
        "product-id": product_id,
        "pending-quantity": "0",
        "fulfillment-channel": "DEFAULT",
        "merchant-shipping-group": "Migrated Template",
        "status": "Active",
    }
    values.update(extra)
    return [values.get(name, "") for name in AMAZON_HEADER]


def write_amazon(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stock = _stock()
    rows = []
    for n, row in enumerate(_listed()):
        sku = row["Artikelnummer"]
        if sku in AMAZON_MISSING or row.get("Hoofdartikel") == "HM-URBAN" or sku == "BG-7003":
            continue
        price, quantity, extra = _price(row), stock.get(sku, 0), {}
        if sku == "KT-2002":
            price = 22.50
        if sku == "TL-5001":
            price = 26.95
        if sku in ("BR-3001", "JK-RAIN-BLA-M"):
            quantity += 2  # counted differently
        if sku == "PD-9001":  # fulfilled by Amazon: the report shows no quantity
            price, quantity, extra = 31.50, "", {"fulfillment-channel": "AMAZON_EU"}
        if sku == "BT-8001":  # sold out on Amazon and so inactive; the master has stock again
            quantity, extra = 0, {"status": "Inactive"}
        product_id = str(row["EAN"]).rjust(12, "0")
        rows.append(_amazon_row(n, sku, str(row["Titel"]), price, quantity, product_id, **extra))
    old_body = "871000099990"
    rows.append(_amazon_row(99, "OLD-0004", "Velora fietsbel messing", 12.95, 2, old_body + check_digit(old_body)))
    path = folder / "amazon_listings.txt"
    path.write_text("\n".join("\t".join(r) for r in [AMAZON_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


# --- bol.com --------------------------------------------------------------------------------------------------

BOL_HEADER = ["offerId", "ean", "conditionName", "conditionCategory", "conditionComment", "bundlePricesPrice",
              "fulfilmentDeliveryCode", "stockAmount", "onHoldByRetailer", "fulfilmentType", "mutationDateTime",
              "referenceCode"]  # fmt: skip
BOL_CONDITIONS = {"new": ("NEW", "NEW", ""), "refurbished": ("AS_NEW", "SECONDHAND", "Gereviseerd, als nieuw")}


def _bol_row(n: int, ean: str, sku: str, price: float, stock: object, condition: str, **extra: str) -> list[str]:
    name, category, comment = BOL_CONDITIONS.get(condition, ("REASONABLE", "SECONDHAND", "Lichte gebruikssporen"))
    values = {
        "offerId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://offers.example/{ean}/{name}")),
        "ean": ean,
        "conditionName": name,
        "conditionCategory": category,
        "conditionComment": comment,
        "bundlePricesPrice": f"{price:.2f}",
        "fulfilmentDeliveryCode": "1-2d",
        "stockAmount": str(stock),
        "onHoldByRetailer": "false",
        "fulfilmentType": "FBR",
        "mutationDateTime": f"2026-11-{(n % 19) + 1:02d} {7 + n % 12:02d}:{(n * 13) % 60:02d}:03.{n % 90 + 10} UTC",
        "referenceCode": sku,
    }
    values.update(extra)
    return [values[name] for name in BOL_HEADER]


def write_bol(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stock = _stock()
    rows = []
    for n, row in enumerate(_listed()):
        sku = row["Artikelnummer"]
        if row.get("Hoofdartikel") == "GL-WINTER" or sku in ("BT-8002", "BT-8004"):
            continue
        ean = str(row["EAN"]).rjust(13, "0")
        price, quantity, extra = _price(row, channel="bol"), stock.get(sku, 0), {}
        if sku == "KT-2001":
            price = 8.49
        if sku == "VL-1003":
            price = 49.00  # the master's price, not its Prijs@bol
        if sku in ("TL-5003", "JK-RAIN-ZWA-L"):
            quantity = quantity - 6 if sku == "TL-5003" else quantity + 1
        if sku == "BG-7001":  # fulfilled by bol: bol's own stock count
            quantity, extra = 37, {"fulfilmentType": "FBB", "fulfilmentDeliveryCode": "24uurs-23"}
        if sku in ("LK-6002", "BG-7003"):
            extra = {"onHoldByRetailer": "true"}
        rows.append(_bol_row(n, ean, sku, price, quantity, str(row["Conditie"]), **extra))
    old_body = "871000099991"
    rows.append(_bol_row(99, old_body + check_digit(old_body), "OLD-0005", 6.95, 3, "new"))
    path = folder / "bol_offers.csv"
    path.write_text("\n".join(",".join(_csv_cell(c) for c in r) for r in [BOL_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n') else value


def main() -> None:
    for path in (write_amazon(EXPORTS), write_bol(EXPORTS)):
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
