"""``chansync diff`` of a large master against a channel export (5% prices and 10% stock changed), in one run,
against a DuckDB script doing the keyed full join of the two files on the same columns, a bare pandas script
(read both, keyed outer merge) and, when installed, ``csv-diff --key=sku``.

    pip install -e '.[bench]'                        # DuckDB (and csv-diff) for the peers
    python benchmarks/bench_diff.py                  # 1,000,000 SKUs, 5 rounds (csv-diff once)

Goals (issue: speed): chansync at most 1.5x the DuckDB join and at most 1x the bare pandas read + merge.
``chansync diff`` is timed with its default output (the summary, like the scripts' count); ``--format json``,
which also serialises every changed item, is timed beside it.
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


DUCKDB = """
import duckdb
print(duckdb.sql(\"\"\"
    SELECT count(*) FROM read_csv({master!r}, all_varchar=true) m
    FULL OUTER JOIN read_csv({export!r}, all_varchar=true) e ON m.sku = e.sku
    WHERE m.sku IS NULL OR e.sku IS NULL
       OR TRY_CAST(m.price AS DOUBLE) IS DISTINCT FROM TRY_CAST(e.price AS DOUBLE)
       OR TRY_CAST(m.quantity AS DOUBLE) IS DISTINCT FROM TRY_CAST(e.quantity AS DOUBLE)
\"\"\").fetchall()[0][0])
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
    try:
        import duckdb  # noqa: F401
    except ImportError:
        duck = {}
        print("duckdb is not installed (pip install -e '.[bench]'): the DuckDB side is left out")
    else:
        duck = {"DuckDB keyed full join": [sys.executable, "-c", DUCKDB.format(master=str(master), export=str(export))]}
    commands = {
        **duck,
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
    print(f"chansync diff / bare pandas read + merge: {ratio:.2f}x (goal <= 1x)")
    if duck:
        to_duck = results["chansync diff"].median_seconds / results["DuckDB keyed full join"].median_seconds
        print(f"chansync diff / DuckDB keyed full join: {to_duck:.2f}x (goal <= 1.5x)")
    if csv_diff:
        faster = results["chansync diff"].median_seconds < results["csv-diff --key=sku (3 columns)"].median_seconds
        print(f"faster than csv-diff: {'yes' if faster else 'NO'}")
    else:
        print("csv-diff not installed: pip install csv-diff to compare")


if __name__ == "__main__":
    main()
