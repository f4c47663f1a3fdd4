"""Writing the Google Merchant Center XML feed for a large master, in one run, against the bare
``pandas.read_csv(dtype=str, engine="pyarrow")`` of the same master (which is also "holding the catalogue frame").

    python benchmarks/bench_google_feed.py                 # 1,000,000 items, 5 rounds
    python benchmarks/bench_google_feed.py --items 100000

The chansync side is the whole job through the library: read and validate the master, build Google's desired
state, plan against an empty channel (so every item is written) and stream the RSS feed to disk. The child also
reports its writing phase on its own: the time, and the peak memory while writing relative to the memory held
just before (the catalogue and plan), read from /proc (Linux).

Goals (issue: speed): the whole job at most 4x the bare read's time; writing keeps peak memory at most 1.1x of
what is held before it.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

from harness import arguments, dataset, measure, table

BARE = """
import pandas as pd
frame = pd.read_csv({master!r}, dtype=str, engine="pyarrow")
print(len(frame))
"""

FEED = """
import json, re, time
from chansync.arrow_memory import use_frugal_pool
from chansync.config import load_config
from chansync.sync import plan

use_frugal_pool()  # the allocator the chansync command uses

def memory(key):
    return int(re.search(key + r":\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024

result = plan(load_config({config!r}, env={{}}))
channel = result.channels[0]
held = memory("VmRSS")
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # reset the peak (VmHWM) to the current size
start = time.perf_counter()
with open({feed!r}, "wb") as out:
    for feed in channel.adapter.feed_files(channel.desired, channel.plan):
        for chunk in feed.chunks:
            out.write(chunk)
print(json.dumps({{"write_seconds": time.perf_counter() - start, "held_mb": held, "write_peak_mb": memory("VmHWM"),
                  "items": channel.plan.counts()["create"]}}))
"""


def main() -> None:
    args = arguments(__doc__, "--items", 1_000_000)
    # Simple products only, so every master row is one item of the feed (parents are not items).
    folder = dataset("feed", args.size, fmt="csv", export=False, regenerate=args.regenerate, variants=False)
    master = folder / "master.csv"
    (folder / "empty.xml").write_text('<rss version="2.0"><channel></channel></rss>\n', encoding="utf-8")
    config = folder / "google.yaml"
    config.write_text(
        "version: 1\nmaster:\n  file: master.csv\n  currency: EUR\nchannels:\n  google:\n"
        "    adapter: google_merchant\n    export: empty.xml\n",
        encoding="utf-8",
    )
    feed = folder / "google.xml"
    feed_script = FEED.format(config=str(config), feed=str(feed))
    commands = {
        "bare pandas read_csv": [sys.executable, "-c", BARE.format(master=str(master))],
        "chansync Google XML feed": [sys.executable, "-c", feed_script],
    }
    results = measure(commands, repeat=args.repeat)
    phases = [json.loads(subprocess.run([sys.executable, "-c", feed_script], capture_output=True, text=True,
                                        check=True).stdout) for _ in range(args.repeat)]  # fmt: skip
    print(f"{phases[0]['items']:,} items written; master {master.stat().st_size / 1e6:.0f} MB, "
          f"feed {feed.stat().st_size / 1e6:.0f} MB")  # fmt: skip
    print(table(results))
    ours, bare = results["chansync Google XML feed"], results["bare pandas read_csv"]
    ratio = ours.median_seconds / bare.median_seconds
    write_seconds = statistics.median(p["write_seconds"] for p in phases)
    held = statistics.median(p["held_mb"] for p in phases)
    write_peak = max(p["write_peak_mb"] for p in phases)
    print(f"writing phase: {write_seconds:.2f} s; peak {write_peak:.0f} MB while holding {held:.0f} MB "
          f"({write_peak / held:.2f}x); the bare frame alone peaks at {bare.max_peak_mb:.0f} MB")  # fmt: skip
    verdict = "PASS" if ratio <= 4 and write_peak / held <= 1.1 else "FAIL"
    print(
        f"whole job {ratio:.2f}x the bare read (goal <= 4x); writing peak {write_peak / held:.2f}x the memory "
        f"held (goal <= 1.1x); whole job peak {ours.max_peak_mb / bare.max_peak_mb:.2f}x the bare frame: {verdict}"
    )


if __name__ == "__main__":
    main()
