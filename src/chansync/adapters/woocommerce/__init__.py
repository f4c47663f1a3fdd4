"""``woocommerce``: the product CSV of WooCommerce's built-in exporter and importer.

Simple, variable, grouped and external products and variations, keyed by SKU. A variation names its parent in
``Parent`` (the parent's SKU, or ``id:123``); a variable product lists the attribute values of its variations.
The exporter translates headers into the site language (map them back with the channel's ``header_map``), writes
a byte-order mark, ``\\n`` for newlines in descriptions and an apostrophe before cells starting with ``= + - @``.

Writing follows WooCommerce's importer, ``WC_Product_CSV_Importer`` (woocommerce/woocommerce,
``plugins/woocommerce/includes/import/class-wc-product-csv-importer.php``):

- One run of the importer either creates or updates: with "Update existing products" ticked it skips rows whose ID
  or SKU it does not find, without it it skips rows whose ID or SKU exists (``import()``). So the feed is two files:
  ``-new`` (created products, importer run without that option) and ``-update`` (changed and delisted products,
  matched by ID where chansync knows it and by SKU otherwise, run with it). Parents come before their variations.
- ``Published`` -1 means draft, 0 private, 1 published, except that a *variation* with -1 is made published
  (``expand_data``: "Fix draft status of variations"); a private variation is a disabled one. So a delisted
  product is written as a draft (-1), a delisted variation as private (0), and both with stock 0 and ``In stock?``
  0, so that neither can be bought after the import.
- An empty ``Stock`` cell switches stock management off (``manage_stock`` false: unlimited, or for a variation:
  the parent's stock), and an empty ``In stock?`` cell is read as out of stock. So a row never gets an empty Stock
  cell for a product whose stock chansync knows: the master's number, else the shop's own as exported, and the
  shop's ``In stock?`` where the stock is unknown.

Fidelity: fields the export has no column for are not in the state (neither compared nor written); the
description is compared as text (the exporter's HTML with its tags stripped) and written back as the shop's own
HTML where the text is unchanged; a variation whose stock its parent manages (``Stock`` = ``parent``) keeps it so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import Field as PydField

from ...fields import Field
from ..base import Adapter, AdapterSettings, Capability, ChannelState, Desired, FeedFile, OnApplied
from ..feeds import csv_bytes
from ..html import MASTER_HTML, master_text
from ..tabular import read_channel_export
from . import rules
from .export import COLUMNS, read_products
from .feed import NEW, UPDATE_FILE, product_rows

if TYPE_CHECKING:
    from ...model import Plan
    from ...transports.http import HttpClient


class WooCommerceSettings(AdapterSettings):
    color_attribute: str = PydField("Color", description="Attribute name that holds the colour.")
    size_attribute: str = PydField("Size", description="Attribute name that holds the size.")
    color_names: list[str] = PydField(
        default_factory=lambda: ["Color", "Colour", "Kleur", "Farbe", "Couleur", "Colore", "pa_color", "Цвет"],
        description="Attribute names read as colour.",
    )
    size_names: list[str] = PydField(
        default_factory=lambda: ["Size", "Maat", "Größe", "Taille", "Taglia", "Talla", "pa_size", "Размер"],
        description="Attribute names read as size.",
    )
    spreadsheet_safe: bool = PydField(
        True, description="Prefix cells starting with = + - @ with an apostrophe, as WooCommerce's exporter does."
    )


class WooCommerceAdapter(Adapter):
    name = "woocommerce"
    title = "WooCommerce"
    capabilities = frozenset(
        {Capability.READ_EXPORT, Capability.WRITE_FEED, Capability.APPLY_API, Capability.FETCH_API}
    )
    key = Field.SKU
    fields = (
        Field.TITLE,
        Field.DESCRIPTION,
        Field.GTIN,
        Field.PRICE,
        Field.SALE_PRICE,
        Field.QUANTITY,
        Field.CATEGORY,
        Field.IMAGE_URL,
        Field.ADDITIONAL_IMAGE_URLS,
        Field.PARENT_SKU,
        Field.COLOR,
        Field.SIZE,
    )
    required = (Field.TITLE,)
    lists_parents = True
    parent_only_fields = (Field.CATEGORY,)
    Settings = WooCommerceSettings

    @property
    def settings(self) -> WooCommerceSettings:
        assert isinstance(self.context.settings, WooCommerceSettings)
        return self.context.settings

    def read_export(self, path: Path, display: str) -> ChannelState:
        export = read_channel_export(
            self, path, display, COLUMNS, title="WooCommerce product", required=[Field.SKU.value, Field.TITLE.value]
        )
        return ChannelState(read_products(export, self.settings), Field.SKU.value, display, issues=export.issues)

    def check(self, desired: Desired) -> Iterable[pd.DataFrame]:
        return rules.check(desired, self)

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The master's description with its whitespace as the shop shows it, so it compares with the shop's text."""
        if Field.DESCRIPTION.value in frame.columns:
            text, own_html = master_text(frame[Field.DESCRIPTION.value])
            frame = frame.assign(**{Field.DESCRIPTION.value: text, MASTER_HTML: own_html})
        return frame

    def feed_files(self, desired: Desired, plan: Plan) -> list[FeedFile]:
        """Created products and changed or delisted ones in separate files: the importer does one or the other."""
        return [
            FeedFile(NEW, self._file(plan, NEW)),
            FeedFile(UPDATE_FILE, self._file(plan, UPDATE_FILE)),
        ]

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        """The update file (see :meth:`feed_files` for both)."""
        return self._file(plan, UPDATE_FILE)

    def _file(self, plan: Plan, which: str) -> Iterator[bytes]:
        yield csv_bytes(product_rows(plan, self.settings, which), encoding="utf-8-sig")

    # --- the REST API (``upload: {type: woocommerce_api}``; ``export: api``) --------------------------------------

    def fetch(self, client: HttpClient, *, upload: Any = None) -> ChannelState:
        from .api import fetch_state

        return fetch_state(client, f"{self.channel} (WooCommerce API)")  # the channel's word

    def apply(
        self,
        plan: Plan,
        desired: Desired,
        client: HttpClient,
        applied: OnApplied,
        *,
        upload: Any = None,
    ) -> dict[str, str]:
        """Apply the plan through the REST API; {key: reason} for what failed. ``upload``: the channel's upload
        section with its variables filled in."""
        from .api import apply_plan

        batch_size = int(getattr(upload, "batch_size", 100) or 100)
        return apply_plan(plan, desired, client, applied, batch_size=batch_size)


__all__ = ["WooCommerceAdapter", "WooCommerceSettings"]
