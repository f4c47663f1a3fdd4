"""Validation reports for machines: JSON (a documented, stable schema), JUnit XML and GitHub annotations."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pandas as pd

from .. import __version__
from ..i18n import _, ngettext
from ..issues import ISSUE_CODES, Report, Severity

VALIDATE_SCHEMA = "chansync.validate/1"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def report_dict(report: Report, *, sources: list[str]) -> dict[str, Any]:
    """The ``--format json`` document of ``chansync validate``; see docs/json-schema.md for its contract."""
    issues = report.sorted().astype(object).where(report.sorted().notna(), None)
    records = issues.to_dict("records")
    for record in records:
        if record["row"] is not None:
            record["row"] = int(record["row"])
    return {
        "schema": VALIDATE_SCHEMA,
        "chansync": __version__,
        "ok": report.ok,
        "fatal": report.fatal,
        "sources": sources,
        "summary": {"errors": report.errors, "warnings": report.warnings, **report.stats},
        "checked": list(report.checked),
        "issues": records,
    }


def report_json(report: Report, *, sources: list[str]) -> str:
    return json.dumps(report_dict(report, sources=sources), ensure_ascii=False, indent=2) + "\n"


def report_junit(report: Report, *, sources: list[str]) -> bytes:
    """One test case per rule that ran: failed when it found errors; warnings go to the case's system-out."""
    frame = report.sorted()
    codes = list(dict.fromkeys([*report.checked, *frame["code"].tolist()]))
    suites = ET.Element("testsuites", name="chansync validate")
    suite = ET.SubElement(suites, "testsuite", name="chansync validate: " + ", ".join(sources))
    failures = 0
    for code in codes:
        group = frame[frame["code"] == code]
        family = ISSUE_CODES[code].summary if code in ISSUE_CODES else ""
        case = ET.SubElement(suite, "testcase", classname="chansync.rules", name=code)
        errors = group[group["severity"] == Severity.ERROR.value]
        warnings = group[group["severity"] == Severity.WARNING.value]
        if len(errors):
            failures += 1
            failure = ET.SubElement(case, "failure", type=code, message=_clean(f"{len(errors)} × {code}: {family}"))
            failure.text = _clean("\n".join(_line(r) for r in errors.itertuples(index=False)))
        if len(warnings):
            out = ET.SubElement(case, "system-out")
            out.text = _clean("\n".join("warning: " + _line(r) for r in warnings.itertuples(index=False)))
    if report.fatal:
        failures += 1
        case = ET.SubElement(suite, "testcase", classname="chansync.input", name="readable-sheet")
        ET.SubElement(case, "failure", type="fatal", message=_clean(report.fatal))
    tests = len(suite)
    for element in (suites, suite):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", "0")
    ET.indent(suites)
    return ET.tostring(suites, encoding="utf-8", xml_declaration=True) + b"\n"


def report_github(report: Report) -> str:
    """GitHub Actions workflow commands: ``::error file=…,line=…,title=…::message`` per issue."""
    lines = []
    for issue in report.issues(report.sorted()):
        kind = "error" if issue.severity is Severity.ERROR else "warning"
        props = []
        if issue.file:
            props.append(f"file={_prop(issue.file)}")
        if issue.row is not None:  # the spreadsheet row: the line of a csv, the row number of a workbook
            props.append(f"line={issue.row}")
        props.append(f"title={_prop(issue.code)}")
        where = issue.where
        message = f"{where}: {issue.message}" if where else issue.message
        lines.append(f"::{kind} {','.join(props)}::{_data(message)}")
    if report.fatal:
        lines.append(f"::error title=unreadable-sheet::{_data(report.fatal)}")
    # GitHub shows only the first annotations of a step: the totals come last, as one notice.
    errors = ngettext("{count} error", "{count} errors", report.errors).format(count=report.errors)
    warnings = ngettext("{count} warning", "{count} warnings", report.warnings).format(count=report.warnings)
    totals = _("{counts} in all").format(counts=f"{errors}, {warnings}")
    lines.append(f"::notice title=chansync validate::{_data(totals)}")
    return "\n".join(lines) + "\n"


#: GitLab Code Quality report fields and severities: https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
_GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}


def report_gitlab(report: Report) -> str:
    """A GitLab Code Quality report: a JSON array of issues, each with a description, a check name, a stable
    fingerprint, a severity and a location (path and line); GitLab shows them on the merge request."""
    import hashlib

    items = []
    for issue in report.issues(report.sorted()):
        where = issue.where
        description = f"{where}: {issue.message}" if where else issue.message
        path = issue.file or "channels.yaml"
        line = int(issue.row) if issue.row is not None else 1
        key = "|".join(str(v) for v in (issue.code, path, issue.sheet, line, issue.column, issue.sku, issue.channel))
        items.append({
            "description": description,
            "check_name": issue.code,
            "fingerprint": hashlib.sha256(key.encode("utf-8")).hexdigest(),
            "severity": _GITLAB_SEVERITY.get(issue.severity, "info"),
            "location": {"path": path, "lines": {"begin": line}},
        })  # fmt: skip
    if report.fatal:
        items.append({"description": report.fatal, "check_name": "unreadable-sheet", "severity": "blocker",
                      "fingerprint": hashlib.sha256(report.fatal.encode("utf-8")).hexdigest(),
                      "location": {"path": "channels.yaml", "lines": {"begin": 1}}})  # fmt: skip
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


def _line(row: Any) -> str:
    where = [str(v) for v in (row.file, row.sheet) if v is not None and not pd.isna(v)]
    if row.row is not None and not pd.isna(row.row):
        where.append(f"row {int(row.row)}")
    if row.column is not None and not pd.isna(row.column):
        where.append(f'column "{row.column}"')
    return f"{', '.join(where)}: {row.message}"


def _clean(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
