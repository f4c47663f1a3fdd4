"""bol.com's current offers through the Retailer API v10 (``export: api``): the asynchronous offer export.

1. ``POST /retailer/offers/export`` with ``{"format": "CSV"}`` asks bol to prepare a CSV of every offer; the answer
   is ``202`` with a process status (``eventType`` ``CREATE_OFFER_EXPORT``), not the file
   (https://api.bol.com/retailer/public/Retailer-API/demo/v10-OFFERS.html).
2. The process status is read (``GET /shared/process-status/{id}``) in rounds with a doubling wait, the same flow
   applying uses, until it is ``SUCCESS`` (its ``entityId`` is then the report id), ``FAILURE`` or ``TIMEOUT``
   (https://api.bol.com/retailer/public/Retailer-API/v10/functional/shared-api/process-status.html;
   entityId as report id: https://api.bol.com/retailer/public/Retailer-API/v10/functional/retailer-api/unpublished-offers-report.html,
   which describes the same flow for bol's other offer report).
3. ``GET /retailer/offers/export/{report-id}`` with ``Accept: application/vnd.retailer.v10+csv`` gives the file,
   the same file the seller downloads (https://api.bol.com/retailer/public/Retailer-API/demo/v10-OFFERS.html).

The bytes are read by the offer export reader, so the state is the one a downloaded export gives. Anything else
(a failed or unfinished export, a reply without a process status, a file that is not an offer export) is one plain
message for this channel; the other channels go on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ...errors import TransportError
from ...i18n import _
from .api import FAILURE, MAX_STATUS_WAIT, SUCCESS, TIMEOUT, status_url
from .session import CSV_MEDIA_TYPE, BolSession

#: Names the export's requests in an error.
KEY = "offer export"  # not shown: stands where a SKU would in a failure
#: Reads of the export's process status before giving up (with the doubling wait capped at 30 s: about 8 minutes).
EXPORT_CHECKS = 20


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def fetch_export(
    client: Any,
    upload: Any,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> bytes:
    """The offer export file, asked for, waited for and downloaded. Raises :class:`TransportError` with a plain
    message when bol does not deliver it."""
    session = BolSession.of(client, upload, clock)
    try:
        # A request whose reply was lost may be sent again: a second export is harmless (expect_json retries).
        status = session.send("POST", "offers/export", {"format": "CSV"}, KEY, expect_json=True)
        report = _await_report(session, upload, status, sleep)
        return session.download(f"offers/export/{report}", CSV_MEDIA_TYPE, KEY)
    except TransportError as error:
        raise TransportError(
            session.scrub(_("bol.com's offer export could not be read: {reason}").format(reason=error.message)),
            retriable=error.retriable,
            hint=error.hint,
        ) from None


def _await_report(session: BolSession, upload: Any, status: dict[str, Any], sleep: Callable[[float], None]) -> str:
    """Read the export's process status until it is final; the report id of a SUCCESS."""
    status_id = _text(status.get("processStatusId"))
    base = status_url(upload)
    checks = int(getattr(upload, "export_checks", EXPORT_CHECKS) or EXPORT_CHECKS)
    wait = float(getattr(upload, "status_wait", 1.0))
    for round_ in range(checks + 1):
        state = _text(status.get("status")).upper()
        if state == SUCCESS:
            report = _text(status.get("entityId"))
            if not report:
                raise TransportError(
                    _("bol.com says the export is ready but names no report to download (no entityId)")
                )
            return report
        if state in (FAILURE, TIMEOUT):
            why = _text(status.get("errorMessage")) or _("its process status is {state}").format(state=state)
            raise TransportError(_("bol.com did not prepare it: {why}").format(why=why), retriable=state == TIMEOUT)
        if not status_id:
            raise TransportError(_("bol.com accepted the export request without a process status to follow"))
        if round_ == checks:
            break
        sleep(wait)
        wait = min(wait * 2, MAX_STATUS_WAIT)
        status = session.status(base, status_id, KEY) or {}  # a reply that is not a status: read again next round
    raise TransportError(
        _("bol.com had not finished preparing it after {checks} checks (process status {status_id})").format(
            checks=checks, status_id=status_id
        ),
        retriable=True,
        hint=_("try again in a few minutes, or raise export_checks in the upload section"),
    )
