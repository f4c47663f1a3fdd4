"""The state folder of a config: the lock that keeps two pushes apart, and the journal of what each push applied.

The journal is JSON lines, appended and flushed to disk one record at a time, so a push killed at any point leaves
every record before the kill intact (a torn last line is ignored when reading). It never holds secrets: records
carry channel names, keys, fields and values from the plan, counts, and error messages that were already scrubbed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ChansyncError, ExitCode

LOCK_FILE = "push.lock"
JOURNAL_FILE = "journal.jsonl"


class LockedError(ChansyncError):
    """Another push holds the config's lock."""

    exit_code = ExitCode.ERRORS


@dataclass
class StateDir:
    path: Path

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the config's lock for the block, or raise :class:`LockedError` at once (never wait: a cron run that
        finds the previous one still going should say so and stop)."""
        self.path.mkdir(parents=True, exist_ok=True)
        lock_path = self.path / LOCK_FILE
        handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held open for the whole block
        try:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise LockedError(
                    f"another chansync push is running for this config ({holder}); not starting a second one",
                    hint=f"wait for it to finish; the lock is {lock_path}",
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()} on {socket.gethostname()} since {time.strftime('%Y-%m-%d %H:%M:%S')}")
            handle.flush()
            yield
        finally:
            handle.close()  # closing releases the lock

    @property
    def journal_path(self) -> Path:
        return self.path / JOURNAL_FILE

    def journal(self, run_id: str | None = None) -> Journal:
        return Journal(self.journal_path, run_id or new_run_id())


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


@dataclass
class Journal:
    path: Path
    run_id: str

    def record(self, event: str, channel: str | None = None, **data: Any) -> None:
        """Append one record and flush it to disk before returning."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        now = time.time()
        entry: dict[str, Any] = {"run": self.run_id, "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "time": round(now, 3)}
        entry["event"] = event
        if channel is not None:
            entry["channel"] = channel
        entry.update(data)
        line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


def read_journal(path: Path) -> list[dict[str, Any]]:
    """Every complete record (a line cut short by a crash is skipped)."""
    if not path.exists():
        return []
    records = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
    return records


def applied_values(
    records: list[dict[str, Any]], channel: str, since: float | None = None
) -> dict[str, dict[str, Any]]:
    """{key: {field: value}} that pushes applied to ``channel`` (the latest value per field wins), counting only
    records at or after ``since`` (a Unix time; the export file's time, so an export taken later wins)."""
    values: dict[str, dict[str, Any]] = {}
    for record in records:
        if record.get("channel") != channel or record.get("event") != "applied":
            continue
        if since is not None and float(record.get("time", 0)) < since:
            continue
        for item in record.get("items", []):
            values.setdefault(str(item["key"]), {}).update(item.get("set", {}))
    return values


def last_runs(records: list[dict[str, Any]], limit: int = 5) -> list[dict[str, Any]]:
    """The latest runs, newest first: run id, when, and per channel the final status and counts."""
    runs: dict[str, dict[str, Any]] = {}
    for record in records:
        run = runs.setdefault(record["run"], {"run": record["run"], "at": record.get("at"), "channels": {}})
        channel = record.get("channel")
        if channel and record.get("event") in ("done", "refused", "failed", "written"):
            run["channels"][channel] = {k: v for k, v in record.items() if k not in ("run", "channel")}
    return list(reversed(list(runs.values())))[:limit]
