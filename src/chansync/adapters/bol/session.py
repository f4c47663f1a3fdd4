"""The bol.com Retailer API v10 session: OAuth client credentials (``POST token_url?grant_type=client_credentials``
with HTTP Basic ``client_id:client_secret``) give a bearer token that is reused until shortly before it expires
(a 401 fetches a new one once), and requests carry the v10 media type with bodies written by :func:`dumps`."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import requests

from ...errors import TransportError
from ...i18n import _
from ...transports.http import HttpClient, redact, status_of

MEDIA_TYPE = "application/vnd.retailer.v10+json"
#: What the offer export file is asked for in (``GET /retailer/offers/export/{report-id}``; bol answers ``text/csv``:
#: https://api.bol.com/retailer/public/Retailer-API/demo/v10-OFFERS.html).
CSV_MEDIA_TYPE = "application/vnd.retailer.v10+csv"
#: A token is fetched again this many seconds before bol says it expires (at most a fifth of its life).
TOKEN_MARGIN = 30.0
DEFAULT_EXPIRES_IN = 299.0


def dumps(value: Any) -> str:
    """JSON text in which :class:`~decimal.Decimal` is written as the number it is (``12.99``, never ``12.990000…``
    or a string)."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a JSON number: {value}")  # not shown: a programming error
        return format(value, "f")
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


@dataclass
class BolSession:
    """Requests to the Retailer API with a bearer token that is reused until shortly before it expires."""

    client: HttpClient
    client_id: str
    client_secret: str
    token_url: str
    clock: Callable[[], float] = time.monotonic
    tokens_fetched: int = 0
    _token: str | None = field(default=None, repr=False)
    _expires: float = 0.0

    @classmethod
    def of(cls, client: HttpClient, upload: Any, clock: Callable[[], float] = time.monotonic) -> BolSession:
        return cls(client, str(upload.client_id), str(upload.client_secret), str(upload.token_url), clock)

    def scrub(self, text: str) -> str:
        return redact(text, [self._token or "", *self.client.secrets])

    def token(self) -> str:
        if self._token is None or self.clock() >= self._expires:
            self._fetch_token()
        assert self._token is not None
        return self._token

    def _fetch_token(self) -> None:
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode("ascii")
        if basic not in self.client.secrets:
            self.client.secrets = (*self.client.secrets, basic)
        response = self.client.request(
            "POST",
            self.token_url,
            params={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}", "Accept": "application/json"},
            expect_json=True,
        )
        reply = response.json()
        token = reply.get("access_token") if isinstance(reply, dict) else None
        if not isinstance(token, str) or not token:
            raise TransportError(
                _("the bol.com token endpoint ({token_url}) replied without an access_token").format(
                    token_url=self.token_url
                )
            )
        self.client.secrets = (*self.client.secrets, token)  # every message the client builds is scrubbed of it
        try:
            lifetime = float(reply.get("expires_in") or DEFAULT_EXPIRES_IN)
        except (TypeError, ValueError):
            lifetime = DEFAULT_EXPIRES_IN
        self._token = token
        self._expires = self.clock() + max(lifetime - min(TOKEN_MARGIN, lifetime / 5), 0.0)
        self.tokens_fetched += 1

    def send(self, method: str, path: str, body: Any, key: str, *, expect_json: bool = False) -> dict[str, Any]:
        """Send one request with a JSON body; its process status (``{}`` when the reply has none). A 401 fetches a
        new token and sends once more; other errors raise :class:`TransportError` naming ``key``. ``expect_json``:
        a reply that is not JSON is retried like a 5xx (only for a request that may be sent twice)."""
        data = dumps(body).encode("utf-8")
        headers = {"Content-Type": MEDIA_TYPE}
        reply = self._call(method, path, key, data=data, headers=headers, expect_json=expect_json)
        return reply if reply is not None else {}

    def status(self, base: str, status_id: str, key: str) -> dict[str, Any] | None:
        """``GET {base}/process-status/{id}``: the process status of one request, or None when the reply is not
        a process status (read again next round). A GET has no body, so no Content-Type is sent
        (https://api.bol.com/retailer/public/Retailer-API/demo/v10-PROCESS_STATUS.html)."""
        return self._call("GET", f"{base}/process-status/{status_id}", key)

    def download(self, path: str, accept: str, key: str) -> bytes:
        """``GET path`` with ``Accept: accept`` (a file, not JSON: the offer export is ``…+csv``); its bytes. A 401
        fetches a new token and sends once more."""
        return self._respond("GET", path, key, accept=accept).content

    def _call(
        self,
        method: str,
        path: str,
        key: str,
        *,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        expect_json: bool = False,
    ) -> dict[str, Any] | None:
        """One request with the bearer token (see :meth:`_respond`): the JSON object replied, or None when the
        reply is not one."""
        response = self._respond(method, path, key, data=data, headers=headers, expect_json=expect_json)
        try:
            reply = response.json()
        except ValueError:
            return None
        return reply if isinstance(reply, dict) else None

    def _respond(
        self,
        method: str,
        path: str,
        key: str,
        *,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        accept: str = MEDIA_TYPE,
        expect_json: bool = False,
    ) -> requests.Response:
        """One request with the bearer token; a 401 fetches a new token and sends once more. Other errors raise
        :class:`TransportError` naming ``key``."""
        for attempt in range(2):
            sent = {"Accept": accept, "Authorization": f"Bearer {self.token()}", **(headers or {})}
            try:
                return self.client.request(method, path, data=data, headers=sent, skus=(key,), expect_json=expect_json)
            except TransportError as error:
                if attempt == 0 and status_of(error) == 401:
                    self._token = None
                    continue
                raise
        raise AssertionError("unreachable")  # pragma: no cover
