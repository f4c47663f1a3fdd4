"""One HTTP policy for every upload: timeouts, retries with exponential backoff and jitter, ``Retry-After``.

Retried: connection errors and timeouts, 429 and 5xx (and a 200 whose JSON body cannot be read, when the caller
asks for JSON). Not retried: other 4xx, which mean the request itself is wrong. Secrets never reach an error
message: every text that leaves this module is passed through :func:`redact`.
"""

from __future__ import annotations

import base64
import email.utils
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus, urljoin, urlsplit

import requests

from ..errors import TransportError
from ..i18n import N_, _, ngettext

RETRIED_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_WAIT = 120.0  # never sleep longer than this for one retry, whatever Retry-After says
#: The English message of a refused request (see HttpClient.request).
_REFUSED = re.compile(r" failed: HTTP (\d{3})\b ?(.*)", re.S)
#: A refused request, in every language: "HTTP nnn" stays as it is inside the translated sentence.
REFUSED = N_("{request} failed: HTTP {status} {reply}")


MAX_REDIRECTS = 10
#: Headers that carry credentials whatever the upload calls them; never sent to another origin.
SENSITIVE_HEADER = re.compile(r"auth|token|key|secret|password|cookie|signature|session|credential", re.IGNORECASE)

#: Every secret any client of this process was given, in every form it may take on the wire; scrubbed from every
#: message, including the internal-error one the CLI prints.
_KNOWN: set[str] = set()


def forms(secret: str) -> set[str]:
    """The forms in which a secret may show up in text: as is, URL-quoted (both ways), base64."""
    if not secret:
        return set()
    return {secret, quote(secret, safe=""), quote_plus(secret), base64.b64encode(secret.encode()).decode()}


def basic_auth_forms(user: str, password: str) -> set[str]:
    """What HTTP Basic auth puts on the wire for ``user:password`` (WooCommerce's consumer key and secret)."""
    return forms(f"{user}:{password}")  # its base64 form is the Authorization header's token


def register_secrets(values: Iterable[str]) -> None:
    """Remember secrets so that :func:`scrub` removes them from any text, wherever it was made."""
    for value in values:
        _KNOWN.update(f for f in forms(value) if len(f) >= 3)


def scrub(text: str) -> str:
    """``text`` without any secret registered in this process."""
    return redact(text, _KNOWN) if _KNOWN else text


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (and its URL-quoted and base64 forms) replaced by ``***``."""
    every: set[str] = set()
    for secret in secrets:
        every.update(forms(secret))
    for secret in sorted((s for s in every if s and len(s) >= 3), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL; a malformed port gives an origin that matches nothing."""
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return ("invalid", url, None)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


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
    #: (the upload's url as written, as expanded): a path built from the first is sent to the second, with the
    #: file name put in place of ``{file}`` URL-quoted.
    template: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        register_secrets(self.secrets)

    def url(self, path: str) -> str:
        if self.template is not None:
            path = _from_template(path, *self.template)
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
                response = self._send(method, url, json=json, data=body, params=params, headers=merged)
            except (requests.ConnectionError, requests.Timeout) as exc:
                reason = f"{type(exc).__name__}: {exc}"
            except (requests.RequestException, ValueError) as exc:  # a malformed URL or Location: will not get better
                text = _("{request} failed: {reason}").format(
                    request=f"{method} {url}", reason=f"{type(exc).__name__}: {exc}"
                )
                raise TransportError(self._scrub(text), retriable=False, skus=skus) from None
            else:
                if response.is_redirect:
                    raise TransportError(self._scrub(_redirected(method, url, response)), retriable=False, skus=skus,
                                         hint=_("set the upload's url to the final address"))  # fmt: skip
                if response.status_code in RETRIED_STATUS:
                    reason = f"HTTP {response.status_code}"
                    wait_hint = retry_after(response)
                elif response.status_code >= 400:
                    reply = self._scrub(response.text[:300])
                    text = _(REFUSED).format(request=f"{method} {url}", status=response.status_code, reply=reply)
                    raise TransportError(
                        self._scrub(text), retriable=False, skus=skus, status=response.status_code, reply=reply
                    )
                elif expect_json and not _json_ok(response):
                    reason = _("a reply that is not valid JSON")
                else:
                    return response
            if attempt == self.policy.retries:
                break
            seconds = self.policy.wait(attempt, wait_hint, self.rng)
            if self.on_retry is not None:
                self.on_retry(attempt + 1, seconds, self._scrub(reason))
            self.sleep(seconds)
        raise TransportError(
            self._scrub(
                ngettext(
                    "{request} failed after {attempts} attempt: {reason}",
                    "{request} failed after {attempts} attempts: {reason}",
                    self.policy.retries + 1,
                ).format(request=f"{method} {url}", attempts=self.policy.retries + 1, reason=reason)
            ),
            retriable=True,
            skus=skus,
        )

    def _send(self, method: str, url: str, *, headers: Mapping[str, str], **kwargs: Any) -> requests.Response:
        """One request. A write (anything but GET and HEAD) follows no redirect: the server's answer may have
        been a redirect to a login page, and the data was not stored. A read follows up to :data:`MAX_REDIRECTS`,
        and carries no credentials (auth, configured or credential-like headers) to another origin."""
        response = self.session.request(
            method, url, headers=headers, auth=self.auth, timeout=self.policy.timeout, allow_redirects=False, **kwargs
        )
        if method.upper() not in ("GET", "HEAD"):
            return response
        start, hops = _origin(url), 0
        while response.is_redirect and hops < MAX_REDIRECTS:
            hops += 1
            try:
                target = urljoin(response.url or url, response.headers["Location"])
                followable = urlsplit(target).scheme.lower() in ("http", "https")
            except ValueError:
                followable = False
            if not followable:
                break  # reported as a redirect not followed
            same = _origin(target) == start
            kept = headers if same else {k: v for k, v in headers.items() if not self._carries_credentials(k)}
            response.close()
            response = self.session.request(
                method, target, headers=kept, auth=self.auth if same else None, timeout=self.policy.timeout,
                allow_redirects=False,
            )  # fmt: skip
        return response

    def _carries_credentials(self, header: str) -> bool:
        configured = {k.lower() for k in self.headers}
        return header.lower() in configured or bool(SENSITIVE_HEADER.search(header))

    def _scrub(self, text: str) -> str:
        return scrub(redact(text, self.secrets))


def status_of(error: TransportError) -> int | None:
    """The HTTP status of a request the server refused: the error's own ``status`` (set by
    :meth:`HttpClient.request`), else read from its message (``... failed: HTTP 404 ...`` in English or its
    translation: an adapter may have passed the message on in a new error); None for a connection error or retries
    used up."""
    found = refused(error)
    return found[0] if found else None


def refused(error: TransportError) -> tuple[int, str] | None:
    """The status and the reply (its first 300 characters) of a request the server refused, else None."""
    if error.status is not None:
        return error.status, error.reply
    for pattern in (_REFUSED, _refused_pattern(_(REFUSED))):
        match = pattern.search(error.message)
        if match:
            return int(match.group(1)), match.group(2) or ""
    return None


def _refused_pattern(template: str) -> re.Pattern[str]:
    """The regular expression of a refused request's message in one language: what stands between ``{request}``
    and ``{status}`` is the fixed part."""
    middle = template.split("{request}", 1)[-1].split("{status}", 1)[0]
    return re.compile(re.escape(middle) + r"(\d{3})\b ?(.*)", re.S)


def _redirected(method: str, url: str, response: requests.Response) -> str:
    values = {
        "request": f"{method} {url}",
        "status": response.status_code,
        "location": response.headers["Location"][:200],
        "count": MAX_REDIRECTS,
    }
    if method.upper() in ("GET", "HEAD"):
        return _("{request} was redirected (HTTP {status} to {location}) more than {count} times").format(**values)
    return _(
        "{request} was redirected (HTTP {status} to {location}); chansync follows no redirect when it sends data"
    ).format(**values)


def _from_template(path: str, written: str, real: str) -> str:
    """The real URL for a path made from the upload's url as written (``${VAR}`` still in it, ``{file}`` filled)."""
    if written == real and "{file}" not in written:
        return path
    head, marker, tail = written.partition("{file}")
    if not marker:
        return real if path == written else path
    if path.startswith(head) and path.endswith(tail) and len(path) >= len(head) + len(tail):
        name = path[len(head) : len(path) - len(tail)]
        return real.replace("{file}", quote(name, safe=""))
    return path


def _json_ok(response: requests.Response) -> bool:
    try:
        response.json()
    except ValueError:
        return False
    return True
