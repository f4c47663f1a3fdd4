"""Run the real CLI on hostile input in a child process under a memory cap and a timeout, and check that it ends
as a plain error (exit 1 or 2, never the internal-error 70) without touching the user's files."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MEMORY_CAP = 3 << 30  # bytes of address space for the child
TIMEOUT = 120.0  # seconds

_PRELUDE = (
    "import resource, sys, runpy;"
    f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP}, {MEMORY_CAP}));"
    "sys.argv = ['chansync', *sys.argv[1:]];"
    "runpy.run_module('chansync', run_name='__main__')"
)


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def run_cli(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = TIMEOUT, stdin: str = ""
) -> Run:
    """``python -m chansync ARGS`` in ``cwd``, capped at :data:`MEMORY_CAP` bytes and ``timeout`` seconds."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("CHANSYNC_")}
    child_env.update({"COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    child_env.update(env or {})
    done = subprocess.run(
        [sys.executable, "-c", _PRELUDE, *args],
        cwd=cwd,
        env=child_env,
        capture_output=True,
        timeout=timeout,
        input=stdin.encode(),
        check=False,
    )
    return Run(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))


def digests(paths: Iterable[Path]) -> dict[Path, str | None]:
    """A fingerprint of each file (None for one that does not exist), to prove a run left them alone."""
    out: dict[Path, str | None] = {}
    for path in paths:
        out[path] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    return out


def refused(run: Run, *, codes: tuple[int, ...] = (1, 2), says: Iterable[str] = ()) -> None:
    """The run ended as a plain error that names its place; never an internal error or a traceback."""
    assert run.code in codes, f"exit {run.code}\n{run.text[-3000:]}"
    assert "Traceback" not in run.text, run.text[-3000:]
    assert "internal error" not in run.text, run.text[-3000:]
    for fragment in says:
        assert fragment in run.text, f"{fragment!r} not in output:\n{run.text[-3000:]}"


def write_yaml(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


MASTER_CSV = "sku,title,price,quantity\nA-1,Lamp,10.00,5\nA-2,Chair,20.00,3\n"


def small_project(folder: Path, channels: dict[str, Any] | None = None, **master: Any) -> Path:
    """A two-product csv master and a channels.yaml beside it; returns the config path."""
    (folder / "master.csv").write_text(MASTER_CSV, encoding="utf-8")
    return write_yaml(
        folder / "channels.yaml",
        {"version": 1, "master": {"file": "master.csv", **master}, "channels": channels or {}},
    )
