"""Write the bundled sample files under samples/ (deterministic: run it again and the data is the same).

    python tools/make_samples.py

samples/master.xlsx is a small Dutch bicycle-parts and outdoor shop: a products sheet with title rows above
a Dutch header, simple products and variable products with variants, and a stock sheet over two locations. It
validates with exactly three deliberate warnings (an over-long title, a GTIN whose leading zero a spreadsheet
dropped, a stock row for an unknown SKU). samples/broken/ holds small broken masters the tests read, and
samples/exports/ the channels' current state, drifting from the master.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
if str(ROOT) not in sys.path:  # run as a script: make `tools` importable
    sys.path.insert(0, str(ROOT))

HEADERS = [
    "Artikelnummer",
    "Titel",
    "Omschrijving",
    "Merk",
    "EAN",
    "MPN",
    "Prijs",
    "Actieprijs",
    "Valuta",
    "Conditie",
    "Afbeelding",
    "Extra afbeeldingen",
    "Productlink",
    "Categorie",
    "Gewicht",
    "Hoofdartikel",
    "Kleur",
    "Maat",
    "Status",
    "Prijs@bol",
]
IMG = "https://cdn.example.com/img/"
URL = "https://www.example-fietsshop.nl/p/"


def check_digit(body: str) -> str:
    padded = body.rjust(13, "0")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(padded))
    return str((10 - total % 10) % 10)


def ean(n: int, prefix: str = "871") -> str:
    body = f"{prefix}{n:09d}"
    return body + check_digit(body)


def simple(sku: str, title: str, brand: str, price: object, category: str, n: int, **extra: object) -> dict:
    row = {
        "Artikelnummer": sku,
        "Titel": title,
        "Omschrijving": f"{title}. Geleverd door {brand}; twee jaar garantie.",
        "Merk": brand,
        "EAN": ean(n),
        "MPN": f"{brand[:3].upper()}-{n:04d}",
        "Prijs": price,
        "Valuta": "EUR",
        "Conditie": "new",
        "Afbeelding": f"{IMG}{sku.lower()}.jpg",
        "Productlink": URL + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
        "Categorie": category,
        "Gewicht": "0.45",
        "Status": "active",
    }
    row.update(extra)
    return row


def products() -> list[dict]:
    rows = [
        simple("VL-1001", "Velora LED koplamp 70 lux", "Velora", 34.95, "Fietsonderdelen > Verlichting", 1001),
        simple(
            "VL-1002",
            "Velora LED achterlicht remlichtfunctie",
            "Velora",
            "€ 19,95",
            "Fietsonderdelen > Verlichting",
            1002,
            Actieprijs=17.5,
        ),
        simple(
            "VL-1003",
            "Velora verlichtingsset USB oplaadbaar",
            "Velora",
            49.0,
            "Fietsonderdelen > Verlichting",
            1003,
            **{"Prijs@bol": 51.99},
        ),
        simple("KT-2001", "Kettingolie droog 100 ml", "Smeerwerk", 7.95, "Onderhoud > Smeermiddelen", 2001),
        simple("KT-2002", "Kettingreiniger met borstels", "Smeerwerk", 24.5, "Onderhoud > Reinigen", 2002),
        simple(
            "KT-2003",
            "Ontvetter spray 500 ml",
            "Smeerwerk",
            11.95,
            "Onderhoud > Reinigen",
            2003,
            Conditie="refurbished",
        ),
        simple(
            "BR-3001", "Remblokken schijfrem organisch (paar)", "Stopmeister", 14.95, "Fietsonderdelen > Remmen", 3001
        ),
        simple("BR-3002", "Remschijf 160 mm zes gaten", "Stopmeister", 29.95, "Fietsonderdelen > Remmen", 3002),
        simple("BR-3003", "Remkabelset binnen en buiten", "Stopmeister", 9.95, "Fietsonderdelen > Remmen", 3003),
        simple(
            "TR-4001",
            "Buitenband 28 inch anti-lek reflectie",
            "Rolwel",
            "1.249,00",
            "Fietsonderdelen > Banden",
            4001,
            Titel="Buitenband 28 inch anti-lek reflectie (set van 25 voor werkplaatsen)",
        ),
        simple("TR-4002", "Binnenband 28 inch Dunlop-ventiel", "Rolwel", 6.5, "Fietsonderdelen > Banden", 4002),
        simple("TR-4003", "Bandenlichters kunststof (3 stuks)", "Rolwel", 3.95, "Gereedschap", 4003),
        simple("TL-5001", "Multitool 16 functies", "Sleutelaar", 27.95, "Gereedschap", 5001, Actieprijs=24.95),
        simple(
            "TL-5002",
            "Staande fietspomp met manometer",
            "Sleutelaar",
            39.95,
            "Gereedschap",
            5002,
            **{"Prijs@bol": 42.5},
        ),
        simple("TL-5003", "Minipomp frame-bevestiging", "Sleutelaar", 18.95, "Gereedschap", 5003),
        simple("LK-6001", "Kettingslot 110 cm ART-2", "Slotvast", 54.95, "Sloten", 6001),
        simple("LK-6002", "Vouwslot 85 cm met houder", "Slotvast", 79.0, "Sloten", 6002),
        simple("LK-6003", "Ringslot met insteekketting", "Slotvast", 44.95, "Sloten", 6003, Status="inactive"),
        simple("BG-7001", "Dubbele fietstas 46 liter waterdicht", "Tasman", 89.95, "Tassen", 7001),
        simple("BG-7002", "Stuurtas 7 liter klikbevestiging", "Tasman", 49.95, "Tassen", 7002),
        simple("BG-7003", "Zadeltas klein", "Tasman", 14.95, "Tassen", 7003, Conditie="used", Status="inactive"),
        simple("BT-8001", "Bidon 750 ml BPA-vrij", "Drinkfles", 8.95, "Accessoires", 8001),
        simple("BT-8002", "Bidonhouder aluminium", "Drinkfles", 9.95, "Accessoires", 8002),
        simple("PD-9001", "Platte pedalen aluminium", "Trapkracht", 32.5, "Fietsonderdelen > Pedalen", 9001),
        simple(
            "PD-9002",
            "Klikpedalen SPD-compatibel",
            "Trapkracht",
            59.95,
            "Fietsonderdelen > Pedalen",
            9002,
            Omschrijving="Klikpedalen, compatibel met SPD-plaatjes.\nInclusief plaatjes en bouten.",
        ),
    ]
    long_title = (
        "Velora Pro dynamo-koplamp 100 lux met dagrijlicht, automatische sensor, standlicht, reflector volgens "
        "StVZO en universele bevestiging voor vork en stuur"
    )
    rows.append(simple("VL-1004", long_title, "Velora", 69.95, "Fietsonderdelen > Verlichting", 1004))
    upc_body = "03600029145"
    upc = upc_body + check_digit(upc_body)  # 12 digits with a leading zero
    rows.append(simple("BT-8003", "Bidon thermo 500 ml", "Drinkfles", 17.95, "Accessoires", 8003, EAN=upc))
    squeeze_body = "03600029146"
    squeeze = squeeze_body + check_digit(squeeze_body)
    rows.append(
        simple(
            "BT-8004", "Bidon knijpfles 600 ml", "Drinkfles", 5.95, "Accessoires", 8004, EAN=int(squeeze.lstrip("0"))
        )
    )  # a numeric cell: a spreadsheet dropped the zero
    rows.append(
        simple("PD-9003", "Pedaalsleutel 15 mm", "Sleutelaar", 12.95, "Gereedschap", 9003, EAN=int(ean(9003)))
    )  # a numeric cell holding a valid 13-digit GTIN
    for parent, title, brand, price, category, n, colours, sizes in (
        (
            "JK-RAIN",
            "Regenjas Tasman Storm",
            "Tasman",
            99.95,
            "Kleding > Regenkleding",
            100,
            ("zwart", "blauw"),
            ("S", "M", "L"),
        ),
        ("HM-URBAN", "Fietshelm Urban MIPS", "Koppel", 74.95, "Kleding > Helmen", 200, ("grijs",), ("S/M", "L/XL")),
        (
            "GL-WINTER",
            "Winterhandschoenen Thermo",
            "Tasman",
            29.95,
            "Kleding > Handschoenen",
            300,
            ("zwart",),
            ("S", "M", "L", "XL"),
        ),
    ):
        rows.append(simple(parent, title, brand, "", category, n, EAN="", MPN="", Gewicht=""))
        k = 0
        for colour in colours:
            for size in sizes:
                k += 1
                code = f"{parent}-{colour[:3].upper()}-{size.replace('/', '')}"
                rows.append(
                    simple(
                        code,
                        f"{title} {colour} {size}",
                        brand,
                        price,
                        category,
                        n * 10 + k + 20000,  # variants have EANs of their own
                        Hoofdartikel=parent,
                        Kleur=colour,
                        Maat=size,
                        Afbeelding=f"{IMG}{parent.lower()}-{colour}.jpg",
                    )
                )
    return rows


def stock_rows() -> list[tuple[str, str, object]]:
    """The stock sheet: warehouse and (for two in three products) store; parents hold none."""
    rows = products()
    parents = {r["Hoofdartikel"] for r in rows if r.get("Hoofdartikel")}
    out: list[tuple[str, str, object]] = []
    for i, row in enumerate(rows):
        sku = row["Artikelnummer"]
        if sku in parents:
            continue
        out.append((sku, "warehouse", (i * 7) % 23))
        if i % 3:
            out.append((sku, "store", i % 5))
    out.append(("XX-9999", "warehouse", 4))  # a SKU that is not in the products sheet
    return out


def write_master(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "products"
    sheet.append(["Productoverzicht fietsonderdelen en buitensport"])
    sheet.append(["Bijgewerkt: 2026-11-20"])
    sheet.append([])
    sheet.append(HEADERS)
    rows = products()
    formula_row = None
    for row in rows:
        values = [row.get(h, "") for h in HEADERS]
        sheet.append(values)
        if row["Artikelnummer"] == "TL-5003":
            formula_row = sheet.max_row
    assert formula_row is not None
    price_col, sale_col = "G", "H"
    sheet[f"{sale_col}{formula_row}"] = f"=ROUND({price_col}{formula_row}*0.9,2)"  # a formula with a cached value
    for cell in sheet["E"]:
        if isinstance(cell.value, str):
            cell.number_format = "@"
    stock = book.create_sheet("stock")
    stock.append(["sku", "location", "quantity"])
    for record in stock_rows():
        stock.append(list(record))
    buffer = io.BytesIO()
    book.save(buffer)
    cached = round(18.95 * 0.9, 2)
    path.write_bytes(_with_cached_value(buffer.getvalue(), f"{sale_col}{formula_row}", cached))


def _with_cached_value(xlsx: bytes, cell: str, value: float) -> bytes:
    """openpyxl writes formulas without a cached value; add one as Excel would after a recalculation."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                pattern = re.compile(rf'(<c r="{cell}"[^>]*>)<f>([^<]*)</f>(<v\s*/>|<v></v>)?')
                text, count = pattern.subn(rf"\1<f>\2</f><v>{value}</v>", text)
                assert count == 1, "formula cell not found"
                data = text.encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def write_broken(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {
        "duplicate-sku.csv": (
            "sku,title,price\nAB-1,Mok,12.50\nAB-2,Beker,8.00\nAB-1,Mok groot,14.00\nAB-3\u00a0,Schaal,9.95\n"
            "AB-3,Schaal klein,7.95\n"
        ).encode(),
        "bad-gtins.csv": (
            b"sku,title,price,gtin\nG-1,Goed,1.00,8712345678906\nG-2,Controlecijfer,1.00,8712345678900\n"
            b"G-3,Wetenschappelijk,1.00,8.71234E+12\nG-4,Kort,1.00,12345\nG-5,Letters,1.00,87123456789AB\n"
            b"G-6,Nul kwijt,1.00,36000291452\nG-7,Nullen,1.00,0000000000000\n"
        ),
        "bad-prices.csv": (
            'sku,title,price,sale_price\nP-1,Komma,"12,50",\nP-2,Duizend,"1.234,56",\nP-3,Euro,"€ 12,50",\n'
            'P-4,Dubbelzinnig,"1,234",\nP-5,Tekst,abc,\nP-6,Negatief,-5,\nP-7,Actie,10.00,12.00\n'
        ).encode(),
        "semicolon-cp1252.csv": (
            "Artikelnummer;Titel;Prijs;Voorraad\r\nC-1;Café-mok;12,50;4\r\nC-2;Crème fraîche schaal € 5;5,00;0\r\n"
        ).encode("cp1252"),
        "utf16.tsv": codecs.BOM_UTF16_LE + "sku\ttitle\tprice\nU-1\tÜber-lamp\t19.95\n".encode("utf-16-le"),
        "title-rows.csv": b"Prijslijst najaar\n\nsku,title,price\nT-1,Lamp,10.00\nT-2,Bel,4.50\n",
        "header-only.csv": b"sku,title,price\n",
        "empty.csv": b"",
        "not-really.xlsx": b"sku,title,price\r\nN-1,Lamp,10.00\r\n",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    real = io.BytesIO()
    book = Workbook()
    assert book.active is not None
    book.active.append(["sku", "title", "price"])
    book.save(real)
    (folder / "truncated.xlsx").write_bytes(real.getvalue()[:300])


def write_exports(folder: Path) -> None:
    """The POS's export: prices and stock that drifted, a product the POS lacks, one it still sells."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["ItemCode,Description,OnHand,RetailPrice"]
    for i, row in enumerate(products()):
        sku = row["Artikelnummer"]
        if sku in ("JK-RAIN", "HM-URBAN", "GL-WINTER") or sku == "BT-8002":
            continue  # parents are not sold at the till; BT-8002 is new in the master
        quantity = i % 5 if i % 3 else 0  # the till counts the store only
        price = row["Prijs"]
        if isinstance(price, str):
            price = float(price.replace("€", "").replace(".", "").replace(",", ".").strip() or 0)
        if sku == "KT-2001":
            price = 6.95  # the till still has last year's price
        if sku in ("BR-3001", "TL-5001"):
            quantity += 3  # stock counted differently
        title = str(row["Titel"]).replace(",", " ")
        lines.append(f"{sku},{title},{quantity},{price:.2f}")
    lines.append("OLD-0001,Oud artikel uit het assortiment,2,4.95")
    (folder / "pos.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


PARENTS = ("JK-RAIN", "HM-URBAN", "GL-WINTER")


def _price(row: dict) -> float:
    price = row["Prijs"]
    if isinstance(price, str):
        price = float(price.replace("€", "").replace(".", "").replace(",", ".").strip() or 0)
    return float(price)


def _stock() -> dict[str, dict[str, int]]:
    """The master's stock sheet as {sku: {location: quantity}} (good rows only)."""
    out: dict[str, dict[str, int]] = {}
    for sku, location, quantity in stock_rows():
        if isinstance(quantity, int):
            out.setdefault(sku, {})[location] = quantity
    return out


def _csv(path: Path, header: list[str], rows: list[list[object]], *, bom: bool = False, lead: str = "") -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    path.write_bytes(lead.encode() + (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))


def write_shopify(folder: Path) -> None:
    """Shopify's export in the current (2024+) header dialect, from a multi-location store: no inventory column
    in the product file, stock in the inventory file. Drift: a changed price, a barcode a spreadsheet mangled, a
    product on sale in Shopify only, an archived product the master sells, a product Shopify lacks (GL-WINTER and
    its variants), one it still sells that the master dropped, and an extra metafield column."""
    header = ["Title", "URL handle", "Description", "Vendor", "Product category", "Type", "Tags",
              "Published on online store", "Status", "SKU", "Barcode", "Option1 name", "Option1 value",
              "Option2 name", "Option2 value", "Option3 name", "Option3 value", "Price", "Compare-at price",
              "Product image URL", "Image position", "Variant image URL", "Gift card",
              "Colour (product.metafields.shopify.color-pattern)"]  # fmt: skip
    rows: list[list[object]] = []
    inventory: list[list[object]] = []
    stock = _stock()
    by_sku = {r["Artikelnummer"]: r for r in products()}
    for row in products():
        sku = row["Artikelnummer"]
        parent = row.get("Hoofdartikel", "")
        if sku in PARENTS or parent == "GL-WINTER" or sku in ("LK-6003", "BG-7003"):
            continue
        product = by_sku[parent] if parent else row
        handle = "regenjas-storm" if parent == "JK-RAIN" else re.sub(r"[^a-z0-9]+", "-", (parent or sku).lower())
        first = not parent or not any(r[1] == handle for r in rows)
        price, compare = _price(row), 0.0
        sale = row.get("Actieprijs")
        if sale not in ("", None):
            price, compare = float(str(sale)) if not str(sale).startswith("=") else round(_price(row) * 0.9, 2), price
        barcode = str(row["EAN"])
        status = "active"
        if sku == "KT-2002":
            price = 22.50
        if sku == "VL-1002":
            price, compare = 17.50, 0.0  # the master's sale price, but Shopify lost the compare-at price
        if sku == "TL-5002":
            price, compare = 35.00, 39.95  # on sale in Shopify only
        if sku == "PD-9001":
            barcode = "8.71E+12"
        if sku == "BG-7001":
            status = "archived"
        option = ("Kleur", row.get("Kleur", ""), "Maat", row.get("Maat", ""))
        if not parent:
            option = ("Title", "Default Title", "", "")
        rows.append(
            [product["Titel"] if first else "", handle, product["Omschrijving"] if first else "",
             product["Merk"] if first else "", "", product["Categorie"] if first else "", "",
             "TRUE" if first else "", status if first else "", sku, barcode, option[0] if first else "", option[1],
             option[2] if first else "", option[3], "", "", f"{price:.2f}", f"{compare:.2f}" if compare else "",
             product["Afbeelding"] if first else "", 1 if first else "", row["Afbeelding"] if parent else "",
             "FALSE" if first else "", "black" if first and parent else ""]
        )  # fmt: skip
        on_hand = stock.get(sku, {}).get("warehouse")
        if sku == "VL-1003":
            on_hand = 9  # sold online, not yet counted in the master
        if on_hand is not None:
            inventory.append([handle, product["Titel"], sku, on_hand])
    rows.append(["Oude bel", "oude-bel", "Een bel die het assortiment verliet.", "Velora", "", "Accessoires", "",
                 "TRUE", "active", "OLD-0002", "", "Title", "Default Title", "", "", "", "", "4.95", "", "", "", "",
                 "FALSE", ""])  # fmt: skip
    inventory.append(["oude-bel", "Oude bel", "OLD-0002", 3])
    _csv(folder / "shopify_products.csv", header, rows)
    inventory_header = ["Handle", "Title", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value",
                        "Option3 Name", "Option3 Value", "SKU", "HS Code", "COO", "Location", "Bin name",
                        "Incoming (not editable)", "Unavailable (not editable)", "Committed (not editable)",
                        "Available (not editable)", "On hand (current)", "On hand (new)"]  # fmt: skip
    _csv(
        folder / "shopify_inventory.csv",
        inventory_header,
        [[h, t, "", "", "", "", "", "", sku, "", "", "Magazijn", "", 0, 0, 0, n, n, ""] for h, t, sku, n in inventory],
    )


#: WooCommerce's export headers as a Dutch-language site writes them (mapped back in channels.example.yaml).
WOO_DUTCH = {
    "ID": "ID", "Type": "Type", "SKU": "Artikelnummer", "GTIN, UPC, EAN, or ISBN": "GTIN, UPC, EAN of ISBN",
    "Name": "Naam", "Published": "Gepubliceerd", "Description": "Beschrijving", "In stock?": "Op voorraad?",
    "Stock": "Voorraad", "Sale price": "Actieprijs", "Regular price": "Reguliere prijs",
    "Categories": "Categorieën", "Images": "Afbeeldingen", "Parent": "Hoofdproduct",
    "Attribute 1 name": "Eigenschap 1 naam", "Attribute 1 value(s)": "Eigenschap 1 waarde(n)",
    "Attribute 2 name": "Eigenschap 2 naam", "Attribute 2 value(s)": "Eigenschap 2 waarde(n)",
    "Meta: _yoast_wpseo_title": "Meta: _yoast_wpseo_title",
}  # fmt: skip


def write_woocommerce(folder: Path) -> None:
    """A Dutch-language WooCommerce export: translated headers, a byte-order mark after a stray space, ``\\n`` in
    descriptions, a variable product with its variations. Drift: stock counted differently, a sale price the master
    dropped, a private product the master sells, HM-URBAN and its variants missing, an old product still listed."""
    header = list(WOO_DUTCH.values())
    rows: list[list[object]] = []
    stock = _stock()
    ids = iter(range(101, 1000))
    for row in products():
        sku = row["Artikelnummer"]
        parent = row.get("Hoofdartikel", "")
        if sku == "HM-URBAN" or parent == "HM-URBAN" or sku in ("LK-6003", "BG-7003"):
            continue
        is_parent = sku in PARENTS
        kind = "variable" if is_parent else ("variation" if parent else "simple")
        quantity: object = "" if is_parent else sum(stock.get(sku, {}).values())
        price = "" if is_parent else f"{_price(row):.2f}"
        sale = row.get("Actieprijs", "")
        sale = f"{float(sale):.2f}" if sale not in ("", None) else ""
        published = 1
        if sku == "BR-3002":
            quantity = 3
        if sku == "LK-6001":
            sale = "49.95"
        if sku == "BT-8001":
            published = 0
        colours = sorted({r.get("Kleur", "") for r in products() if r.get("Hoofdartikel") == sku})
        sizes = list(dict.fromkeys(r.get("Maat", "") for r in products() if r.get("Hoofdartikel") == sku))
        attr = ["Kleur", row.get("Kleur", ""), "Maat", row.get("Maat", "")] if parent else ["", "", "", ""]
        if is_parent:
            attr = ["Kleur", ", ".join(colours), "Maat", ", ".join(sizes)]
        images = row["Afbeelding"] + (", " + str(row["Extra afbeeldingen"]) if row.get("Extra afbeeldingen") else "")
        rows.append(
            [next(ids), kind, sku, row["EAN"], row["Titel"], published,
             str(row["Omschrijving"]).replace("\n", "\\n"),
             "" if is_parent else (1 if quantity else 0), quantity, sale, price, "" if parent else row["Categorie"],
             images, parent, *attr, ""]
        )  # fmt: skip
    rows.append([999, "simple", "OLD-0003", "", "Oude pomp", 1, "", 1, 4, "", "12.50", "Gereedschap", "", "", "",
                 "", "", "", ""])  # fmt: skip
    _csv(folder / "woocommerce.csv", header, rows, bom=True, lead=" ")


def _catalogue_items() -> list[dict[str, str]]:
    """What a catalogue holds for each sellable master product, before drift (Google's attribute names)."""
    stock = _stock()
    items = []
    for row in products():
        sku = row["Artikelnummer"]
        if sku in PARENTS or row["Status"] != "active":
            continue
        on_hand = sum(stock.get(sku, {}).values())
        sale = row.get("Actieprijs")
        items.append(
            {
                "id": sku,
                "title": str(row["Titel"]),
                "description": str(row["Omschrijving"]),
                "link": str(row["Productlink"]),
                "image_link": str(row["Afbeelding"]),
                "availability": "in_stock" if on_hand > 0 else "out_of_stock",
                "price": f"{_price(row):.2f} EUR",
                "sale_price": f"{float(sale):.2f} EUR" if isinstance(sale, (int, float)) else "",
                "brand": str(row["Merk"]),
                "gtin": str(row["EAN"]).rjust(12, "0"),
                "mpn": str(row["MPN"]),
                "condition": str(row["Conditie"]),
                "item_group_id": str(row.get("Hoofdartikel", "")),
                "color": str(row.get("Kleur", "")),
                "size": str(row.get("Maat", "")),
                "product_type": str(row["Categorie"]),
                "quantity_to_sell_on_facebook": str(on_hand),
            }
        )
    return items


def write_google(folder: Path) -> None:
    """The feed Google fetched last: RSS 2.0 with the legacy spellings still common in the wild ("in stock",
    "New"), a title escaped twice by the old feed plugin, a price and an availability that drifted, the
    GL-WINTER variants missing and a product the master dropped."""
    from xml.sax.saxutils import escape

    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">', "<channel>",
             "<title>Fietsshop</title>", "<link>https://www.example-fietsshop.nl/</link>",
             "<description>Productfeed</description>"]  # fmt: skip
    items = [i for i in _catalogue_items() if i["item_group_id"] != "GL-WINTER"]
    items.append({**items[0], "id": "OLD-0004", "title": "Oude snelbinder", "gtin": "", "mpn": "", "item_group_id": ""})
    for item in items:
        item = dict(item)
        item["availability"] = item["availability"].replace("_", " ")
        if item["id"] == "KT-2001":
            item["condition"] = "New"
        if item["id"] == "BR-3003":
            item["price"] = "8.95 EUR"
        if item["id"] == "VL-1001":
            item["availability"] = "in stock"  # sold out since
        if item["id"] == "BG-7002":
            item["title"] = item["title"] + " &amp; regenhoes"  # written escaped twice: reads as "&amp;"
        lines.append("<item>")
        for name, value in item.items():
            if value and name != "quantity_to_sell_on_facebook":
                text = value if item["id"] == "BG-7002" and name == "title" else escape(value)
                lines.append(f"  <g:{name}>{text}</g:{name}>")
        lines.append("</item>")
    lines += ["</channel>", "</rss>", ""]
    (folder / "google.xml").write_text("\n".join(lines), encoding="utf-8")


def write_meta(folder: Path) -> None:
    """Meta's catalogue CSV: availability with a space, stock in quantity_to_sell_on_facebook, a JSON-path column.
    Drift: stock and a sale price, a product the master dropped; the HM-URBAN variants are missing."""
    words = {"in_stock": "in stock", "out_of_stock": "out of stock"}
    header = ["id", "title", "description", "availability", "condition", "price", "sale_price", "link",
              "image_link", "brand", "gtin", "mpn", "item_group_id", "color", "size", "product_type",
              "quantity_to_sell_on_facebook", "product_tags[0]"]  # fmt: skip
    rows = []
    for item in _catalogue_items():
        if item["item_group_id"] == "HM-URBAN":
            continue
        held = max(int(item["quantity_to_sell_on_facebook"]) - 1, 0)  # the channel's stock buffer of one
        availability = words["in_stock" if held else "out_of_stock"]
        item = {**item, "quantity_to_sell_on_facebook": str(held), "availability": availability}
        item["product_tags[0]"] = "fiets"
        if item["id"] == "TR-4002":
            item["quantity_to_sell_on_facebook"] = "40"
            item["availability"] = "in stock"
        if item["id"] == "TL-5001":
            item["sale_price"] = ""
        rows.append([item[h] for h in header])
    rows.append(["OLD-0005", "Oude lamp", "Niet meer leverbaar.", "in stock", "new", "9.95 EUR", "",
                 "https://www.example-fietsshop.nl/p/oude-lamp", "https://cdn.example.com/img/old.jpg", "Velora",
                 "", "VEL-0005", "", "", "", "Accessoires", "3", ""])  # fmt: skip
    _csv(folder / "meta.csv", header, rows)


def main() -> None:
    SAMPLES.mkdir(exist_ok=True)
    write_master(SAMPLES / "master.xlsx")
    write_broken(SAMPLES / "broken")
    write_exports(SAMPLES / "exports")
    write_shopify(SAMPLES / "exports")
    write_woocommerce(SAMPLES / "exports")
    write_google(SAMPLES / "exports")
    write_meta(SAMPLES / "exports")
    from tools.marketplace_exports import write_amazon, write_bol

    write_amazon(SAMPLES / "exports")
    write_bol(SAMPLES / "exports")
    print(f"wrote samples under {SAMPLES}")


if __name__ == "__main__":
    main()
