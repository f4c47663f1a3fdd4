"""``google_merchant``: a Google Merchant Center product feed, XML (RSS 2.0 with the ``g:`` namespace) or TSV.

Reads RSS 2.0 and Atom 1.0 feeds and tab-separated files, with the legacy value spellings still common in the
wild (``in stock``, ``New``) and entities escaped twice. Writes the whole catalogue as one feed, streamed in
chunks: memory does not grow with the number of items.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, ClassVar, Literal

import pandas as pd
from pydantic import Field as PydField

from .. import columns
from ..fields import Field
from ..issues import IssueCode, Severity, define
from .base import Desired, FeedFile
from .catalogue import IDENTIFIER_EXISTS, CatalogueAdapter
from .feeds import kept_chunks
from .rss import CHUNK_ROWS, RSS_TAIL, pipelined, rss_head, rss_items, tsv_head, tsv_lines
from .settings import FeedSettings

if TYPE_CHECKING:
    from ..model import Plan

ID_TOO_LONG = define("google-id-too-long", Severity.ERROR, "An id (SKU) is longer than Google's 50 characters.")
TITLE_TOO_LONG = define(
    "google-title-cut", Severity.WARNING, "A title is longer than Google's 150 characters; the feed cuts it."
)
DESCRIPTION_TOO_LONG = define(
    "google-description-cut",
    Severity.WARNING,
    "A description is longer than Google's 5,000 characters; the feed cuts it.",
)
GTIN_RESTRICTED = define(
    "google-gtin-restricted",
    Severity.ERROR,
    "A GTIN has a prefix Google refuses (2, 02, 04: in-store codes; 05, 99, 981-984: coupons).",
)

#: Restricted prefixes, on the GTIN padded to 13 digits (for GTIN-14 the indicator digit is dropped first).
_RESTRICTED = r"^(2|02|04|05|99|98[1-4])"


class GoogleSettings(FeedSettings):
    format: Literal["xml", "tsv"] = PydField("xml", description="Feed format: xml (RSS 2.0) or tsv.")


class GoogleMerchantAdapter(CatalogueAdapter):
    name = "google_merchant"
    title = "Google Merchant Center"
    Settings = GoogleSettings
    feed_suffix = ".xml"
    #: Google's product data specification lists ``description`` among the attributes every product needs
    #: (https://support.google.com/merchants/answer/7052112, "Basic product data"): an item without one is
    #: disapproved, so it is a channel error here rather than a surprise in Merchant Center.
    required = (*CatalogueAdapter.required, Field.DESCRIPTION)
    limits: ClassVar[tuple[tuple[Field, int, IssueCode], ...]] = (
        (Field.SKU, 50, ID_TOO_LONG),
        (Field.TITLE, 150, TITLE_TOO_LONG),
        (Field.DESCRIPTION, 5000, DESCRIPTION_TOO_LONG),
    )

    @property
    def settings(self) -> GoogleSettings:
        assert isinstance(self.context.settings, GoogleSettings)
        return self.context.settings

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame = super().prepare(frame)
        if self.settings.format == "tsv":  # the format has no quoting: tabs and line breaks become spaces
            for field_ in (Field.TITLE, Field.DESCRIPTION, Field.CATEGORY, Field.BRAND, Field.COLOR, Field.SIZE):
                if field_.value in frame.columns:
                    text = frame[field_.value].astype("str")
                    frame[field_.value] = columns.replace(text.fillna(""), r"[\t\r\n]+", " ").where(text.notna())
        return frame

    def check(self, desired: Desired) -> Iterable[pd.DataFrame]:
        from ..channel_rules import WANTED, channel_issue

        yield from super().check(desired)
        frame = desired.frame
        gtin = frame.get(Field.GTIN.value)
        if gtin is not None:
            text = gtin.astype("str").fillna("")
            thirteen = columns.replace(text.str.pad(14, fillchar="0"), r"^\d", "")
            restricted = columns.contains(thirteen, _RESTRICTED) & text.ne("") & frame[WANTED]
            message = "Google refuses GTINs with this prefix (in-store or coupon codes); leave the GTIN empty."
            yield channel_issue(desired, self, GTIN_RESTRICTED, restricted, message, Field.GTIN)

    def feed_files(self, desired: Desired, plan: Plan) -> list[FeedFile]:
        extension = ".txt" if self.settings.format == "tsv" else ".xml"
        return [FeedFile("", self.render(desired, plan), extension)]

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        """The whole catalogue, built chunk by chunk (a few chunks in flight), so memory stays flat.

        Tab-separated text with the attribute names in the first row, or RSS 2.0 with the ``g:`` namespace
        (https://support.google.com/merchants/answer/160567); attribute names and values as in the product data
        specification (https://support.google.com/merchants/answer/7052112)."""
        tsv = self.settings.format == "tsv"
        if tsv:
            yield tsv_head([*(a.name for a in self.attributes()), IDENTIFIER_EXISTS])
        else:
            settings = self.settings
            yield rss_head(title=settings.feed_title, link=settings.shop_url, description=settings.description)

        def build(rows: pd.DataFrame) -> bytes:
            text = self.attribute_text(rows, desired.currency)
            return tsv_lines(text) if tsv else rss_items(text)

        yield from pipelined(build, kept_chunks(plan, CHUNK_ROWS))
        if not tsv:
            yield RSS_TAIL
