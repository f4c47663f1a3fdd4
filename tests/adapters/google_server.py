"""A fake Google OAuth token URL and Merchant API (products v1) on 127.0.0.1 (served with
:func:`tests.http_server.serving`), enforcing what chansync relies on:

- ``POST /token``: a form with ``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`` and ``assertion``, a JWT
  signed RS256 by the service account's key (checked with its public key), ``iss`` the account's e-mail, ``aud`` the
  token URL, the content scope, ``exp`` at most an hour after ``iat`` and not past; else 400 ``invalid_grant``
  (https://developers.google.com/identity/protocols/oauth2/service-account#httprest);
- every Merchant API call with ``Authorization: Bearer`` and a token the fake issued (and not expired by
  :meth:`FakeGoogle.expire_tokens`), else 401 ``UNAUTHENTICATED``; another account than the one configured is 403;
- ``productInputs:insert`` needs ``dataSource=accounts/{account}/dataSources/{id}`` (an API data source) and a
  ``ProductInput`` with ``offerId``, ``contentLanguage`` (two letters) and ``feedLabel`` (A-Z 0-9 - _, at most 20);
  v1 has ``productAttributes`` (v1beta's ``attributes`` and ``channel`` are unknown names, refused like any unknown
  field); prices are ``{amountMicros, currencyCode}``; ``availability`` and ``condition`` are the enum names
  (https://developers.google.com/merchant/api/reference/rest/products_v1/accounts.productInputs/insert and
  google/shopping/merchant/products/v1/products_common.proto in github.com/googleapis/googleapis). Inserting the same
  offer id, language and data source again replaces the input;
- ``DELETE productInputs/{name}?dataSource=…``: ``{name}`` plain (``en~US~sku``) or base64url; 404 when absent
  (https://developers.google.com/merchant/api/reference/rest/products_v1/accounts.productInputs/delete);
- ``GET products?pageSize&pageToken``: at most 1,000 a page (more is coerced), 25 by default, ``nextPageToken`` until
  the last page (https://developers.google.com/merchant/api/reference/rest/products_v1/accounts.products/list);
- a per-minute quota on writes: over ``quota`` calls in ``window`` seconds is 429 ``RESOURCE_EXHAUSTED``
  (https://developers.google.com/merchant/api/guides/quotas-limits); ``GET /quota/v1/accounts/{account}/quotas``
  reports ``minute_limit`` as the ``quotaMinuteLimit`` of the group holding the product input writes, beside a
  read group with another limit (google/shopping/merchant/quota/v1/quota.proto in github.com/googleapis/googleapis).

Faults (429 with Retry-After, 500, malformed JSON) come from the :class:`tests.http_server.Recorder`.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.http_server import Fault, Recorder, serving

__all__ = ["FakeGoogle", "Fault", "Recorder", "make_key", "serving"]

SCOPE = "https://www.googleapis.com/auth/content"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
AVAILABILITY = {"IN_STOCK", "OUT_OF_STOCK", "PREORDER", "LIMITED_AVAILABILITY", "BACKORDER"}
CONDITION = {"NEW", "USED", "REFURBISHED"}
INPUT_KEYS = {"name", "product", "legacyLocal", "offerId", "contentLanguage", "feedLabel", "versionNumber",
              "productAttributes", "customAttributes"}  # fmt: skip
#: The ProductAttributes fields chansync may send (a subset of the proto's; anything else is refused here so a
#: typo in the client fails a test instead of being dropped by a lenient fake).
ATTRIBUTE_KEYS = {"identifierExists", "title", "description", "link", "imageLink", "additionalImageLinks",
                  "availability", "brand", "color", "condition", "gtins", "itemGroupId", "mpn", "price",
                  "productTypes", "salePrice", "size"}  # fmt: skip


def make_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def key_file_json(key: rsa.RSAPrivateKey, email: str, key_id: str = "k1") -> dict[str, str]:
    """A service account key file as Google Cloud writes it (the fields chansync reads)."""
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return {"type": "service_account", "project_id": "shop-1", "private_key_id": key_id,
            "private_key": pem.decode("ascii"), "client_email": email, "client_id": "1234567890",
            "token_uri": "https://oauth2.googleapis.com/token"}  # fmt: skip


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class FakeGoogle:
    public_key: rsa.RSAPublicKey
    email: str = "chansync@shop-1.iam.gserviceaccount.com"
    account: str = "123456"
    data_source: str = "104628"
    base: str = ""  # the server's own URL (the JWT's audience is {base}/token); set once serving
    products: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    inserts: list[dict[str, Any]] = field(default_factory=list)  # every accepted insert body
    deletes: list[tuple[str, str, str]] = field(default_factory=list)  # every accepted delete
    refuse: dict[str, str] = field(default_factory=dict)  # offer id -> message of a 400 for its insert
    sources: dict[tuple[str, str, str], str] = field(default_factory=dict)  # a product from another data source
    quota: int | None = None  # writes per window
    minute_limit: int | None = None  # what quotas.list reports (None: no quota route, 404)
    window: float = 60.0
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry (time.time())
    token_requests: int = 0
    token_refusals: list[str] = field(default_factory=list)
    writes_at: list[float] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def add(self, offer_id: str, attributes: dict[str, Any], *, language: str = "nl", label: str = "NL",
            data_source: str | None = None) -> None:  # fmt: skip
        if data_source is not None:
            self.sources[(language, label, offer_id)] = data_source
        self.products[(language, label, offer_id)] = {"offerId": offer_id, "contentLanguage": language,
                                                       "feedLabel": label, "productAttributes": attributes}  # fmt: skip

    def attributes(self, offer_id: str, language: str = "nl", label: str = "NL") -> dict[str, Any]:
        return dict(self.products[(language, label, offer_id)]["productAttributes"])

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)

    # --- routing ----------------------------------------------------------------------------------------------

    def __call__(self, handler: Any, method: str, body: bytes) -> None:
        url = urlparse(handler.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if url.path == "/token":
            return self._token(handler, method, body)
        token = handler.headers.get("Authorization", "").removeprefix("Bearer ")
        with self.lock:
            if self.tokens.get(token, 0.0) <= time.time():
                return self._error(handler, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
        if url.path == f"/quota/v1/accounts/{self.account}/quotas" and method == "GET" and self.minute_limit:
            return self._quotas(handler)
        match = re.fullmatch(r"/products/v1/accounts/([^/]+)/(productInputs:insert|productInputs/[^/]+|products)",
                             url.path)  # fmt: skip
        if match is None:
            return self._error(handler, 404, "NOT_FOUND", f"no route {method} {url.path}")
        if match.group(1) != self.account:
            return self._error(handler, 403, "PERMISSION_DENIED", "The caller does not have access to the account.")
        route = match.group(2)
        if route == "products" and method == "GET":
            return self._list(handler, query)
        if route == "productInputs:insert" and method == "POST":
            return self._write(handler, lambda: self._insert(handler, query, body))
        if route.startswith("productInputs/") and method == "DELETE":
            return self._write(handler, lambda: self._delete(handler, query, unquote(route.split("/", 1)[1])))
        return self._error(handler, 405, "INVALID_ARGUMENT", f"{method} is not allowed on {route}")

    def _error(self, handler: Any, code: int, status: str, message: str) -> None:
        # Google's JSON error body (https://cloud.google.com/apis/design/errors#http_mapping)
        handler._reply(code, {"error": {"code": code, "message": message, "status": status}})

    # --- the token URL ----------------------------------------------------------------------------------------

    def _token(self, handler: Any, method: str, body: bytes) -> None:
        with self.lock:
            self.token_requests += 1
        if method != "POST" or not handler.headers.get("Content-Type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            return handler._reply(400, {"error": "invalid_request", "error_description": "POST a form"})
        form = {k: v[-1] for k, v in parse_qs(body.decode("ascii", "replace")).items()}
        problem = self._check_assertion(form)
        if problem:
            with self.lock:
                self.token_refusals.append(problem)
            return handler._reply(400, {"error": "invalid_grant", "error_description": problem})
        token = "ya29." + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = time.time() + 3599
        return handler._reply(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def _check_assertion(self, form: dict[str, str]) -> str | None:
        if form.get("grant_type") != JWT_BEARER:
            return "Invalid grant_type."
        parts = form.get("assertion", "").split(".")
        if len(parts) != 3:
            return "Invalid JWT."
        try:
            header, claims = json.loads(_unb64(parts[0])), json.loads(_unb64(parts[1]))
            signature = _unb64(parts[2])
        except ValueError:
            return "Invalid JWT."
        if header.get("alg") != "RS256":
            return "Invalid JWT: alg must be RS256."
        try:
            self.public_key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"), padding.PKCS1v15(),
                                   hashes.SHA256())  # fmt: skip
        except InvalidSignature:
            return "Invalid JWT Signature."
        now = time.time()
        if claims.get("iss") != self.email:
            return "Invalid issuer."
        if claims.get("aud") != f"{self.base}/token":
            return "Invalid JWT: aud must be the token URL."
        if SCOPE not in str(claims.get("scope", "")).split():
            return "Invalid scope."
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int) or not isinstance(exp, int) or exp - iat > 3600 or exp < now or iat > now + 300:
            return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe."
        return None

    # --- products ---------------------------------------------------------------------------------------------

    def _write(self, handler: Any, then: Any) -> None:
        with self.lock:
            now = time.time()
            self.writes_at = [t for t in self.writes_at if t > now - self.window]
            if self.quota is not None and len(self.writes_at) >= self.quota:
                return self._error(handler, 429, "RESOURCE_EXHAUSTED", "Quota exceeded: quota/request_rate_too_high")
            self.writes_at.append(now)
        return then()

    def _source(self, query: dict[str, str]) -> str | None:
        wanted = f"accounts/{self.account}/dataSources/{self.data_source}"
        if "dataSource" not in query:
            return "dataSource is required"
        if query["dataSource"] != wanted:
            return f"unknown data source {query['dataSource']}: only API data sources are supported"
        return None

    def _insert(self, handler: Any, query: dict[str, str], body: bytes) -> None:
        problem = self._source(query)
        if problem:
            return self._error(handler, 400, "INVALID_ARGUMENT", problem)
        if not handler.headers.get("Content-Type", "").startswith("application/json"):
            return self._error(handler, 400, "INVALID_ARGUMENT", "the body must be JSON")
        try:
            payload = json.loads(body)
        except ValueError:
            return self._error(handler, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        problem = self._check_input(payload)
        if problem:
            return self._error(handler, 400, "INVALID_ARGUMENT", problem)
        offer = payload["offerId"]
        if offer in self.refuse:
            return self._error(handler, 400, "INVALID_ARGUMENT", self.refuse[offer])
        key = (payload["contentLanguage"], payload["feedLabel"], offer)
        with self.lock:
            self.inserts.append(payload)
            self.products[key] = payload
            self.sources.pop(key, None)  # moved to this data source (the insert page says so)
        name = f"accounts/{self.account}/productInputs/{'~'.join(key)}"
        return handler._reply(200, {**payload, "name": name, "product": name.replace("productInputs", "products")})

    def _check_input(self, payload: Any) -> str | None:
        if not isinstance(payload, dict):
            return "Invalid JSON payload received: expected an object."
        if unknown := set(payload) - INPUT_KEYS:
            return f'Invalid JSON payload received. Unknown name "{sorted(unknown)[0]}"'
        for name in ("offerId", "contentLanguage", "feedLabel"):
            if not isinstance(payload.get(name), str) or not payload[name].strip():
                return f"[{name}] Required parameter is missing"
        if not re.fullmatch(r"[a-z]{2}", payload["contentLanguage"]):
            return "[contentLanguage] must be a two-letter ISO 639-1 code"
        if not re.fullmatch(r"[A-Z0-9_-]{1,20}", payload["feedLabel"]):
            return "[feedLabel] at most 20 of A-Z, 0-9, hyphen and underscore"
        attributes = payload.get("productAttributes", {})
        if not isinstance(attributes, dict):
            return "[productAttributes] must be an object"
        if unknown := set(attributes) - ATTRIBUTE_KEYS:
            return f'Invalid JSON payload received. Unknown name "{sorted(unknown)[0]}" at productAttributes'
        for name in ("price", "salePrice"):
            if name in attributes:
                price = attributes[name]
                micros = price.get("amountMicros") if isinstance(price, dict) else None
                if not (isinstance(micros, int) or (isinstance(micros, str) and re.fullmatch(r"-?\d+", micros))):
                    return f"[{name}.amountMicros] must be an int64"
                if not re.fullmatch(r"[A-Z]{3}", str(price.get("currencyCode", ""))):
                    return f"[{name}.currencyCode] must be an ISO 4217 code"
        if "availability" in attributes and attributes["availability"] not in AVAILABILITY:
            return f"Invalid value at 'product_attributes.availability': {attributes['availability']}"
        if "condition" in attributes and attributes["condition"] not in CONDITION:
            return f"Invalid value at 'product_attributes.condition': {attributes['condition']}"
        for name in ("gtins", "additionalImageLinks", "productTypes"):
            if name in attributes and not (isinstance(attributes[name], list) and
                                           all(isinstance(v, str) for v in attributes[name])):  # fmt: skip
                return f"[{name}] must be a list of strings"
        if len(attributes.get("gtins", [])) > 10:
            return "[gtins] at most 10"
        return None

    def _delete(self, handler: Any, query: dict[str, str], name: str) -> None:
        problem = self._source(query)
        if problem:
            return self._error(handler, 400, "INVALID_ARGUMENT", problem)
        plain = name if "~" in name else _unb64(name).decode("utf-8", "replace")
        parts = plain.split("~", 2)
        if len(parts) != 3:
            return self._error(handler, 400, "INVALID_ARGUMENT", f"invalid product input name {name}")
        key = (parts[0], parts[1], parts[2])
        with self.lock:
            if key not in self.products or self.sources.get(key, self.data_source) != self.data_source:
                return self._error(handler, 404, "NOT_FOUND", "Product input not found.")
            del self.products[key]
            self.deletes.append(key)
        return handler._reply(200, {})

    def _list(self, handler: Any, query: dict[str, str]) -> None:
        size = min(int(query.get("pageSize", "25")), 1000)
        token = query.get("pageToken", "")
        if token and not token.isdigit():
            return self._error(handler, 400, "INVALID_ARGUMENT", "invalid page token")
        start = int(token or 0)
        with self.lock:
            keys = sorted(self.products)
            page = [self._processed(k) for k in keys[start : start + size]]
        reply: dict[str, Any] = {"products": page}
        if start + size < len(keys):
            reply["nextPageToken"] = str(start + size)
        return handler._reply(200, reply)

    def _quotas(self, handler: Any) -> None:
        def method(name: str, subapi: str = "products") -> dict[str, str]:
            return {"method": name, "version": "v1", "subapi": subapi, "path": f"{subapi}/v1/{name}"}

        groups = [
            {"name": f"accounts/{self.account}/quotas/products-read", "quotaUsage": "3", "quotaLimit": "10000",
             "quotaMinuteLimit": "10", "methodDetails": [method("products.list"), method("products.get")]},
            {"name": f"accounts/{self.account}/quotas/products-write", "quotaUsage": str(len(self.inserts)),
             "quotaLimit": "100000", "quotaMinuteLimit": str(self.minute_limit),
             "methodDetails": [method("productInputs.insert"), method("productInputs.delete"),
                               method("productInputs.patch")]},
        ]  # fmt: skip
        return handler._reply(200, {"quotaGroups": groups})

    def _processed(self, key: tuple[str, str, str]) -> dict[str, Any]:
        stored = self.products[key]
        return {"name": f"accounts/{self.account}/products/{'~'.join(key)}", "offerId": key[2],
                "contentLanguage": key[0], "feedLabel": key[1],
                "dataSource": f"accounts/{self.account}/dataSources/{self.sources.get(key, self.data_source)}",
                "productAttributes": stored.get("productAttributes", {})}  # fmt: skip
