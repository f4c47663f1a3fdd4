"""Shopify's own rules on the desired state: title length, vendor length, two variants with the same options."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pandas as pd

from ... import columns
from ...fields import Field
from ...i18n import _
from ...issues import Severity, define
from ..feeds import variant_groups

if TYPE_CHECKING:
    from ..base import Adapter, Desired

OPTION_MISMATCH = define(
    "shopify-duplicate-options",
    Severity.ERROR,
    "Two variants of one Shopify product have the same option values (colour and size); Shopify cannot tell them "
    "apart.",
)
TITLE_TOO_LONG = define("shopify-title-too-long", Severity.ERROR, "A title is longer than Shopify's 255 characters.")
VENDOR_TOO_SHORT = define("shopify-vendor-too-short", Severity.WARNING, "Shopify wants a vendor of two characters.")


def check(desired: Desired, adapter: Adapter) -> Iterator[pd.DataFrame]:
    from ...channel_rules import WANTED, channel_issue

    frame = desired.frame
    wanted = frame[WANTED]
    title = frame.get(Field.TITLE.value)
    if title is not None:
        long = columns.length(title.astype("str").fillna("")).gt(255) & wanted
        message = _("Shopify titles are at most {limit} characters; this one is longer.").format(limit=255)
        yield channel_issue(desired, adapter, TITLE_TOO_LONG, long, message, Field.TITLE)
    brand = frame.get(Field.BRAND.value)
    if brand is not None:
        text = brand.astype("str").fillna("")
        short = columns.length(text).eq(1) & wanted
        message = _("Shopify needs a vendor of at least 2 characters; this one has 1.")
        yield channel_issue(desired, adapter, VENDOR_TOO_SHORT, short, message, Field.BRAND)
    if Field.PARENT_SKU.value in frame.columns:
        options = [frame.get(f.value, pd.Series("", index=frame.index)) for f in (Field.COLOR, Field.SIZE)]
        keyed = pd.DataFrame({"group": variant_groups(frame), "color": options[0], "size": options[1]})
        has_parent = frame[Field.PARENT_SKU.value].astype("str").fillna("").ne("")
        twice = keyed.astype("str").fillna("").duplicated(keep=False) & has_parent & wanted
        message = _("Another variant of this product has the same colour and size; Shopify needs them to differ.")
        yield channel_issue(desired, adapter, OPTION_MISMATCH, twice, message, Field.SIZE)
