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

from .. import columns
from ..fields import ROW, Field
from ..issues import Severity, define
from .base import FIXED, LIVE, Adapter, AdapterSettings, Capability, ChannelState, Desired, FeedFile, OnApplied
from .feeds import as_text, csv_bytes, neutralise, values_of, variant_groups
from .html import MASTER_HTML, html_text, keep_html, master_text
from .tabular import Export, column, read_channel_export

if TYPE_CHECKING:
    from ..model import Plan
    from ..transports.http import HttpClient

WC_ID, WC_TYPE, PUBLISHED = "wc_id", "wc_type", "published"
#: Channel columns: the description as the shop holds it (HTML), and ``In stock?`` as exported.
DESCRIPTION_HTML, IN_STOCK = "wc_description_html", "wc_in_stock"
MAX_ATTRIBUTES = 6

COLUMNS = [
    column(WC_ID, "ID"),
    column(WC_TYPE, "Type"),
    column(Field.SKU, "SKU"),
    column(Field.GTIN, "GTIN, UPC, EAN, or ISBN", "GTIN, UPC, EAN or ISBN", "GTIN"),
    column(Field.TITLE, "Name"),
    column(PUBLISHED, "Published"),
    column(Field.DESCRIPTION, "Description"),
    column("in_stock", "In stock?"),
    column(Field.QUANTITY, "Stock"),
    column(Field.SALE_PRICE, "Sale price"),
    column(Field.PRICE, "Regular price"),
    column(Field.CATEGORY, "Categories"),
    column("images", "Images"),
    column(Field.PARENT_SKU, "Parent"),
    *(column(f"attribute{n}_name", f"Attribute {n} name") for n in range(1, MAX_ATTRIBUTES + 1)),
    *(column(f"attribute{n}_values", f"Attribute {n} value(s)") for n in range(1, MAX_ATTRIBUTES + 1)),
]

SKU_TOO_LONG = define("woocommerce-sku-too-long", Severity.ERROR, "A SKU is longer than WooCommerce stores (100).")

#: Published column: 1 published, 0 private, -1 draft (the importer makes a -1 variation published), 2 pending.
PUBLISH, PRIVATE, DRAFT = "1", "0", "-1"
#: The two files of the feed: for the importer without and with "Update existing products".
NEW, UPDATE_FILE = "-new", "-update"


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
        from ..channel_rules import WANTED, channel_issue

        frame = desired.frame
        wanted = frame[WANTED]
        long = columns.length(frame[Field.SKU.value].astype("str").fillna("")).gt(100) & wanted
        yield channel_issue(desired, self, SKU_TOO_LONG, long, "WooCommerce keeps at most 100 characters.", Field.SKU)

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

    def fetch(self, client: HttpClient) -> ChannelState:
        from .woocommerce_api import fetch_state

        return fetch_state(client, f"{self.channel} (WooCommerce API)")

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
        from .woocommerce_api import apply_plan

        batch_size = int(getattr(upload, "batch_size", 100) or 100)
        return apply_plan(plan, desired, client, applied, batch_size=batch_size)


# --- reading --------------------------------------------------------------------------------------------------


def unescape(text: pd.Series) -> pd.Series:
    """Undo the exporter's cell escapes: the apostrophe before a formula-like start, ``\\n`` for a newline."""
    text = columns.replace(text, r"^'([=+\-@\t\r])", r"\1")
    return text.str.replace("\\n", "\n", regex=False)


def _split_list(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``a, b\\, c, d`` -> first item ``a`` and the rest ``b, c,d`` joined with commas (escaped commas kept)."""
    if not len(text):  # an export with a header and no products: str.partition would give no columns
        return text.astype("str"), text.astype("str")
    marker = "\u0000"
    protected = text.str.replace("\\,", marker, regex=False)
    parts = protected.str.partition(",")
    first = parts[0].str.strip().str.replace(marker, ",", regex=False)
    rest = parts[2].str.replace(r"\s*,\s*", ",", regex=True)
    return first, rest.str.strip().str.replace(marker, ",", regex=False)


def read_products(export: Export, settings: WooCommerceSettings) -> pd.DataFrame:
    """The canonical frame of an export; a field whose column the export lacks is left out (not compared)."""
    text = export.text
    frame = pd.DataFrame(index=text.index)
    frame[Field.SKU.value] = export.get(Field.SKU.value)
    frame[WC_ID] = export.get(WC_ID)
    frame[WC_TYPE] = export.get(WC_TYPE).str.casefold()
    frame[Field.TITLE.value] = unescape(export.get(Field.TITLE.value))
    if export.has(Field.DESCRIPTION):
        frame[DESCRIPTION_HTML] = unescape(export.get(Field.DESCRIPTION.value))
        frame[Field.DESCRIPTION.value] = html_text(frame[DESCRIPTION_HTML], newlines=True)
    for field_ in (Field.GTIN, Field.PRICE, Field.SALE_PRICE):
        if export.has(field_):
            frame[field_.value] = export.parse(field_)
    if export.has(Field.QUANTITY):
        stock = export.get(Field.QUANTITY.value)
        by_parent = stock.str.casefold().eq("parent")  # a variation whose parent manages its stock
        export.text[Field.QUANTITY.value] = stock.where(~by_parent, "")
        frame[Field.QUANTITY.value] = export.parse(Field.QUANTITY)
        frame[FIXED] = pd.Series("", index=text.index, dtype="str").mask(by_parent, Field.QUANTITY.value)
    if export.has("in_stock"):
        frame[IN_STOCK] = export.get("in_stock")
    if export.has(Field.CATEGORY):
        frame[Field.CATEGORY.value] = unescape(export.get(Field.CATEGORY.value)).str.replace("\\,", ",", regex=False)
    if export.has("images"):
        first, rest = _split_list(export.get("images"))
        frame[Field.IMAGE_URL.value] = first
        frame[Field.ADDITIONAL_IMAGE_URLS.value] = rest
    if export.has(Field.PARENT_SKU):
        frame[Field.PARENT_SKU.value] = _parent_skus(export.get(Field.PARENT_SKU.value), frame)
    if export.has("attribute1_name"):
        variable = frame[WC_TYPE].str.contains("variable", regex=False)
        for field_, names in ((Field.COLOR, settings.color_names), (Field.SIZE, settings.size_names)):
            values = _attribute(export, {n.strip().casefold() for n in names})
            frame[field_.value] = values.mask(variable)  # a variable product lists every variation's value
    published = export.get(PUBLISHED, PUBLISH)
    frame[PUBLISHED] = published
    frame[LIVE] = published.eq(PUBLISH) | published.eq("")
    frame[ROW] = text[ROW]
    return frame.reset_index(drop=True)


def _parent_skus(parent: pd.Series, frame: pd.DataFrame) -> pd.Series:
    """``Parent`` holds a SKU or ``id:123``; the latter becomes the SKU of product 123."""
    by_id = frame.loc[frame[WC_ID].ne(""), [WC_ID, Field.SKU.value]].drop_duplicates(WC_ID).set_index(WC_ID)
    ids = parent.str.extract(r"^id:(\d+)$", expand=False)
    return parent.where(ids.isna(), ids.map(by_id[Field.SKU.value]))


def _attribute(export: Export, names: set[str]) -> pd.Series:
    out = pd.Series(pd.NA, index=export.text.index, dtype="str")
    for n in range(1, MAX_ATTRIBUTES + 1):
        if not export.has(f"attribute{n}_name"):
            break
        named = export.get(f"attribute{n}_name").str.casefold().isin(names)
        values = unescape(export.get(f"attribute{n}_values"))
        out = out.where(~named | out.notna(), values.where(values.ne("")))
    return out


# --- writing --------------------------------------------------------------------------------------------------

HEADERS = ["ID", "Type", "SKU", "GTIN, UPC, EAN, or ISBN", "Name", "Published", "Description", "In stock?", "Stock",
           "Sale price", "Regular price", "Categories", "Images", "Parent", "Attribute 1 name",
           "Attribute 1 value(s)", "Attribute 1 visible", "Attribute 1 global", "Attribute 2 name",
           "Attribute 2 value(s)", "Attribute 2 visible", "Attribute 2 global"]  # fmt: skip


#: The text columns that get an apostrophe before ``= + - @``. WooCommerce's importer removes it again (its
#: ``unescape_data()``) in the columns it reads through ``parse_comma_field`` (Type, attribute values),
#: ``parse_published_field``, ``parse_stock_quantity_field`` and the int/float parsers: see ``get_formatting_callback``
#: in https://github.com/woocommerce/woocommerce/blob/trunk/plugins/woocommerce/includes/import/class-wc-product-csv-importer.php
#: Name (``parse_skip_field``), Description (``parse_description_field``) and Categories keep it as written
#: there; they are neutralised as WooCommerce's own exporter does, and read back through :func:`unescape`.
NEUTRALISED = ("Type", "Name", "Published", "Description", "Stock", "Categories", "Attribute 1 value(s)",
               "Attribute 2 value(s)")  # fmt: skip


def _on_channel(rows: pd.DataFrame, current: pd.DataFrame, name: str) -> pd.Series | None:
    """Column ``name`` of the shop's state for each row's key (NA where the shop has no such product)."""
    if name not in current.columns:
        return None
    values = current[name][~current.index.duplicated()]
    return rows.index.to_series().map(values)


def _stock(rows: pd.DataFrame, current: pd.DataFrame, is_variation: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``Stock`` and ``In stock?`` cells. The master's quantity, else the shop's own (an empty cell would switch
    stock management off); 0 and out of stock for a delisted row. A variation whose parent manages its stock keeps
    an empty cell (the importer then leaves it to the parent) unless it is delisted as a simple product would be."""
    delisted = rows[PUBLISHED].ne(PUBLISH)
    quantity = values_of(rows, Field.QUANTITY).astype("Int64")
    shop = _on_channel(rows, current, Field.QUANTITY.value)
    if shop is not None:
        quantity = quantity.fillna(shop.astype("Int64"))
    fixed = _on_channel(rows, current, FIXED)
    by_parent = (
        fixed.fillna("").astype("str").str.contains(Field.QUANTITY.value, regex=False) & is_variation
        if fixed is not None
        else pd.Series(False, index=rows.index)
    )
    quantity = quantity.mask(by_parent).mask(delisted & ~by_parent, 0)
    shop_flag = _on_channel(rows, current, IN_STOCK)
    in_stock = shop_flag.fillna("").astype("str") if shop_flag is not None else pd.Series("", index=rows.index)
    in_stock = in_stock.mask(quantity.gt(0).fillna(False), "1").mask(quantity.eq(0).fillna(False) | delisted, "0")
    return as_text(Field.QUANTITY, quantity), in_stock


def product_rows(plan: Plan, settings: WooCommerceSettings, which: str = UPDATE_FILE) -> pd.DataFrame:
    """The rows of one file: ``-new`` holds the created products, ``-update`` the changed and delisted ones."""
    from ..model import CREATE, DELIST, UPDATE

    if which == NEW:
        listed = plan.desired.loc[plan.keys(CREATE).intersection(plan.desired.index)]
        delisted = plan.current.iloc[0:0]
    else:
        listed = plan.desired.loc[plan.keys(UPDATE).intersection(plan.desired.index)]
        delisted = plan.current.loc[plan.keys(DELIST).intersection(plan.current.index)]
        # What the export lacks, the master may still know (a product made inactive): an empty cell would clear it.
        known = plan.desired[~plan.desired.index.duplicated()]
        delisted = delisted.combine_first(known.reindex(delisted.index)[known.columns.difference(delisted.columns)])
    listed = listed.assign(**{PUBLISHED: PUBLISH})
    delisted = delisted.assign(**{PUBLISHED: DRAFT})
    rows = pd.concat([listed, delisted]) if len(delisted) else listed
    if not len(rows):
        return pd.DataFrame(columns=HEADERS)
    sku = rows.index.to_series().astype("str")
    parent = values_of(rows, Field.PARENT_SKU).astype("str").fillna("")
    is_variation = parent.ne("")
    named_parents = set(values_of(plan.desired, Field.PARENT_SKU).dropna().astype("str"))
    named_parents |= set(values_of(plan.current, Field.PARENT_SKU).dropna().astype("str"))
    is_variable = sku.isin(named_parents)
    computed = pd.Series("simple", index=rows.index).mask(is_variable, "variable").mask(is_variation, "variation")
    current_type = sku.map(plan.current[WC_TYPE]) if WC_TYPE in plan.current.columns else None
    kind = (
        current_type.where(current_type.notna() & current_type.ne(""), computed)
        if current_type is not None
        else computed
    )
    known_id = _on_channel(rows, plan.current, WC_ID)
    wc_id = known_id.fillna("").astype("str") if known_id is not None else ""
    rows[PUBLISHED] = rows[PUBLISHED].mask(rows[PUBLISHED].eq(DRAFT) & kind.str.contains("variation"), PRIVATE)
    stock, in_stock = _stock(rows, plan.current, kind.str.contains("variation", regex=False))
    images = as_text(Field.IMAGE_URL, values_of(rows, Field.IMAGE_URL))
    extra = as_text(Field.ADDITIONAL_IMAGE_URLS, values_of(rows, Field.ADDITIONAL_IMAGE_URLS))
    extra = extra.str.replace(r"[,\s|]+", ", ", regex=True).str.strip(", ")
    images = (images + ", " + extra).where(extra.ne(""), images).str.strip(", ")
    out = pd.DataFrame(index=rows.index)
    out["ID"] = wc_id
    out["Type"] = kind
    out["SKU"] = sku
    out["GTIN, UPC, EAN, or ISBN"] = as_text(Field.GTIN, values_of(rows, Field.GTIN))
    out["Name"] = as_text(Field.TITLE, values_of(rows, Field.TITLE))
    out["Published"] = rows[PUBLISHED]
    text = as_text(Field.DESCRIPTION, values_of(rows, Field.DESCRIPTION))
    shop_html = _on_channel(rows, plan.current, DESCRIPTION_HTML)
    shop_text = _on_channel(rows, plan.current, Field.DESCRIPTION.value)
    description = keep_html(text, shop_html, shop_text, rows.get(MASTER_HTML))
    out["Description"] = description.str.replace("\r\n", "\n", regex=False).str.replace("\n", "\\n", regex=False)
    out["In stock?"] = in_stock
    out["Stock"] = stock
    out["Sale price"] = as_text(Field.SALE_PRICE, values_of(rows, Field.SALE_PRICE))
    out["Regular price"] = as_text(Field.PRICE, values_of(rows, Field.PRICE))
    out["Categories"] = as_text(Field.CATEGORY, values_of(rows, Field.CATEGORY)).str.replace(",", "\\,", regex=False)
    out["Images"] = images
    out["Parent"] = parent
    _attributes(out, rows, plan, is_variable, is_variation, settings)
    if settings.spreadsheet_safe:
        for name in NEUTRALISED:
            out[name] = neutralise(out[name])
    group = variant_groups(pd.DataFrame({Field.SKU.value: sku, Field.PARENT_SKU.value: parent}))
    out = out.assign(_group=group, _variation=is_variation).sort_values(["_group", "_variation", "SKU"], kind="stable")
    return out[_kept_headers(out, plan.current)].reset_index(drop=True)


#: Written columns that carry one field, for :func:`_kept_headers`.
_FIELD_OF = {"GTIN, UPC, EAN, or ISBN": Field.GTIN, "Description": Field.DESCRIPTION, "Sale price": Field.SALE_PRICE,
             "Regular price": Field.PRICE, "Categories": Field.CATEGORY, "Images": Field.IMAGE_URL}  # fmt: skip


def _kept_headers(out: pd.DataFrame, current: pd.DataFrame) -> list[str]:
    """The headers to write: a column that is empty in every row is left out when the shop's export had no such
    column either, because the importer sets what a column holds, and an empty cell would clear what the shop has
    (a master without GTINs must not wipe the shop's)."""
    unknown = [h for h, f in _FIELD_OF.items() if f.value not in current.columns and out[h].eq("").all()]
    return [h for h in HEADERS if h not in unknown]


def _attributes(
    out: pd.DataFrame,
    rows: pd.DataFrame,
    plan: Plan,
    is_variable: pd.Series,
    is_variation: pd.Series,
    settings: WooCommerceSettings,
) -> None:
    """Colour as attribute 1 and size as attribute 2; a variable product lists its variations' values."""
    every = pd.concat([plan.desired, plan.current.loc[plan.current.index.difference(plan.desired.index)]])
    parents = values_of(every, Field.PARENT_SKU).astype("str").fillna("")
    for n, (field_, name) in enumerate(
        ((Field.COLOR, settings.color_attribute), (Field.SIZE, settings.size_attribute)), 1
    ):
        own = values_of(rows, field_).astype("str").fillna("")
        children = values_of(every, field_).astype("str").fillna("")
        listed = children[parents.ne("") & children.ne("")]
        distinct = pd.DataFrame({"parent": parents[listed.index], "value": listed}).drop_duplicates()
        joined = distinct.groupby("parent", sort=False)["value"].agg(", ".join)
        values = own.mask(is_variable, rows.index.to_series().map(joined).astype("str").fillna(""))
        has = values.ne("")
        out[f"Attribute {n} name"] = pd.Series(name, index=rows.index).where(has, "")
        out[f"Attribute {n} value(s)"] = values
        out[f"Attribute {n} visible"] = pd.Series("1", index=rows.index).where(has & ~is_variation, "")
        out[f"Attribute {n} global"] = pd.Series("1", index=rows.index).where(has, "")
