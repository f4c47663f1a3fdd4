"""Shopping-catalogue feeds (Google Merchant Center, Meta): one item per variant, keyed by ``id`` (the SKU).

Both channels share Google's attribute names and value forms (``15.00 EUR`` prices, ``item_group_id`` for
variants, ``identifier_exists``); they differ in file formats, availability spellings and limits. The feed is the
channel's whole catalogue: wanted items, and skipped items exactly as the channel has them now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import columns
from ..fields import AVAILABILITIES, DEFAULT_CONDITION, Field
from ..i18n import _, fill
from ..issues import IssueCode, Severity, define
from ..parse import money_text
from ..wording import definite
from .base import Adapter, Capability, ChannelState, Desired
from .feeds import as_text, values_of
from .tabular import Column, Export, column


def _cut(field_: Field) -> str:
    return f"_cut_{field_.value}"


_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]"
TEXT_FIELDS = (Field.TITLE, Field.DESCRIPTION, Field.BRAND, Field.CATEGORY, Field.COLOR, Field.SIZE)
_CURRENCY_AT_END = r"(?i)\s*([a-z]{3})\s*$"


@dataclass(frozen=True)
class Attribute:
    """A feed attribute and the canonical field it holds."""

    name: str
    field: Field


#: Attributes in the order they are written. Each is an attribute of Google's product data specification
#: (https://support.google.com/merchants/answer/7052112), and Meta reads the same names
#: (https://developers.facebook.com/docs/commerce-platform/catalog/fields).
ATTRIBUTES = [
    Attribute("id", Field.SKU),
    Attribute("title", Field.TITLE),
    Attribute("description", Field.DESCRIPTION),
    Attribute("link", Field.PRODUCT_URL),
    Attribute("image_link", Field.IMAGE_URL),
    Attribute("additional_image_link", Field.ADDITIONAL_IMAGE_URLS),
    Attribute("availability", Field.AVAILABILITY),
    Attribute("price", Field.PRICE),
    Attribute("sale_price", Field.SALE_PRICE),
    Attribute("brand", Field.BRAND),
    Attribute("gtin", Field.GTIN),
    Attribute("mpn", Field.MPN),
    Attribute("condition", Field.CONDITION),
    Attribute("item_group_id", Field.PARENT_SKU),
    Attribute("color", Field.COLOR),
    Attribute("size", Field.SIZE),
    Attribute("product_type", Field.CATEGORY),
]
#: Google's ``identifier_exists`` (https://support.google.com/merchants/answer/6324478): ``no`` for a product
#: without GTIN and MPN. Written in Google feeds only; Meta does not document it.
IDENTIFIER_EXISTS = "identifier_exists"

IDENTIFIER_MISSING = define(
    "catalogue-brand-missing",
    Severity.ERROR,
    "A product with a GTIN or MPN has no brand; shopping catalogues need the brand with the identifier.",
)


class CatalogueAdapter(Adapter):
    """Shared behaviour of Google Merchant Center and Meta catalogue feeds."""

    capabilities = frozenset({Capability.READ_EXPORT, Capability.WRITE_FEED})
    key = Field.SKU
    fields: ClassVar[tuple[Field, ...]] = (
        Field.TITLE,
        Field.DESCRIPTION,
        Field.PRODUCT_URL,
        Field.IMAGE_URL,
        Field.ADDITIONAL_IMAGE_URLS,
        Field.AVAILABILITY,
        Field.PRICE,
        Field.SALE_PRICE,
        Field.CURRENCY,
        Field.BRAND,
        Field.GTIN,
        Field.MPN,
        Field.CONDITION,
        Field.PARENT_SKU,
        Field.COLOR,
        Field.SIZE,
        Field.CATEGORY,
    )
    required: ClassVar[tuple[Field, ...]] = (
        Field.TITLE,
        Field.PRODUCT_URL,
        Field.IMAGE_URL,
        Field.PRICE,
        Field.AVAILABILITY,
    )
    #: Channel spelling of each canonical availability.
    availability_words: ClassVar[dict[str, str]] = {a: a for a in AVAILABILITIES}
    #: (field, limit, issue code): text longer than the limit is an error on this channel.
    limits: ClassVar[tuple[tuple[Field, int, IssueCode], ...]] = ()
    #: Extra attributes of this channel (Meta's stock column).
    extra_attributes: ClassVar[tuple[Attribute, ...]] = ()

    def attributes(self) -> list[Attribute]:
        return [*ATTRIBUTES, *self.extra_attributes]

    def export_columns(self) -> list[Column]:
        return [column(a.field, a.name, f"g:{a.name}") for a in self.attributes()]

    def read_export(self, path: Path, display: str) -> ChannelState:
        """An RSS/Atom feed or a delimited file, by what the file holds, into the canonical frame."""
        from .rss import looks_like_xml, read_feed
        from .tabular import read_channel_export

        if looks_like_xml(path):
            export = read_feed(path, display)
            renamed = {a.name: a.field.value for a in self.attributes() if a.name in export.text.columns}
            export.text = export.text.rename(columns=renamed)
            export.headers = {field: f"g:{name}" for name, field in renamed.items()}
        else:
            export = read_channel_export(
                self, path, display, self.export_columns(), title=self.title, required=[Field.SKU.value]
            )
        return ChannelState(self.canonical(export), Field.SKU.value, display, issues=export.issues)

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Condition defaults to new (the feed says so); text over a limit the channel cuts is cut here, so the
        plan compares what the channel will hold (and the check warns)."""
        for field_, limit, code in self.limits:
            name = field_.value
            if code.severity is Severity.WARNING and name in frame.columns:
                text = frame[name].astype("str")
                over = columns.longer_than(text, limit)
                frame[_cut(field_)] = over
                if over.any():
                    frame.loc[over, name] = columns.strings(
                        pc.utf8_rtrim_whitespace(pc.utf8_slice_codeunits(columns.arrow(text[over]), 0, limit)),
                        text[over].index,
                    )
        for field_ in TEXT_FIELDS:  # control characters cannot travel in XML (and mean nothing in a catalogue)
            if field_.value in frame.columns:
                text = frame[field_.value].astype("str")
                if columns.has_control_characters(text):
                    frame[field_.value] = columns.replace(text.fillna(""), _CONTROL, "").where(text.notna())
        condition = Field.CONDITION.value
        if condition in frame.columns:
            frame[condition] = frame[condition].astype("str").fillna(DEFAULT_CONDITION)  # the feed says "new"
        else:
            frame[condition] = DEFAULT_CONDITION
        return frame

    # --- reading ----------------------------------------------------------------------------------------------

    def canonical(self, export: Export) -> pd.DataFrame:
        """Attribute text to canonical values, parsed like the master's (legacy spellings accepted)."""
        from ..fields import ROW
        from .base import LIVE

        frame = pd.DataFrame(index=export.text.index)
        for attribute in self.attributes():
            field_ = attribute.field
            name = field_.value
            if not export.has(name):
                if field_ is self.key:  # a feed without items has no columns; the key column is always there
                    frame[name] = pd.Series(pd.NA, index=frame.index, dtype="str")
                continue  # no column in the export, none in the state: the plan does not compare it
            if field_ in (Field.PRICE, Field.SALE_PRICE):
                text = export.get(name)
                if field_ is Field.PRICE:
                    currency = columns.replace(text, r".*?([A-Za-z]{3})\s*$|.*", r"\1")
                    frame[Field.CURRENCY.value] = columns.upper(currency).where(currency.ne(""))
                export.text[name] = columns.replace(text, _CURRENCY_AT_END, "")
                frame[name] = export.parse(field_)
            elif field_.kind.value in ("text", "key", "url", "url_list"):
                frame[name] = export.get(name)
            else:
                frame[name] = export.parse(field_)
        message = _(
            "The export lists the id {key} more than once (rows {rows}); "
            "chansync leaves it alone on this channel until one is removed."
        )
        export.duplicates(frame[self.key.value], self.key.value, self.key, message)
        frame[LIVE] = True
        frame[ROW] = export.text[ROW]
        return frame

    # --- the channel's rules --------------------------------------------------------------------------------

    def check(self, desired: Desired) -> Iterable[pd.DataFrame]:
        from ..channel_rules import WANTED, channel_issue

        frame = desired.frame
        wanted = frame[WANTED]
        for field_, limit, code in self.limits:
            if code.severity is Severity.WARNING:
                cut = frame[_cut(field_)] & wanted if _cut(field_) in frame.columns else wanted & False
                message = _(
                    "{channel} shows at most {limit} characters of {the_field}; the feed cuts it there."
                ).format(channel=self.title, limit=limit, the_field=definite(field_))
                yield channel_issue(desired, self, code, cut, message, field_)
                continue
            values = values_of(frame, field_).astype("str").fillna("")
            over = columns.longer_than(values, limit) & wanted
            too_long = fill(
                _("{channel} takes at most {limit} characters for {the_field}; this one has {length}."),
                channel=self.title,
                limit=str(limit),
                the_field=definite(field_),
                length=columns.length(values[over]).astype("str"),
            )
            yield channel_issue(desired, self, code, over, too_long, field_)
        brand = values_of(frame, Field.BRAND).astype("str").fillna("").str.strip()
        has_id = values_of(frame, Field.GTIN).notna() | values_of(frame, Field.MPN).astype("str").fillna("").ne("")
        missing = has_id & brand.eq("") & wanted
        message = _("{channel} needs the brand of a product that has a GTIN or MPN; this one has none.").format(
            channel=self.title
        )
        yield channel_issue(desired, self, IDENTIFIER_MISSING, missing, message, Field.BRAND)

    # --- writing --------------------------------------------------------------------------------------------

    def attribute_text(self, rows: pd.DataFrame, currency: str) -> dict[str, pd.Series]:
        """Each attribute's feed text for ``rows`` ("" where the item has no value)."""
        return {name: columns.strings(data, rows.index) for name, data in self.attribute_arrays(rows, currency).items()}

    def attribute_arrays(self, rows: pd.DataFrame, currency: str) -> dict[str, pa.Array]:
        """:meth:`attribute_text` as Arrow ``large_string`` arrays without missing values: the form the feed
        writers join. A streamed feed calls this once per chunk of items, so each text column is taken from its
        own Arrow buffer (no copy) and the derived ones (prices with their currency, the channel's availability
        words, ``identifier_exists``) come from Arrow kernels, with no pandas object per column."""
        out: dict[str, pa.Array] = {}
        money_currency: pa.Array | None = None
        for attribute in self.attributes():
            field_ = attribute.field
            values = rows.index.to_series() if field_ is Field.SKU else values_of(rows, field_)
            if field_ in (Field.PRICE, Field.SALE_PRICE):
                if money_currency is None:
                    money_currency = _strings(values_of(rows, Field.CURRENCY), currency)
                cents = values.astype("Int64").array
                amount = money_text(pa.array(cents, type=pa.int64()) if len(cents) else pa.array([], pa.int64()))
                data = pc.binary_join_element_wise(amount.cast(pa.large_string()), money_currency, _large(" "))
            elif field_ is Field.AVAILABILITY:
                words = self.availability_words
                found = pc.index_in(_strings(values, None), value_set=pa.array(list(words), pa.large_string()))
                data = pc.take(pa.array(list(words.values()), pa.large_string()), found)
            elif field_ is Field.ADDITIONAL_IMAGE_URLS:
                data = pc.utf8_trim(_one_comma_between(_strings(values)), ",")
            elif field_.kind.value in ("money", "integer"):
                data = _strings(as_text(field_, values))
            else:  # text: as it is (as_text's astype("str").fillna(""))
                data = _strings(values)
            out[attribute.name] = pc.fill_null(data, _large("")) if data.null_count else data
        none = pc.and_(pc.equal(out["gtin"], _large("")), pc.equal(out["mpn"], _large("")))
        out[IDENTIFIER_EXISTS] = pc.if_else(none, _large("no"), _large(""))
        return out


def _large(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def _strings(values: pd.Series, missing: str | None = "") -> pa.Array:
    """A column as one Arrow ``large_string`` array (a str column's own buffers, no copy), missing values as
    ``missing`` (None: left missing)."""
    chunked = columns.arrow(values if values.dtype == "str" else values.astype("str"))
    data = chunked.chunk(0) if chunked.num_chunks == 1 else chunked.combine_chunks()
    if data.type != pa.large_string():
        data = data.cast(pa.large_string())
    return pc.fill_null(data, _large(missing)) if missing is not None and data.null_count else data


def _one_comma_between(urls: pa.Array) -> pa.Array:
    """A list of URLs with one comma between them: whitespace and ``|`` around commas, and runs of whitespace,
    become one comma. Text without whitespace or ``|`` (the usual list) is already so: no regular expression."""
    raw = columns.utf8_bytes(urls)
    if len(raw) and int(raw.min()) > 0x20 and b"|" not in raw.tobytes():
        return urls
    return pc.replace_substring_regex(urls, r"[\s|]*,[\s|]*|\s+", ",")
