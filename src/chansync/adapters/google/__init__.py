"""``google_merchant``: a Google Merchant Center product feed, XML (RSS 2.0 with the ``g:`` namespace) or TSV.

Reads RSS 2.0 and Atom 1.0 feeds and tab-separated files, with the legacy value spellings still common in the
wild (``in stock``, ``New``) and entities escaped twice. Writes the whole catalogue as one feed, streamed in
chunks: memory does not grow with the number of items.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import pandas as pd
from pydantic import Field as PydField

from ... import columns
from ...errors import AdapterError
from ...fields import Field
from ...i18n import _
from ...issues import IssueCode
from ..base import Capability, ChannelState, Desired, FeedFile, OnApplied
from ..catalogue import CatalogueAdapter
from ..settings import FeedSettings
from . import rules
from .feed import feed_chunks
from .rules import DESCRIPTION_TOO_LONG, ID_TOO_LONG, TITLE_TOO_LONG

if TYPE_CHECKING:
    from ...model import Plan
    from ...transports.http import HttpClient


class GoogleSettings(FeedSettings):
    format: Literal["xml", "tsv"] = PydField("xml", description="Feed format: xml (RSS 2.0) or tsv.")


class GoogleMerchantAdapter(CatalogueAdapter):
    name = "google_merchant"
    title = "Google Merchant Center"
    Settings = GoogleSettings
    feed_suffix = ".xml"
    capabilities = frozenset({*CatalogueAdapter.capabilities, Capability.APPLY_API, Capability.FETCH_API})
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
                if field_.value in frame.columns and _has_breaks(frame[field_.value].astype("str")):
                    text = frame[field_.value].astype("str")
                    frame[field_.value] = columns.replace(text.fillna(""), r"[\t\r\n]+", " ").where(text.notna())
        return frame

    def check(self, desired: Desired) -> Iterable[pd.DataFrame]:
        yield from super().check(desired)
        yield from rules.check(desired, self)

    def feed_files(self, desired: Desired, plan: Plan) -> list[FeedFile]:
        extension = ".txt" if self.settings.format == "tsv" else ".xml"
        return [FeedFile("", self.render(desired, plan), extension)]

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        """The whole catalogue, built chunk by chunk (a few chunks in flight), so memory stays flat.

        Tab-separated text with the attribute names in the first row, or RSS 2.0 with the ``g:`` namespace
        (https://support.google.com/merchants/answer/160567); attribute names and values as in the product data
        specification (https://support.google.com/merchants/answer/7052112)."""
        return feed_chunks(self, desired, plan)

    def apply(
        self, plan: Plan, desired: Desired, client: HttpClient, applied: OnApplied, *, upload: Any = None
    ) -> dict[str, str]:
        """Apply the plan through the Merchant API (``upload: {type: google_merchant_api}``): each created or
        updated product inserted whole, each delisted one deleted (see :mod:`.merchant`); {SKU: reason} for what
        Google refused."""
        from .merchant import apply_plan

        return apply_plan(self, plan, desired.currency, client, applied, _section(upload))

    def fetch(self, client: HttpClient, *, upload: Any = None) -> ChannelState:
        """``export: api``: the account's processed products of the section's language and feed label."""
        from .merchant import fetch_state

        return fetch_state(self, client, _section(upload))


def _has_breaks(text: pd.Series) -> bool:
    """Whether any value holds a tab or a line break: a byte scan, mostly answered by the smallest byte (the
    usual column has none, and needs no regular expression)."""
    for chunk in columns.arrow(text).chunks:
        raw = columns.utf8_bytes(chunk)
        if len(raw) and int(raw.min()) <= 0x0D and ((raw == 0x09) | (raw == 0x0A) | (raw == 0x0D)).any():
            return True
    return False


def _section(upload: Any) -> Any:
    if upload is None or getattr(upload, "type", None) != "google_merchant_api":
        raise AdapterError(
            _("the google_merchant adapter reads and writes through `{upload}`").format(
                upload="upload: {type: google_merchant_api}"
            )
        )
    return upload


__all__ = ["GoogleMerchantAdapter", "GoogleSettings"]
