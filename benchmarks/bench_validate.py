"""``chansync validate`` of a large master against a bare pandas read of the same file, in one run.

    python benchmarks/bench_validate.py                # 1,000,000 SKUs (~480 MB), 3 rounds
    python benchmarks/bench_validate.py --skus 100000 --repeat 5

Both sides run as whole processes (interpreter start and imports count on both sides), in alternating order;
the median wall time and the peak memory (max RSS) of each are reported with the ratio. Goal: chansync at most
3x the bare read, and under 3 GB.
"""

from __future__ import annotations

import sys

from harness import arguments, chansync_command, dataset, measure, report, table


def main() -> None:
    args = arguments(__doc__, "--skus", 1_000_000)
    args.skus = args.size
    folder = dataset("validate", args.skus, fmt="csv", export=False, regenerate=args.regenerate)
    master = folder / "master.csv"
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
