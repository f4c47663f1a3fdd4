"""The SIGKILL-and-rerun harness of the API tests: ``chansync push`` started and killed (SIGKILL: no clean-up at all)
at a point each test chooses, several times over; the test then pushes once more and shows that the channel ends in
the desired state with nothing applied twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

Process = subprocess.Popen[bytes]


def push_command(config: Path) -> list[str]:
    return [sys.executable, "-m", "chansync", "push", "-c", str(config), "--yes"]


def kill_pushes(
    config: Path,
    env: Mapping[str, str],
    runs: int,
    when: Callable[[Process], None],
    *,
    cwd: Path | None = None,
    after: Callable[[], None] | None = None,
) -> None:
    """``chansync push -c config --yes`` started ``runs`` times with ``env`` added to the environment, each killed
    with SIGKILL as soon as ``when(process)`` returns; ``after()`` runs after each kill."""
    for _ in range(runs):
        process = subprocess.Popen(push_command(config), cwd=cwd, env={**os.environ, **env},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        when(process)
        process.send_signal(signal.SIGKILL)
        process.wait()
        if after is not None:
            after()


def after_seconds(rng: random.Random, low: float, high: float) -> Callable[[Process], None]:
    """A ``when`` that kills after a random pause of ``low`` to ``high`` seconds."""
    return lambda _process: time.sleep(rng.uniform(low, high))


def wait_until(reached: Callable[[], bool], process: Process, *, timeout: float = 60, step: float = 0.01) -> None:
    """Wait until ``reached()`` (e.g. the fake server has taken one more call), the process ended, or ``timeout``."""
    deadline = time.monotonic() + timeout
    while not reached() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(step)


def applied_once(applied: Iterable[tuple[Any, ...]]) -> Counter[tuple[Any, Any]]:
    """How often each (key, field) of a fake server's applied log (key, field, value) was applied; fails when any
    was applied more than once."""
    seen = Counter((entry[0], entry[1]) for entry in applied)
    twice = {k: n for k, n in seen.items() if n > 1}
    assert not twice, f"applied more than once: {list(twice.items())[:5]}"
    return seen
