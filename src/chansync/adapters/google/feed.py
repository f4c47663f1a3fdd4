"""Writing a Google Merchant Center feed, RSS 2.0 with the ``g:`` namespace or tab-separated text, streamed in
chunks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ...fields import Field
from ..catalogue import IDENTIFIER_EXISTS
from ..feeds import kept_slices
from ..rss import CHUNK_ROWS, RSS_TAIL, pipelined, rss_head, rss_items, tsv_head, tsv_lines

if TYPE_CHECKING:
    from ...model import Desired, Plan
    from . import GoogleMerchantAdapter


def feed_chunks(adapter: GoogleMerchantAdapter, desired: Desired, plan: Plan) -> Iterator[bytes]:
    """The feed's bytes chunk by chunk (see :meth:`GoogleMerchantAdapter.render`)."""
    tsv = adapter.settings.format == "tsv"
    if tsv:
        yield tsv_head([*(a.name for a in adapter.attributes()), IDENTIFIER_EXISTS])
    else:
        settings = adapter.settings
        yield rss_head(title=settings.feed_title, link=settings.shop_url, description=settings.description)

    def build(piece: tuple[pd.DataFrame, np.ndarray | None]) -> bytes:
        rows, keep = piece  # a slice of the plan's rows; keep: the ones the feed lists
        text = adapter.attribute_arrays(rows, desired.currency)
        return tsv_lines(text, keep=keep) if tsv else rss_items(text, keep=keep)

    names = [*(a.field.value for a in adapter.attributes()), Field.CURRENCY.value]  # all attribute_arrays reads
    yield from pipelined(build, kept_slices(plan, CHUNK_ROWS, names))
    if not tsv:
        yield RSS_TAIL
