"""The audit trail: one JSON line per step of each push, appended beside the sync state and never read back to
plan (the sync state holds what planning needs; this is for people and bug reports).

Lines are appended and flushed to disk one at a time, so a push killed at any point leaves every earlier line
intact. The file is opened without following a symbolic link and only ever appended to. It never holds secrets:
records carry channel names, keys, fields and values from the plan, counts, and messages already scrubbed.
"""

from __future__ import annotations

import json
import os
import stat
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .i18n import _
from .state.store import LockedError, StateError

JOURNAL_FILE = "journal.jsonl"

__all__ = ["JOURNAL_FILE", "Journal", "LockedError", "new_run_id", "read_journal"]


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


@dataclass
class Journal:
    path: Path
    run_id: str

    def record(self, event: str, channel: str | None = None, **data: Any) -> None:
        """Append one record and flush it to disk before returning."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        entry: dict[str, Any] = {"run": self.run_id, "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                                 "time": round(time.time(), 3), "event": event}  # fmt: skip
        if channel is not None:
            entry["channel"] = channel
        entry.update(data)
        line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.path, flags, 0o644)
        except OSError as exc:
            raise StateError(
                _("cannot append to {path}: {error} (is it a link?)").format(path=self.path, error=exc.strerror or exc)
            ) from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise StateError(_("{path} is not a regular file").format(path=self.path))
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)


def read_journal(path: Path) -> list[dict[str, Any]]:
    """Every complete record that is a record (a line cut short by a crash, or not an object, is skipped)."""
    if not path.exists():
        return []
    records = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("run"), str):
                records.append(record)
    return records
