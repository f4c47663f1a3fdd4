"""One HTTP policy for every upload: timeouts, retries with exponential backoff and jitter, ``Retry-After``.

Retried: connection errors and timeouts, 429 and 5xx (and a 200 whose JSON body cannot be read, when the caller
asks for JSON). Not retried: other 4xx, which mean the request itself is wrong. Secrets never reach an error
message: every text that leaves this module is passed through :func:`redact`.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from ..errors import TransportError

RETRIED_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_WAIT = 120.0  # never sleep longer than this for one retry, whatever Retry-After says


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (and its URL-quoted form) replaced by ``***``."""
    from urllib.parse import quote

    for secret in sorted((s for s in secrets if s and len(s) >= 3), key=len, reverse=True):
        text = text.replace(secret, "***").replace(quote(secret, safe=""), "***")
    return text


@dataclass
class RetryPolicy:
    retries: int = 5
    timeout: float = 30.0
    backoff: float = 1.0  # first wait in seconds; doubles each retry, with full jitter
    max_wait: float = MAX_WAIT

    def wait(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_wait)
        ceiling = min(self.backoff * (2**attempt), self.max_wait)
        return ceiling * (0.5 + rng.random() / 2)


def retry_after(response: requests.Response) -> float | None:
    """Seconds from a ``Retry-After`` header (a number or an HTTP date), or None."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


@dataclass
class HttpClient:
    """A requests session with the retry policy, a base URL and the secrets to keep out of messages."""

    base_url: str
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    headers: Mapping[str, str] = field(default_factory=dict)
    auth: tuple[str, str] | None = None
    secrets: tuple[str, ...] = ()
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    session: requests.Session = field(default_factory=requests.Session)
    #: Called before each retry with (attempt, seconds, reason): progress output, tests.
    on_retry: Callable[[int, float, str], None] | None = None

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        if not path:
            return self.base_url
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: bytes | Iterable[bytes] | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        expect_json: bool = False,
        skus: tuple[str, ...] = (),
    ) -> requests.Response:
        """Send with retries; return the final successful response, or raise :class:`TransportError` naming
        ``skus`` (what this request was changing) and whether trying again later may help."""
        url = self.url(path)
        merged = {**self.headers, **(headers or {})}
        body = b"".join(data) if data is not None and not isinstance(data, bytes | bytearray) else data
        reason = ""
        for attempt in range(self.policy.retries + 1):
            wait_hint: float | None = None
            try:
                response = self.session.request(
                    method, url, json=json, data=body, params=params, headers=merged, auth=self.auth,
                    timeout=self.policy.timeout,
                )  # fmt: skip
            except (requests.ConnectionError, requests.Timeout) as exc:
                reason = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code in RETRIED_STATUS:
                    reason = f"HTTP {response.status_code}"
                    wait_hint = retry_after(response)
                elif response.status_code >= 400:
                    raise TransportError(
                        self._scrub(f"{method} {url} failed: HTTP {response.status_code} {response.text[:300]}"),
                        retriable=False,
                        skus=skus,
                    )
                elif expect_json and not _json_ok(response):
                    reason = "a reply that is not valid JSON"
                else:
                    return response
            if attempt == self.policy.retries:
                break
            seconds = self.policy.wait(attempt, wait_hint, self.rng)
            if self.on_retry is not None:
                self.on_retry(attempt + 1, seconds, self._scrub(reason))
            self.sleep(seconds)
        raise TransportError(
            self._scrub(f"{method} {url} failed after {self.policy.retries + 1} attempts: {reason}"),
            retriable=True,
            skus=skus,
        )

    def _scrub(self, text: str) -> str:
        return redact(text, self.secrets)


def _json_ok(response: requests.Response) -> bool:
    try:
        response.json()
    except ValueError:
        return False
    return True
