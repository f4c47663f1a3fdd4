"""Canonical catalogue fields, defined once.

Every other module refers to a field through :class:`Field`; this is the only place a field name is spelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .i18n import N_


class Kind(StrEnum):
    """How a field's text is parsed and compared."""

    TEXT = "text"
    KEY = "key"  # identifiers: trimmed, compared exactly
    GTIN = "gtin"
    MONEY = "money"  # exact decimals held as integer cents
    INTEGER = "integer"  # non-negative whole numbers
    DECIMAL = "decimal"
    URL = "url"
    URL_LIST = "url_list"
    CODE = "code"  # a value from a fixed vocabulary, or a short code like a currency


@dataclass(frozen=True)
class FieldInfo:
    kind: Kind
    label: str
    required: bool = False
    max_length: int | None = None


class Field(StrEnum):
    """A canonical field of the catalogue. The value is the name users write in config and headers."""

    SKU = "sku"
    TITLE = "title"
    DESCRIPTION = "description"
    BRAND = "brand"
    GTIN = "gtin"
    MPN = "mpn"
    PRICE = "price"
    SALE_PRICE = "sale_price"
    CURRENCY = "currency"
    QUANTITY = "quantity"
    AVAILABILITY = "availability"
    CONDITION = "condition"
    IMAGE_URL = "image_url"
    ADDITIONAL_IMAGE_URLS = "additional_image_urls"
    PRODUCT_URL = "product_url"
    CATEGORY = "category"
    WEIGHT = "weight"
    PARENT_SKU = "parent_sku"
    COLOR = "color"
    SIZE = "size"
    STATUS = "status"

    @property
    def info(self) -> FieldInfo:
        return FIELD_INFO[self]

    @property
    def kind(self) -> Kind:
        return FIELD_INFO[self].kind

    @property
    def label(self) -> str:
        return FIELD_INFO[self].label

    def __str__(self) -> str:  # so f-strings and pandas labels read "sku", not "Field.SKU"
        return self.value


FIELD_INFO: dict[Field, FieldInfo] = {
    Field.SKU: FieldInfo(Kind.KEY, N_("SKU"), required=True, max_length=100),
    Field.TITLE: FieldInfo(Kind.TEXT, N_("title"), max_length=150),
    Field.DESCRIPTION: FieldInfo(Kind.TEXT, N_("description"), max_length=5000),
    Field.BRAND: FieldInfo(Kind.TEXT, N_("brand"), max_length=70),
    Field.GTIN: FieldInfo(Kind.GTIN, N_("GTIN")),
    Field.MPN: FieldInfo(Kind.KEY, N_("MPN"), max_length=70),
    Field.PRICE: FieldInfo(Kind.MONEY, N_("price")),
    Field.SALE_PRICE: FieldInfo(Kind.MONEY, N_("sale price")),
    Field.CURRENCY: FieldInfo(Kind.CODE, N_("currency")),
    Field.QUANTITY: FieldInfo(Kind.INTEGER, N_("quantity")),
    Field.AVAILABILITY: FieldInfo(Kind.CODE, N_("availability")),
    Field.CONDITION: FieldInfo(Kind.CODE, N_("condition")),
    Field.IMAGE_URL: FieldInfo(Kind.URL, N_("image URL")),
    Field.ADDITIONAL_IMAGE_URLS: FieldInfo(Kind.URL_LIST, N_("additional image URLs")),
    Field.PRODUCT_URL: FieldInfo(Kind.URL, N_("product URL")),
    Field.CATEGORY: FieldInfo(Kind.TEXT, N_("category")),
    Field.WEIGHT: FieldInfo(Kind.DECIMAL, N_("weight")),
    Field.PARENT_SKU: FieldInfo(Kind.KEY, N_("parent SKU")),
    Field.COLOR: FieldInfo(Kind.TEXT, N_("colour"), max_length=100),
    Field.SIZE: FieldInfo(Kind.TEXT, N_("size"), max_length=100),
    Field.STATUS: FieldInfo(Kind.CODE, N_("status")),
}


#: Fields of the stock sheet (one row per SKU and location).
class StockField(StrEnum):
    SKU = "sku"
    LOCATION = "location"
    QUANTITY = "quantity"

    def __str__(self) -> str:
        return self.value


CONDITIONS = ("new", "refurbished", "used")
STATUSES = ("active", "inactive")
#: Whether a product can be bought now. Derived from stock where the master has no availability column.
IN_STOCK, OUT_OF_STOCK, PREORDER, BACKORDER = "in_stock", "out_of_stock", "preorder", "backorder"
AVAILABILITIES = (IN_STOCK, OUT_OF_STOCK, PREORDER, BACKORDER)
DEFAULT_CONDITION = "new"

#: Fields an active product row must fill in.
REQUIRED_VALUES = (Field.SKU, Field.TITLE, Field.PRICE)

#: Separator of per-channel override columns: ``price@bol`` overrides price for channel ``bol``.
OVERRIDE_SEPARATOR = "@"

#: Name of the internal column holding the 1-based spreadsheet row number of each record.
ROW = "_row"


def parse_field(name: str) -> Field | None:
    """The canonical field for ``name`` (case and surrounding space ignored), or None."""
    try:
        return Field(name.strip().lower())
    except ValueError:
        return None
