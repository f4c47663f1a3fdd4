"""``channels.yaml`` into typed models, validated up front.

Every problem becomes one :class:`ConfigError` naming the key path (``channels.bol.stock.buffer``) and what was
expected. ``${VAR}`` references stay as written until a value is used, so a variable that a command never needs
is never required.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic import Field as PydField

from .errors import ConfigError
from .fields import OVERRIDE_SEPARATOR, Field, StockField
from .i18n import N_, N_plural, _, ngettext, number

DEFAULT_CONFIG = "channels.yaml"
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_CREDENTIAL_HEADER = re.compile(r"auth|token|key|secret|password|cookie|signature|session|credential", re.I)
_SECRET = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")


# Upper bounds of the numeric keys: far above any real setting, low enough that no number overflows downstream.
MAX_ROW = 1_048_576  # the last row of a spreadsheet
MAX_COUNT = 1_000_000_000  # units of stock, characters of a limit
MAX_PERCENT = 100_000  # markup_percent: a price times 1,001 at most
MAX_AMOUNT = 1_000_000_000  # price amounts, in the channel's currency
MAX_RATE = 1_000_000  # currency rate
#: An echoed input value is cut to this many characters: a message must never carry a whole file or an alias bomb.
SHOWN_CHARS = 80
#: Keys whose values are secrets: a wrong value is never echoed.
SECRET_KEYS = (
    "key", "secret", "token", "client_id", "client_secret", "password", "api_key", "refresh_token", "app_key",
    "app_secret", "access_token",
)
MAX_YAML_NODES = 1_000_000  # values a channels.yaml may expand to through aliases


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _secret(value: str) -> str:
    if not _SECRET.match(value.strip()):
        raise ValueError(
            _("must name an environment variable like ${SHOP_TOKEN}; secrets are never read from the file")
        )
    return value.strip()


# --- master -----------------------------------------------------------------------------------------------------


class MasterConfig(Strict):
    file: str = PydField(description="The master sheet: xlsx, xls, ods, csv or tsv; relative to this config file.")
    sheet: str | None = PydField(None, description="Sheet with the products (xlsx); the first sheet by default.")
    stock_sheet: str | None = PydField(
        None, description="Stock per location (sku, location, quantity): a sheet name, or a csv/tsv path."
    )
    stock_columns: dict[str, str] = PydField(
        default_factory=dict, description="Stock sheet headers where they differ: sku, location, quantity."
    )
    currency: str = PydField(
        "EUR", pattern=r"^[A-Z]{3}$", description="Currency when the sheet has no currency column."
    )
    columns: dict[str, str] = PydField(
        default_factory=dict,
        description="Canonical field -> your own header, only where they differ (e.g. sku: Artikelnummer).",
    )
    header_row: int | None = PydField(
        None, ge=1, le=MAX_ROW, description="Row of the header (1-based); found by itself otherwise."
    )
    encoding: str | None = PydField(None, description="Encoding of a csv/tsv master; detected by itself otherwise.")
    delimiter: str | None = PydField(
        None, min_length=1, max_length=1, description="csv/tsv delimiter; detected otherwise."
    )
    limits: dict[str, int] = PydField(
        default_factory=dict, description="Longest title/description accepted without a warning (150/5000)."
    )
    write_back: bool = PydField(
        False, description="After a push, set the sheet's stock cells to what is available (a backup is kept)."
    )

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, columns: dict[str, str]) -> dict[str, str]:
        for name in columns:
            field_name, _sep, channel = name.partition(OVERRIDE_SEPARATOR)
            if field_name not in {f.value for f in Field} or (OVERRIDE_SEPARATOR in name and not channel):
                raise ValueError(
                    _unknown(
                        _("unknown field {name}{suggestion}; expected one of {options}"), name, [f.value for f in Field]
                    )
                )
        return columns

    @field_validator("stock_columns")
    @classmethod
    def _known_stock_fields(cls, columns: dict[str, str]) -> dict[str, str]:
        for name in columns:
            if name not in {f.value for f in StockField}:
                raise ValueError(
                    _unknown(
                        _("unknown stock field {name}{suggestion}; expected one of {options}"),
                        name,
                        [f.value for f in StockField],
                    )
                )
        return columns

    @field_validator("limits")
    @classmethod
    def _known_limits(cls, limits: dict[str, int]) -> dict[str, int]:
        for name, value in limits.items():
            if name not in (Field.TITLE.value, Field.DESCRIPTION.value):
                raise ValueError(
                    _unknown(
                        _("unknown limit {name}{suggestion}; expected one of {options}"),
                        name,
                        [Field.TITLE.value, Field.DESCRIPTION.value],
                    )
                )
            if not 1 <= value <= MAX_COUNT:
                raise ValueError(
                    _("limit {name} must be between 1 and {maximum}").format(name=name, maximum=number(MAX_COUNT))
                )
        return limits

    def header_for(self, name: str) -> str | None:
        return self.columns.get(name)


# --- channel rules ----------------------------------------------------------------------------------------------


class FilterRules(Strict):
    status: Literal["active", "inactive", "any"] | None = PydField(
        None, description="Only products with this status (active by default); 'any' keeps all."
    )
    include_categories: list[str] | None = None
    exclude_categories: list[str] = PydField(default_factory=list)
    include_brands: list[str] | None = None
    exclude_brands: list[str] = PydField(default_factory=list)
    include_skus: list[str] | None = None
    exclude_skus: list[str] = PydField(default_factory=list)


class PriceRules(Strict):
    markup_percent: Decimal = PydField(
        Decimal(0), ge=-99, le=MAX_PERCENT, decimal_places=6, description="Percentage added to the master price."
    )
    add: Decimal = PydField(
        Decimal(0), ge=-MAX_AMOUNT, le=MAX_AMOUNT, decimal_places=6, description="Fixed amount added after the markup."
    )
    round_to: Decimal | None = PydField(
        None,
        ge=0,
        lt=1,
        decimal_places=6,
        description="Round up to this ending, e.g. 0.99 or 0.95 (0 rounds up to whole units).",
    )
    min: Decimal | None = PydField(
        None, ge=0, le=MAX_AMOUNT, decimal_places=6, description="Floor: a price never goes below this."
    )
    currency: str | None = PydField(None, pattern=r"^[A-Z]{3}$", description="Sell in this currency...")
    rate: Decimal | None = PydField(
        None, gt=0, le=MAX_RATE, decimal_places=10, description="...converted from the master at this fixed rate."
    )

    @model_validator(mode="after")
    def _currency_needs_rate(self) -> PriceRules:
        if (self.currency is None) != (self.rate is None):
            raise ValueError(_("currency and rate go together: name the currency and its fixed rate"))
        return self


class StockRules(Strict):
    locations: list[str] | None = PydField(
        None, description="Stock locations this channel sells from (all by default)."
    )
    buffer: int = PydField(0, ge=0, le=MAX_COUNT, description="Units held back from this channel.")
    max: int | None = PydField(None, ge=0, le=MAX_COUNT, description="Never offer more than this.")
    zero_below: int = PydField(
        0, ge=0, le=MAX_COUNT, description="Offer 0 when stock (after the buffer) is below this."
    )
    share: Decimal = PydField(
        Decimal(1), ge=0, le=1, description="Offer this share (0-1) of what is available, rounded down."
    )


class ListingRules(Strict):
    create: bool = PydField(True, description="false: update existing listings only, never create one.")
    delist: bool = PydField(True, description="false: never take a listing off sale.")
    unknown: Literal["keep", "delist"] = PydField(
        "keep", description="Listings on the channel that chansync never managed and the master lacks: keep them."
    )


class GuardRules(Strict):
    max_delist_share: float = PydField(
        0.2, ge=0, le=1, description="Refuse a plan that delists or zeroes more than this share of live listings."
    )
    max_price_change_share: float = PydField(
        0.5, ge=0, le=1, description="Refuse a plan that changes the price of more than this share of listings."
    )


# --- uploads ----------------------------------------------------------------------------------------------------


class _Upload(Strict):
    timeout: float = PydField(30, gt=0, le=3600, description="Seconds before a request is given up and retried.")
    retries: int = PydField(5, ge=0, le=20, description="Retries on connection errors, 429 and 5xx.")
    backoff: float = PydField(
        1.0, ge=0, le=60, description="Seconds before the first retry; doubles each retry (with jitter)."
    )
    allow_insecure: bool = PydField(
        False, description="Allow a plain http:// URL to a host other than this machine (credentials unencrypted)."
    )

    @field_validator("url", "token_url", check_fields=False)
    @classmethod
    def _no_userinfo_secret(cls, value: str | None) -> str | None:
        """A password in ``https://user:pass@host`` is a secret written into the file: it must be ``${VAR}``."""
        if value:
            userinfo = urlsplit(value).netloc.rpartition("@")[0]
            if userinfo and _VAR.sub("", userinfo).strip(":"):
                raise ValueError(
                    _("a user name or password in the URL must be an environment variable like ${FEED_PASS}")
                )
        return value


class WooCommerceUpload(_Upload):
    type: Literal["woocommerce_api"]
    url: str
    key: str
    secret: str
    batch_size: int = PydField(100, ge=1, le=100)
    _secrets = field_validator("key", "secret")(_secret)


class ShopifyUpload(_Upload):
    type: Literal["shopify_api"]
    shop: str | None = None
    url: str | None = None
    token: str
    api_version: str = PydField(
        "2026-01", description="Admin API version (YYYY-MM); it decides the shape of the stock mutation."
    )
    location_ids: dict[str, str] = PydField(default_factory=dict)
    _secrets = field_validator("token")(_secret)

    @field_validator("api_version")
    @classmethod
    def _known_version(cls, value: str) -> str:
        """Refused up front: a version chansync does not know the request shape of would fail mid-push."""
        from .adapters.shopify.versions import API_VERSIONS

        if value not in API_VERSIONS:
            raise ValueError(
                _("Shopify API version {version} is not supported; use one of {versions}").format(
                    version=repr(value), versions=", ".join(API_VERSIONS)
                )
            )
        return value

    @model_validator(mode="after")
    def _shop_or_url(self) -> ShopifyUpload:
        if not (self.shop or self.url):
            raise ValueError(_("give shop (my-shop.myshopify.com) or url"))
        named = re.search(r"/admin/api/([^/]+)/", self.url or "")
        if named and named.group(1) != self.api_version:
            raise ValueError(
                _(
                    "url names API version {named} but api_version is {api_version}; the request shape follows "
                    "api_version, so give the version once (api_version) and leave it out of the url"
                ).format(named=named.group(1), api_version=self.api_version)
            )
        return self


class BolUpload(_Upload):
    type: Literal["bol_api"]
    client_id: str
    client_secret: str
    url: str = "https://api.bol.com/retailer"
    token_url: str = "https://login.bol.com/token"
    status_url: str | None = PydField(
        None,
        description="Where process statuses are read (GET {status_url}/process-status/{id}); default: url with "
        "/retailer replaced by /shared (https://api.bol.com/shared).",
    )
    status_checks: int = PydField(
        8, ge=1, le=50, description="Reads of an offer change's process status before it is reported as unfinished."
    )
    status_wait: float = PydField(
        1.0, ge=0, le=60, description="Seconds before the first process status read; doubles each round (30 s at most)."
    )
    export_checks: int = PydField(
        20, ge=1, le=100, description="Reads of the offer export's process status (export: api) before giving up."
    )
    _secrets = field_validator("client_id", "client_secret")(_secret)


class HttpUpload(_Upload):
    type: Literal["http"]
    url: str
    method: Literal["PUT", "POST"] = "PUT"
    headers: dict[str, str] = PydField(
        default_factory=dict,
        description="Extra request headers; a credential (Authorization, X-Api-Key, ...) as ${VAR}: 'Bearer ${TOKEN}'.",
    )

    @field_validator("headers")
    @classmethod
    def _header_secrets(cls, headers: dict[str, str]) -> dict[str, str]:
        """A header that carries a credential holds it as ``${VAR}``, at most after a scheme word (Bearer)."""
        for name, value in headers.items():
            if _CREDENTIAL_HEADER.search(name) and not re.fullmatch(r"[A-Za-z-]*", _VAR.sub("", value).strip()):
                raise ValueError(
                    _(
                        "header {name} carries a credential: write it as an environment variable, e.g. "
                        "'Bearer ${{FEED_TOKEN}}'; secrets are never read from the file"
                    ).format(name=repr(name[:80]))
                )
        return headers


class SftpUpload(_Upload):
    type: Literal["sftp"]
    host: str
    port: int = PydField(22, ge=1, le=65535)
    username: str
    password: str | None = None
    key_file: str | None = None
    path: str
    known_hosts: str | None = None
    _secrets = field_validator("password")(lambda v: None if v is None else _secret(v))

    @model_validator(mode="after")
    def _credentials(self) -> SftpUpload:
        if not (self.password or self.key_file):
            raise ValueError(_("give password (as ${VAR}) or key_file"))
        return self


class EtsyUpload(_Upload):
    """Etsy Open API v3 (https://developers.etsy.com/documentation/reference#operation/updateListingInventory):
    the app's key in ``x-api-key`` and an OAuth 2.0 user token as ``Authorization: Bearer``."""

    type: Literal["etsy_api"]
    shop_id: str = PydField(description="The numeric id of the Etsy shop.")
    api_key: str = PydField(description="The app's keystring, as ${VAR}.")
    token: str = PydField(description="An OAuth 2.0 access token with listings_w scope, as ${VAR}.")
    url: str = "https://openapi.etsy.com/v3/application"


# --- marketplace and catalogue APIs: each model belongs to its adapter package's client (see connect.py) ------


class EbayUpload(_Upload):
    """eBay Sell Inventory API (https://developer.ebay.com/api-docs/sell/inventory/overview.html): an OAuth user
    access token as ``Authorization: Bearer``, given as ``token`` or minted from the app's client id and secret and
    the seller's refresh token (https://developer.ebay.com/api-docs/static/oauth-refresh-token-request.html)."""

    type: Literal["ebay_api"]
    token: str | None = PydField(
        None, description="An OAuth user access token with the sell.inventory scope, as ${VAR} (lasts about 2 hours)."
    )
    client_id: str | None = PydField(None, description="The app's client id (App ID), as ${VAR}; with a refresh token.")
    client_secret: str | None = PydField(None, description="The app's client secret (Cert ID), as ${VAR}.")
    refresh_token: str | None = PydField(
        None, description="The seller's refresh token (scope sell.inventory), as ${VAR}: a new access token each run."
    )
    token_url: str = "https://api.ebay.com/identity/v1/oauth2/token"
    marketplace_id: str = PydField(
        "EBAY_US", pattern=r"^EBAY_[A-Z_]{2,10}$", description="The eBay marketplace, e.g. EBAY_US, EBAY_DE, EBAY_NL."
    )
    content_language: str | None = PydField(
        None,
        pattern=r"^[a-z]{2}-[A-Z]{2}$",
        description="Content-Language sent with each request (en-US, de-DE …); by default the marketplace's.",
    )
    url: str = "https://api.ebay.com"
    batch_size: int = PydField(
        25, ge=1, le=25, description="SKUs per bulkUpdatePriceQuantity call (eBay takes at most 25)."
    )
    daily_revisions: int = PydField(
        250,
        ge=1,
        le=250,
        description="Revisions chansync sends to one listing in a run (eBay allows 250 per listing per calendar "
        "day); lower it if you also revise by hand.",
    )
    @field_validator("token", "client_id", "client_secret", "refresh_token")
    @classmethod
    def _secrets(cls, value: str | None) -> str | None:
        return None if value is None else _secret(value)

    @model_validator(mode="after")
    def _one_way_to_a_token(self) -> EbayUpload:
        minted = (self.client_id, self.client_secret, self.refresh_token)
        if any(minted) and not all(minted):
            raise ValueError(
                _("client_id, client_secret and refresh_token go together (a new token is minted from them)")
            )
        if not self.token and not all(minted):
            raise ValueError(_("give token, or client_id, client_secret and refresh_token"))
        return self


# --- TikTok Shop Partner API ------------------------------------------------------------------------------------


class TikTokShopUpload(_Upload):
    """TikTok Shop Partner API (https://partner.tiktokshop.com/docv2): signed requests with the app's key and
    secret and the shop's access token."""

    type: Literal["tiktok_shop_api"]
    app_key: str = PydField(description="The app's key, as ${VAR}.")
    app_secret: str = PydField(description="The app's secret (signs every request), as ${VAR}.")
    access_token: str = PydField(description="The shop's access token, as ${VAR}.")
    shop_cipher: str = PydField(description="The shop's cipher (from Get Authorized Shops).")
    url: str = "https://open-api.tiktokglobalshop.com"
    _secrets = field_validator("app_key", "app_secret", "access_token")(_secret)


# --- Amazon Selling Partner API ---------------------------------------------------------------------------------


class AmazonSpApiUpload(_Upload):
    """Amazon SP-API Feeds (https://developer-docs.amazon.com/sp-api/docs/feeds-api-v2021-06-30-use-case-guide):
    a Login with Amazon token from the app's client id and secret and the seller's refresh token."""

    type: Literal["amazon_sp_api"]
    client_id: str = PydField(description="The LWA client id of the app, as ${VAR}.")
    client_secret: str = PydField(description="The LWA client secret of the app, as ${VAR}.")
    refresh_token: str = PydField(description="The seller's LWA refresh token, as ${VAR}.")
    seller_id: str = PydField(description="The seller (merchant) id the listings belong to.")
    marketplace_id: str = PydField(description="The marketplace, e.g. A1805IZSGTT6HS (Amazon.nl).")
    region: Literal["na", "eu", "fe"] = PydField("eu", description="The SP-API region of the marketplace.")
    url: str | None = PydField(None, description="The SP-API endpoint; default: the region's.")
    token_url: str = PydField(
        "https://api.amazon.com/auth/o2/token", description="The Login with Amazon token endpoint."
    )
    status_wait: float = PydField(
        15.0, gt=0, le=300, description="Seconds before the first read of a feed's or report's status; doubles."
    )
    status_timeout: float = PydField(
        3600.0, ge=0, le=86400, description="Seconds to wait for Amazon to process a feed or report."
    )
    _secrets = field_validator("client_id", "client_secret", "refresh_token")(_secret)


# --- Meta Graph API (catalogue batch) ---------------------------------------------------------------------------


class MetaApiUpload(_Upload):
    """Meta Catalog Batch API (https://developers.facebook.com/docs/marketing-api/catalog-batch/): a system-user
    access token as ``Authorization: Bearer``; changes through ``items_batch``, the catalogue read through
    ``products`` (``export: api``). See docs/channels/meta.md."""

    type: Literal["meta_api"]
    catalog_id: str = PydField(description="The product catalogue's id.")
    token: str = PydField(description="A system-user access token with catalog_management, as ${VAR}.")
    url: str = "https://graph.facebook.com/v21.0"
    batch_size: int = PydField(
        1000,
        ge=1,
        le=5000,  # "The requests param can contain up to 5,000 items" (catalog-batch/guides/send-product-updates)
        description="Item requests per items_batch call (Meta takes at most 5,000; lower it if Meta answers that "
        "the request is too large).",
    )
    status_checks: int = PydField(
        10,
        ge=1,
        le=50,
        description="Reads of a batch's status (check_batch_request_status) before it is reported as unfinished.",
    )
    status_wait: float = PydField(
        2.0, ge=0, le=60, description="Seconds before the first status read; doubles each round (60 s at most)."
    )
    _secrets = field_validator("token")(_secret)


# --- Google Merchant API ----------------------------------------------------------------------------------------


class GoogleMerchantUpload(_Upload):
    """Google Merchant API (https://developers.google.com/merchant/api/overview): a service account's token.

    Products go in as product inputs of one API data source, one language and one feed label
    (https://developers.google.com/merchant/api/reference/rest/products_v1/accounts.productInputs/insert)."""

    type: Literal["google_merchant_api"]
    account_id: str = PydField(description="The Merchant Center account id (digits).")
    data_source: str = PydField(description="The id (digits) of the API data source products are inserted into.")
    credentials: str = PydField(
        description="The service account's JSON key file: its path, best as ${VAR}; relative to this config file."
    )
    content_language: str = PydField(description="Two-letter ISO 639-1 language of the products, e.g. nl or en.")
    feed_label: str = PydField(
        description="The products' feed label (A-Z, 0-9, - and _, at most 20), usually the country: NL, DE, US."
    )
    per_minute: int | None = PydField(
        None,
        ge=1,
        le=100_000,
        description="Product inserts and deletes sent per minute at most; default: the account's per-minute quota "
        "as Google's quotas.list reports it (60 when it cannot be read).",
    )
    url: str = "https://merchantapi.googleapis.com"
    token_url: str = "https://oauth2.googleapis.com/token"

    @field_validator("account_id", "data_source")
    @classmethod
    def _digits(cls, value: str) -> str:
        value = value.strip()
        if not re.fullmatch(r"\d{1,20}", value):
            raise ValueError(
                _("must be the number Merchant Center shows (digits only), not {value}").format(value=_shown(value))
            )
        return value

    @field_validator("credentials")
    @classmethod
    def _a_path(cls, value: str) -> str:
        if value.lstrip().startswith("{"):
            raise ValueError(_("give the path of the key file (best as ${VAR}), never the key itself"))
        return value.strip()

    @field_validator("content_language")
    @classmethod
    def _language(cls, value: str) -> str:
        # ISO 639-1, two letters (https://developers.google.com/merchant/api/reference/rest/products_v1/accounts.productInputs)
        if not re.fullmatch(r"[A-Za-z]{2}", value.strip()):
            raise ValueError(
                _("must be a two-letter ISO 639-1 language code such as nl or en, not {value}").format(
                    value=_shown(value)
                )
            )
        return value.strip().lower()

    @field_validator("feed_label")
    @classmethod
    def _label(cls, value: str) -> str:
        # at most 20 of A-Z, 0-9, hyphen and underscore, no spaces (same page as above, feedLabel)
        if not re.fullmatch(r"[A-Z0-9_-]{1,20}", value.strip()):
            raise ValueError(
                _("must be 1 to 20 of A-Z, 0-9, - and _ (e.g. NL), not {value}").format(value=_shown(value))
            )
        return value.strip()


Upload = Annotated[
    WooCommerceUpload
    | ShopifyUpload
    | BolUpload
    | EtsyUpload
    | EbayUpload
    | TikTokShopUpload
    | AmazonSpApiUpload
    | MetaApiUpload
    | GoogleMerchantUpload
    | HttpUpload
    | SftpUpload,
    PydField(discriminator="type"),
]


# --- channels ---------------------------------------------------------------------------------------------------


class ChannelConfig(BaseModel):
    """One channel. Keys an adapter adds for itself are checked by that adapter's own settings model."""

    model_config = ConfigDict(extra="allow", frozen=True)

    adapter: str = PydField(description="Adapter name, e.g. woocommerce, shopify, bol, google_merchant, csv.")
    export: str | None = PydField(None, description="The channel's current state: an export file, or 'api'.")
    feed: str | None = PydField(None, description="Where push writes the corrected feed.")
    columns: dict[str, str] = PydField(default_factory=dict, description="Canonical field -> channel header.")
    header_map: dict[str, str] = PydField(
        default_factory=dict, description="Translated export headers -> the adapter's own (English) headers."
    )
    filter: FilterRules = PydField(default_factory=FilterRules)
    price: PriceRules = PydField(default_factory=PriceRules)
    stock: StockRules = PydField(default_factory=StockRules)
    guard: GuardRules = PydField(default_factory=GuardRules)
    listing: ListingRules = PydField(default_factory=ListingRules)
    on_channel_edit: Literal["overwrite", "keep"] = PydField(
        "overwrite", description="A field edited on the channel since the last push: set it back, or keep it."
    )
    field_map: dict[str, dict[str, str]] = PydField(
        default_factory=dict, description="Per field, master value -> channel value."
    )
    category_map: dict[str, str] = PydField(default_factory=dict, description="Master category -> channel category.")
    upload: Upload | None = None

    @property
    def settings(self) -> dict[str, Any]:
        """The adapter's own keys (everything this model does not know)."""
        return dict(self.model_extra or {})


class NotifyConfig(Strict):
    webhook: str = PydField(
        description="URL that gets a short JSON message ({\"text\": ...}, Slack-compatible) when a push fails or is "
        "refused; write it as ${VAR} (a webhook URL is a secret)."
    )

    @field_validator("webhook")
    @classmethod
    def _from_environment(cls, value: str) -> str:
        if not _VAR.fullmatch(value.strip()):
            raise ValueError(
                _("the webhook URL is a secret: write it as an environment variable (${CHANSYNC_WEBHOOK})")
            )
        return value


class Config(Strict):
    version: Literal[1] = 1
    master: MasterConfig
    state_dir: str = PydField(
        ".chansync", description="The sync state (bases, stock ledger, run log) and the lock live here."
    )
    channels: dict[str, ChannelConfig] = PydField(default_factory=dict)
    notify: NotifyConfig | None = None

    @field_validator("channels")
    @classmethod
    def _channel_names(cls, channels: dict[str, ChannelConfig]) -> dict[str, ChannelConfig]:
        for name in channels:
            if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", name):
                raise ValueError(
                    _("channel name {name} may hold only letters, digits, '_', '-' and '.'").format(name=_shown(name))
                )
        return channels


class LoadedConfig:
    """A validated config plus where it came from: paths resolve against its folder, variables against ``env``."""

    def __init__(self, model: Config, path: Path, env: Mapping[str, str]):
        self.model = model
        self.path = path
        self.base_dir = path.parent
        self.env = env

    @property
    def master(self) -> MasterConfig:
        return self.model.master

    @property
    def channels(self) -> dict[str, ChannelConfig]:
        return self.model.channels

    def expand(self, value: str, key: str) -> str:
        """Replace ``${VAR}`` from the environment; a missing variable is an error naming ``key``."""

        def lookup(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.env:
                raise ConfigError(
                    _("environment variable {name} is not set").format(name=name), key=key, file=self.display
                )
            return self.env[name]

        return _VAR.sub(lookup, value)

    def path_of(self, value: str, key: str, *, must_exist: bool = True) -> Path:
        path = Path(self.expand(value, key)).expanduser()
        if not path.is_absolute():
            path = self.base_dir / path
        if must_exist and not path.exists():
            raise ConfigError(_("file not found: {path}").format(path=value[:200]), key=key, file=self.display)
        return path

    def display_path(self, path: Path) -> str:
        """A path as the user wrote it relative to where they run chansync, for messages and annotations."""
        try:
            return os.path.relpath(path)
        except ValueError:
            return str(path)

    @property
    def display(self) -> str:
        return self.display_path(self.path)

    def channel(self, name: str) -> ChannelConfig:
        if name not in self.channels:
            known = ", ".join(self.channels) or _("none")
            raise ConfigError(
                _("no channel named {name} (configured: {known})").format(name=repr(name), known=known),
                file=self.display,
            )
        return self.channels[name]


def load_config(path: Path | str = DEFAULT_CONFIG, env: Mapping[str, str] | None = None) -> LoadedConfig:
    """Read and validate ``channels.yaml``; raise :class:`ConfigError` with the key path on any problem."""
    path = Path(path)
    display = os.path.relpath(path) if path.is_absolute() else str(path)
    if not path.exists():
        raise ConfigError(
            _("config file not found"),
            file=display,
            hint=_("create one with `chansync init`, or pass --config FILE"),
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(_("cannot read the config file ({error})").format(error=exc), file=display) from None
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader that also refuses duplicate keys
    except RecursionError:  # PyYAML's composer recurses once per nesting level
        raise ConfigError(_("invalid YAML: the file is nested too deeply to be a config"), file=display) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if mark is not None:
            message = _("invalid YAML at line {line}, column {column}: {problem}").format(
                line=mark.line + 1, column=mark.column + 1, problem=problem
            )
        else:
            message = _("invalid YAML: {problem}").format(problem=problem)
        raise ConfigError(message, file=display) from None
    if not isinstance(data, dict):
        raise ConfigError(_("expected a mapping with version, master and channels at the top"), file=display)
    try:
        model = Config.model_validate(data)
    except ValidationError as exc:
        raise config_error(exc, display) from None
    loaded = LoadedConfig(model, path.resolve(), os.environ if env is None else env)
    check_paths(loaded)
    return loaded


_STOCK_FILE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods")


def _named_paths(config: LoadedConfig) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(files chansync reads, files it writes) as (key, real path): symlinks and ``..`` resolved, so two spellings
    of one file compare equal. A path whose ``${VAR}`` is not set is left out (the command that needs it says so)."""

    def real(value: str, key: str) -> str | None:
        try:
            return os.path.realpath(config.path_of(value, key, must_exist=False))
        except (ConfigError, OSError, ValueError):
            return None

    master = config.master
    inputs = [(_("config file"), str(config.path)), ("master.file", master.file)]
    if master.stock_sheet and master.stock_sheet.lower().endswith(_STOCK_FILE_SUFFIXES):
        inputs.append(("master.stock_sheet", master.stock_sheet))
    outputs = []
    for name, channel in config.channels.items():
        if channel.export and channel.export != "api":
            inputs.append((f"channels.{name}.export", channel.export))
        for key, value in channel.settings.items():  # an adapter's own export files (Shopify's inventory_export)
            if key.endswith("export") and isinstance(value, str) and value != "api":
                inputs.append((f"channels.{name}.{key}", value))
        if channel.feed:
            outputs.append((f"channels.{name}.feed", channel.feed))
    resolve = [(k, real(v, k)) for k, v in inputs], [(k, real(v, k)) for k, v in outputs]
    return [(k, p) for k, p in resolve[0] if p], [(k, p) for k, p in resolve[1] if p]


def _same(one: str, other: str) -> bool:
    if one == other:
        return True
    try:
        return os.path.samefile(one, other)  # hard links, case-insensitive file systems
    except OSError:
        return False


def _inside(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def check_paths(config: LoadedConfig) -> None:
    """Refuse a config in which a feed (a file chansync overwrites) or the state folder is the master, the stock
    file, the config or a channel's export: one push would destroy the very data it reads."""
    inputs, outputs = _named_paths(config)
    for i, (key, path) in enumerate(outputs):
        for other_key, other in inputs + outputs[:i]:
            if _same(path, other):
                raise ConfigError(_("{key} is the same file as {other}").format(key=key, other=other_key), key=key,
                                  file=config.display, hint=_("write each feed to a file of its own"))  # fmt: skip
    try:
        state = os.path.realpath(config.path_of(config.model.state_dir, "state_dir", must_exist=False))
    except (ConfigError, OSError, ValueError):
        return
    for key, path in inputs + outputs:
        if _same(state, path) or _inside(state, path):
            raise ConfigError(
                _("state_dir is the same file as {key}").format(key=key), key="state_dir", file=config.display
            )
        if key.endswith(".feed") and _inside(path, state):
            raise ConfigError(_("{key} lies inside state_dir").format(key=key), key=key, file=config.display,
                              hint=_("keep feeds out of chansync's state folder"))  # fmt: skip


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, plus: a key given twice in one mapping is an error (PyYAML keeps the last one
    silently), aliases may not expand the document past :data:`MAX_YAML_NODES` values ("billion laughs"), and
    a whole number too long to be a setting is an error rather than Python's digit-limit ValueError."""

    def compose_document(self) -> yaml.Node | None:
        node = super().compose_document()
        if node is not None and _expanded_size(node, {}) > MAX_YAML_NODES:
            raise yaml.YAMLError(
                _("aliases (*name) expand the file to more than {count} values").format(count=number(MAX_YAML_NODES))
            )
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, _value in node.value:
                if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                    continue
                if key.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        _("the key {key} is given twice (first on line {line}); merge the two blocks into one").format(
                            key=_shown(key.value), line=seen[key.value]
                        ),
                        key.start_mark,
                    )
                seen[key.value] = key.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        if len(str(node.value)) > 40:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                _("a number of {count} digits is too long for any setting").format(count=number(len(str(node.value)))),
                node.start_mark,
            )
        return super().construct_yaml_int(node)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """Values the node stands for once every alias is expanded; each shared node is counted once per use but
    computed once, so a crafted file cannot make this slow either."""
    if id(node) in sizes:
        return sizes[id(node)]
    sizes[id(node)] = 1  # a recursive alias counts once
    total = 1
    if isinstance(node, yaml.SequenceNode):
        total += sum(_expanded_size(child, sizes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        total += sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
    sizes[id(node)] = total
    return total


def _shown(value: Any) -> str:
    """An input value for a message: its repr, cut to :data:`SHOWN_CHARS` characters (nested values shallowly)."""
    import reprlib

    short = reprlib.Repr()
    short.maxstring = short.maxother = SHOWN_CHARS
    short.maxlevel, short.maxlist, short.maxdict = 2, 4, 4
    text = short.repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _got(error: Mapping[str, Any]) -> str | None:
    """The input value for a message; ``None`` for a secret-bearing key, whose value is never shown."""
    loc = tuple(error["loc"])
    if any(part in SECRET_KEYS or part == "headers" for part in loc if isinstance(part, str)):
        return None
    return _shown(error.get("input"))


def config_error(exc: ValidationError, display: str) -> ConfigError:
    """One readable message for pydantic's errors: key path and expectation per problem."""
    lines = [_describe(error) for error in exc.errors()]
    first = exc.errors()[0]
    key = _key_path(first["loc"])
    message = lines[0][1] if len(lines) == 1 else "; ".join(f"{k}: {m}" for k, m in lines)
    return ConfigError(message, key=key if len(lines) == 1 else None, file=display)


def _key_path(loc: tuple[Any, ...]) -> str:
    """Pydantic's location as the user's key path; union branch tags are not keys the user wrote."""
    return ".".join(str(p)[:SHOWN_CHARS] for p in loc if p not in _UPLOAD_TAGS)


_UPLOAD_TAGS = frozenset({
    "woocommerce_api", "shopify_api", "bol_api", "etsy_api", "ebay_api", "tiktok_shop_api", "amazon_sp_api",
    "meta_api", "google_merchant_api", "http", "sftp",
})  # fmt: skip


#: What a value of each pydantic error type should have been; translated where it is shown.
_EXPECTED = {
    "int_parsing": N_("expected a whole number"),
    "int_type": N_("expected a whole number"),
    "int_from_float": N_("expected a whole number"),
    "float_parsing": N_("expected a number"),
    "float_type": N_("expected a number"),
    "decimal_parsing": N_("expected a number"),
    "decimal_type": N_("expected a number"),
    "string_type": N_("expected text"),
    "bool_parsing": N_("expected true or false"),
    "bool_type": N_("expected true or false"),
    "list_type": N_("expected a list"),
    "dict_type": N_("expected a mapping (key: value)"),
    "model_type": N_("expected a mapping (key: value)"),
    "missing": N_("is required"),
}


#: pydantic's own sentences for a number or text out of bounds, by error type: (message, bound in ``ctx``). The
#: English is pydantic's, so an English run shows pydantic's text unchanged; another language shows its translation.
_BOUNDS = {
    "greater_than_equal": (N_("Input should be greater than or equal to {ge}"), "ge"),
    "less_than_equal": (N_("Input should be less than or equal to {le}"), "le"),
    "greater_than": (N_("Input should be greater than {gt}"), "gt"),
    "less_than": (N_("Input should be less than {lt}"), "lt"),
}
_LENGTHS = {
    "string_too_short": (N_plural("String should have at least {min_length} character",
                                  "String should have at least {min_length} characters"), "min_length"),
    "string_too_long": (N_plural("String should have at most {max_length} character",
                                 "String should have at most {max_length} characters"), "max_length"),
    "decimal_max_places": (N_plural("Decimal input should have no more than {decimal_places} decimal place",
                                    "Decimal input should have no more than {decimal_places} decimal places"),
                           "decimal_places"),
}  # fmt: skip


def _number(value: Any) -> str:
    """A bound as pydantic shows it: ``1.0`` and ``Decimal('1')`` as ``1``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _pydantic_message(error: Mapping[str, Any]) -> str:
    """pydantic's sentence, translated where chansync has its bounds in the catalogue; pydantic's own otherwise."""
    kind, ctx = error["type"], error.get("ctx") or {}
    english = str(error.get("msg", _("invalid value")))
    if kind in _BOUNDS and _BOUNDS[kind][1] in ctx:
        template, name = _BOUNDS[kind]
        translated = _(template)
        return english if translated == template else translated.format(**{name: _number(ctx[name])})
    if kind in _LENGTHS and _LENGTHS[kind][1] in ctx:
        (singular, plural), name = _LENGTHS[kind]
        count = int(ctx[name])
        translated = ngettext(singular, plural, count)
        return english if translated in (singular, plural) else translated.format(**{name: count})
    return english


def _with_got(message: str, got: str | None) -> str:
    """``message, got VALUE``; the message alone when the value is a secret."""
    return message if got is None else _("{message}, got {value}").format(message=message, value=got)


def _describe(error: Mapping[str, Any]) -> tuple[str, str]:
    loc = tuple(error["loc"])
    key = _key_path(loc)
    kind = error["type"]
    got = _got(error)
    if kind == "extra_forbidden":
        name = str(loc[-1])
        parent = _key_path(loc[:-1]) or _("the top level")
        return key, _("unknown key {name} under {parent}{suggestion}").format(
            name=_shown(name), parent=parent, suggestion=_suggest(name, _siblings(loc))
        )
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        first, _or, last = str(expected).rpartition(" or ")  # pydantic's "'a', 'b' or 'c'"
        options = _("{first} or {last}").format(first=first, last=last) if _or else expected
        return key, _with_got(_("expected one of {options}").format(options=options), got)
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag")
        return key, _("unknown upload type {type}; expected one of {types}").format(
            type=_shown(tag), types=", ".join(sorted(_UPLOAD_TAGS))
        )
    if kind == "union_tag_not_found":
        return key, _("upload needs a type: {types}").format(types=", ".join(sorted(_UPLOAD_TAGS)))
    if kind in _EXPECTED:
        return key, _(_EXPECTED[kind]) if kind == "missing" else _with_got(_(_EXPECTED[kind]), got)
    message = _pydantic_message(error).removeprefix("Value error, ")
    if kind in ("value_error", "assertion_error") or got is None:
        return key, message
    return key, _("{message} (got {value})").format(message=message, value=got)


def _siblings(loc: tuple[Any, ...]) -> list[str]:
    """Keys allowed next to an unknown key, for the 'did you mean' hint."""
    model: Any = Config
    parts = list(loc[:-1])
    i = 0
    while i < len(parts) and model is not None:
        part = parts[i]
        if part in _UPLOAD_BY_TAG:
            model, i = _UPLOAD_BY_TAG[part], i + 1
            continue
        info = model.model_fields.get(part) if isinstance(part, str) else None
        if info is None:
            return []
        annotation = info.annotation
        if get_origin(annotation) is dict:  # the next part is a key of the mapping, e.g. a channel name
            model, i = _model_in(get_args(annotation)[1]), i + 2
        else:
            model, i = _model_in(annotation), i + 1
    return list(model.model_fields) if model is not None else []


_UPLOAD_BY_TAG: dict[str, type[BaseModel]] = {
    "woocommerce_api": WooCommerceUpload,
    "shopify_api": ShopifyUpload,
    "bol_api": BolUpload,
    "http": HttpUpload,
    "sftp": SftpUpload,
}


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _suggest(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1)
    return _(" (did you mean {name}?)").format(name=repr(close[0])) if close else ""


def _unknown(template: str, name: str, options: list[str]) -> str:
    """``template`` (already translated) filled with the unknown name, a suggestion and the names allowed."""
    return template.format(name=_shown(name), suggestion=_suggest(name, options), options=", ".join(options))


def json_schema() -> dict[str, Any]:
    """The JSON Schema of channels.yaml, for editors (yaml-language-server) and CI."""
    schema = Config.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "chansync channels.yaml"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=False)
