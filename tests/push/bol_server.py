"""A fake bol.com Retailer API v10 on 127.0.0.1 (served with :func:`tests.http_server.serving`).

``FakeBol`` answers the token endpoint (``POST /token``: HTTP Basic client id and secret,
``grant_type=client_credentials``) and the offer calls chansync makes under ``/retailer``: ``PUT
/offers/{id}/stock``, ``PUT /offers/{id}/price`` and ``POST /offers``, and ``GET /shared/process-status/{id}``. It
enforces the bearer token (and its expiry), the v10 ``Accept`` and ``Content-Type`` headers and the payload shapes
(stock an integer 0..999 managed by the retailer, prices JSON numbers with at most two decimals, the first bundle
for quantity 1, no stock for an FBB offer), keeps the offers in memory, logs every change it applies and answers
``202`` with a process status, as bol does.

Process statuses follow bol's documented life cycle
(https://api.bol.com/retailer/public/Retailer-API/v10/functional/shared-api/process-status.html): every accepted
change starts ``PENDING`` and stays so for ``pending_reads`` reads, then turns ``SUCCESS``, or ``FAILURE`` with an
``errorMessage`` for an offer (or, for a new offer, an EAN) in ``failing``: such a change is never applied. A new
offer's status carries its offer id as ``entityId`` only once it is ``SUCCESS``
(https://api.bol.com/retailer/public/Retailer-API/v10/functional/retailer-api/offers.html). Faults (429 with
Retry-After, 500) come from the :class:`tests.http_server.Recorder`.

The offer export (``export: api``) follows bol's asynchronous flow
(https://api.bol.com/retailer/public/Retailer-API/demo/v10-OFFERS.html): ``POST /retailer/offers/export`` takes
exactly ``{"format": "CSV"}`` (v10 ``Accept`` and ``Content-Type``) and answers ``202`` with a process status of
event ``CREATE_OFFER_EXPORT``; the file is made at that moment. Once the status is ``SUCCESS`` its ``entityId`` is
the report id (https://api.bol.com/retailer/public/Retailer-API/v10/functional/retailer-api/unpublished-offers-report.html
describes the same flow), and ``GET /retailer/offers/export/{report-id}`` with ``Accept:
application/vnd.retailer.v10+csv`` (anything else: 406) answers the CSV as ``text/csv``. ``export_error`` makes
the export's status end ``FAILURE``; ``export_body`` replaces the file (to serve something that is not one).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.http_server import Fault, Recorder, serving

__all__ = ["CSV_MEDIA_TYPE", "MEDIA_TYPE", "FakeBol", "Fault", "Recorder", "serving"]

MEDIA_TYPE = "application/vnd.retailer.v10+json"
#: The offer export file's media type (https://api.bol.com/retailer/public/Retailer-API/demo/v10-OFFERS.html).
CSV_MEDIA_TYPE = "application/vnd.retailer.v10+csv"


@dataclass
class FakeBol:
    client_id: str
    client_secret: str
    expires_in: int = 299
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)  # offer id -> offer
    applied: list[tuple[str, str, Any]] = field(default_factory=list)  # (offer id, "price"/"stock"/"create", value)
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry (time.monotonic)
    token_requests: int = 0
    issued: list[str] = field(default_factory=list)  # every token handed out (to check none leaks)
    revoke_after: int | None = None  # revoke every token once this many offer calls have been applied
    failing: dict[str, str] = field(default_factory=dict)  # offer id or new EAN -> error: 202, PENDING, FAILURE
    timing_out: set[str] = field(default_factory=set)  # offer ids whose change ends TIMEOUT (not applied)
    pending_reads: int = 1  # reads of a process status that still answer PENDING
    keep_statuses: bool = True  # False: every process status is gone at once (reads answer 404)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)  # process status id -> status
    status_reads: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # (status, detail) of every refused call
    reports: dict[str, bytes] = field(default_factory=dict)  # report id -> the offer export file it holds
    export_error: str | None = None  # the export's process status ends FAILURE with this message
    export_body: bytes | None = None  # served instead of the export file
    export_requests: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)

    def add(self, ean: str, *, price: str, stock: int | None, fulfilment: str = "FBR", reference: str = "",
            on_hold: bool = False, condition: str = "NEW", offer_id: str | None = None) -> str:  # fmt: skip
        offer_id = offer_id or str(uuid.uuid4())
        self.offers[offer_id] = {
            "offerId": offer_id, "ean": ean, "condition": condition, "reference": reference, "onHold": on_hold,
            "price": Decimal(price), "stock": stock, "fulfilment": fulfilment,
        }  # fmt: skip
        return offer_id

    def by_ean(self) -> dict[str, dict[str, Any]]:
        return {o["ean"]: o for o in self.offers.values()}

    def revoke_tokens(self) -> None:
        """Every token issued so far is refused from now on (401), as after an expiry the client did not see."""
        with self.lock:
            self.tokens.clear()

    def export_csv(self) -> str:
        """The offers as bol's offer export file."""
        lines = [
            "offerId,ean,conditionName,conditionCategory,conditionComment,bundlePricesPrice,fulfilmentDeliveryCode,"
            "stockAmount,onHoldByRetailer,fulfilmentType,mutationDateTime,referenceCode"
        ]
        for o in self.offers.values():
            stock = "" if o["stock"] is None else str(o["stock"])
            on_hold = str(o["onHold"]).lower()
            when = "2026-11-01 07:00:03.10 UTC"
            lines.append(
                f"{o['offerId']},{o['ean']},{o['condition']},NEW,,{o['price']:.2f},1-2d,{stock},{on_hold},"
                f"{o['fulfilment']},{when},{o['reference']}"
            )
        return "\n".join(lines) + "\n"

    # --- the server ------------------------------------------------------------------------------------------

    def __call__(self, handler: Any, method: str, body: bytes) -> None:
        url = urlparse(handler.path)
        if url.path == "/token":
            return self._token(handler, method, body, url.query)
        if not url.path.startswith(("/retailer/", "/shared/")):
            return self._refuse(handler, 404, f"no route {method} {url.path}")
        auth = handler.headers.get("Authorization", "")
        with self.lock:
            expiry = self.tokens.get(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
        if expiry is None or time.monotonic() >= expiry:
            return self._refuse(handler, 401, "Unauthorized: the access token is missing, unknown or expired")
        report = re.fullmatch(r"/retailer/offers/export/([^/]+)", url.path)
        if method == "GET" and report:
            return self._report(handler, report.group(1))
        if handler.headers.get("Accept") != MEDIA_TYPE:
            return self._refuse(handler, 406, f"Accept must be {MEDIA_TYPE}")
        if url.path.startswith("/shared/"):
            return self._process_status(handler, method, url.path)
        if handler.headers.get("Content-Type") != MEDIA_TYPE:
            return self._refuse(handler, 415, f"Content-Type must be {MEDIA_TYPE}")
        try:
            payload = json.loads(body or b"null", parse_float=Decimal)
        except ValueError:
            return self._refuse(handler, 400, "the body is not JSON")
        path = url.path.removeprefix("/retailer")
        if method == "POST" and path == "/offers/export":
            if payload != {"format": "CSV"}:  # the only format bol offers for this export
                return self._refuse(handler, 400, f'the body must be {{"format": "CSV"}}, not {payload!r}')
            report_id = str(uuid.uuid4())
            with self.lock:
                self.export_requests += 1
                self.reports[report_id] = self.export_csv().encode("utf-8")
            return self._accepted(handler, "CREATE_OFFER_EXPORT", report_id, self.export_error)
        match = re.fullmatch(r"/offers/([^/]+)/(stock|price)", path)
        if method == "PUT" and match:
            offer_id, what = match.groups()
            if offer_id in self.failing:  # bol accepts the call; its process status later says it failed
                return self._accepted(handler, f"UPDATE_OFFER_{what.upper()}", offer_id, self.failing[offer_id])
            if offer_id in self.timing_out:  # bol's downstream service did not answer: TIMEOUT, nothing applied
                return self._accepted(handler, f"UPDATE_OFFER_{what.upper()}", offer_id, timeout=True)
            with self.lock:
                offer = self.offers.get(offer_id)
                if offer is None:
                    return self._refuse(handler, 404, f"offer {offer_id} not found")
                problem = self._stock(offer, payload) if what == "stock" else self._price(offer, payload)
                if problem:
                    return self._refuse(handler, 400, problem)
            return self._accepted(handler, f"UPDATE_OFFER_{what.upper()}", offer_id)
        if method == "POST" and path == "/offers":
            ean = payload.get("ean") if isinstance(payload, dict) else None
            if isinstance(ean, str) and ean in self.failing:
                return self._accepted(handler, "CREATE_OFFER", "", self.failing[ean])
            with self.lock:
                problem, offer_id = self._create(payload)
            if problem:
                return self._refuse(handler, 400, problem)
            return self._accepted(handler, "CREATE_OFFER", offer_id)
        return self._refuse(handler, 404, f"no route {method} {path}")

    def _token(self, handler: Any, method: str, body: bytes, query: str) -> None:
        basic = "Basic " + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        grant = {**parse_qs(query), **parse_qs(body.decode("utf-8", "replace"))}.get("grant_type", [""])[0]
        if method != "POST" or grant != "client_credentials":
            return self._refuse(handler, 400, "POST with grant_type=client_credentials", status_name="invalid_request")
        if handler.headers.get("Authorization") != basic:
            return self._refuse(handler, 401, "bad client credentials", status_name="invalid_client")
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.token_requests += 1
            self.issued.append(token)
            self.tokens[token] = time.monotonic() + self.expires_in
        return handler._reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in,
                                    "scope": "RETAILER"})  # fmt: skip

    def _refuse(self, handler: Any, status: int, detail: str, status_name: str | None = None) -> None:
        with self.lock:
            self.refused.append((status, detail))
        body = {"type": "https://api.bol.com/problems", "title": status_name or "Refused", "status": status,
                "detail": detail}  # fmt: skip
        return handler._reply(status, body)

    def _accepted(self, handler: Any, event: str, entity: str, error: str | None = None, timeout: bool = False) -> None:
        with self.lock:
            if self.revoke_after is not None and len(self.applied) >= self.revoke_after:
                self.tokens.clear()
                self.revoke_after = None
        status_id = str(uuid.uuid4())
        status: dict[str, Any] = {"processStatusId": status_id, "entityId": entity, "eventType": event,
                  "description": f"{event} for {entity}", "status": "PENDING",
                  "createTimestamp": "2026-11-25T10:00:00+01:00", "links": []}  # fmt: skip
        if event in ("CREATE_OFFER", "CREATE_OFFER_EXPORT"):
            del status["entityId"]  # bol names the new offer's (or report's) id only once it exists (SUCCESS)
        with self.lock:
            if self.keep_statuses:
                self.statuses[status_id] = {
                    **status,
                    "_reads": 0,
                    "_entity": entity,
                    "_error": error,
                    "_timeout": timeout,
                }
        return handler._reply(202, status)

    def _report(self, handler: Any, report_id: str) -> None:
        """``GET /retailer/offers/export/{report-id}``: the file, once its process status said SUCCESS."""
        if handler.headers.get("Accept") != CSV_MEDIA_TYPE:
            return self._refuse(handler, 406, f"Accept must be {CSV_MEDIA_TYPE}")
        with self.lock:
            data = self.reports.get(report_id)
            ready = any(r.get("entityId") == report_id and r["status"] == "SUCCESS" for r in self.statuses.values())
        if data is None or not ready:
            return self._refuse(handler, 404, f"offer export {report_id} not found")
        body = self.export_body if self.export_body is not None else data
        handler.send_response(200)
        handler.send_header("Content-Type", "text/csv")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        return None

    def _process_status(self, handler: Any, method: str, path: str) -> None:
        """``GET /shared/process-status/{id}``: PENDING for ``pending_reads`` reads, then final."""
        match = re.fullmatch(r"/shared/process-status/([^/]+)", path)
        if method != "GET" or not match:
            return self._refuse(handler, 404, f"no route {method} {path}")
        with self.lock:
            record = self.statuses.get(match.group(1))
            if record is None:
                return self._refuse(handler, 404, f"process status {match.group(1)} not found")
            self.status_reads += 1
            record["_reads"] += 1
            if record["status"] == "PENDING" and record["_reads"] > self.pending_reads:
                if record["_timeout"]:
                    record["status"] = "TIMEOUT"
                elif record["_error"]:
                    record["status"], record["errorMessage"] = "FAILURE", record["_error"]
                else:
                    record["status"] = "SUCCESS"
                    record["entityId"] = record["_entity"]
            reply = {k: v for k, v in record.items() if not k.startswith("_")}
        return handler._reply(200, reply)

    @staticmethod
    def _check_stock(stock: Any) -> str | None:
        if not isinstance(stock, dict) or set(stock) != {"amount", "managedByRetailer"}:
            return "stock must be {amount, managedByRetailer}"
        amount = stock["amount"]
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 <= amount <= 999:
            return f"amount must be a whole number from 0 to 999, not {amount!r}"
        if stock["managedByRetailer"] is not True:
            return "managedByRetailer must be true"
        return None

    @staticmethod
    def _check_pricing(pricing: Any) -> tuple[str | None, Decimal]:
        bundles = pricing.get("bundlePrices") if isinstance(pricing, dict) else None
        if not isinstance(bundles, list) or not bundles or not isinstance(bundles[0], dict):
            return "pricing.bundlePrices must be a non-empty list", Decimal(0)
        first = bundles[0]
        if first.get("quantity") != 1 or isinstance(first.get("quantity"), bool):
            return "the first bundle price must be for quantity 1", Decimal(0)
        price = first.get("unitPrice")
        if not isinstance(price, int | Decimal) or isinstance(price, bool):
            return f"unitPrice must be a JSON number, not {price!r}", Decimal(0)
        price = Decimal(price)
        if price <= 0 or price != price.quantize(Decimal("0.01")):
            return f"unitPrice must be a positive amount in cents, not {price}", Decimal(0)
        return None, price

    def _stock(self, offer: dict[str, Any], payload: Any) -> str | None:
        if offer["fulfilment"] == "FBB":
            return "the stock of an offer fulfilled by bol.com (FBB) is managed by bol.com"
        problem = self._check_stock(payload)
        if problem:
            return problem
        offer["stock"] = payload["amount"]
        self.applied.append((offer["offerId"], "stock", payload["amount"]))
        return None

    def _price(self, offer: dict[str, Any], payload: Any) -> str | None:
        if not isinstance(payload, dict) or set(payload) != {"pricing"}:
            return "the body must be {pricing}"
        problem, price = self._check_pricing(payload["pricing"])
        if problem:
            return problem
        offer["price"] = price
        self.applied.append((offer["offerId"], "price", price))
        return None

    def _create(self, payload: Any) -> tuple[str | None, str]:
        if not isinstance(payload, dict):
            return "the body must be an offer", ""
        allowed = {"ean", "condition", "reference", "onHoldByRetailer", "unknownProductTitle", "pricing", "stock",
                   "fulfilment"}  # fmt: skip
        if set(payload) - allowed or not {"ean", "condition", "pricing", "stock", "fulfilment"} <= set(payload):
            return f"unexpected or missing offer properties: {sorted(payload)}", ""
        ean = payload["ean"]
        if not isinstance(ean, str) or not re.fullmatch(r"\d{13}", ean):
            return f"ean must be 13 digits, not {ean!r}", ""
        condition = payload["condition"]
        if not isinstance(condition, dict) or condition.get("name") not in {"NEW", "AS_NEW", "GOOD", "REASONABLE",
                                                                           "MODERATE"}:  # fmt: skip
            return f"unknown condition {condition!r}", ""
        reference = payload.get("reference", "")
        if not isinstance(reference, str) or len(reference) > 100:
            return "reference must be text of at most 100 characters", ""
        if payload.get("fulfilment") != {"method": "FBR"}:
            return "fulfilment must be {method: FBR}", ""
        problem, price = self._check_pricing(payload["pricing"])
        problem = problem or self._check_stock(payload["stock"])
        if problem:
            return problem, ""
        if any(o["ean"] == ean and o["condition"] == condition["name"] for o in self.offers.values()):
            return f"an offer for {ean} in condition {condition['name']} exists already", ""
        on_hold = bool(payload.get("onHoldByRetailer", False))
        offer_id = self.add(ean, price=str(price), stock=payload["stock"]["amount"], reference=reference,
                            on_hold=on_hold, condition=condition["name"])  # fmt: skip
        self.offers[offer_id]["title"] = payload.get("unknownProductTitle")
        self.applied.append((offer_id, "create", ean))
        return None, offer_id
