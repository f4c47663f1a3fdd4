"""From a channel's ``upload`` section to a ready HTTP client: variables expanded, secrets collected so every
message can be scrubbed of them, the retry policy from the section."""

from __future__ import annotations

import contextlib
import importlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .config import _VAR, SECRET_KEYS, ConfigError, LoadedConfig
from .i18n import _
from .transports.http import HttpClient, RetryPolicy, basic_auth_forms, register_secrets

__all__ = ["SECRET_KEYS", "client_for", "default_client", "expanded", "secrets_of"]

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def secrets_of(config: LoadedConfig, upload: Any) -> tuple[str, ...]:
    """The secret values an upload uses, in every form they take on the wire, to keep out of every message: the
    secret keys, each ``${VAR}`` in its headers (and the whole header value), ``${VAR}`` in a URL's user-info,
    path or query (a host name is not a secret), and the Basic-auth token of WooCommerce's key and secret."""
    values = []
    for key in SECRET_KEYS:
        value = getattr(upload, key, None)
        if value:
            values.append(config.expand(value, key))
    for value in (getattr(upload, "headers", None) or {}).values():
        if "${" in value:
            values.append(config.expand(value, "headers"))
            values.extend(config.expand(m.group(0), "headers") for m in _VAR.finditer(value))
    for key in ("url", "token_url"):
        value = getattr(upload, key, None)
        if value and "${" in value:
            values.extend(config.expand(m.group(0), key) for m in _VAR.finditer(_beyond_host(value)))
    if getattr(upload, "type", None) == "woocommerce_api":
        values.extend(basic_auth_forms(config.expand(upload.key, "key"), config.expand(upload.secret, "secret")))
    found = tuple(dict.fromkeys(v for v in values if v))
    register_secrets(found)
    return found


def _beyond_host(url: str) -> str:
    """The parts of a URL as written that may carry a secret: user-info, path, query, fragment."""
    if url.startswith("${"):  # the base URL as a whole (`${SHOP_URL}/...`) names a host, not a secret
        url = _VAR.sub("", url, count=1)
    try:
        parts = urlsplit(url)
    except ValueError:  # refused with its key when the section is expanded; here, keep all of it from messages
        return url
    userinfo = parts.netloc.rpartition("@")[0]
    return " ".join((userinfo, parts.path, parts.query, parts.fragment))


class Expanded(dict[str, Any]):
    """An upload section with its variables filled in: attribute access; its repr never shows a value."""

    written: dict[str, Any]
    #: Where the section was written, for a builder that reads a file it names (Google's key file): the config's
    #: folder (relative paths), the section's key path and the config file as shown in messages.
    base_dir: Path
    where: str
    config_file: str
    #: Where an adapter keeps what it must remember between runs (Amazon: the feeds it sent that still process).
    state_dir: Path

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"<upload {self.get('type')}>"


def expanded(config: LoadedConfig, channel: str, upload: Any) -> Expanded:
    """The upload section with every ``${VAR}`` replaced from the environment (a missing one names its key)."""
    data = upload.model_dump()
    raw = dict(data)
    for key, value in data.items():
        where = f"channels.{channel}.upload.{key}"
        if isinstance(value, str) and "${" in value:
            data[key] = config.expand(value, where)
        elif isinstance(value, dict):
            data[key] = {k: config.expand(v, f"{where}.{k}") if isinstance(v, str) else v for k, v in value.items()}
    section = Expanded(data)
    section.written = raw  # the section as written, for the URL template of an http upload
    section.base_dir, section.where, section.config_file = config.base_dir, f"channels.{channel}.upload", config.display
    with contextlib.suppress(ConfigError):  # a push stops on a bad state_dir first; a read does not need it
        section.state_dir = config.path_of(config.model.state_dir, "state_dir", must_exist=False)
    for key in ("url", "token_url"):
        if isinstance(data.get(key), str):
            _refuse_insecure(data[key], bool(data.get("allow_insecure")), f"channels.{channel}.upload.{key}", config)
    return section


def _refuse_insecure(url: str, allowed: bool, key: str, config: LoadedConfig) -> None:
    """Credentials over plain http:// are readable by anyone on the way, except to this machine itself."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that is not a number raises here, not later inside a request
    except ValueError as exc:
        raise ConfigError(_("not a valid URL ({reason})").format(reason=exc), key=key, file=config.display) from None
    if parts.scheme.lower() == "http" and (parts.hostname or "").lower() not in LOCAL_HOSTS and not allowed:
        raise ConfigError(
            _("{url} is plain http: credentials and data would travel unencrypted").format(
                url=f"{parts.scheme}://{parts.hostname}"
            ),
            key=key,
            file=config.display,
            hint=_("use https://, or set allow_insecure: true in the upload section if you must"),
        )


#: Upload types whose client their adapter package builds, because the auth flow is the channel's own (tokens
#: exchanged, requests signed): "module:function" taking (section, secrets, policy) and returning an HttpClient.
CLIENT_BUILDERS = {
    "ebay_api": "chansync.adapters.ebay.api:client",
    "tiktok_shop_api": "chansync.adapters.tiktok_shop.api:client",
    "amazon_sp_api": "chansync.adapters.amazon.spapi:client",
    "meta_api": "chansync.adapters.meta.api:client",
    "google_merchant_api": "chansync.adapters.google.merchant:client",
}


def default_client(upload: Expanded, secrets: tuple[str, ...]) -> HttpClient:
    policy = RetryPolicy(retries=upload.retries, timeout=upload.timeout, backoff=upload.backoff)
    builder = CLIENT_BUILDERS.get(upload.type)
    if builder is not None:
        module, _colon, function = builder.partition(":")
        built: HttpClient = getattr(importlib.import_module(module), function)(upload, secrets, policy)
        return built
    base = upload.get("url") or (f"https://{upload.get('shop')}" if upload.get("shop") else "")
    headers = dict(upload.get("headers") or {})
    auth = None
    if upload.type == "shopify_api":  # the Admin GraphQL endpoint; the token goes in its own header
        headers["X-Shopify-Access-Token"] = upload.token
        base = base.rstrip("/") + f"/admin/api/{upload.api_version}/graphql.json" if "/admin/api/" not in base else base
    if upload.type == "etsy_api":  # the app's key and the user's OAuth token on every request
        headers["x-api-key"] = upload.api_key
        headers["Authorization"] = f"Bearer {upload.token}"
    if upload.type == "woocommerce_api":
        base = base.rstrip("/") + "/wp-json/wc/v3" if "/wp-json/" not in base else base
        auth = (upload.key, upload.secret)  # HTTP Basic over HTTPS: consumer key and secret
    template = None
    written = getattr(upload, "written", None)  # absent in a section a caller built by hand
    if upload.type == "http" and isinstance(written, dict) and isinstance(written.get("url"), str):
        template = (written["url"], str(upload.url))
    return HttpClient(base, policy=policy, headers=headers, auth=auth, secrets=secrets, template=template)


def client_for(config: LoadedConfig, channel: str) -> HttpClient:
    """The client of a channel's upload section (for `export: api` and for applying changes)."""
    return section_and_client(config, channel)[1]


def section_and_client(config: LoadedConfig, channel: str) -> tuple[Expanded, HttpClient]:
    """A channel's upload section with its variables filled in, and the client built from it."""
    upload = config.channel(channel).upload
    assert upload is not None
    section = expanded(config, channel, upload)
    return section, default_client(section, secrets_of(config, upload))
