"""A fake Amazon on 127.0.0.1: Login with Amazon, the SP-API Feeds and Reports APIs, and the document storage their
pre-signed URLs point at (a second server, as S3 is another host). It enforces what chansync relies on:

- ``POST /auth/o2/token`` takes a form-encoded ``grant_type=refresh_token`` with ``refresh_token``, ``client_id``
  and ``client_secret`` and answers ``access_token``, ``token_type`` and ``expires_in`` (3600 s)
  (https://developer-docs.amazon.com/sp-api/docs/connecting-to-the-selling-partner-api); a wrong client or refresh
  token is refused (400 ``invalid_grant`` / 401 ``invalid_client``, the OAuth 2 errors of RFC 6749 section 5.2).
- Every SP-API call needs a live access token in ``x-amz-access-token``, else 403 ("Access Denied, Unauthorized,
  Expired Token": the 403 of ``models/feeds-api-model/feeds_2021-06-30.json`` in amzn/selling-partner-api-models).
- ``POST /feeds/2021-06-30/documents`` needs ``contentType`` and answers 201 with ``feedDocumentId`` and a pre-signed
  ``url``; the document is ``PUT`` there with that exact content type, without the SP-API token (a pre-signed URL
  carries its own signature). ``POST /feeds/2021-06-30/feeds`` needs ``feedType``, ``marketplaceIds`` (1 to 25)
  and ``inputFeedDocumentId`` of an uploaded document, and answers 202 with ``feedId``. ``GET .../feeds/{feedId}``
  shows ``processingStatus`` IN_QUEUE, IN_PROGRESS, then DONE, FATAL or CANCELLED with ``resultFeedDocumentId``;
  ``GET .../documents/{id}`` the report's ``url`` and ``compressionAlgorithm`` (GZIP when ``gzip`` is set)
  (same model file).
- The processing report has the shape of ``schemas/feeds/listings-feed-processing-report-schema-v2.json``:
  ``header``, ``issues`` (``messageId``, ``sku``, ``code``, ``severity``, ``message``), ``summary``. The feed itself
  is checked against ``schemas/feeds/listings-feed-schema-v2.json`` (header ``sellerId``, ``version`` 2.0,
  ``issueLocale``; messages with ``messageId``, ``sku``, ``operationType``, ``productType``, ``patches``): a feed
  that breaks it ends FATAL.
- Reports: ``POST /reports/2021-06-30/reports`` (``reportType``, ``marketplaceIds``) answers 202 with ``reportId``;
  ``GET .../reports/{id}`` moves through the same statuses to DONE with ``reportDocumentId``;
  ``GET .../documents/{id}`` gives the All Listings report, tab-separated (``models/reports-api-model/
  reports_2021-06-30.json``).
- ``GET /feeds/2021-06-30/feeds`` (getFeeds) lists feeds by ``feedTypes``, ``marketplaceIds`` and ``createdSince``
  (same model file); ``lose_answers`` makes createFeed take a feed and answer 503, as a lost answer looks.
- ``throttle``: operations answered 429 once, with ``x-amzn-RateLimit-Limit`` and no ``Retry-After``
  (https://developer-docs.amazon.com/sp-api/docs/usage-plans-and-rate-limits-in-the-sp-api).

A feed is processed when its status reaches DONE: at the ``steps``-th read, or ``process_after`` seconds after it
was created whether anyone asks or not (Amazon processes a feed with nobody waiting). ``applied`` lists every
change made, per feed, so a test can tell that nothing was applied twice.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.http_server import Fault, Recorder, serving

__all__ = ["FakeAmazon", "Fault", "Recorder", "amazon", "serving"]

FEEDS, REPORTS = "/feeds/2021-06-30", "/reports/2021-06-30"
STATUSES = ("IN_QUEUE", "IN_PROGRESS")
REPORT_COLUMNS = ["item-name", "listing-id", "seller-sku", "price", "quantity", "open-date", "asin1",
                  "fulfillment-channel", "status"]  # fmt: skip


@dataclass
class Listing:
    price: int  # cents
    quantity: int | None
    title: str = ""
    status: str = "Active"
    fulfillment: str = "DEFAULT"


@dataclass
class FakeAmazon:
    client_id: str
    client_secret: str
    refresh_token: str
    seller_id: str = "A2EXAMPLE"
    marketplace_id: str = "A1805IZSGTT6HS"
    listings: dict[str, Listing] = field(default_factory=dict)
    #: Reads of getFeed/getReport before the final status (IN_QUEUE, IN_PROGRESS, ...).
    steps: int = 2
    #: Seconds after createFeed at which the feed is processed anyway (None: only by reads).
    process_after: float | None = None
    #: SKU -> the error Amazon reports for a message about it.
    refuse: dict[str, str] = field(default_factory=dict)
    fatal: bool = False  # the next feed ends FATAL
    gzip: bool = False
    token_lifetime: int = 3600
    throttle: list[str] = field(default_factory=list)  # operation names answered 429 once each
    lose_answers: int = 0  # createFeed calls that create the feed but answer 503
    drop_creates: int = 0  # createFeed calls that answer 503 and create nothing
    skip: set[str] = field(default_factory=set)  # SKUs whose messages Amazon leaves unprocessed (and unreported)
    storage: str = ""  # the storage server's base URL, set by :func:`amazon`
    applied: list[tuple[str, str, str, Any]] = field(default_factory=list)  # (feedId, sku, field, value)
    tokens: dict[str, float] = field(default_factory=dict)  # access token -> expiry (time.time)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    feeds: dict[str, dict[str, Any]] = field(default_factory=dict)
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: list[dict[str, Any]] = field(default_factory=list)  # every PUT to a pre-signed URL: content type, body
    lock: threading.RLock = field(default_factory=threading.RLock)
    counter: int = 1000

    def add(self, sku: str, price: int, quantity: int | None, **more: Any) -> None:
        self.listings[sku] = Listing(price, quantity, **more)

    # --- the SP-API host ------------------------------------------------------------------------------------------

    def __call__(self, handler: Any, method: str, body: bytes) -> None:
        with self.lock:
            self.settle()
            url = urlparse(handler.path)
            if url.path == "/auth/o2/token":
                return self._token(handler, method, body)
            expiry = self.tokens.get(handler.headers.get("x-amz-access-token") or "")
            if expiry is None or expiry < time.time():
                return self._errors(handler, 403, "Unauthorized", "Access to requested resource is denied.")
            route = self._route(method, url.path)
            if route is None:
                return self._errors(handler, 404, "NotFound", f"no route {method} {url.path}")
            operation, ident = route
            if operation in self.throttle:
                self.throttle.remove(operation)
                quota = {"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource."}
                return handler._reply(429, {"errors": [quota]}, {"x-amzn-RateLimit-Limit": "2.0"})
            try:
                payload = json.loads(body) if body else None
            except ValueError:
                return self._errors(handler, 400, "InvalidInput", "the body is not JSON")
            if operation == "get_feeds":
                return self._get_feeds(handler, parse_qs(url.query))
            return getattr(self, f"_{operation}")(handler, payload, ident)

    def _route(self, method: str, path: str) -> tuple[str, str] | None:
        table = [("POST", rf"{FEEDS}/documents", "create_feed_document"), ("POST", rf"{FEEDS}/feeds", "create_feed"),
                 ("GET", rf"{FEEDS}/feeds", "get_feeds"),
                 ("GET", rf"{FEEDS}/feeds/([^/]+)", "get_feed"), ("GET", rf"{FEEDS}/documents/([^/]+)", "get_document"),
                 ("POST", rf"{REPORTS}/reports", "create_report"), ("GET", rf"{REPORTS}/reports/([^/]+)", "get_report"),
                 ("GET", rf"{REPORTS}/documents/([^/]+)", "get_document")]  # fmt: skip
        for verb, pattern, operation in table:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                return operation, match.group(1) if match.groups() else ""
        return None

    def _token(self, handler: Any, method: str, body: bytes) -> None:
        if method != "POST" or not handler.headers.get("Content-Type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            return handler._reply(400, {"error": "invalid_request", "error_description": "a form POST is expected"})
        form = {k: v[0] for k, v in parse_qs(body.decode("ascii")).items()}
        if form.get("grant_type") != "refresh_token":
            return handler._reply(400, {"error": "unsupported_grant_type"})
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return handler._reply(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
        if form.get("refresh_token") != self.refresh_token:
            return handler._reply(400, {"error": "invalid_grant", "error_description": "The request has an invalid "
                                                                                     "grant parameter"})  # fmt: skip
        token = f"Atza|fake-access-{self._next()}"
        self.tokens[token] = time.time() + self.token_lifetime
        reply = {"access_token": token, "token_type": "bearer", "expires_in": self.token_lifetime,
                 "refresh_token": self.refresh_token}  # fmt: skip
        return handler._reply(200, reply)

    def _errors(self, handler: Any, status: int, code: str, message: str) -> None:
        handler._reply(status, {"errors": [{"code": code, "message": message}]})

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    # --- feeds ------------------------------------------------------------------------------------------------------

    def _create_feed_document(self, handler: Any, payload: Any, _: str) -> None:
        if not isinstance(payload, dict) or not isinstance(payload.get("contentType"), str):
            return self._errors(handler, 400, "InvalidInput", "contentType is required")
        ident = f"amzn1.tortuga.doc.{self._next()}"
        self.documents[ident] = {"contentType": payload["contentType"], "content": None, "signature": ident[-4:]}
        url = f"{self.storage}/upload/{ident}?X-Amz-Signature=sig{ident[-4:]}"
        return handler._reply(201, {"feedDocumentId": ident, "url": url})

    def _create_feed(self, handler: Any, payload: Any, _: str) -> None:
        if not isinstance(payload, dict):
            return self._errors(handler, 400, "InvalidInput", "a CreateFeedSpecification is required")
        markets = payload.get("marketplaceIds")
        document = self.documents.get(str(payload.get("inputFeedDocumentId")))
        if payload.get("feedType") != "JSON_LISTINGS_FEED":
            return self._errors(handler, 400, "InvalidInput", "feedType must be JSON_LISTINGS_FEED here")
        if not isinstance(markets, list) or not 1 <= len(markets) <= 25:
            return self._errors(handler, 400, "InvalidInput", "marketplaceIds: 1 to 25 marketplaces")
        if document is None or document["content"] is None:
            return self._errors(handler, 400, "InvalidInput", "inputFeedDocumentId names no uploaded document")
        if self.drop_creates:
            self.drop_creates -= 1
            return self._errors(handler, 503, "ServiceUnavailable", "Service temporarily unavailable.")
        ident = str(self._next())
        self.feeds[ident] = {"feedId": ident, "feedType": "JSON_LISTINGS_FEED", "marketplaceIds": markets,
                             "createdTime": _now(), "processingStatus": "IN_QUEUE", "reads": 0,
                             "created": time.time(), "document": document, "fatal": self.fatal}  # fmt: skip
        self.fatal = False
        if self.lose_answers:  # taken, but the answer is lost on the way (a 503 from a proxy, a dropped line)
            self.lose_answers -= 1
            return self._errors(handler, 503, "ServiceUnavailable", "Service temporarily unavailable.")
        return handler._reply(202, {"feedId": ident})

    def _get_feeds(self, handler: Any, query: dict[str, list[str]]) -> None:
        """getFeeds: ``feedTypes`` (required without nextToken), ``marketplaceIds``, ``createdSince``, ``pageSize``;
        arrays comma-separated (the Swagger 2 default ``csv`` format)."""
        types = ",".join(query.get("feedTypes", [])).split(",")
        if not types[0]:
            return self._errors(handler, 400, "InvalidInput", "feedTypes or nextToken is required")
        markets = set(",".join(query.get("marketplaceIds", [])).split(",")) - {""}
        since = query.get("createdSince", ["1970-01-01T00:00:00Z"])[0]
        shown = [{k: v for k, v in feed.items() if k not in ("reads", "created", "document", "fatal")}
                 for feed in self.feeds.values() if feed["feedType"] in types and feed["createdTime"] >= since
                 and (not markets or markets & set(feed["marketplaceIds"]))]  # fmt: skip
        return handler._reply(200, {"feeds": shown})

    def _get_feed(self, handler: Any, _: Any, ident: str) -> None:
        feed = self.feeds.get(ident)
        if feed is None:
            return self._errors(handler, 404, "NotFound", f"no feed {ident}")
        feed["reads"] += 1
        if feed["processingStatus"] in STATUSES and self.process_after is None:
            if feed["reads"] > self.steps:
                self._process(feed)
            else:
                feed["processingStatus"] = STATUSES[min(feed["reads"] - 1, 1)]
        shown = {k: v for k, v in feed.items() if k not in ("reads", "created", "document", "fatal")}
        return handler._reply(200, shown)

    def settle(self) -> None:
        """Process every feed whose time has come (``process_after``), whoever asks."""
        with self.lock:
            if self.process_after is None:
                return
            for feed in self.feeds.values():
                age = time.time() - feed["created"]
                if feed["processingStatus"] in STATUSES:
                    if age >= self.process_after:
                        self._process(feed)
                    elif age >= self.process_after / 2:
                        feed["processingStatus"] = "IN_PROGRESS"

    def _process(self, feed: dict[str, Any]) -> None:
        """Apply a feed's messages, write its processing report."""
        issues: list[dict[str, Any]] = []
        accepted = invalid = 0
        try:
            document = json.loads(feed["document"]["content"], parse_float=Decimal)
            messages = _checked(document, self.seller_id)
        except (ValueError, KeyError, TypeError) as error:
            feed["processingStatus"] = "FATAL"
            issues.append({"code": "4000001", "severity": "ERROR", "message": f"The feed is not valid: {error}"})
            feed["resultFeedDocumentId"] = self._result({"header": self._header(feed), "issues": issues,
                                                         "summary": {"errors": 1}})  # fmt: skip
            return
        if feed["fatal"]:
            feed["processingStatus"] = "FATAL"
            issues.append({"code": "4000002", "severity": "ERROR", "message": "An internal error occurred."})
            feed["resultFeedDocumentId"] = self._result({"header": self._header(feed), "issues": issues,
                                                         "summary": {"errors": 1}})  # fmt: skip
            return
        messages = [m for m in messages if m["sku"] not in self.skip]  # processed: the others are left out
        for message in messages:
            sku, number = message["sku"], message["messageId"]
            problem = self.refuse.get(sku) or (None if sku in self.listings else "The SKU was not found.")
            if problem:
                invalid += 1
                issues.append({"messageId": number, "sku": sku, "code": "90220", "severity": "ERROR",
                               "message": problem})  # fmt: skip
                continue
            accepted += 1
            listing = self.listings[sku]
            for patch in message["patches"]:
                value = patch["value"][0]
                if patch["path"] == "/attributes/purchasable_offer":
                    price = int(Decimal(str(value["our_price"][0]["schedule"][0]["value_with_tax"])) * 100)
                    listing.price = price
                    self.applied.append((feed["feedId"], sku, "price", price))
                elif patch["path"] == "/attributes/fulfillment_availability":
                    listing.quantity = int(value["quantity"])
                    self.applied.append((feed["feedId"], sku, "quantity", listing.quantity))
        summary = {"errors": invalid, "warnings": 0, "messagesProcessed": len(messages),
                   "messagesAccepted": accepted, "messagesInvalid": invalid}  # fmt: skip
        report = {"header": self._header(feed), "issues": issues, "summary": summary}
        feed["resultFeedDocumentId"] = self._result(report)
        feed["processingStatus"] = "DONE"
        feed["processingEndTime"] = _now()

    def _header(self, feed: dict[str, Any]) -> dict[str, Any]:
        return {"sellerId": self.seller_id, "version": "2.0", "feedId": feed["feedId"]}

    def _result(self, report: dict[str, Any]) -> str:
        ident = f"amzn1.tortuga.result.{self._next()}"
        self.documents[ident] = {"content": json.dumps(report).encode("utf-8"), "signature": ident[-4:]}
        return ident

    def _get_document(self, handler: Any, _: Any, ident: str) -> None:
        document = self.documents.get(ident)
        if document is None or document["content"] is None:
            return self._errors(handler, 404, "NotFound", f"no document {ident}")
        reply = {"feedDocumentId" if "report" not in ident else "reportDocumentId": ident,
                 "url": f"{self.storage}/download/{ident}?X-Amz-Signature=sig{document['signature']}"}  # fmt: skip
        if self.gzip:
            reply["compressionAlgorithm"] = "GZIP"
        return handler._reply(200, reply)

    # --- reports ----------------------------------------------------------------------------------------------------

    def _create_report(self, handler: Any, payload: Any, _: str) -> None:
        if not isinstance(payload, dict) or payload.get("reportType") != "GET_MERCHANT_LISTINGS_ALL_DATA":
            return self._errors(handler, 400, "InvalidInput", "reportType must be GET_MERCHANT_LISTINGS_ALL_DATA here")
        if not isinstance(payload.get("marketplaceIds"), list) or not payload["marketplaceIds"]:
            return self._errors(handler, 400, "InvalidInput", "marketplaceIds is required")
        ident = str(self._next())
        self.reports[ident] = {"reportId": ident, "reportType": payload["reportType"], "createdTime": _now(),
                               "marketplaceIds": payload["marketplaceIds"], "processingStatus": "IN_QUEUE",
                               "reads": 0}  # fmt: skip
        return handler._reply(202, {"reportId": ident})

    def _get_report(self, handler: Any, _: Any, ident: str) -> None:
        report = self.reports.get(ident)
        if report is None:
            return self._errors(handler, 404, "NotFound", f"no report {ident}")
        report["reads"] += 1
        if report["processingStatus"] in STATUSES:
            if report["reads"] > self.steps:
                document = f"amzn1.spdoc.report.{self._next()}"
                self.documents[document] = {"content": self.listings_report(), "signature": document[-4:]}
                report.update(processingStatus="DONE", reportDocumentId=document, processingEndTime=_now())
            else:
                report["processingStatus"] = STATUSES[min(report["reads"] - 1, 1)]
        return handler._reply(200, {k: v for k, v in report.items() if k != "reads"})

    def listings_report(self) -> bytes:
        """The All Listings report as Amazon's download gives it: tab-separated, a header row."""
        out = io.StringIO()
        out.write("\t".join(REPORT_COLUMNS) + "\n")
        for n, (sku, listing) in enumerate(sorted(self.listings.items()), 1):
            quantity = "" if listing.quantity is None else str(listing.quantity)
            row = [listing.title or sku, f"0{n:03d}Z", sku, f"{Decimal(listing.price) / 100:.2f}", quantity,
                   "2025-01-01 08:00:00 MET", f"B0{n:08d}", listing.fulfillment, listing.status]  # fmt: skip
            out.write("\t".join(row) + "\n")
        return out.getvalue().encode("utf-8")

    # --- the storage host (pre-signed URLs) --------------------------------------------------------------------------

    def store(self, handler: Any, method: str, body: bytes) -> None:
        url = urlparse(handler.path)
        match = re.fullmatch(r"/(upload|download)/(.+)", url.path)
        with self.lock:
            document = self.documents.get(match.group(2)) if match else None
            signature = parse_qs(url.query).get("X-Amz-Signature", [""])[0]
            if match is None or document is None or signature != f"sig{document['signature']}":
                return handler._reply(403, None, raw=b"<Error><Code>SignatureDoesNotMatch</Code></Error>")
            if handler.headers.get("x-amz-access-token"):  # the SP-API token does not belong here
                return handler._reply(400, None, raw=b"<Error><Code>UnexpectedToken</Code></Error>")
            if match.group(1) == "upload":
                if method != "PUT":
                    return handler._reply(405, None, raw=b"<Error><Code>MethodNotAllowed</Code></Error>")
                sent_type = handler.headers.get("Content-Type", "")
                self.uploads.append({"contentType": sent_type, "body": body})
                if sent_type != document["contentType"]:  # the type given to createFeedDocument, exactly
                    return handler._reply(403, None, raw=b"<Error><Code>SignatureDoesNotMatch</Code></Error>")
                document["content"] = body
                return handler._reply(200, None, raw=b"")
            if method != "GET":
                return handler._reply(405, None, raw=b"<Error><Code>MethodNotAllowed</Code></Error>")
            content = gzip.compress(document["content"]) if self.gzip else document["content"]
            return handler._reply(200, None, raw=content)

    def state(self) -> dict[str, tuple[int, int | None]]:
        with self.lock:
            self.settle()
            return {sku: (listing.price, listing.quantity) for sku, listing in self.listings.items()}


def _checked(document: Any, seller_id: str) -> list[dict[str, Any]]:
    """The messages of a JSON_LISTINGS_FEED, checked against the listings feed schema 2.0."""
    header = document["header"]
    if header["sellerId"] != seller_id or header["version"] != "2.0" or not header.get("issueLocale"):
        raise ValueError("header: sellerId of this seller, version 2.0 and issueLocale are required")
    messages = document["messages"]
    if not 1 <= len(messages) <= 10_000:
        raise ValueError("1 to 10,000 messages")
    numbers = [m["messageId"] for m in messages]
    if len(set(numbers)) != len(numbers):
        raise ValueError("messageId must be unique within the feed")
    for message in messages:
        if message["operationType"] != "PATCH" or not message["productType"] or not message["patches"]:
            raise ValueError(f"message {message['messageId']}: a PATCH needs productType and patches")
        for patch in message["patches"]:
            if patch["op"] not in ("add", "replace", "merge", "delete"):
                raise ValueError(f"message {message['messageId']}: op {patch['op']!r}")
    return list(messages)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@contextmanager
def amazon(fake: FakeAmazon, api: Recorder | None = None, store: Recorder | None = None) -> Iterator[str]:
    """Serve the SP-API (with Login with Amazon on the same host) and the document storage; yields the API's URL."""
    with serving(fake.store, store or Recorder()) as storage, serving(fake, api or Recorder()) as url:
        fake.storage = storage
        yield url
