"""Issues are data: a stable code, a severity, a place and one plain sentence.

Rules find issues on whole columns at once, so a report keeps them as one DataFrame (one row per issue) rather
than as millions of small objects; :meth:`Report.issues` hands out :class:`Issue` values for the few a person reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd

from .i18n import _


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class IssueCode:
    """A kind of issue: its stable kebab-case code, default severity and a one-line summary for the docs."""

    code: str
    severity: Severity
    summary: str


#: Every issue code chansync can emit, registered by the module that emits it.
ISSUE_CODES: dict[str, IssueCode] = {}


def define(code: str, severity: Severity, summary: str) -> IssueCode:
    if code in ISSUE_CODES:
        raise ValueError(f"issue code {code!r} is defined twice")  # not shown: a programming error
    issue_code = IssueCode(code, severity, summary)
    ISSUE_CODES[code] = issue_code
    return issue_code


@dataclass(frozen=True)
class Issue:
    code: str
    severity: Severity
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None
    sku: str | None = None
    channel: str | None = None
    value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "sku": self.sku,
            "channel": self.channel,
            "value": self.value,
        }

    @property
    def where(self) -> str:
        """``file, sheet "x", row 12, column "Prijs"``: the place as a person reads it."""
        parts = [p for p in (self.file,) if p]
        if self.sheet:
            parts.append(_('sheet "{sheet}"').format(sheet=self.sheet))
        if self.row is not None:
            parts.append(_("row {number}").format(number=self.row))
        if self.column:
            parts.append(_('column "{column}"').format(column=self.column))
        return ", ".join(parts)


COLUMNS = ["code", "severity", "message", "file", "sheet", "row", "column", "field", "sku", "channel", "value"]
_DTYPES = {name: "str" for name in COLUMNS} | {"row": "Int64"}


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in _DTYPES.items()})


def _as_column(value: Any, length: int) -> Any:
    if isinstance(value, pd.Series):
        return value.to_numpy(dtype=object) if value.dtype == object else value.array
    return [value] * length


def frame_of(
    issue_code: IssueCode,
    *,
    message: str | pd.Series,
    rows: pd.Series | None = None,
    skus: pd.Series | None = None,
    values: pd.Series | None = None,
    file: str | None = None,
    sheet: str | None = None,
    column: str | None = None,
    field: str | None = None,
    channel: str | None = None,
    severity: Severity | None = None,
) -> pd.DataFrame:
    """Build an issue frame for many places at once; ``message``, ``rows``, ``skus``, ``values`` align by position."""
    lengths = [len(s) for s in (message, rows, skus, values) if isinstance(s, pd.Series)]
    n = lengths[0] if lengths else 1
    data = {
        "code": [issue_code.code] * n,
        "severity": [(severity or issue_code.severity).value] * n,
        "message": _as_column(message, n),
        "file": [file] * n,
        "sheet": [sheet] * n,
        "row": _as_column(rows, n) if rows is not None else [None] * n,
        "column": [column] * n,
        "field": [field] * n,
        "sku": _as_column(skus, n) if skus is not None else [None] * n,
        "channel": [channel] * n,
        "value": _as_column(values, n) if values is not None else [None] * n,
    }
    return pd.DataFrame(data).astype(_DTYPES)


def one(issue_code: IssueCode, message: str, *, row: int | None = None, **place: Any) -> pd.DataFrame:
    """An issue frame holding a single issue (at spreadsheet ``row``, when given)."""
    rows = pd.Series([row], dtype="Int64") if row is not None else None
    return frame_of(issue_code, message=message, rows=rows, **place)


@dataclass
class Report:
    """The issues of one run, plus what was checked (so a clean report can still say what passed)."""

    frame: pd.DataFrame = field(default_factory=empty_frame)
    checked: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    fatal: str | None = None  # set when the input could not be used at all; the issues say where

    def add(self, issues: pd.DataFrame | Iterable[pd.DataFrame]) -> None:
        parts = [issues] if isinstance(issues, pd.DataFrame) else list(issues)
        parts = [p for p in parts if len(p)]
        if parts:
            frames = [self.frame, *parts] if len(self.frame) else parts
            self.frame = pd.concat(frames, ignore_index=True)

    def extend(self, other: Report) -> None:
        self.add(other.frame)
        self.checked.extend(c for c in other.checked if c not in self.checked)
        for key, value in other.stats.items():
            self.stats.setdefault(key, value)

    def check(self, *codes: IssueCode) -> None:
        """Note that the rules behind these codes ran."""
        for issue_code in codes:
            if issue_code.code not in self.checked:
                self.checked.append(issue_code.code)

    def count(self, severity: Severity) -> int:
        return int((self.frame["severity"] == severity.value).sum())

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.fatal is None

    def strict(self) -> Report:
        """The same report with every warning raised to an error (``--strict``)."""
        frame = self.frame.copy()
        frame["severity"] = Severity.ERROR.value
        return Report(frame, list(self.checked), dict(self.stats), self.fatal)

    def sorted(self) -> pd.DataFrame:
        """Issues in reading order: errors first, then by file, sheet, row."""
        order = self.frame["severity"].map({Severity.ERROR.value: 0, Severity.WARNING.value: 1})
        return (
            self.frame.assign(_order=order)
            .sort_values(["_order", "code", "file", "sheet", "row"], kind="stable", na_position="first")
            .drop(columns="_order")
        )

    def issues(self, frame: pd.DataFrame | None = None) -> Iterator[Issue]:
        source = self.frame if frame is None else frame
        for record in source.to_dict("records"):
            yield Issue(
                code=record["code"],
                severity=Severity(record["severity"]),
                message=record["message"],
                file=_none(record["file"]),
                sheet=_none(record["sheet"]),
                row=None if pd.isna(record["row"]) else int(record["row"]),
                column=_none(record["column"]),
                field=_none(record["field"]),
                sku=_none(record["sku"]),
                channel=_none(record["channel"]),
                value=_none(record["value"]),
            )

    def by_code(self) -> list[tuple[str, pd.DataFrame]]:
        """Issue groups per code, errors' groups first, biggest groups first within a severity."""
        if not len(self.frame):
            return []
        ordered = self.sorted()
        groups = [(str(code), group) for code, group in ordered.groupby("code", sort=False)]
        return sorted(groups, key=lambda g: (g[1]["severity"].iloc[0] != Severity.ERROR.value, -len(g[1]), g[0]))


def _none(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA else value
