"""From a channel's ``upload`` section to a ready HTTP client: variables expanded, secrets collected so every
message can be scrubbed of them, the retry policy from the section."""

from __future__ import annotations

from typing import Any

from .config import LoadedConfig
from .transports.http import HttpClient, RetryPolicy

#: Upload keys that hold secrets (always ``${VAR}`` in the file).
SECRET_KEYS = ("key", "secret", "token", "client_id", "client_secret", "password")


def secrets_of(config: LoadedConfig, upload: Any) -> tuple[str, ...]:
    """The secret values an upload uses (and any ``${VAR}`` in its headers), to keep out of every message."""
    values = []
    for key in SECRET_KEYS:
        value = getattr(upload, key, None)
        if value:
            values.append(config.expand(value, key))
    for value in (getattr(upload, "headers", None) or {}).values():
        if "${" in value:
            values.append(config.expand(value, "headers"))
    return tuple(v for v in values if v)


class Expanded(dict[str, Any]):
    """An upload section with its variables filled in: attribute access; its repr never shows a value."""

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
    for key, value in data.items():
        where = f"channels.{channel}.upload.{key}"
        if isinstance(value, str) and "${" in value:
            data[key] = config.expand(value, where)
        elif isinstance(value, dict):
            data[key] = {k: config.expand(v, f"{where}.{k}") if isinstance(v, str) else v for k, v in value.items()}
    return Expanded(data)


def default_client(upload: Expanded, secrets: tuple[str, ...]) -> HttpClient:
    policy = RetryPolicy(retries=upload.retries, timeout=upload.timeout, backoff=upload.backoff)
    base = upload.get("url") or (f"https://{upload.get('shop')}" if upload.get("shop") else "")
    headers = dict(upload.get("headers") or {})
    auth = None
    if upload.type == "shopify_api":  # the Admin GraphQL endpoint; the token goes in its own header
        headers["X-Shopify-Access-Token"] = upload.token
        base = base.rstrip("/") + f"/admin/api/{upload.api_version}/graphql.json" if "/admin/api/" not in base else base
    if upload.type == "woocommerce_api":
        base = base.rstrip("/") + "/wp-json/wc/v3" if "/wp-json/" not in base else base
        auth = (upload.key, upload.secret)  # HTTP Basic over HTTPS: consumer key and secret
    return HttpClient(base, policy=policy, headers=headers, auth=auth, secrets=secrets)


def client_for(config: LoadedConfig, channel: str) -> HttpClient:
    """The client of a channel's upload section (for `export: api` and for applying changes)."""
    upload = config.channel(channel).upload
    assert upload is not None
    return default_client(expanded(config, channel, upload), secrets_of(config, upload))
