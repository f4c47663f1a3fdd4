"""WooCommerce's own rules on the desired state: the SKU length it stores."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pandas as pd

from ... import columns
from ...fields import Field
from ...i18n import _
from ...issues import Severity, define

if TYPE_CHECKING:
    from ..base import Adapter, Desired

SKU_TOO_LONG = define("woocommerce-sku-too-long", Severity.ERROR, "A SKU is longer than WooCommerce stores (100).")


def check(desired: Desired, adapter: Adapter) -> Iterator[pd.DataFrame]:
    from ...channel_rules import WANTED, channel_issue

    frame = desired.frame
    wanted = frame[WANTED]
    long = columns.length(frame[Field.SKU.value].astype("str").fillna("")).gt(100) & wanted
    message = _("WooCommerce keeps at most {limit} characters.").format(limit=100)
    yield channel_issue(desired, adapter, SKU_TOO_LONG, long, message, Field.SKU)
