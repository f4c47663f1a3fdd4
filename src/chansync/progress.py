"""Progress of the long steps (reading a large sheet, reading the channels, planning, writing feeds, each upload), for
a person watching a terminal.

The library only reports: ``with progress.task("reading master.xlsx", unit="rows") as task: ... task.advance(n)``.
Nobody sees it unless a caller installs a reporter for the block (:func:`reporting`); the CLI installs a rich progress
bar on stderr only when stderr is a terminal and the output is text, so cron, CI logs and ``--format json`` get none.
The reporter lives in a context variable: no global state, nothing read from the environment.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Protocol

from .i18n import number

#: Units whose counts are bytes (shown as kB/MB and kB/s).
BYTES = "bytes"


class Task(Protocol):
    def advance(self, amount: float = 1) -> None: ...

    def total(self, total: float | None) -> None: ...

    def describe(self, description: str) -> None: ...


class Reporter(Protocol):
    def start(self, description: str, total: float | None, unit: str, rate: bool) -> Task: ...

    def finish(self, task: Task) -> None: ...


class _Silent:
    """The task nobody watches: every call does nothing."""

    def advance(self, amount: float = 1) -> None:
        return None

    def total(self, total: float | None) -> None:
        return None

    def describe(self, description: str) -> None:
        return None


_SILENT = _Silent()
_reporter: ContextVar[Reporter | None] = ContextVar("chansync_progress", default=None)


class _Handle:
    """A step in progress: ``advance`` by what was done, ``total`` once it is known."""

    def __init__(self, description: str, total: float | None, unit: str, rate: bool) -> None:
        self._args = (description, total, unit, rate)
        self._reporter = _reporter.get()
        self._task: Task = _SILENT

    def __enter__(self) -> Task:
        if self._reporter is not None:
            self._task = self._reporter.start(*self._args)
        return self._task

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._reporter is not None and self._task is not _SILENT:
            self._reporter.finish(self._task)


def task(description: str, *, total: float | None = None, unit: str = "", rate: bool = True) -> _Handle:
    """A step to report (a context manager giving a :class:`Task`); silent when no reporter is installed. ``rate``:
    show how many per second (rows, bytes, changes; not for a handful of channels)."""
    return _Handle(description, total, unit, rate)


def watched() -> bool:
    """Whether anyone sees progress now (so a caller can skip work done only for it)."""
    return _reporter.get() is not None


@contextlib.contextmanager
def reporting(reporter: Reporter | None) -> Iterator[None]:
    """Send the progress of the steps inside the block to ``reporter`` (None: to nobody)."""
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)


class RichReporter:
    """A rich progress display: a line per running step with a bar (when the total is known), the count so far and
    the rate. Transient: it is gone when the block ends, leaving the terminal to the command's own output."""

    def __init__(self, console: Any) -> None:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=30),
            TextColumn("{task.fields[count]}"),
            TextColumn("[dim]{task.fields[rate]}[/]"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )

    def __enter__(self) -> RichReporter:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def start(self, description: str, total: float | None, unit: str, rate: bool = True) -> _RichTask:
        task = _RichTask(self._progress, description, total, unit, rate)
        self._progress.refresh()  # every step is drawn at least once, however short
        return task

    def finish(self, task: Task) -> None:
        assert isinstance(task, _RichTask)
        self._progress.refresh()  # its final count and rate, then it makes room for the next step
        task.close()


class _RichTask:
    def __init__(self, progress: Any, description: str, total: float | None, unit: str, rate: bool) -> None:
        self._progress = progress
        self._unit = unit
        self._rate = rate
        self._done = 0.0
        self._total = total
        self._began = time.monotonic()
        self._id = progress.add_task(description, total=total, count="", rate="")
        self._show()

    def advance(self, amount: float = 1) -> None:
        self._done += amount
        self._show()

    def total(self, total: float | None) -> None:
        self._total = total
        self._show()

    def describe(self, description: str) -> None:
        self._progress.update(self._id, description=description)

    def close(self) -> None:
        self._progress.remove_task(self._id)

    def _show(self) -> None:
        elapsed = max(time.monotonic() - self._began, 1e-6)
        count = _amount(self._done, self._unit) if self._done or self._total is not None else ""
        if self._total is not None:
            count += f"/{_amount(self._total, self._unit)}"
        per = f" {self._unit}" if self._unit and self._unit != BYTES else ""
        rate = f"{_amount(self._done / elapsed, self._unit)}{per}/s" if self._done and self._rate else ""
        shown = f"{count} {_unit(self._unit)}".strip() if count else ""
        self._progress.update(self._id, total=self._total, completed=self._done, count=shown, rate=rate)


def _amount(value: float, unit: str) -> str:
    if unit == BYTES:
        for size, suffix in ((2**30, "GB"), (2**20, "MB"), (2**10, "kB")):
            if value >= size:
                return f"{number(value / size, 1)} {suffix}"
        return f"{number(value, 0)} B"
    return number(value, 0)


def _unit(unit: str) -> str:
    return "" if unit == BYTES else unit


__all__ = ["BYTES", "RichReporter", "Task", "reporting", "task", "watched"]
