"""Amazon's Selling Partner API: the listings feed sent through the Feeds API, the All Listings report read through
the Reports API. Built on the shared :class:`~chansync.transports.http.HttpClient`, not on Amazon's ``amzn-sp-api``
SDK (docs/channels/amazon.md says why).

The contract, with its sources:

- Every call carries a Login with Amazon access token in ``x-amz-access-token``; the token comes from a ``POST`` of
  ``grant_type=refresh_token``, ``refresh_token``, ``client_id`` and ``client_secret`` (form-encoded) to
  ``https://api.amazon.com/auth/o2/token`` and expires one hour after it is issued
  (https://developer-docs.amazon.com/sp-api/docs/connecting-to-the-selling-partner-api).
- Regional hosts: ``sellingpartnerapi-na/-eu/-fe.amazon.com`` (https://developer-docs.amazon.com/sp-api/docs/sp-api-endpoints).
- Feeds API v2021-06-30 (amzn/selling-partner-api-models ``models/feeds-api-model/feeds_2021-06-30.json``):
  ``createFeedDocument`` (``POST /feeds/2021-06-30/documents`` with ``contentType``) returns ``feedDocumentId``
  and a pre-signed ``url`` valid for 5 minutes; the feed is ``PUT`` there with the same content type; ``createFeed``
  (``POST /feeds/2021-06-30/feeds``: ``feedType``, ``marketplaceIds``, ``inputFeedDocumentId``) returns a
  ``feedId``; ``getFeed`` gives ``processingStatus`` (IN_QUEUE, IN_PROGRESS, then DONE, FATAL or CANCELLED) and
  ``resultFeedDocumentId``; ``getFeedDocument`` gives the report's ``url`` and ``compressionAlgorithm`` (GZIP: the
  download must be decompressed).
- Reports API v2021-06-30 (``models/reports-api-model/reports_2021-06-30.json``): ``createReport`` (``reportType``,
  ``marketplaceIds``) returns a ``reportId``; ``getReport`` gives ``processingStatus`` and ``reportDocumentId``;
  ``getReportDocument`` the ``url`` and ``compressionAlgorithm``. CANCELLED also means "no data to return".
- 429 is Amazon's throttling answer; ``x-amzn-RateLimit-Limit`` names the rate that applied
  (https://developer-docs.amazon.com/sp-api/docs/usage-plans-and-rate-limits-in-the-sp-api). The shared client
  retries a 429 with exponential backoff (and ``Retry-After`` when a server sends one).

A feed is processed by Amazon after ``createFeed`` whatever happens to chansync. So what a feed's messages set is
written to ``<state_dir>/amazon/<channel>-feeds.json`` before ``createFeed`` is sent, and its id as soon as Amazon
answers; a run that was stopped while Amazon worked is followed up by the next one, which waits for the feed,
records what Amazon accepted, and leaves those changes out of its own feed. ``createFeed`` is sent again only after
a 429; after a lost answer the feed is looked up with ``getFeeds``. Nothing is sent twice.
"""

from __future__ import annotations

import gzip
import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from ...errors import AdapterError, TransportError
from ...fields import Field
from ...i18n import _
from ...model import DELIST, LISTED, Plan
from ...transports.http import HttpClient, RetryPolicy, register_secrets
from ...transports.local import atomic_open
from ..base import ChannelState, OnApplied
from .feed import document, patch_messages
from .report import ACCEPTED, ACCEPTED_WITH_WARNINGS, message_results, read_processing_report

if TYPE_CHECKING:
    from ..base import Desired
    from . import AmazonAdapter

#: https://developer-docs.amazon.com/sp-api/docs/sp-api-endpoints
ENDPOINTS = {
    "na": "https://sellingpartnerapi-na.amazon.com",
    "eu": "https://sellingpartnerapi-eu.amazon.com",
    "fe": "https://sellingpartnerapi-fe.amazon.com",
}
FEEDS, REPORTS = "feeds/2021-06-30", "reports/2021-06-30"
FEED_TYPE, REPORT_TYPE = "JSON_LISTINGS_FEED", "GET_MERCHANT_LISTINGS_ALL_DATA"
#: The feed's content type, given to createFeedDocument and sent, the same, with the upload.
CONTENT_TYPE = "application/json; charset=UTF-8"
DONE, FATAL, CANCELLED = "DONE", "FATAL", "CANCELLED"
FINAL = frozenset({DONE, FATAL, CANCELLED})
TOKEN_HEADER = "x-amz-access-token"
FORM = "application/x-www-form-urlencoded;charset=UTF-8"
#: A token is renewed this many seconds before Amazon says it expires.
TOKEN_MARGIN = 60.0
#: The longest wait between two status reads.
MAX_STATUS_WAIT = 300.0
PRICE, QUANTITY = Field.PRICE.value, Field.QUANTITY.value
#: A feed sent but not answered is looked for among the feeds created since a little before it was sent.
UNANSWERED, CLOCK_MARGIN, FINISHED_KEPT = "doc:", 300.0, 100
#: A feed sent but not listed by getFeeds is taken as never received only this many status waits after it was sent.
LISTING_DELAY_WAITS = 4


# --- Login with Amazon ------------------------------------------------------------------------------------------


@dataclass
class LwaToken:
    """An access token from the seller's refresh token, fetched when first needed and renewed before it expires."""

    http: HttpClient  # the token endpoint
    client_id: str
    client_secret: str
    refresh_token: str
    clock: Callable[[], float] = time.monotonic
    _token: str = ""
    _until: float = 0.0

    def token(self) -> str:
        if self._token and self.clock() < self._until:
            return self._token
        form = {"grant_type": "refresh_token", "refresh_token": self.refresh_token,
                "client_id": self.client_id, "client_secret": self.client_secret}  # fmt: skip
        try:
            reply = self.http.request("POST", "", data=urlencode(form).encode("ascii"), expect_json=True,
                                      headers={"Content-Type": FORM})  # fmt: skip
        except TransportError as error:
            if error.retriable:
                raise TransportError(
                    _("Login with Amazon did not answer: {reason}").format(reason=error.message), retriable=True
                ) from None
            raise TransportError(
                _("Login with Amazon refused the credentials: {reason}").format(reason=error.message),
                retriable=False,
                hint=_("check client_id, client_secret and refresh_token of the amazon_sp_api upload"),
            ) from None
        payload = reply.json()
        token = payload.get("access_token") if isinstance(payload, dict) else None
        if not isinstance(token, str) or not token:
            raise TransportError(_("Login with Amazon answered without an access token"), retriable=False)
        register_secrets([token])  # scrubbed from every message from now on
        try:
            lifetime = float(payload.get("expires_in") or 3600)
        except (TypeError, ValueError):
            lifetime = 3600.0
        self._token, self._until = token, self.clock() + max(lifetime - TOKEN_MARGIN, 0.0)
        return token


@dataclass
class SpApiClient(HttpClient):
    """The shared client with the LWA token on every call to the SP-API host, and on no other (a pre-signed
    document URL carries its own signature: a token there would leak it and break the signature)."""

    lwa: LwaToken | None = None

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        if self.lwa is not None and _host(self.url(path)) == _host(self.base_url):
            kwargs["headers"] = {**(kwargs.get("headers") or {}), TOKEN_HEADER: self.lwa.token()}
        return super().request(method, path, **kwargs)


def _host(url: str) -> tuple[str, str]:
    try:
        parts = urlsplit(url)
        return parts.scheme.lower(), parts.netloc.lower()
    except ValueError:
        return ("", url)


def client(section: Any, secrets: tuple[str, ...], policy: RetryPolicy) -> HttpClient:
    """The ``amazon_sp_api`` upload's client (connect.CLIENT_BUILDERS): the region's host, or ``url``."""
    base = section.get("url") or ENDPOINTS[str(section.get("region") or "eu")]
    token_http = HttpClient(str(section.token_url), policy=policy, secrets=secrets)
    lwa = LwaToken(token_http, str(section.client_id), str(section.client_secret), str(section.refresh_token))
    return SpApiClient(str(base), policy=policy, secrets=secrets, lwa=lwa)


# --- documents and statuses -------------------------------------------------------------------------------------


def _json(client: HttpClient, method: str, path: str, *, skus: tuple[str, ...] = (), **kwargs: Any) -> dict[str, Any]:
    reply = client.request(method, path, expect_json=True, skus=skus, **kwargs).json()
    if not isinstance(reply, dict):
        raise TransportError(
            _("{method} {path}: Amazon's answer is not a JSON object").format(method=method, path=path),
            retriable=True,
            skus=skus,
        )
    return reply


def _field(reply: dict[str, Any], name: str, what: str, skus: tuple[str, ...] = ()) -> str:
    value = reply.get(name)
    if not isinstance(value, str) or not value:
        raise TransportError(
            _("Amazon's {what} has no {name}").format(what=what, name=name), retriable=False, skus=skus
        )
    return value


def download(client: HttpClient, document: dict[str, Any], what: str) -> bytes:
    """A feed or report document's content, decompressed when ``compressionAlgorithm`` says GZIP."""
    url = _field(document, "url", what)
    data = client.request("GET", url).content
    if str(document.get("compressionAlgorithm") or "").upper() == "GZIP":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise TransportError(
                _("Amazon's {what} is marked GZIP but cannot be unpacked ({error})").format(what=what, error=error),
                retriable=True,
            ) from None
    return data


def wait_until_final(
    client: HttpClient, path: str, upload: Any, what: str, skus: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    """Read ``path`` (getFeed or getReport) with a doubling wait until its ``processingStatus`` is final; None if
    it is not after ``status_timeout`` seconds (Amazon may still finish it later)."""
    wait = float(getattr(upload, "status_wait", 15.0))
    budget = float(getattr(upload, "status_timeout", 3600.0))
    waited = 0.0
    while True:
        status = _json(client, "GET", path, skus=skus)
        if str(status.get("processingStatus") or "").upper() in FINAL:
            return status
        if waited >= budget:
            return None
        pause = min(wait, MAX_STATUS_WAIT, budget - waited)
        client.sleep(pause)
        waited += pause
        wait *= 2


# --- the pending feeds ------------------------------------------------------------------------------------------


@dataclass
class Pending:
    """Feeds Amazon took but chansync has not yet seen finished, kept in a file under the state folder (nowhere
    when there is none: a caller that built the section by hand). ``feeds``: ``{feedId: {"messages": [{messageId,
    key, set}]}}``; a feed whose ``createFeed`` was sent but not answered is kept under ``doc:<feedDocumentId>``
    with ``since``, the time just before. ``finished``: the last feeds seen to the end, never taken for another."""

    path: Path | None
    feeds: dict[str, dict[str, Any]] = field(default_factory=dict)
    finished: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, state_dir: Any, channel: str) -> Pending:
        if not state_dir:
            return cls(None)
        path = Path(state_dir) / "amazon" / f"{quote(channel, safe='')}-feeds.json"
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            feeds = {str(k): dict(v) for k, v in dict(loaded.get("feeds") or {}).items()}
            return cls(path, feeds, [str(f) for f in loaded.get("finished") or []])
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError, TypeError, AttributeError) as error:
            raise AdapterError(
                _("the list of Amazon feeds in progress ({name}) cannot be read: {error}").format(
                    name=path.name, error=error
                ),
                hint=_("delete it if no feed chansync sent is still processing"),
            ) from None

    def add(self, key: str, messages: list[dict[str, Any]], since: str | None = None) -> None:
        self.feeds[key] = {"messages": messages} | ({"since": since, "sent": time.time()} if since else {})
        self._save()

    def replace(self, old: str, new: str | None) -> None:
        """The feed kept as ``old`` is ``new`` (its id found), or, with None, gone."""
        entry = self.feeds.pop(old, None)
        if entry is not None and new is not None:
            self.feeds[new] = {"messages": entry["messages"]}
        self._save()

    def finish(self, feed_id: str) -> None:
        self.feeds.pop(feed_id, None)
        self.finished = [*self.finished, feed_id][-FINISHED_KEPT:]
        self._save()

    def _save(self) -> None:
        if self.path is None:
            return
        with atomic_open(self.path) as handle:
            handle.write(json.dumps({"feeds": self.feeds, "finished": self.finished}, indent=1).encode("utf-8"))


# --- applying a plan --------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    failed: dict[str, str] = field(default_factory=dict)
    done: dict[str, dict[str, Any]] = field(default_factory=dict)  # SKU -> what Amazon accepted
    waiting: list[str] = field(default_factory=list)  # SKUs of feeds still processing


def messages_of(plan: Plan, desired: Desired, adapter: AmazonAdapter) -> list[dict[str, Any]]:
    """The feed's messages (as :func:`.feed.patch_messages` writes them), each with ``set``: the canonical values
    it gives the listing, for the journal."""
    messages = patch_messages(plan, adapter.settings, desired.currency)
    delists = {str(k) for k in plan.keys(DELIST)}
    wanted = plan.desired
    for message in messages:
        sku, sets = message["sku"], {}
        for patch in message["patches"]:
            if patch["path"].endswith("purchasable_offer"):
                sets[PRICE] = int(str(wanted.at[sku, PRICE]))
            elif patch["path"].endswith("fulfillment_availability"):
                sets[QUANTITY] = int(patch["value"][0]["quantity"])
        if sku in delists:
            sets[LISTED] = False
        message["set"] = sets
    return messages


def apply_plan(
    plan: Plan, desired: Desired, client: HttpClient, applied: OnApplied, upload: Any, adapter: AmazonAdapter
) -> dict[str, str]:
    """Send the plan as JSON listings feeds and follow each to its processing report; {SKU: reason} for what was
    not applied. ``applied`` gets, per feed, the messages Amazon accepted (with or without warnings)."""
    pending = Pending.open(getattr(upload, "state_dir", None), adapter.channel)
    outcome = Outcome()
    messages = messages_of(plan, desired, adapter)
    try:
        for key, entry in list(pending.feeds.items()):  # feeds a stopped run left with Amazon
            feed_id: str | None = key
            if key.startswith(UNANSWERED):
                feed_id = _find_unanswered(client, upload, entry, pending, outcome)
                pending.replace(key, feed_id)
            if feed_id is not None:
                _follow(client, feed_id, entry["messages"], upload, applied, pending, outcome)
        todo = [m for m in messages if outcome.done.get(m["sku"]) != m["set"] and m["sku"] not in outcome.failed]
        size = adapter.settings.messages_per_feed
        for start in range(0, len(todo), size):
            part = todo[start : start + size]
            skus = tuple(m["sku"] for m in part)
            numbered = [{"messageId": n, "key": m["sku"], "set": m["set"]} for n, m in enumerate(part, 1)]
            feed_id = _submit(client, document(part, adapter.settings), upload, skus, pending, numbered)
            _follow(client, feed_id, numbered, upload, applied, pending, outcome)
    except TransportError as error:  # every change not confirmed yet is named
        undone = tuple(dict.fromkeys(m["sku"] for m in messages if m["sku"] not in outcome.done))
        raise TransportError(error.message, retriable=error.retriable, skus=undone, hint=error.hint) from None
    for sku in outcome.waiting:
        outcome.failed.setdefault(sku, _("Amazon is still processing the feed; the next run records its result"))
    return outcome.failed


def _submit(
    client: HttpClient,
    document: bytes,
    upload: Any,
    skus: tuple[str, ...],
    pending: Pending,
    messages: list[dict[str, Any]],
) -> str:
    """createFeedDocument, the upload to its pre-signed URL, createFeed: the new feed's id. The feed is kept as
    pending before createFeed is sent, so that a run stopped before Amazon's answer is followed up too."""
    created = _json(client, "POST", f"{FEEDS}/documents", json={"contentType": CONTENT_TYPE}, skus=skus)
    document_id = _field(created, "feedDocumentId", "feed document", skus)  # the channel's word
    url = _field(created, "url", "feed document", skus)  # the channel's word
    client.request("PUT", url, data=document, headers={"Content-Type": CONTENT_TYPE}, skus=skus)
    spec = {"feedType": FEED_TYPE, "marketplaceIds": [str(upload.marketplace_id)], "inputFeedDocumentId": document_id}
    unanswered = UNANSWERED + document_id
    pending.add(unanswered, messages, since=_iso(time.time() - CLOCK_MARGIN))
    # createFeed is not simply sent again: a timeout or a 5xx may come after Amazon took the feed, and a second
    # createFeed would apply it twice. Only a 429 (refused before any work) is retried; otherwise getFeeds tells.
    once = replace(client, policy=replace(client.policy, retries=0))
    for attempt in range(client.policy.retries + 1):
        try:
            reply = _json(once, "POST", f"{FEEDS}/feeds", json=spec, skus=skus)
        except TransportError as error:
            if "HTTP 429" in error.message and attempt < client.policy.retries:
                client.sleep(client.policy.wait(attempt, None, client.rng))
                continue
            if not error.retriable:  # refused: Amazon did not take it
                pending.replace(unanswered, None)
                raise
            found = _find_unanswered(client, upload, pending.feeds[unanswered], pending, Outcome())
            pending.replace(unanswered, found)
            if found is None:
                raise
            return found
        feed_id = _field(reply, "feedId", "feed", skus)
        pending.replace(unanswered, feed_id)
        return feed_id
    raise AssertionError("unreachable")  # pragma: no cover


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _find_unanswered(
    client: HttpClient, upload: Any, entry: dict[str, Any], pending: Pending, outcome: Outcome
) -> str | None:
    """The feed of a createFeed a stopped run sent without seeing the answer: the one JSON_LISTINGS_FEED of the
    marketplace created since (getFeeds; the Feed object does not name its input document), other than the feeds
    chansync knows. None if there is none (Amazon never took it: its changes are sent again) or several (its SKUs
    are reported: chansync cannot tell which is its own)."""
    skus = tuple(str(m["key"]) for m in entry["messages"])
    params = {"feedTypes": FEED_TYPE, "marketplaceIds": str(upload.marketplace_id), "pageSize": 100,
              "createdSince": str(entry.get("since") or _iso(time.time() - 86400))}  # fmt: skip
    # a feed taken a moment ago may not be listed yet: look again until a few status waits have passed since
    wait = float(getattr(upload, "status_wait", 15.0))
    settled = float(entry.get("sent") or 0.0) + LISTING_DELAY_WAITS * wait
    known = set(pending.feeds) | set(pending.finished)
    while True:
        found = _json(client, "GET", f"{FEEDS}/feeds", params=params, skus=skus).get("feeds") or []
        ids = [str(f.get("feedId")) for f in found if isinstance(f, dict) and str(f.get("feedId")) not in known]
        if ids or time.time() >= settled:
            break
        client.sleep(min(wait, max(settled - time.time(), 0.0)))
    if len(ids) == 1:
        return ids[0]
    if ids:
        why = _(
            "a stopped run sent these changes and Amazon shows {count} feeds since then: check Seller Central's feed "
            "upload history; chansync sends them again on the next run"
        ).format(count=len(ids))
        outcome.failed.update(dict.fromkeys(skus, why))
    return None


def _follow(
    client: HttpClient,
    feed_id: str,
    messages: list[dict[str, Any]],
    upload: Any,
    applied: OnApplied,
    pending: Pending,
    outcome: Outcome,
) -> None:
    """Wait for a feed, read its processing report, journal what Amazon accepted, note what it refused."""
    skus = tuple(str(m["key"]) for m in messages)
    feed = wait_until_final(client, f"{FEEDS}/feeds/{quote(feed_id, safe='')}", upload, f"feed {feed_id}", skus)
    if feed is None:
        outcome.waiting.extend(skus)
        return
    status = str(feed.get("processingStatus")).upper()
    report: dict[str, Any] | None = None
    if feed.get("resultFeedDocumentId"):
        report = _report(client, str(feed["resultFeedDocumentId"]), skus)
    if status != DONE:
        reason = _feed_problem(report) or (_("Amazon cancelled the feed") if status == CANCELLED else "")
        stopped = _("Amazon stopped feed {feed_id} ({status})").format(feed_id=feed_id, status=status)
        why = _("{what}: {reason}").format(what=stopped, reason=reason) if reason else stopped
        outcome.failed.update(dict.fromkeys(skus, why))
        pending.finish(feed_id)
        return
    if report is None:
        raise TransportError(
            _("Amazon finished feed {feed_id} without a processing report").format(feed_id=feed_id),
            retriable=True,
            skus=skus,
        )
    issues = read_processing_report(report)
    sent = [{"messageId": m["messageId"], "sku": m["key"], "operationType": "PATCH"} for m in messages]
    results = message_results(issues, sent)
    result = results["result"]
    processed = (report.get("summary") or {}).get("messagesProcessed")
    short = isinstance(processed, int) and processed < len(messages)
    # a message without issues counts as accepted only when the report says every message was processed
    accepted = set(results.loc[result.eq(ACCEPTED_WITH_WARNINGS) | (result.eq(ACCEPTED) & (not short)),
                               "messageId"].astype(int))  # fmt: skip
    by_message = _errors_by_message(issues)
    items = [{"key": m["key"], "set": m["set"]} for m in messages if int(m["messageId"]) in accepted]
    if items:
        applied(items)
    for message in messages:
        number, sku = int(message["messageId"]), str(message["key"])
        if number in accepted:
            outcome.done[sku] = message["set"]
        elif number in by_message:
            outcome.failed[sku] = _("Amazon refused the change: {reason}").format(reason="; ".join(by_message[number]))
        else:
            outcome.failed[sku] = _(
                "Amazon's report of feed {feed_id} covers {processed} of {messages} messages and not this "
                "one: not confirmed"
            ).format(feed_id=feed_id, processed=processed, messages=len(messages))
    pending.finish(feed_id)


def _report(client: HttpClient, document_id: str, skus: tuple[str, ...]) -> dict[str, Any]:
    document = _json(client, "GET", f"{FEEDS}/documents/{quote(document_id, safe='')}", skus=skus)
    data = download(client, document, "processing report")  # the channel's word
    try:
        loaded = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise TransportError(_("Amazon's processing report is not JSON"), retriable=False, skus=skus) from None
    if not isinstance(loaded, dict):
        raise TransportError(_("Amazon's processing report is not a JSON object"), retriable=False, skus=skus)
    return loaded


def _errors_by_message(issues: Any) -> dict[int, list[str]]:
    failing = issues[issues["severity"].isin(["ERROR", "FATAL"]) & issues["messageId"].notna()]
    out: dict[int, list[str]] = {}
    for message_id, code, text in zip(failing["messageId"], failing["code"], failing["message"], strict=True):
        out.setdefault(int(message_id), []).append(f"{text} (code {code})" if code else str(text))
    return out


def _feed_problem(report: dict[str, Any] | None) -> str:
    """The first issue of a failed feed's report, if it has one."""
    for issue in (report or {}).get("issues") or []:
        if isinstance(issue, dict) and issue.get("message"):
            return str(issue["message"])[:300]
    return ""


# --- reading the listings ---------------------------------------------------------------------------------------


def fetch_listings(client: HttpClient, upload: Any, adapter: AmazonAdapter) -> ChannelState:
    """The All Listings report (GET_MERCHANT_LISTINGS_ALL_DATA) requested, waited for, downloaded and read as the
    export file is."""
    spec = {"reportType": REPORT_TYPE, "marketplaceIds": [str(upload.marketplace_id)]}
    report_id = _field(_json(client, "POST", f"{REPORTS}/reports", json=spec), "reportId", "report")
    report = wait_until_final(client, f"{REPORTS}/reports/{quote(report_id, safe='')}", upload, "report")
    if report is None:
        raise TransportError(
            _("Amazon had not finished the listings report {report_id} in time").format(report_id=report_id),
            retriable=True,
            hint=_("raise status_timeout in the upload section, or try again later"),
        )
    status = str(report.get("processingStatus")).upper()
    if status != DONE:
        hint = _("Amazon cancels a report that has no data: does the marketplace have listings?")
        raise TransportError(
            _("Amazon's listings report {report_id} ended {status}").format(report_id=report_id, status=status),
            retriable=status == FATAL,
            hint=hint if status == CANCELLED else None,
        )
    document_id = _field(report, "reportDocumentId", "report")
    document = _json(client, "GET", f"{REPORTS}/documents/{quote(document_id, safe='')}")
    data = download(client, document, "listings report")  # the channel's word
    display = f"Amazon All Listings report {report_id}"  # the channel's word: the report's title
    with TemporaryDirectory(prefix="chansync-amazon-") as folder:
        path = Path(folder) / "all-listings.txt"
        path.write_bytes(data)
        return adapter.read_export(path, display)
