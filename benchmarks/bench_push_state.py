"""``chansync push --no-upload`` on a large catalogue and two csv channels: a run with a base for every listing
(the sync state of an earlier push) against the same run with no state folder, and ``chansync diff`` beside them.

    python benchmarks/bench_push_state.py                    # 1,000,000 SKUs, 5 rounds
    python benchmarks/bench_push_state.py --skus 100000      # one other size
    python benchmarks/bench_push_state.py --scaling          # 100k, 300k and 1M: the time per SKU at each

Goals (issue: sync state): the run with the state at most 1.3x the run without, peak memory at most 1.2x; push at
most 1.5x diff of the same data. Both runs read the same exports (the feeds of a first push, as the channels would
show them after importing), so they plan the same work; the state run also compares three ways against the base,
reads and writes the base snapshots, and records the run.
"""

from __future__ import annotations

import os
import shutil
import sys
import time

from harness import arguments, chansync_command, dataset, measure, table

CHANNELS = ("a", "b")


def config(folder: os.PathLike[str] | str, state: str) -> str:
    channels = "".join(
        f"\n  {name}:\n    adapter: csv\n    export: export-{name}.csv\n    feed: out-{state}/{name}.csv\n"
        "    columns: {sku: sku, price: price, quantity: quantity}\n    filter: {status: any}\n"
        "    guard: {max_delist_share: 1, max_price_change_share: 1}\n"
        for name in CHANNELS
    )
    text = f"version: 1\nmaster:\n  file: master.csv\n  currency: EUR\nstate_dir: {state}\nchannels:{channels}"
    path = os.path.join(folder, f"push-{state}.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def main() -> None:
    scaling = "--scaling" in sys.argv
    if scaling:
        sys.argv.remove("--scaling")
    args = arguments(__doc__, "--skus", 1_000_000)
    if not scaling:
        run(args.size, args.repeat, args.regenerate)
        return
    per_sku = {size: run(size, args.repeat, args.regenerate) for size in (100_000, 300_000, 1_000_000)}
    print("\ntime per SKU, push with state (median):")
    for size, micro in per_sku.items():
        print(f"  {size:>9,} SKUs: {micro:6.2f} µs")
    print(f"largest / smallest per-SKU time: {max(per_sku.values()) / min(per_sku.values()):.2f} "
          "(flat or falling: no step grows faster than the catalogue)")  # fmt: skip


def run(size: int, repeat: int, regenerate: bool) -> float:
    """Measure one size; returns the push-with-state time per SKU in microseconds."""
    args = type("Args", (), {"size": size, "repeat": repeat})
    folder = dataset("diff", size, fmt="csv", export=True, regenerate=regenerate)
    chansync = chansync_command()
    for name in CHANNELS:  # the channels as they are before the first push
        shutil.copy(folder / "export.csv", folder / f"export-{name}.csv")
    with_state, without_state = config(folder, "state"), config(folder, "fresh")
    shutil.rmtree(folder / "state", ignore_errors=True)
    first = [*chansync, "push", "-c", with_state, "--no-upload", "--yes", "--quiet"]
    measure({"first push (writes the base)": first}, repeat=1)
    later = time.time() + 86_400
    for name in CHANNELS:  # the channels imported the feeds: their exports now show them (taken after the push)
        shutil.copy(folder / "out-state" / f"{name}.csv", folder / f"export-{name}.csv")
        os.utime(folder / f"export-{name}.csv", (later, later))
    commands = {
        "push, no state folder": ["sh", "-c", f'rm -rf "{folder}/fresh" && exec "$0" "$@"', chansync[0], "push", "-c",
                                  without_state, "--no-upload", "--yes", "--quiet"],
        "push, base for every listing": [*chansync, "push", "-c", with_state, "--no-upload", "--yes", "--quiet"],
        "diff (same data)": [*chansync, "diff", "-c", with_state, "--quiet"],
    }  # fmt: skip
    results = measure(commands, repeat=args.repeat)
    print(f"{args.size:,} SKUs, {len(CHANNELS)} csv channels; {args.repeat} alternating rounds")
    print(table(results))
    state, fresh = results["push, base for every listing"], results["push, no state folder"]
    diff = results["diff (same data)"]
    ratio = state.median_seconds / fresh.median_seconds
    memory = state.max_peak_mb / fresh.max_peak_mb
    print(f"with state / without: {ratio:.2f}x time (goal <= 1.3x), {memory:.2f}x peak memory (goal <= 1.2x)")
    print(f"push with state / diff: {state.median_seconds / diff.median_seconds:.2f}x (goal <= 1.5x)")
    micro = state.median_seconds / args.size * 1e6
    print(f"time per SKU: {micro:.2f} µs with state")
    return micro


if __name__ == "__main__":
    main()
