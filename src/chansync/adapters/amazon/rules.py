"""Amazon's own rules on the desired state: the seller SKU length."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pandas as pd

from ... import columns
from ...fields import Field
from ...i18n import _, number
from ...issues import Severity, define
from .columns import MAX_SKU_LENGTH

if TYPE_CHECKING:
    from ..base import Adapter, Desired

SKU_TOO_LONG = define("amazon-sku-too-long", Severity.ERROR, "A SKU is longer than Amazon's 40 characters.")


def check(desired: Desired, adapter: Adapter) -> Iterator[pd.DataFrame]:
    from ...channel_rules import WANTED, channel_issue

    frame = desired.frame
    long = columns.length(frame[Field.SKU.value].astype("str").fillna("")).gt(MAX_SKU_LENGTH) & frame[WANTED]
    message = _("Amazon SKUs are at most {limit} characters; this one is longer.").format(limit=number(MAX_SKU_LENGTH))
    yield channel_issue(desired, adapter, SKU_TOO_LONG, long, message, Field.SKU)
