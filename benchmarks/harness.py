"""Timing whole processes: wall time and peak memory of each child, median over rounds."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Result:
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)

    @property
    def max_peak_mb(self) -> float:
        return max(self.peak_mb)


DATA = Path(__file__).resolve().parent / "data"


def arguments(doc: str | None, size_flag: str, default_size: int) -> argparse.Namespace:
    """The options every benchmark takes: its size, the rounds, and whether to generate the data again."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(size_flag, dest="size", type=int, default=default_size)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true")
    return parser.parse_args()


def dataset(name: str, size: int, *, fmt: str, export: bool, regenerate: bool, variants: bool = True) -> Path:
    """The folder of a generated catalogue (seed 7), written on first use or with --regenerate."""
    folder = DATA / f"{name}-{size}"
    wanted = folder / ("export.csv" if export else f"master.{fmt}")
    if regenerate or not wanted.exists():
        from generate import write

        write(size, 7, folder, fmt, descriptions=True, export=export, variants=variants)
    return folder


def chansync_command() -> list[str]:
    found = shutil.which("chansync", path=os.path.dirname(sys.executable)) or shutil.which("chansync")
    if not found:
        sys.exit("chansync is not installed in this environment: pip install -e .")
    return [found]


def _compiled_like_an_install() -> dict[str, str]:
    """The children's environment, with chansync's modules byte-compiled as an installed package has them.

    With PYTHONDONTWRITEBYTECODE set (some CI images set it), an editable install compiles every chansync module
    from source on each start (about 0.2 s here) while the peers' packages came compiled from their wheels."""
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "src"), quiet=1)
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


_ENV: dict[str, str] | None = None


def run_once(command: list[str], ok_codes: tuple[int, ...]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process, measured in a fresh wrapper process."""
    global _ENV
    _ENV = _ENV or _compiled_like_an_install()
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode\n"
        "elapsed = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(code, elapsed, peak)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True, env=_ENV)
    code, elapsed, peak = out.stdout.split()
    if int(code) not in ok_codes:
        sys.exit(f"{' '.join(command)} exited {code}:\n{out.stderr}")
    return float(elapsed), float(peak)


def measure(commands: dict[str, list[str]], *, repeat: int, ok_codes: tuple[int, ...] = (0,)) -> dict[str, Result]:
    results = {name: Result() for name in commands}
    names = list(commands)
    for round_ in range(repeat):
        order = names if round_ % 2 == 0 else names[::-1]  # alternate, so caches favour neither side
        for name in order:
            seconds, peak = run_once(commands[name], ok_codes)
            results[name].seconds.append(seconds)
            results[name].peak_mb.append(peak)
    return results


def table(results: dict[str, Result]) -> str:
    width = max(len(n) for n in results)
    lines = [f"{'':{width}}  median s   all rounds (s)            peak MB"]
    for name, result in results.items():
        rounds = ", ".join(f"{s:.2f}" for s in result.seconds)
        lines.append(f"{name:{width}}  {result.median_seconds:8.2f}   {rounds:24}  {result.max_peak_mb:8.0f}")
    return "\n".join(lines)


def report(results: dict[str, Result], ours: str, baseline: str, *, max_ratio: float, max_peak_mb: float) -> None:
    ratio = results[ours].median_seconds / results[baseline].median_seconds
    peak = results[ours].max_peak_mb
    verdict = "PASS" if ratio <= max_ratio and peak < max_peak_mb else "FAIL"
    print(
        f"ratio {ours} / {baseline}: {ratio:.2f}x (goal <= {max_ratio}x); peak {peak:.0f} MB "
        f"(goal < {max_peak_mb:.0f} MB): {verdict}"
    )
