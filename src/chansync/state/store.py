"""The sync state: an SQLite database (WAL) in the state folder, with a columnar snapshot of each channel's base.

What lives where, and why:

- ``state.db`` holds small, transactional facts: every run and its outcome per channel, the stock ledger (only
  SKUs with sales since their last count), the sales themselves, the pointer to each channel's base snapshot, and
  the base *deltas*: values set or observed since that snapshot (a sale seen on a channel, an API batch Shopify
  confirmed). A delta and the ledger row it feeds are written in one transaction, so a sale counts once whatever
  crashes or re-runs happen.
- ``base/<channel>/<run>.parquet`` holds, per listing chansync manages, the values the channel should hold after
  the last push: a million listings are written and read as columns in a fraction of a second, where a row per
  statement would take seconds. A new snapshot is written under a new name and becomes the base only when the
  pointer to it is committed (with the deltas it absorbed cleared in the same transaction); older snapshots are
  kept a while for ``chansync undo``.

State files are opened without following symbolic links: a link planted in the state folder is refused, never
written through.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sqlite3
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ChansyncError, ExitCode
from ..i18n import _

DB_FILE = "state.db"
LOCK_FILE = "push.lock"
BASE_DIR = "base"
#: Snapshots kept per channel (the current base and earlier ones, for undo).
KEEP_SNAPSHOTS = 30
#: Columns of a base snapshot besides the carried fields.
KEY, SKU, LISTED = "key", "sku", "_listed"

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, command TEXT NOT NULL, started REAL NOT NULL, ended REAL, dry_run INTEGER NOT NULL,
    status TEXT, exit_code INTEGER, reason TEXT
);
CREATE TABLE IF NOT EXISTS run_channels (
    run TEXT NOT NULL, channel TEXT NOT NULL, status TEXT NOT NULL, reason TEXT, counts TEXT, fields TEXT,
    applied INTEGER, failed TEXT, snapshot_before TEXT, snapshot_after TEXT, PRIMARY KEY (run, channel)
);
CREATE TABLE IF NOT EXISTS bases (
    channel TEXT PRIMARY KEY, snapshot TEXT NOT NULL, run TEXT NOT NULL, pushed_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS base_deltas (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, key TEXT NOT NULL, field TEXT NOT NULL,
    value TEXT, run TEXT NOT NULL, at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS base_deltas_channel ON base_deltas (channel);
CREATE TABLE IF NOT EXISTS ledger (
    sku TEXT NOT NULL, location TEXT NOT NULL, count INTEGER NOT NULL, sold INTEGER NOT NULL, counted_at REAL,
    PRIMARY KEY (sku, location)
);
CREATE TABLE IF NOT EXISTS sales (
    run TEXT NOT NULL, channel TEXT NOT NULL, key TEXT NOT NULL, sku TEXT NOT NULL, location TEXT NOT NULL,
    units INTEGER NOT NULL, at REAL NOT NULL
);
"""

LEDGER_COLUMNS = ["sku", "location", "count", "sold"]


class StateError(ChansyncError):
    """The state folder cannot be used (a file where a folder should be, a planted link, a damaged database)."""

    exit_code = ExitCode.USAGE


class LockedError(ChansyncError):
    """Another push holds the config's lock."""

    exit_code = ExitCode.ERRORS


@dataclass
class Base:
    """A channel's base: what chansync last set there. ``frame`` is keyed by the listing key (text) and has
    :data:`SKU`, :data:`LISTED` and one column per field chansync carries; ``pushed_at`` is when it was last set
    (a Unix time), ``snapshot`` the snapshot it was read from (None: only deltas)."""

    frame: pd.DataFrame
    pushed_at: float
    snapshot: str | None
    run: str | None


def _refuse_link(path: Path) -> None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise StateError(
            _("{path} is a symbolic link; chansync does not follow links in its state folder").format(path=path),
            hint=_("remove the link (or point state_dir at a folder of its own)"),
        )


def _state_folder(path: Path) -> Path:
    if path.is_symlink() and not path.is_dir():
        raise StateError(_("the state folder {path} is a link to something that is not a folder").format(path=path))
    if path.exists() and not path.is_dir():
        raise StateError(
            _("the state folder {path} is a file, not a folder").format(path=path),
            hint=_("set state_dir to a folder (default .chansync)"),
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StateError(
            _("cannot create the state folder {path}: {reason}").format(path=path, reason=exc.strerror or exc)
        ) from None
    return path


class SyncState:
    """One small API over the state folder. Open it with :meth:`open`; every write is its own transaction."""

    def __init__(self, folder: Path, connection: sqlite3.Connection) -> None:
        self.folder = folder
        self.db = connection

    @classmethod
    def open(cls, folder: Path) -> SyncState:
        folder = _state_folder(Path(folder))
        db_path = folder / DB_FILE
        for name in (DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm", LOCK_FILE, BASE_DIR, "journal.jsonl", "backups"):
            _refuse_link(folder / name)
        try:
            connection = sqlite3.connect(db_path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StateError(
                _("the sync state {db_path} cannot be read ({reason})").format(db_path=db_path, reason=exc),
                hint=_("move the file aside to start from an empty state (plans are then two-way again)"),
            ) from None
        return cls(folder, connection)

    @classmethod
    def peek(cls, folder: Path) -> SyncState | None:
        """The state for reading only when it exists (diff, stock, log never create a state folder)."""
        folder = Path(folder)
        if not (folder / DB_FILE).exists():
            return None
        return cls.open(folder)

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- the lock ------------------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the config's lock for the block, or raise :class:`LockedError` at once (a cron run that finds the
        previous one still going says so and stops). The lock file is opened without following links and never
        truncated unless we hold the lock on it."""
        path = self.folder / LOCK_FILE
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(path, flags, 0o644)
        except OSError as exc:
            raise StateError(
                _("cannot open the lock {path}: {reason} (is it a link?)").format(path=path, reason=exc.strerror or exc)
            ) from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise StateError(_("the lock {path} is not a regular file").format(path=path))
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 300).decode("utf-8", "replace").strip() or _("another process")
                raise LockedError(
                    _("another chansync push is running for this config ({holder}); not starting a second one").format(
                        holder=holder
                    ),
                    hint=_("wait for it to finish; the lock is {path}").format(path=path),
                ) from None
            os.ftruncate(fd, 0)
            # A record in the lock file, read back by another run (perhaps in another language): not translated.
            note = f"pid {os.getpid()} on {socket.gethostname()}"  # not shown
            note += f" since {time.strftime('%Y-%m-%d %H:%M:%S')}"  # not shown
            os.pwrite(fd, note.encode(), 0)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    # --- runs ----------------------------------------------------------------------------------------------------

    def begin_run(self, run: str, command: str, *, dry_run: bool) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO runs (id, command, started, dry_run, status) VALUES (?, ?, ?, ?, 'running')",
                (run, command, time.time(), int(dry_run)),
            )

    def end_run(self, run: str, *, status: str, exit_code: int, reason: str = "") -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET ended = ?, status = ?, exit_code = ?, reason = ? WHERE id = ?",
                (time.time(), status, exit_code, reason[:2000], run),
            )

    def record_channel(
        self,
        run: str,
        channel: str,
        *,
        status: str,
        reason: str = "",
        counts: dict[str, int] | None = None,
        fields: dict[str, int] | None = None,
        applied: int = 0,
        failed: list[str] | None = None,
        snapshot_before: str | None = None,
        snapshot_after: str | None = None,
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO run_channels VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run, channel, status, reason[:2000], json.dumps(counts or {}), json.dumps(fields or {}), applied,
                 json.dumps((failed or [])[:1000]), snapshot_before, snapshot_after),
            )  # fmt: skip

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """The runs, newest first, each with its channels."""
        rows = self.db.execute(
            "SELECT id, command, started, ended, dry_run, status, exit_code, reason FROM runs "
            "ORDER BY started DESC LIMIT ?",
            (limit,),
        ).fetchall()
        runs = []
        for run_id, command, started, ended, dry_run, status, exit_code, reason in rows:
            channels = []
            for channel, ch_status, ch_reason, counts, fields, applied, failed, before, after in self.db.execute(
                "SELECT channel, status, reason, counts, fields, applied, failed, snapshot_before, snapshot_after "
                "FROM run_channels WHERE run = ? ORDER BY channel",
                (run_id,),
            ):
                channels.append({
                    "channel": channel, "status": ch_status, "reason": ch_reason or "",
                    "counts": json.loads(counts or "{}"), "fields": json.loads(fields or "{}"),
                    "applied": applied or 0, "failed": json.loads(failed or "[]"),
                    "snapshot_before": before, "snapshot_after": after,
                })  # fmt: skip
            runs.append({
                "run": run_id, "command": command, "started": started, "ended": ended, "dry_run": bool(dry_run),
                "status": status or "running", "exit_code": exit_code, "reason": reason or "", "channels": channels,
            })  # fmt: skip
        return runs

    def run(self, run_id: str) -> dict[str, Any] | None:
        for run in self.runs(limit=1_000_000):
            if run["run"] == run_id:
                return run
        return None

    # --- bases ---------------------------------------------------------------------------------------------------

    def base(self, channel: str) -> Base | None:
        """The channel's base with the deltas since its snapshot laid over it; None if chansync never set it."""
        row = self.db.execute("SELECT snapshot, run, pushed_at FROM bases WHERE channel = ?", (channel,)).fetchone()
        deltas = self.db.execute(
            "SELECT key, field, value, at FROM base_deltas WHERE channel = ? ORDER BY seq", (channel,)
        ).fetchall()
        if row is None and not deltas:
            return None
        frame = self.read_snapshot(channel, row[0]) if row else None
        pushed_at = float(row[2]) if row else 0.0
        if deltas:
            pushed_at = max(pushed_at, max(float(d[3]) for d in deltas))
            frame = overlay_deltas(frame, deltas)
        assert frame is not None
        return Base(frame, pushed_at, row[0] if row else None, row[1] if row else None)

    def has_deltas(self, channel: str, run: str | None = None) -> bool:
        """Whether values were set or seen on the channel since its snapshot (by ``run``, when given)."""
        query = "SELECT 1 FROM base_deltas WHERE channel = ?" + (" AND run = ?" if run else "") + " LIMIT 1"
        return self.db.execute(query, (channel, run) if run else (channel,)).fetchone() is not None

    def snapshot_path(self, channel: str, name: str) -> Path:
        return self.folder / BASE_DIR / _safe(channel) / f"{name}.parquet"

    def read_snapshot(self, channel: str, name: str) -> pd.DataFrame:
        path = self.snapshot_path(channel, name)
        _refuse_link(path)
        try:
            frame = pd.read_parquet(path)
        except (OSError, ValueError) as exc:
            raise StateError(
                _("the base snapshot {path} of channel {channel!r} cannot be read ({reason})").format(
                    path=path, channel=channel, reason=exc
                ),
                hint=_("remove the channel's row from the state (or the state folder) to plan two-way again"),
            ) from None
        return frame.set_index(KEY, drop=False).rename_axis(None)

    def write_snapshot(self, channel: str, run: str, frame: pd.DataFrame) -> str:
        """Write a snapshot under a new name (not yet the base: see :meth:`commit_base`)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        from ..transports.local import atomic_open

        path = self.snapshot_path(channel, run)
        path.parent.mkdir(parents=True, exist_ok=True)
        # The key is a column too: the index is not written. Built in memory and written at once: pyarrow writing
        # page by page through a Python file object took four times as long as the encoding itself.
        table = _arrow_table(frame)
        buffer = pa.BufferOutputStream()
        pq.write_table(table, buffer)
        with atomic_open(path) as handle:
            handle.write(memoryview(buffer.getvalue()))
        return run

    def commit_base(self, channel: str, snapshot: str, run: str) -> None:
        """Make ``snapshot`` the channel's base and clear the deltas it absorbed, in one transaction."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO bases VALUES (?, ?, ?, ?)", (channel, snapshot, run, time.time()))
            db.execute("DELETE FROM base_deltas WHERE channel = ?", (channel,))
        self._prune(channel)

    def _prune(self, channel: str) -> None:
        folder = self.folder / BASE_DIR / _safe(channel)
        if not folder.is_dir():
            return
        keep = {r[0] for r in self.db.execute("SELECT snapshot FROM bases WHERE channel = ?", (channel,))}
        files = sorted(folder.glob("*.parquet"), key=lambda p: p.stat().st_mtime, reverse=True)
        for path in files[KEEP_SNAPSHOTS:]:
            if path.stem not in keep:
                with contextlib.suppress(OSError):
                    path.unlink()

    def add_deltas(self, channel: str, run: str, items: list[dict[str, Any]]) -> None:
        """Values an API confirmed (``[{"key": k, "set": {field: value}}]``), as deltas over the base."""
        now = time.time()
        rows = [(channel, str(i["key"]), f, json.dumps(v, default=str), run, now)
                for i in items for f, v in i.get("set", {}).items()]  # fmt: skip
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO base_deltas (channel, key, field, value, run, at) VALUES (?, ?, ?, ?, ?, ?)", rows
            )

    # --- the stock ledger ----------------------------------------------------------------------------------------

    def ledger(self) -> pd.DataFrame:
        rows = self.db.execute("SELECT sku, location, count, sold FROM ledger").fetchall()
        frame = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
        return frame.astype({"sku": "str", "location": "str", "count": "int64", "sold": "int64"})

    def record_sales(self, run: str, ledger: pd.DataFrame, sales: list[pd.DataFrame], seen: list[pd.DataFrame]) -> None:
        """One transaction: the new ledger, the sales seen on each channel, and each channel's observed
        quantities as deltas over its base (so the same sale is never seen again)."""
        now = time.time()
        with self.transaction() as db:
            db.execute("DELETE FROM ledger")
            db.executemany(
                "INSERT INTO ledger (sku, location, count, sold, counted_at) VALUES (?, ?, ?, ?, ?)",
                [(s, loc, int(c), int(n), now) for s, loc, c, n in ledger[LEDGER_COLUMNS].itertuples(index=False)],
            )
            for frame in sales:
                db.executemany(
                    "INSERT INTO sales (run, channel, key, sku, location, units, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(run, c, k, s, loc, int(u), now)
                     for c, k, s, loc, u in frame[["channel", "key", "sku", "location", "units"]].itertuples(
                         index=False)],
                )  # fmt: skip
            for frame in seen:
                db.executemany(
                    "INSERT INTO base_deltas (channel, key, field, value, run, at) VALUES (?, ?, ?, ?, ?, ?)",
                    [(c, k, f, v, run, now) for c, k, f, v in frame[["channel", "key", "field", "value"]].itertuples(
                        index=False)],
                )  # fmt: skip

    def reset_counts(self, skus: list[str]) -> None:
        """After write-back, the sheet shows what is available: those SKUs start a new count."""
        with self.transaction() as db:
            db.executemany("DELETE FROM ledger WHERE sku = ?", [(s,) for s in skus])

    def sales(self, since: float = 0.0) -> pd.DataFrame:
        rows = self.db.execute(
            "SELECT run, channel, key, sku, location, units, at FROM sales WHERE at >= ?", (since,)
        ).fetchall()
        return pd.DataFrame(rows, columns=["run", "channel", "key", "sku", "location", "units", "at"])


def _safe(channel: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in channel) or "_"


def overlay_deltas(frame: pd.DataFrame | None, deltas: list[tuple[Any, ...]]) -> pd.DataFrame:
    """The base frame with the deltas (key, field, JSON value, time) laid over it in order; new keys are added."""
    table = pd.DataFrame(deltas, columns=["key", "field", "value", "at"]).drop_duplicates(["key", "field"], keep="last")
    values = table.pivot(index="key", columns="field", values="value")
    if frame is None:
        frame = pd.DataFrame({KEY: pd.Series(dtype="str"), SKU: pd.Series(dtype="str"), LISTED: pd.Series(dtype=bool)})
    missing = values.index.difference(frame.index)
    if len(missing):
        added = pd.DataFrame(index=missing)
        added[KEY] = missing.astype("str")
        added[SKU] = missing.astype("str")
        added[LISTED] = True
        frame = pd.concat([frame, added])
    frame = frame.copy()
    for name in values.columns:
        given = values[name].dropna()
        if not len(given):
            continue
        decoded = given.map(json.loads)
        column = LISTED if name == "listed" else str(name)
        if column not in frame.columns:  # integers (cents, stock) stay integers; anything else is text
            numeric = decoded.map(lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool))).all()
            frame[column] = pd.Series(pd.NA, index=frame.index, dtype="Int64" if numeric else "str")
        dtype = frame[column].dtype
        if column == LISTED:
            frame.loc[decoded.index, column] = decoded.astype(bool)
        elif str(dtype) == "Int64":
            frame.loc[decoded.index, column] = pd.to_numeric(decoded, errors="coerce").astype("Int64").to_numpy()
        else:
            frame.loc[decoded.index, column] = decoded.map(lambda v: None if v is None else str(v))
    return frame


def _arrow_table(frame: pd.DataFrame) -> Any:
    """The frame as an Arrow table with pandas' metadata (so it reads back with its dtypes), built from the
    columns' own Arrow data: ``Table.from_pandas`` on a million-row frame spent a third of a second on
    bookkeeping per snapshot before converting anything."""
    import pyarrow as pa

    schema = pa.Schema.from_pandas(frame.head(0), preserve_index=False)
    arrays = []
    for name, field_ in zip(frame.columns, schema, strict=True):
        values = frame[name].array
        array = values.__arrow_array__() if hasattr(values, "__arrow_array__") else pa.array(values.to_numpy())
        arrays.append(array if array.type == field_.type else array.cast(field_.type))
    return pa.Table.from_arrays(arrays, schema=schema)
