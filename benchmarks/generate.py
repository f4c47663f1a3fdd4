"""Seeded synthetic catalogues for the benchmarks (written to benchmarks/data/, which git ignores).

    python benchmarks/generate.py --skus 1000000            # master.csv (~480 MB) + channels.yaml
    python benchmarks/generate.py --skus 100000 --format xlsx
    python benchmarks/generate.py --skus 1000000 --export   # also export.csv: 5% prices, 10% stock differ

Vectorised with numpy, so a million rows take seconds. GTINs are valid GTIN-13s (unique, right check digit, some
with a leading zero); about 30% of the products are variants under a parent.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
COLUMNS = [
    "sku",
    "title",
    "description",
    "brand",
    "gtin",
    "mpn",
    "price",
    "sale_price",
    "currency",
    "quantity",
    "condition",
    "image_url",
    "additional_image_urls",
    "product_url",
    "category",
    "weight",
    "parent_sku",
    "color",
    "size",
    "status",
]
WORDS = np.array(
    [
        "sturdy", "light", "steel", "cotton", "waterproof", "compact", "classic", "premium", "recycled",
        "handmade", "adjustable", "foldable", "reflective", "ergonomic", "durable", "soft", "warm",
        "breathable", "modern", "vintage",
    ]
)  # fmt: skip
CATEGORIES = np.array(
    ["Bikes > Parts > Lights", "Bikes > Parts > Brakes", "Outdoor > Bags", "Clothing > Jackets", "Home > Kitchen"]
)
COLOURS = np.array(["black", "blue", "red", "green", "grey"])
SIZES = np.array(["S", "M", "L", "XL"])


def gtin13(numbers: np.ndarray) -> pd.Series:
    """Valid, unique GTIN-13s built from distinct 12-digit bodies."""
    bodies = pd.Series(numbers).astype(str).str.zfill(12)
    digits = np.frombuffer("".join(bodies).encode(), dtype=np.uint8).reshape(-1, 12).astype(np.int64) - 48
    weights = np.array([1, 3] * 6)
    check = (10 - (digits @ weights) % 10) % 10
    return bodies + pd.Series(check).astype(str)


def catalogue(n: int, seed: int, descriptions: bool, variants: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = pd.Series(np.arange(n)).astype(str).str.zfill(7)
    sku = "SKU-" + ids
    is_variant = rng.random(n) < (0.3 if variants else 0.0)
    parent_index = np.maximum(np.arange(n) - rng.integers(1, 4, n), 0)
    parent = pd.Series(np.where(is_variant, sku.to_numpy()[parent_index], ""))
    is_variant &= parent.ne(sku).to_numpy()
    parent = parent.where(is_variant, "")
    # Distinct 12-digit bodies (100003 and 7919 are coprime with the moduli). Nine in ten start with 5-7, one in ten
    # with "01" (a leading zero); none with a prefix Google refuses (2, 02, 04, 05, 99, 981-984).
    rows = np.arange(n, dtype=np.int64)
    bodies = (rows * 100003 + int(rng.integers(0, 10**6))) % (3 * 10**11) + 5 * 10**11
    bodies = np.where(rows % 10 == 0, 10**10 + (rows * 7919) % (8 * 10**9), bodies)
    gtin = gtin13(bodies)
    price_cents = rng.integers(199, 99999, n)
    sale = np.where(rng.random(n) < 0.1, (price_cents * 0.8).astype(np.int64), 0)
    words = WORDS[rng.integers(0, len(WORDS), (n, 3))]
    title = pd.Series(words[:, 0]) + " " + pd.Series(words[:, 1]) + " product " + ids
    if descriptions:
        pool = pd.Series(
            [" ".join(rng.choice(WORDS, 30)) + "." for _ in range(2000)],
        )
        description = pool.sample(n, replace=True, random_state=seed).reset_index(drop=True)
    else:
        description = pd.Series([""] * n)
    money = pd.Series(price_cents).map(lambda c: f"{c // 100}.{c % 100:02d}")
    frame = pd.DataFrame(
        {
            "sku": sku,
            "title": title,
            "description": description,
            "brand": "Brand " + pd.Series(rng.integers(1, 200, n)).astype(str),
            "gtin": gtin,
            "mpn": "MPN-" + ids,
            "price": money,
            "sale_price": pd.Series(sale).map(lambda c: f"{c // 100}.{c % 100:02d}" if c else ""),
            "currency": "EUR",
            "quantity": pd.Series(rng.integers(0, 500, n)).astype(str),
            "condition": np.where(rng.random(n) < 0.97, "new", "refurbished"),
            "image_url": "https://cdn.example.com/img/" + sku + ".jpg",
            "additional_image_urls": np.where(rng.random(n) < 0.2, "https://cdn.example.com/img/" + sku + "-2.jpg", ""),
            "product_url": "https://shop.example.com/p/" + sku.str.lower(),
            "category": CATEGORIES[rng.integers(0, len(CATEGORIES), n)],
            "weight": (pd.Series(rng.integers(50, 5000, n)) / 1000).astype(str),
            "parent_sku": parent,
            "color": np.where(is_variant, COLOURS[rng.integers(0, len(COLOURS), n)], ""),
            "size": np.where(is_variant, SIZES[rng.integers(0, len(SIZES), n)], ""),
            "status": np.where(rng.random(n) < 0.95, "active", "inactive"),
        }
    )
    return frame[COLUMNS]


def export_of(master: pd.DataFrame, seed: int) -> pd.DataFrame:
    """A channel export of the same SKUs: 5% of prices and 10% of quantities differ."""
    rng = np.random.default_rng(seed + 1)
    n = len(master)
    price = master["price"].copy()
    moved = rng.random(n) < 0.05
    price[moved] = (pd.to_numeric(price[moved]) + 1).map(lambda v: f"{v:.2f}")
    quantity = master["quantity"].copy()
    recount = rng.random(n) < 0.10
    quantity[recount] = (pd.to_numeric(quantity[recount]) + 3).astype(str)
    return pd.DataFrame({"sku": master["sku"], "price": price, "quantity": quantity})


def write(n: int, seed: int, out: Path, fmt: str, descriptions: bool, export: bool, variants: bool = True) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    frame = catalogue(n, seed, descriptions, variants)
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("products")
        sheet.append(COLUMNS)
        for row in frame.itertuples(index=False):
            sheet.append(list(row))
        path = out / "master.xlsx"
        book.save(path)
    else:
        path = out / "master.csv"
        frame.to_csv(path, index=False)
    channels = ""
    if export:
        export_of(frame, seed).to_csv(out / "export.csv", index=False)
        channels = (
            "\n  pos:\n    adapter: csv\n    export: export.csv\n    feed: feed.csv\n"
            "    columns: {sku: sku, price: price, quantity: quantity}\n    filter: {status: any}\n"
        )
    (out / "channels.yaml").write_text(
        f"version: 1\nmaster:\n  file: {path.name}\n  currency: EUR\nchannels:{channels or ' {}'}\n",
        encoding="utf-8",
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skus", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--out", type=Path, default=HERE / "data")
    parser.add_argument("--no-descriptions", dest="descriptions", action="store_false")
    parser.add_argument("--export", action="store_true", help="also write export.csv for the diff benchmark")
    parser.add_argument("--no-variants", dest="variants", action="store_false", help="only simple products")
    args = parser.parse_args()
    path = write(args.skus, args.seed, args.out, args.format, args.descriptions, args.export, args.variants)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
