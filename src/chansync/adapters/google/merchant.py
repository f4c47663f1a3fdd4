"""Google Merchant API (``upload: {type: google_merchant_api}``): product inputs in, processed products out.

The contract, with its sources (more in ``docs/channels/google.md``):

- A service account signs a JWT (RS256) with ``iss`` its e-mail, ``scope``, ``aud`` the token URL, ``iat`` and
  ``exp`` at most an hour later, and exchanges it at the token URL (form fields ``grant_type=urn:ietf:params:oauth:
  grant-type:jwt-bearer`` and ``assertion``) for an access token sent as ``Authorization: Bearer``
  (https://developers.google.com/identity/protocols/oauth2/service-account#httprest). The Merchant API's scope is
  ``https://www.googleapis.com/auth/content``
  (https://developers.google.com/merchant/api/reference/rest/products_v1/accounts.productInputs/insert).
- ``POST /products/v1/accounts/{account}/productInputs:insert?dataSource=accounts/{account}/dataSources/{id}``
  with a ``ProductInput`` (``offerId``, ``contentLanguage``, ``feedLabel``, ``productAttributes``) replaces the input
  with the same offer id, language and data source: every insert is the whole product, so a rerun is harmless (same
  page). Prices are ``{amountMicros, currencyCode}``, ``amountMicros`` an int64 written as a JSON string; the
  availability and condition enums are upper case (``IN_STOCK``, ``NEW``); ``gtins`` and ``productTypes`` are lists
  (google/shopping/merchant/products/v1/products_common.proto in github.com/googleapis/googleapis).
- ``DELETE /products/v1/accounts/{account}/productInputs/{name}?dataSource=…`` removes one; ``{name}`` is
  ``contentLanguage~feedLabel~offerId``, sent base64url-encoded without padding, the form Google recommends for
  every id (https://developers.google.com/merchant/api/reference/rest/products_v1/accounts.productInputs/delete).
- ``GET /products/v1/accounts/{account}/products?pageSize=1000&pageToken=…`` lists the processed products, at most
  1,000 a page, until no ``nextPageToken`` comes back
  (https://developers.google.com/merchant/api/reference/rest/products_v1/accounts.products/list).
- The per-minute quota is the account's own (``quotaMinuteLimit`` of ``quotas.list``); going over it is HTTP 429
  ``quota/request_rate_too_high`` (https://developers.google.com/merchant/api/guides/quotas-limits): writes are
  paced at ``per_minute``, by default that quota as ``quotas.list`` reports it, and a 429 is retried by the shared
  client, after its ``Retry-After`` when it has one.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ...errors import ConfigError, TransportError
from ...fields import ROW, Field
from ...i18n import _
from ...model import CREATE, DELIST, LISTED, UPDATE, ChannelState, OnApplied, Plan
from ...sheet import Table
from ...transports.http import HttpClient, RetryPolicy, refused, register_secrets, status_of
from ..changes import plain
from ..feeds import _unknown_stock_as_is, values_of
from ..tabular import Export

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    from . import GoogleMerchantAdapter

SCOPE = "https://www.googleapis.com/auth/content"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
#: An assertion may be valid for an hour at most (the service-account page above); a token is fetched again this
#: many seconds before Google says it expires.
ASSERTION_SECONDS = 3600
TOKEN_MARGIN = 60.0
PAGE_SIZE = 1000  # products.list: at most 1,000 a page
#: Column of the fetched state: the data source a product comes from (``accounts/1/dataSources/2``). A product
#: input can be deleted only from its own data source.
DATA_SOURCE = "google_data_source"
MICROS = 1_000_000


# --- the service account and its token ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceAccount:
    email: str
    key: RSAPrivateKey = field(repr=False)
    key_id: str = field(default="", repr=False)


def load_service_account(path: Path, key: str, file: str | None) -> ServiceAccount:
    """The service account of a JSON key file (as Google Cloud writes it: ``type``, ``client_email``,
    ``private_key`` PEM, ``private_key_id``). Any problem is a :class:`ConfigError` naming ``key``."""
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    def wrong(message: str) -> ConfigError:
        hint = _("download a JSON key of the service account in Google Cloud (IAM, service accounts, keys)")
        return ConfigError(message, key=key, file=file, hint=hint)

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise wrong(_("the service account key file {file} does not exist").format(file=path.name)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise wrong(
            _("the service account key file {file} cannot be read ({error})").format(
                file=path.name, error=type(exc).__name__
            )
        ) from None
    try:
        data = json.loads(text)
    except ValueError:
        raise wrong(_("{file} is not a JSON key file (it is not JSON)").format(file=path.name)) from None
    if not isinstance(data, dict):
        raise wrong(_("{file} is not a JSON key file").format(file=path.name)) from None
    pem = data.get("private_key")
    if isinstance(pem, str) and pem:
        register_secrets([pem.strip(), *(line for line in pem.splitlines() if len(line) >= 16)])
    if data.get("type") != "service_account":
        raise wrong(
            _("{file} is not a service account key (its type is {kind})").format(
                file=path.name, kind=repr(str(data.get("type"))[:40])
            )
        ) from None
    email = data.get("client_email")
    if not isinstance(email, str) or "@" not in email:
        raise wrong(_("{file} has no {key}").format(file=path.name, key="client_email")) from None
    if not isinstance(pem, str) or not pem.strip():
        raise wrong(_("{file} has no {key}").format(file=path.name, key="private_key")) from None
    try:
        private = load_pem_private_key(pem.encode("utf-8"), password=None)
    except (ValueError, TypeError):
        raise wrong(_("the private_key in {file} is not a readable PEM key").format(file=path.name)) from None
    if not isinstance(private, RSAPrivateKey):
        raise wrong(
            _("the private_key in {file} is not an RSA key (Google signs with RS256)").format(file=path.name)
        ) from None
    key_id = data.get("private_key_id")
    return ServiceAccount(email, private, key_id if isinstance(key_id, str) else "")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def signed_assertion(account: ServiceAccount, audience: str, now: float) -> str:
    """The JWT the token URL exchanges: RS256 over ``header.claims``, both base64url JSON without padding."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    header = {"alg": "RS256", "typ": "JWT", **({"kid": account.key_id} if account.key_id else {})}
    issued = int(now)
    claims = {"iss": account.email, "scope": SCOPE, "aud": audience, "iat": issued, "exp": issued + ASSERTION_SECONDS}
    head = _b64(json.dumps(header, separators=(",", ":")).encode()) + "."
    signing_input = head + _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = account.key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + _b64(signature)


class TokenError(TransportError):
    """The token URL did not give an access token: nothing can be sent with this key."""


def google_reason(error: TransportError) -> str:
    """The ``error.message`` of Google's JSON error body in a refused request's message, else the message."""
    found_refusal = refused(error)
    body = found_refusal[1] if found_refusal else ""
    found = re.search(r'"message"\s*:\s*"((?:[^"\\]|\\.)*)"', body)
    if found:
        try:
            return str(json.loads(f'"{found.group(1)}"'))
        except ValueError:
            return found.group(1)
    described = re.search(r'"error_description"\s*:\s*"((?:[^"\\]|\\.)*)"', body)
    return described.group(1) if described else error.message


@dataclass
class MerchantClient(HttpClient):
    """The shared client with a service account's bearer token: fetched on first use, again shortly before it
    expires, and once more when a request is refused with 401."""

    account: ServiceAccount | None = None
    token_url: str = ""
    where: str = "upload.credentials"
    clock: Callable[[], float] = time.time
    tokens_fetched: int = 0
    _token: str | None = field(default=None, repr=False)
    _expires: float = 0.0

    def token(self) -> str:
        if self._token is None or self.clock() >= self._expires:
            self._fetch_token()
        assert self._token is not None
        return self._token

    def _fetch_token(self) -> None:
        assert self.account is not None
        assertion = signed_assertion(self.account, self.token_url, self.clock())
        self.secrets = (*self.secrets, assertion)  # a signed assertion is a credential for an hour
        register_secrets([assertion])
        form = {"grant_type": JWT_BEARER, "assertion": assertion}
        try:
            response = HttpClient.request(self, "POST", self.token_url, data=_form(form), expect_json=True,
                                          headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        except TransportError as error:
            if error.retriable:
                raise TokenError(
                    _("Google's token URL could not be reached: {reason}").format(reason=error.message), retriable=True
                ) from None
            raise TokenError(
                _("Google refused the service account key of {where} ({error})").format(
                    where=self.where, error=google_reason(error)
                ),
                hint=_(
                    "check that the key is current (not deleted in Google Cloud) and that the service account "
                    "is a user of the Merchant Center account"
                ),
            ) from None
        reply = response.json()
        token = reply.get("access_token") if isinstance(reply, dict) else None
        if not isinstance(token, str) or not token:
            raise TokenError(
                _("Google's token URL ({token_url}) replied without an access_token").format(token_url=self.token_url)
            )
        self.secrets = (*self.secrets, token)
        register_secrets([token])
        try:
            lifetime = float(reply.get("expires_in") or ASSERTION_SECONDS)
        except (TypeError, ValueError):
            lifetime = float(ASSERTION_SECONDS)
        self._token = token
        self._expires = self.clock() + max(lifetime - min(TOKEN_MARGIN, lifetime / 5), 0.0)
        self.tokens_fetched += 1

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        extra = dict(kwargs.pop("headers", None) or {})
        for attempt in range(2):
            headers = {**extra, "Authorization": f"Bearer {self.token()}"}
            try:
                return HttpClient.request(self, method, path, headers=headers, **kwargs)
            except TransportError as error:
                if attempt == 0 and status_of(error) == 401:
                    self._token = None  # expired or revoked early: one new token, one more try
                    continue
                raise
        raise AssertionError("unreachable")  # pragma: no cover


def _form(fields: dict[str, str]) -> bytes:
    from urllib.parse import urlencode

    return urlencode(fields).encode("ascii")


def client(section: Any, secrets: tuple[str, ...], policy: RetryPolicy) -> MerchantClient:
    """The builder ``connect.CLIENT_BUILDERS`` names: the key file read (a problem with it is a config error naming
    ``credentials``), the token fetched on the first request."""
    where = f"{getattr(section, 'where', 'upload')}.credentials"
    base = getattr(section, "base_dir", Path.cwd())
    path = Path(str(section.credentials)).expanduser()
    path = path if path.is_absolute() else Path(base) / path
    account = load_service_account(path, where, getattr(section, "config_file", None))
    return MerchantClient(str(section.url), policy=policy, secrets=secrets, account=account,
                          token_url=str(section.token_url), where=where)  # fmt: skip


# --- product inputs -------------------------------------------------------------------------------------------


def input_name(language: str, label: str, offer_id: str) -> str:
    """The ``{productInput}`` segment of a product input's name: ``language~label~offerId`` base64url-encoded."""
    return _b64(f"{language}~{label}~{offer_id}".encode())


def _micros(cents: Any) -> str | None:
    if cents is None or cents is pd.NA or (isinstance(cents, float) and cents != cents):
        return None
    return str(int(cents) * (MICROS // 100))


def product_inputs(adapter: GoogleMerchantAdapter, rows: pd.DataFrame, currency: str, upload: Any) -> Iterator[
        tuple[str, dict[str, Any]]]:  # fmt: skip
    """(key, ProductInput body) for each of ``rows`` (desired rows, keyed), the whole product each time."""
    text = adapter.attribute_text(rows, currency)
    money_currency = values_of(rows, Field.CURRENCY).astype("str").fillna(currency).tolist()
    prices = values_of(rows, Field.PRICE).tolist()
    sales = values_of(rows, Field.SALE_PRICE).tolist()
    columns = {name: series.tolist() for name, series in text.items()}
    for position, key in enumerate(rows.index.astype("str")):
        cell = {name: values[position] for name, values in columns.items()}
        attributes: dict[str, Any] = {}
        for name, json_name in (("title", "title"), ("description", "description"), ("link", "link"),
                                ("image_link", "imageLink"), ("brand", "brand"), ("mpn", "mpn"),
                                ("item_group_id", "itemGroupId"), ("color", "color"), ("size", "size")):  # fmt: skip
            if cell.get(name):
                attributes[json_name] = cell[name]
        if cell.get("additional_image_link"):
            attributes["additionalImageLinks"] = [u for u in cell["additional_image_link"].split(",") if u]
        if cell.get("availability"):
            attributes["availability"] = cell["availability"].upper()
        if cell.get("condition"):
            attributes["condition"] = cell["condition"].upper()
        if cell.get("gtin"):
            attributes["gtins"] = [cell["gtin"]]
        if cell.get("product_type"):
            attributes["productTypes"] = [cell["product_type"]]
        if cell.get("identifier_exists") == "no":
            attributes["identifierExists"] = False
        for name, values in (("price", prices), ("salePrice", sales)):
            micros = _micros(values[position])
            if micros is not None:
                attributes[name] = {"amountMicros": micros, "currencyCode": money_currency[position]}
        body = {"offerId": key, "contentLanguage": upload.content_language, "feedLabel": upload.feed_label,
                "productAttributes": attributes}  # fmt: skip
        yield key, body


@dataclass
class Pacer:
    """At most ``per_minute`` calls a minute, spread evenly (the quota page asks for calls spread over time)."""

    per_minute: int
    sleep: Callable[[float], None]
    clock: Callable[[], float] = time.monotonic
    _last: float | None = None

    def wait(self) -> None:
        gap = 60.0 / self.per_minute
        now = self.clock()
        if self._last is not None and now - self._last < gap:
            self.sleep(gap - (now - self._last))
            now = self.clock()
        self._last = now if self._last is None else max(now, self._last + gap)


def apply_plan(
    adapter: GoogleMerchantAdapter,
    plan: Plan,
    currency: str,
    client: HttpClient,
    applied: OnApplied,
    upload: Any,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, str]:
    """Insert each created or updated product whole and delete each delisted one, paced at ``upload.per_minute``;
    ``applied`` is called after each confirmed call. {key: reason} for what Google refused. A failure that would
    hit every call (token, quota retries used up, connection) raises :class:`TransportError` naming what is left."""
    account, source = str(upload.account_id), f"accounts/{upload.account_id}/dataSources/{upload.data_source}"
    writes = plan.keys(CREATE, UPDATE)
    deletes = [str(k) for k in plan.keys(DELIST)]
    wanted = plan.desired.loc[plan.desired.index.isin(writes)] if len(writes) else plan.desired.iloc[0:0]
    wanted = _unknown_stock_as_is(wanted, plan.current)
    listed = set(plan.changes.loc[plan.changes["field"].eq(LISTED), "key"].astype("str"))
    listed |= {str(k) for k in plan.keys(CREATE)}
    recorded = [f for f in plan.fields if f in wanted.columns and f != plan.key]
    per_minute = int(upload.per_minute) if upload.per_minute else minute_limit(client, account)
    pacer = Pacer(per_minute, client.sleep, clock)
    failed: dict[str, str] = {}
    inputs = list(product_inputs(adapter, wanted, currency, upload))
    remaining = [k for k, _input in inputs] + deletes
    position = 0

    def give_up(error: TransportError) -> TransportError:
        left = tuple(dict.fromkeys([*failed, *remaining[position:]]))
        kind = type(error) if isinstance(error, TokenError) else TransportError
        return kind(error.message, retriable=error.retriable, skus=left, hint=error.hint)

    for key, body in inputs:
        pacer.wait()
        try:
            client.request("POST", f"products/v1/accounts/{account}/productInputs:insert",
                           params={"dataSource": source}, json=body, expect_json=True, skus=(key,))  # fmt: skip
        except TransportError as error:
            if _refused_alone(error):
                failed[key] = _("Google refused the product: {error}").format(error=google_reason(error))
                position += 1
                continue
            raise give_up(error) from None
        row = wanted.loc[key] if wanted.index.is_unique else wanted.loc[[key]].iloc[0]
        sets = {name: plain(row[name]) for name in recorded}
        if key in listed:
            sets[LISTED] = True
        applied([{"key": key, "set": sets}])
        position += 1
    sources = _data_sources(plan)
    for key in deletes:
        other = sources.get(key, source)
        if other and other != source:
            failed[key] = (_("Google has this product from another data source ({other}); chansync deletes only from "
"its own ({source})").format(other=other, source=source))  # fmt: skip
            position += 1
            continue
        pacer.wait()
        name = input_name(str(upload.content_language), str(upload.feed_label), key)
        try:
            client.request("DELETE", f"products/v1/accounts/{account}/productInputs/{name}",
                           params={"dataSource": source}, skus=(key,))  # fmt: skip
        except TransportError as error:
            if status_of(error) == 404:  # gone already (deleted by an earlier run that was stopped before it knew)
                pass
            elif _refused_alone(error):
                failed[key] = _("Google refused to delete the product: {error}").format(error=google_reason(error))
                position += 1
                continue
            else:
                raise give_up(error) from None
        applied([{"key": key, "set": {LISTED: False}}])
        position += 1
    return failed


#: Paced at this many writes a minute when the account's quota cannot be read.
DEFAULT_PER_MINUTE = 60
WRITE_METHODS = ("products/v1/productInputs.insert", "products/v1/productInputs.delete")


def minute_limit(client: HttpClient, account: str) -> int:
    """The per-minute quota of the product input writes: the smallest ``quotaMinuteLimit`` of the quota groups
    that hold ``productInputs.insert`` or ``.delete`` (``GET /quota/v1/accounts/{account}/quotas``, paged;
    https://developers.google.com/merchant/api/reference/rest/quota_v1/accounts.quotas/list and
    google/shopping/merchant/quota/v1/quota.proto). :data:`DEFAULT_PER_MINUTE` when it cannot be read; a refused
    token still fails (nothing could be sent anyway)."""
    limits: list[int] = []
    token = ""
    try:
        for _page in range(100):  # a few pages at most; never a loop on a server that repeats its token
            params: dict[str, Any] = {"pageSize": 1000, **({"pageToken": token} if token else {})}
            reply = client.request("GET", f"quota/v1/accounts/{account}/quotas", params=params,
                                   expect_json=True).json()  # fmt: skip
            if not isinstance(reply, dict):
                break
            for group in reply.get("quotaGroups") or []:
                if not isinstance(group, dict):
                    continue
                paths = {str(m.get("path")) for m in group.get("methodDetails") or [] if isinstance(m, dict)}
                if paths & set(WRITE_METHODS):
                    try:
                        limits.append(int(group.get("quotaMinuteLimit") or 0))
                    except (TypeError, ValueError):
                        continue
            token = str(reply.get("nextPageToken") or "")
            if not token:
                break
    except TokenError:
        raise
    except TransportError:
        return DEFAULT_PER_MINUTE
    usable = [n for n in limits if n > 0]
    return min(usable) if usable else DEFAULT_PER_MINUTE


def _data_sources(plan: Plan) -> dict[str, str]:
    current = plan.current
    if DATA_SOURCE not in current.columns:
        return {}
    return dict(zip(current.index.astype("str"), current[DATA_SOURCE].astype("str").fillna(""), strict=True))


def _refused_alone(error: TransportError) -> bool:
    """A refusal of this one request (its data), not of every request (credentials, permission, quota)."""
    if error.retriable or isinstance(error, TokenError):
        return False
    return status_of(error) in (400, 409, 412, 422)  # a 404 is a wrong account or address: every call would get it


# --- reading the processed products ------------------------------------------------------------------------------


def products(client: HttpClient, account: str) -> Iterator[dict[str, Any]]:
    token = ""
    while True:
        params: dict[str, Any] = {"pageSize": PAGE_SIZE, **({"pageToken": token} if token else {})}
        reply = client.request("GET", f"products/v1/accounts/{account}/products", params=params,
                               expect_json=True).json()  # fmt: skip
        if not isinstance(reply, dict):
            raise TransportError(_("the Merchant API's product list is not a JSON object"), retriable=True)
        for product in reply.get("products") or []:
            if isinstance(product, dict):
                yield product
        token = str(reply.get("nextPageToken") or "")
        if not token:
            return


def _money(price: Any) -> str:
    if not isinstance(price, dict) or price.get("amountMicros") in (None, ""):
        return ""
    try:
        amount = Decimal(str(price["amountMicros"])) / MICROS
    except ArithmeticError:
        return str(price["amountMicros"])
    return f"{amount:f} {price.get('currencyCode') or ''}".strip()


def _first(values: Any) -> str:
    return str(values[0]) if isinstance(values, list) and values else ""


def feed_record(product: dict[str, Any]) -> dict[str, str]:
    """A processed product as the feed attributes the feed reader gives (``id``, ``price`` as ``15.00 EUR``,
    ``availability`` as ``in_stock``, …), so the state is built exactly as from a feed file."""
    attributes = product.get("productAttributes") or {}
    if not isinstance(attributes, dict):
        attributes = {}

    def text(name: str) -> str:
        value = attributes.get(name)
        return str(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""

    record = {
        "id": str(product.get("offerId") or ""),
        "title": text("title"),
        "description": text("description"),
        "link": text("link"),
        "image_link": text("imageLink"),
        "additional_image_link": ",".join(str(u) for u in attributes.get("additionalImageLinks") or []),
        "availability": text("availability").lower(),
        "price": _money(attributes.get("price")),
        "sale_price": _money(attributes.get("salePrice")),
        "brand": text("brand"),
        "gtin": _first(attributes.get("gtins")),
        "mpn": text("mpn"),
        "condition": text("condition").lower(),
        "item_group_id": text("itemGroupId"),
        "color": text("color"),
        "size": text("size"),
        "product_type": _first(attributes.get("productTypes")),
    }
    return record


def fetch_state(adapter: GoogleMerchantAdapter, client: HttpClient, upload: Any) -> ChannelState:
    """The account's processed products of the section's language and feed label, as the feed reader's state."""
    language, label = str(upload.content_language), str(upload.feed_label)
    ours = [p for p in products(client, str(upload.account_id))
            if p.get("contentLanguage") == language and p.get("feedLabel") == label]  # fmt: skip
    records = [feed_record(p) for p in ours]
    names = [a.name for a in adapter.attributes()]
    frame = pd.DataFrame.from_records(records, columns=names).fillna("").astype("str")
    frame[ROW] = pd.Series(np.arange(1, len(frame) + 1), index=frame.index, dtype="Int64")
    source = _("Google Merchant API (account {account}, {language}~{label})").format(
        account=upload.account_id, language=language, label=label
    )
    export = Export(frame, Table(frame, source, None, 0, names), {n: n for n in names})
    renamed = {a.name: a.field.value for a in adapter.attributes()}
    export.text = export.text.rename(columns=renamed)
    export.headers = {f: n for n, f in renamed.items()}
    frame = adapter.canonical(export)
    frame[DATA_SOURCE] = pd.Series([str(p.get("dataSource") or "") for p in ours], index=frame.index, dtype="str")
    return ChannelState(frame, Field.SKU.value, source, issues=export.issues)
