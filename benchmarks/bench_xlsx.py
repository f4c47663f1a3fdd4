"""Reading a 100,000-row xlsx: chansync's reader against python-calamine (through pandas) and openpyxl.

    python benchmarks/bench_xlsx.py            # 100,000 rows, 3 rounds

Each reader runs as its own process; the goal is chansync at python-calamine speed (openpyxl's read-only mode
is several times slower).
"""

from __future__ import annotations

import sys

from harness import arguments, dataset, measure, table


def main() -> None:
    args = arguments(__doc__, "--rows", 100_000)
    args.rows = args.size
    path = dataset("xlsx", args.rows, fmt="xlsx", export=False, regenerate=args.regenerate) / "master.xlsx"
    commands = {
        "pandas.read_excel(engine=calamine, dtype=str)": [
            sys.executable, "-c",
            f"import pandas as pd; pd.read_excel({str(path)!r}, engine='calamine', dtype=str)",
        ],
        "openpyxl read_only iter_rows": [
            sys.executable, "-c",
            "import openpyxl\n"
            f"book = openpyxl.load_workbook({str(path)!r}, read_only=True, data_only=True)\n"
            "rows = [r for r in book.active.iter_rows(values_only=True)]",
        ],
        "chansync.sheet.read_table": [
            sys.executable, "-c",
            f"from pathlib import Path; from chansync.sheet import read_table; read_table(Path({str(path)!r}))",
        ],
    }  # fmt: skip
    results = measure(commands, repeat=args.repeat)
    print(f"workbook: {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB; median of {args.repeat} rounds")
    print(table(results))
    ours = results["chansync.sheet.read_table"].median_seconds
    calamine = results["pandas.read_excel(engine=calamine, dtype=str)"].median_seconds
    openpyxl = results["openpyxl read_only iter_rows"].median_seconds
    print(f"chansync / calamine: {ours / calamine:.2f}x; openpyxl / calamine: {openpyxl / calamine:.2f}x")


if __name__ == "__main__":
    main()
