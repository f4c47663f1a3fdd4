"""bol.com's own rules on the desired state: 13-digit EANs, stock capped at its maximum."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pandas as pd

from ... import columns
from ...fields import Field
from ...i18n import _, fill, number
from ...issues import Severity, define
from .columns import MAX_STOCK

if TYPE_CHECKING:
    from ..base import Adapter, Desired

EAN_INVALID = define(
    "bol-ean-invalid", Severity.ERROR, "A GTIN bol.com cannot list: bol takes 13-digit EANs (and 12-digit UPCs)."
)
STOCK_CAPPED = define("bol-stock-capped", Severity.WARNING, "Stock above bol.com's maximum of 999 is sent as 999.")

#: Desired-frame column (set by :meth:`BolAdapter.prepare`): the master's stock where it was capped, else NA.
UNCAPPED = "_bol_uncapped_stock"


def check(desired: Desired, adapter: Adapter) -> Iterator[pd.DataFrame]:
    from ...channel_rules import WANTED, channel_issue

    frame = desired.frame
    wanted = frame[WANTED]
    gtin = frame[Field.GTIN.value].astype("str") if Field.GTIN.value in frame.columns else None
    if gtin is not None:
        filled = columns.filled(gtin.fillna(""))
        bad = filled & ~columns.matches(gtin.fillna(""), r"\d{13}") & wanted
        digits = columns.length(gtin[bad].fillna("")).astype("str")  # the flagged rows only
        message = fill(
            _("bol.com lists only 13-digit EANs (or 12-digit UPCs); this GTIN has {digits} digits."), digits=digits
        )
        yield channel_issue(desired, adapter, EAN_INVALID, bad, message, Field.GTIN)
    if UNCAPPED in frame.columns:
        over = frame[UNCAPPED].notna() & wanted
        asked = frame.loc[over, UNCAPPED].astype("Int64").astype("str").fillna("")
        message = fill(
            _("bol.com takes at most {limit} in stock; the master's {quantity} is sent as {limit}."),
            limit=number(MAX_STOCK),
            quantity=asked,
        )
        yield channel_issue(desired, adapter, STOCK_CAPPED, over, message, Field.QUANTITY)
