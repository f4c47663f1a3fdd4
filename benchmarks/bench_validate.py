"""``chansync validate`` of a large master against ``pyarrow.csv.read_csv`` of the same file (the floor: reading
it into Arrow at all), and a bare ``pandas.read_csv(engine="pyarrow")`` beside it, in one run.

    python benchmarks/bench_validate.py                # 1,000,000 SKUs (~480 MB), 5 rounds
    python benchmarks/bench_validate.py --skus 100000 --repeat 3

Every side runs as a whole process (interpreter start and the pyarrow import count on every side), in alternating
order; the median wall time and the peak memory (max RSS) of each are reported with every round. Goals (issue:
speed): chansync at most 3x ``pyarrow.csv.read_csv``; its peak memory at most 2x the Arrow table's size.
"""

from __future__ import annotations

import sys

from harness import arguments, chansync_command, dataset, measure, table

ARROW = "import pyarrow.csv as c; t = c.read_csv({master!r}); print(t.num_rows)"
PANDAS = "import pandas as pd; pd.read_csv({master!r}, dtype=str, engine='pyarrow')"


def arrow_size_mb(master: str) -> float:
    """The size of the Arrow table the file reads into (all columns as Arrow infers them), in MB."""
    import pyarrow.csv

    return float(pyarrow.csv.read_csv(master).nbytes) / 2**20


def main() -> None:
    args = arguments(__doc__, "--skus", 1_000_000)
    folder = dataset("validate", args.size, fmt="csv", export=False, regenerate=args.regenerate)
    master = folder / "master.csv"
    ours = [*chansync_command(), "validate", "-c", str(folder / "channels.yaml"), "--format", "json"]
    commands = {
        "pyarrow.csv.read_csv": [sys.executable, "-c", ARROW.format(master=str(master))],
        "pandas.read_csv(engine=pyarrow)": [sys.executable, "-c", PANDAS.format(master=str(master))],
        "chansync validate": ours,
    }
    results = measure(commands, repeat=args.repeat, ok_codes=(0, 1))
    table_mb = arrow_size_mb(str(master))
    print(f"master: {args.size:,} SKUs, {master.stat().st_size / 1e6:.0f} MB; Arrow table {table_mb:.0f} MB; "
          f"median of {args.repeat} alternating rounds")  # fmt: skip
    print(table(results))
    ours_r, floor, pandas = results["chansync validate"], results["pyarrow.csv.read_csv"], results[
        "pandas.read_csv(engine=pyarrow)"]  # fmt: skip
    ratio = ours_r.median_seconds / floor.median_seconds
    memory = ours_r.max_peak_mb / table_mb
    verdict = "PASS" if ratio <= 3 and memory <= 2 else "FAIL"
    print(f"chansync / pyarrow.csv.read_csv: {ratio:.2f}x (goal <= 3x); / pandas read: "
          f"{ours_r.median_seconds / pandas.median_seconds:.2f}x; peak {ours_r.max_peak_mb:.0f} MB = {memory:.2f}x "
          f"the Arrow table (goal <= 2x): {verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
