"""``chansync diff`` of a large master against a channel export (5% prices and 10% stock changed), in one run,
against a bare pandas script doing a keyed outer merge of the two files, and against ``csv-diff --key=sku``.

    python benchmarks/bench_diff.py                  # 1,000,000 SKUs, 3 rounds (csv-diff once)
    pip install csv-diff                             # for the csv-diff comparison (skipped when absent)

Goals: chansync at most 2x the bare pandas script, and faster than csv-diff even when csv-diff is handed only the
sku, price and quantity columns. ``chansync diff`` is timed with its default output (the summary, like the bare
script's count); ``--format json``, which also serialises every changed item, is timed beside it.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd
from harness import arguments, chansync_command, dataset, measure, table

BARE = """
import pandas as pd
master = pd.read_csv({master!r}, dtype=str, engine="pyarrow")
export = pd.read_csv({export!r}, dtype=str, engine="pyarrow")
merged = master[["sku", "price", "quantity"]].merge(export, on="sku", how="outer", suffixes=("", "_channel"),
                                                    indicator=True)
price = pd.to_numeric(merged["price"]) != pd.to_numeric(merged["price_channel"])
quantity = pd.to_numeric(merged["quantity"]) != pd.to_numeric(merged["quantity_channel"])
changed = merged[(merged["_merge"] != "both") | price | quantity]
print(len(changed))
"""


def main() -> None:
    args = arguments(__doc__, "--skus", 1_000_000)
    args.skus = args.size
    folder = dataset("diff", args.skus, fmt="csv", export=True, regenerate=args.regenerate)
    master, export = folder / "master.csv", folder / "export.csv"
    narrow = folder / "master-narrow.csv"
    if not narrow.exists():
        pd.read_csv(master, dtype=str, engine="pyarrow", usecols=["sku", "price", "quantity"]).to_csv(
            narrow, index=False
        )
    commands = {
        "bare pandas merge": [sys.executable, "-c", BARE.format(master=str(master), export=str(export))],
        "chansync diff": [*chansync_command(), "diff", "-c", str(folder / "channels.yaml")],
        "chansync diff --format json": [
            *chansync_command(), "diff", "-c", str(folder / "channels.yaml"), "--format", "json",
        ],
    }  # fmt: skip
    results = measure(commands, repeat=args.repeat)
    csv_diff = shutil.which("csv-diff", path=str(Path(sys.executable).parent)) or shutil.which("csv-diff")
    if csv_diff:
        slow = measure({"csv-diff --key=sku (3 columns)": [csv_diff, str(narrow), str(export), "--key=sku"]},
                       repeat=1, ok_codes=(0, 1))  # fmt: skip
        results.update(slow)
    print(
        f"{args.skus:,} SKUs; master {master.stat().st_size / 1e6:.0f} MB, export {export.stat().st_size / 1e6:.0f} MB"
    )
    print(table(results))
    ratio = results["chansync diff"].median_seconds / results["bare pandas merge"].median_seconds
    print(f"chansync diff / bare pandas: {ratio:.2f}x (goal <= 2.0x)")
    if csv_diff:
        faster = results["chansync diff"].median_seconds < results["csv-diff --key=sku (3 columns)"].median_seconds
        print(f"faster than csv-diff: {'yes' if faster else 'NO'}")
    else:
        print("csv-diff not installed: pip install csv-diff to compare")


if __name__ == "__main__":
    main()
