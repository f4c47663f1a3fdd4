"""Reading the processing report Amazon returns for a listings feed: one row per issue, and per message whether it
was accepted, accepted with warnings, or invalid."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ... import columns
from ...errors import AdapterError
from ...i18n import _

ISSUE_COLUMNS = ["messageId", "sku", "severity", "code", "message", "attribute"]
ACCEPTED, ACCEPTED_WITH_WARNINGS, INVALID = "accepted", "accepted-with-warnings", "invalid"
_FAILING = ("ERROR", "FATAL")


def _document(data: bytes | str | Mapping[str, Any], what: str) -> Mapping[str, Any]:
    if isinstance(data, Mapping):
        return data
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as error:
        raise AdapterError(_("the Amazon {what} is not JSON: {error}").format(what=what, error=error)) from None
    if not isinstance(loaded, dict):
        raise AdapterError(_("the Amazon {what} is not a JSON object").format(what=what))
    return loaded


def read_processing_report(data: bytes | str | Mapping[str, Any]) -> pd.DataFrame:
    """The issues of a JSON listings feed's processing report: one row per issue, with ``messageId`` (NA for an
    issue with the feed as a whole), ``sku``, ``severity`` (ERROR, WARNING, INFO), ``code``, ``message`` and
    ``attribute`` (the attribute it concerns, "" if none). The report's summary counts are in
    ``frame.attrs["summary"]`` (see :func:`report_summary`).

    Issues Amazon lists under ``items`` describe each listing's state as it is now (missing attributes, image
    problems), not the feed, and are not included.
    """
    document = _document(data, "processing report")  # the channel's word
    raw = pd.DataFrame(
        list(document.get("issues") or []), columns=[*ISSUE_COLUMNS[:5], "attributeName", "attributeNames"]
    )
    frame = raw[ISSUE_COLUMNS[:5]].astype({"messageId": "Int64"} | {name: "str" for name in ISSUE_COLUMNS[1:5]})
    frame = frame.fillna({name: "" for name in ISSUE_COLUMNS[1:5]})
    names = raw["attributeNames"].astype(object)
    listed = names.str.join(",") if names.notna().any() else names
    frame["attribute"] = raw["attributeName"].astype("str").fillna(listed.astype("str")).fillna("")
    frame["severity"] = columns.upper(frame["severity"]) if len(frame) else frame["severity"]
    frame.attrs["summary"] = report_summary(document)
    return frame


def report_summary(data: bytes | str | Mapping[str, Any]) -> dict[str, int]:
    """The report's counts: errors, warnings, messagesProcessed, messagesAccepted, messagesInvalid (0 if absent)."""
    summary = _document(data, "processing report").get("summary") or {}  # the channel's word
    names = ("errors", "warnings", "messagesProcessed", "messagesAccepted", "messagesInvalid")
    return {name: int(summary.get(name) or 0) for name in names}


def feed_messages(feed: bytes | str | Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The messages of a feed (the document, or its ``messages`` list): messageId, sku, operationType."""
    if isinstance(feed, bytes | str | Mapping):
        messages = list(_document(feed, "listings feed").get("messages") or [])  # the channel's word
    else:
        messages = list(feed)
    frame = pd.DataFrame(messages, columns=["messageId", "sku", "operationType"])
    return frame.astype({"messageId": "Int64", "sku": "str", "operationType": "str"})


def message_results(
    issues: pd.DataFrame, feed: bytes | str | Mapping[str, Any] | Sequence[Mapping[str, Any]]
) -> pd.DataFrame:
    """Per message of the feed: ``messageId``, ``sku``, ``result`` (accepted, accepted-with-warnings or invalid)
    and its ``errors`` and ``warnings`` counts, from the issues of :func:`read_processing_report`.

    Issues are matched to messages by ``messageId`` (unique within a feed), so the SKU is the one the feed sent.
    """
    messages = feed_messages(feed)
    severity = issues["severity"].astype("str")
    failing = severity.isin(_FAILING)
    counts = pd.DataFrame(
        {"messageId": issues["messageId"].astype("Int64"), "errors": failing, "warnings": severity.eq("WARNING")}
    )
    counts = counts[counts["messageId"].notna()].groupby("messageId").sum()
    out = messages[["messageId", "sku"]].copy()
    out["errors"] = out["messageId"].map(counts["errors"]).fillna(0).astype("int64")
    out["warnings"] = out["messageId"].map(counts["warnings"]).fillna(0).astype("int64")
    result = pd.Series(ACCEPTED, index=out.index, dtype="str")
    result = result.mask(out["warnings"].gt(0), ACCEPTED_WITH_WARNINGS).mask(out["errors"].gt(0), INVALID)
    out.insert(2, "result", result)
    return out
