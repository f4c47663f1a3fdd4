"""``shopify``: the Shopify product CSV (legacy and current header dialects) and the inventory CSV.

A Shopify product is a group of rows sharing a handle: the first row holds the product (title, description,
vendor, type, status, option names), every row with a SKU, option value or price is a variant, and rows with only
an image are extra images. Variants are keyed by SKU.

Fidelity: a product keeps the option names Shopify has for it (all three options, and ``Title``/``Default Title``
for a product without variants); colour and size are read from, and written into, whichever option carries them.
A field the export has no column for is not in the state at all, so it is neither compared nor written. The
description is compared as text (``Body (HTML)`` with its tags stripped) and written back as the shop's own HTML
where the text is unchanged.

Writing: the product CSV holds every product with a created or changed variant, all its variants grouped under one
handle (a variant left out of an overwrite import could be lost), plus delisted products set to ``draft``. Stock
goes into a separate inventory CSV for one location (the product CSV's quantity column only works for
single-location stores), so the product CSV leaves stock alone.

Stock is Shopify's ``Available`` quantity (what the shop may still sell; an order lowers it before the goods ship).
The inventory import sets ``On hand`` only (https://help.shopify.com/en/manual/products/inventory/inventory-csv:
"The import procedure updates and overwrites On hand inventory quantities only"), so the file asks for the on-hand
quantity that leaves the wanted number available: wanted + (on hand − available) as exported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import Field as PydField

from ...errors import AdapterError
from ...fields import Field
from ...i18n import _
from ..base import Adapter, AdapterSettings, Capability, ChannelState, Desired, FeedFile, OnApplied
from ..feeds import csv_bytes
from ..html import MASTER_HTML, master_text
from ..tabular import read_export
from . import rules
from .columns import HANDLE, ON_HAND
from .export import PRODUCT_COLUMNS, duplicate_skus, read_inventory, read_products
from .feed import inventory_rows, product_rows

if TYPE_CHECKING:
    from ...model import Plan
    from ...transports.http import HttpClient


class ShopifySettings(AdapterSettings):
    inventory_export: str | None = PydField(
        None, description="Shopify's inventory CSV export (stock per location); relative to the config file."
    )
    location: str | None = PydField(
        None,
        description="The Shopify location whose stock chansync sets (the channel's stock rules pick the master "
        "locations that feed it). Needed when the inventory export has several locations.",
    )
    color_option: str = PydField("Color", description="Option name that holds the colour.")
    size_option: str = PydField("Size", description="Option name that holds the size.")
    color_names: list[str] = PydField(
        default_factory=lambda: ["Color", "Colour", "Kleur", "Farbe", "Couleur", "Colore", "Color "],
        description="Option names read as colour.",
    )
    size_names: list[str] = PydField(
        default_factory=lambda: ["Size", "Maat", "Größe", "Groesse", "Taille", "Taglia", "Talla"],
        description="Option names read as size.",
    )


class ShopifyAdapter(Adapter):
    name = "shopify"
    title = "Shopify"
    capabilities = frozenset(
        {Capability.READ_EXPORT, Capability.WRITE_FEED, Capability.APPLY_API, Capability.FETCH_API}
    )
    key = Field.SKU
    fields = (
        Field.TITLE,
        Field.DESCRIPTION,
        Field.BRAND,
        Field.CATEGORY,
        Field.GTIN,
        Field.PRICE,
        Field.SALE_PRICE,
        Field.QUANTITY,
        Field.IMAGE_URL,
        Field.COLOR,
        Field.SIZE,
    )
    required = (Field.TITLE, Field.PRICE)
    product_fields = (Field.TITLE, Field.DESCRIPTION, Field.BRAND, Field.CATEGORY)
    Settings = ShopifySettings

    @property
    def settings(self) -> ShopifySettings:
        assert isinstance(self.context.settings, ShopifySettings)
        return self.context.settings

    def needed(self) -> tuple[Field, ...]:
        return (*super().needed(), Field.PARENT_SKU)  # variants are grouped under their parent's handle

    # --- reading --------------------------------------------------------------------------------------------

    def read_export(self, path: Path, display: str) -> ChannelState:
        export = read_export(
            path,
            display,
            PRODUCT_COLUMNS,
            channel=self.channel,
            title="Shopify product",
            header_map=self.context.config.header_map,
            required=[HANDLE, Field.SKU.value],
        )
        frame = read_products(export, self.settings)
        issues = [*export.issues, *duplicate_skus(export, frame, self.channel)]
        if self.settings.inventory_export:
            inv_path, inv_display = self.context.file(self.settings.inventory_export, "inventory_export")
            stock, location, inv_issues = read_inventory(
                inv_path, inv_display, self.channel, self.settings.location, self.context.config.header_map
            )
            frame[Field.QUANTITY.value] = frame[Field.SKU.value].map(stock["available"]).astype("Int64")
            frame[ON_HAND] = frame[Field.SKU.value].map(stock["on_hand"]).astype("Int64")
            frame.attrs["location"] = location
            issues.extend(inv_issues)
        return ChannelState(frame, Field.SKU.value, display, issues=issues)

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The master's description with its whitespace as HTML shows it, so it compares with the shop's text."""
        if Field.DESCRIPTION.value in frame.columns:
            text, own_html = master_text(frame[Field.DESCRIPTION.value])
            frame = frame.assign(**{Field.DESCRIPTION.value: text, MASTER_HTML: own_html})
        return frame

    # --- the channel's rules --------------------------------------------------------------------------------

    def check(self, desired: Desired) -> Iterable[pd.DataFrame]:
        return rules.check(desired, self)

    # --- writing --------------------------------------------------------------------------------------------

    def feed_files(self, desired: Desired, plan: Plan) -> list[FeedFile]:
        return [
            FeedFile("", self.render(desired, plan)),
            FeedFile("-inventory", self.render_inventory(desired, plan)),
        ]

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        rows = product_rows(plan, self.settings)
        yield csv_bytes(rows)

    def render_inventory(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        location = self.settings.location or plan.current.attrs.get("location")
        rows = inventory_rows(plan, location)
        if len(rows) and not location:
            raise AdapterError(
                _(
                    "channel {channel}: name the Shopify location chansync sets stock for ({key}), or give the "
                    "inventory export so it can be found there"
                ).format(channel=repr(self.channel), key=f"channels.{self.channel}.location")
            )
        yield csv_bytes(rows)

    # --- the Admin GraphQL API (``upload: {type: shopify_api}``; ``export: api``) --------------------------------

    def fetch(self, client: HttpClient, *, upload: Any = None) -> ChannelState:
        from .api import fetch_state

        settings = self.settings
        location_ids = dict(getattr(self.context.config.upload, "location_ids", None) or {})
        display = f"{self.channel} (Shopify API)"  # the channel's word
        return fetch_state(client, display, location=settings.location,
                           color_names=settings.color_names, size_names=settings.size_names, channel=self.channel,
                           location_ids=location_ids,
                           master_locations=self.context.config.stock.locations or ())  # fmt: skip

    def apply(
        self,
        plan: Plan,
        desired: Desired,
        client: HttpClient,
        applied: OnApplied,
        *,
        upload: Any = None,
    ) -> dict[str, str]:
        """Apply the plan through the Admin GraphQL API (stock at the location, prices); {key: reason} for what
        failed. ``upload``: the channel's upload section with its variables filled in."""
        from .api import apply_plan

        location = self.settings.location or plan.current.attrs.get("location")
        location_ids = dict(
            getattr(upload, "location_ids", None) or getattr(self.context.config.upload, "location_ids", None) or {}
        )
        version = getattr(upload, "api_version", None) or getattr(self.context.config.upload, "api_version", None)
        return apply_plan(plan, client, applied, location=location, location_ids=location_ids,
                          master_locations=self.context.config.stock.locations or (), channel=self.channel,
                          api_version=version or "2026-01")  # fmt: skip


__all__ = ["ShopifyAdapter", "ShopifySettings"]
