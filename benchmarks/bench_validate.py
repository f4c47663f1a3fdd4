"""``chansync validate`` of a large master against a bare pandas read of the same file, in one run.

    python benchmarks/bench_validate.py                # 1,000,000 SKUs (~480 MB), 3 rounds
    python benchmarks/bench_validate.py --skus 100000 --repeat 5

Both sides run as whole processes (interpreter start and imports count on both sides), in alternating order;
the median wall time and the peak memory (max RSS) of each are reported with the ratio. Goal: chansync at most
3x the bare read, and under 3 GB.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness import chansync_command, measure, report, table

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skus", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    folder = DATA / f"validate-{args.skus}"
    master = folder / "master.csv"
    if args.regenerate or not master.exists():
        from generate import write

        write(args.skus, 7, folder, "csv", descriptions=True, export=False)
    size = master.stat().st_size / 1e6
    baseline = [
        sys.executable,
        "-c",
        f"import pandas as pd; pd.read_csv({str(master)!r}, dtype=str, engine='pyarrow')",
    ]
    ours = [*chansync_command(), "validate", "-c", str(folder / "channels.yaml"), "--format", "json"]
    results = measure(
        {"pandas.read_csv(dtype=str, engine=pyarrow)": baseline, "chansync validate": ours},
        repeat=args.repeat,
        ok_codes=(0, 1),
    )
    print(f"master: {master.name}, {args.skus:,} SKUs, {size:.0f} MB; median of {args.repeat} rounds")
    print(table(results))
    report(results, "chansync validate", "pandas.read_csv(dtype=str, engine=pyarrow)", max_ratio=3.0, max_peak_mb=3000)


if __name__ == "__main__":
    main()
