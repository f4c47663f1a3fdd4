"""Reading a 100,000-row xlsx: chansync's reader against python-calamine (through pandas) and openpyxl.

    python benchmarks/bench_xlsx.py            # 100,000 rows, 3 rounds

Each reader runs as its own process; the goal is chansync at python-calamine speed (openpyxl's read-only mode
is several times slower).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness import measure, table

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    folder = DATA / f"xlsx-{args.rows}"
    path = folder / "master.xlsx"
    if args.regenerate or not path.exists():
        from generate import write

        write(args.rows, 7, folder, "xlsx", descriptions=True, export=False)
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
