"""``bol``: bol.com offers: the offer export CSV in, a review CSV of the changed offers out.

An offer is unique per EAN and condition; bol gives it an ``offerId`` and keeps the seller's SKU as its
``referenceCode``. Offers are keyed by EAN, always 13 digits on bol: a 12-digit UPC in the master is sent with a
leading zero, and a GTIN-8 or a case-level GTIN-14 cannot be listed (a channel error). Prices are euros including
VAT, stock is 0 to 999.

Reading: the offer export (``POST /retailer/offers/export``, format CSV) with header
``offerId,ean,conditionName,conditionCategory,conditionComment,bundlePricesPrice,fulfilmentDeliveryCode,
stockAmount,onHoldByRetailer,fulfilmentType,mutationDateTime,referenceCode``, found by name (newer API versions add
columns). An offer on hold is not live. The stock of an offer bol fulfils (``FBB``) is bol's own count: unknown to
chansync and never written. The file chansync writes reads back too.

Writing: a review file ``ean,condition,price,stock,fulfilment,reference,onHold`` with every created and changed
offer (all columns, absolute values), and delisted offers put on hold with stock 0 (never deleted), sorted by EAN.
It is chansync's own format: no official description of a file bol's seller dashboard imports for offers was found
(docs/channels/bol.md), so it is for review (and reads back as an export); changes are applied through the Retailer
API (``upload: {type: bol_api}``, :mod:`.bol_api`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow.compute as pc

from .. import columns
from ..fields import DEFAULT_CONDITION, ROW, Field
from ..issues import Severity, define
from .base import FIXED, LIVE, Adapter, Capability, ChannelState, Desired, OnApplied
from .feeds import as_text, csv_bytes, values_of
from .tabular import Export, column, read_export

if TYPE_CHECKING:
    from ..model import Plan
    from ..transports.http import HttpClient

OFFER_ID, BOL_CONDITION, CONDITION_CATEGORY = "offer_id", "bol_condition", "condition_category"
DELIVERY_CODE, ON_HOLD, FULFILMENT, MUTATED = "delivery_code", "on_hold", "fulfilment", "mutated"

#: The offer export's header first, then the header of the review file chansync writes (so a feed reads back).
COLUMNS = [
    column(OFFER_ID, "offerId"),
    column(Field.GTIN, "ean"),
    column(BOL_CONDITION, "conditionName", "condition"),
    column(CONDITION_CATEGORY, "conditionCategory"),
    column(Field.PRICE, "bundlePricesPrice", "price"),
    column(DELIVERY_CODE, "fulfilmentDeliveryCode"),
    column(Field.QUANTITY, "stockAmount", "stock"),
    column(ON_HOLD, "onHoldByRetailer", "onHold"),
    column(FULFILMENT, "fulfilmentType", "fulfilment"),
    column(MUTATED, "mutationDateTime"),
    column(Field.SKU, "referenceCode", "reference"),
]
#: The review file's header: chansync's own, not a bol import format (see docs/channels/bol.md for what was
#: searched). Its names follow the Retailer API v10 offer fields
#: (https://api.bol.com/retailer/public/Retailer-API/v10/functional/retailer-api/offers.html).
HEADERS = ["ean", "condition", "price", "stock", "fulfilment", "reference", "onHold"]

MAX_STOCK = 999
BY_RETAILER, BY_BOL = "FBR", "FBB"
#: bol's condition names as canonical conditions, and the name chansync writes for each canonical one.
CONDITIONS_READ = {"new": "new", "as_new": "refurbished", "good": "used", "reasonable": "used", "moderate": "used"}
CONDITIONS_WRITTEN = {"new": "NEW", "refurbished": "AS_NEW", "used": "GOOD"}

EAN_INVALID = define(
    "bol-ean-invalid", Severity.ERROR, "A GTIN bol.com cannot list: bol takes 13-digit EANs (and 12-digit UPCs)."
)
STOCK_CAPPED = define(
    "bol-stock-capped", Severity.WARNING, f"Stock above bol.com's maximum of {MAX_STOCK} is sent as {MAX_STOCK}."
)

#: Desired-frame column (set by :meth:`BolAdapter.prepare`): the master's stock where it was capped, else NA.
_UNCAPPED = "_bol_uncapped_stock"


class BolAdapter(Adapter):
    name = "bol"
    title = "bol.com"
    capabilities = frozenset({Capability.READ_EXPORT, Capability.WRITE_FEED, Capability.APPLY_API})
    key = Field.GTIN
    fields = (Field.SKU, Field.PRICE, Field.QUANTITY, Field.CONDITION)
    creates = True

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """EANs in bol's 13 digits, stock capped at 999, condition new where the master gives none."""
        gtin, quantity, condition = Field.GTIN.value, Field.QUANTITY.value, Field.CONDITION.value
        if gtin in frame.columns:
            frame[gtin] = ean13(frame[gtin].astype("str"))
        if quantity in frame.columns:
            stock = frame[quantity].astype("Int64")
            over = stock.gt(MAX_STOCK).fillna(False)
            frame[_UNCAPPED] = stock.where(over)
            frame[quantity] = stock.clip(upper=MAX_STOCK)
        if condition in frame.columns:
            frame[condition] = frame[condition].astype("str").fillna(DEFAULT_CONDITION)
        else:
            frame[condition] = DEFAULT_CONDITION
        return frame

    def read_export(self, path: Path, display: str) -> ChannelState:
        export = read_export(
            path,
            display,
            COLUMNS,
            channel=self.channel,
            title="bol.com offer",
            header_map=self.context.config.header_map,
            required=[Field.GTIN.value],
        )
        return ChannelState(read_offers(export), Field.GTIN.value, display, issues=export.issues)

    def check(self, desired: Desired) -> Iterable[pd.DataFrame]:
        from ..channel_rules import WANTED, channel_issue

        frame = desired.frame
        wanted = frame[WANTED]
        gtin = frame[Field.GTIN.value].astype("str") if Field.GTIN.value in frame.columns else None
        if gtin is not None:
            filled = columns.filled(gtin.fillna(""))
            bad = filled & ~columns.matches(gtin.fillna(""), r"\d{13}") & wanted
            digits = columns.length(gtin.fillna("")).astype("str")
            message = "bol.com lists only 13-digit EANs (or 12-digit UPCs); this GTIN has " + digits + " digits."
            yield channel_issue(desired, self, EAN_INVALID, bad, message, Field.GTIN)
        if _UNCAPPED in frame.columns:
            over = frame[_UNCAPPED].notna() & wanted
            asked = frame[_UNCAPPED].astype("Int64").astype("str").fillna("")
            message = f"bol.com takes at most {MAX_STOCK} in stock; the master's " + asked + f" is sent as {MAX_STOCK}."
            yield channel_issue(desired, self, STOCK_CAPPED, over, message, Field.QUANTITY)

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        yield csv_bytes(offer_rows(plan))

    def apply(
        self,
        plan: Plan,
        desired: Desired,
        client: HttpClient,
        applied: OnApplied,
        *,
        upload: Any = None,
    ) -> dict[str, str]:
        """Apply the plan through the Retailer API v10, offer by offer (see :mod:`.bol_api`); {key: reason} for
        what was not applied. ``upload``: the channel's ``bol_api`` upload section with its variables filled in."""
        from .bol_api import apply_plan

        if upload is None:
            raise ValueError("the bol.com API needs the channel's upload section (client_id, client_secret)")
        return apply_plan(plan, desired, client, applied, upload)


# --- reading --------------------------------------------------------------------------------------------------


def ean13(gtin: pd.Series) -> pd.Series:
    """GTINs as bol's 13-digit EANs: a 12-digit UPC gets a leading zero, and a GTIN-14 whose indicator digit is 0
    (the same number as the GTIN-13 it pads) loses it. Others (GTIN-8, case-level GTIN-14) are left as they are."""
    text = gtin.astype("str")
    data = columns.arrow(text)
    twelve = columns.matches(text, r"\d{12}")
    padded = columns.matches(text, r"0\d{13}")
    out = text.mask(twelve, columns.strings(pc.utf8_lpad(data, width=13, padding="0"), text.index))
    return out.mask(padded, columns.strings(pc.utf8_slice_codeunits(data, 1), text.index))


def read_offers(export: Export) -> pd.DataFrame:
    text = export.text
    frame = pd.DataFrame(index=text.index)
    ean = export.get(Field.GTIN.value)
    digits = columns.matches(ean, r"\d{1,14}")
    # bol's EANs are 13 digits; a shorter one lost its leading zeros in a spreadsheet.
    ean = ean.mask(
        digits & columns.length(ean).lt(13), columns.strings(pc.utf8_lpad(columns.arrow(ean), 13, "0"), ean.index)
    )
    ean = ean13(ean)
    unusable = columns.filled(ean) & ~columns.matches(ean, r"\d{13,14}")
    if unusable.any():
        export.unreadable(
            unusable, ean, Field.GTIN.value, Field.GTIN, "The channel's EAN", "cannot be read; the offer is left out."
        )
    frame[Field.GTIN.value] = ean
    # One EAN twice (two conditions are two offers, but chansync keys offers by EAN alone): a located warning.
    export.duplicates(ean.where(~unusable, ""), Field.GTIN.value, Field.GTIN, "EAN")
    frame[OFFER_ID] = export.get(OFFER_ID)
    # A field the export has no column for gets no column either, so the plan does not compare it.
    if export.has(Field.SKU):
        frame[Field.SKU.value] = export.get(Field.SKU.value)
    if export.has(Field.PRICE):
        frame[Field.PRICE.value] = export.parse(Field.PRICE).astype("Int64")
    fulfilment = columns.upper(export.get(FULFILMENT))
    frame[FULFILMENT] = fulfilment.where(columns.filled(fulfilment), BY_RETAILER)
    by_bol = frame[FULFILMENT].eq(BY_BOL)
    if export.has(Field.QUANTITY):
        quantity = export.parse(Field.QUANTITY).astype("Int64")
        frame[Field.QUANTITY.value] = quantity.mask(by_bol)  # bol's own count: unknown here
    frame[FIXED] = pd.Series("", index=text.index, dtype="str").mask(by_bol, Field.QUANTITY.value)
    if export.has(BOL_CONDITION):
        condition_name = columns.upper(export.get(BOL_CONDITION))
        condition_name = condition_name.where(columns.filled(condition_name), "NEW")  # bol's default condition
        frame[BOL_CONDITION] = condition_name
        condition, unknown = columns.map_few(condition_name, CONDITIONS_READ)
        if unknown.any():
            export.unreadable(
                unknown, condition_name, BOL_CONDITION, Field.CONDITION, "The channel's condition", "cannot be read."
            )
        frame[Field.CONDITION.value] = condition
    on_hold = columns.lower(export.get(ON_HOLD, "false")).eq("true")
    frame[ON_HOLD] = on_hold
    frame[LIVE] = ~on_hold
    frame[ROW] = text[ROW]
    return frame[columns.filled(ean) & ~unusable].reset_index(drop=True)


# --- writing --------------------------------------------------------------------------------------------------


def condition_names(condition: pd.Series, known: pd.Series | None, known_condition: pd.Series | None) -> pd.Series:
    """bol's condition name for each canonical condition; where bol already has the offer in that condition, the
    name it has (a ``REASONABLE`` offer stays ``REASONABLE``)."""
    canonical = condition.astype("str").fillna(DEFAULT_CONDITION)
    names = canonical.map(CONDITIONS_WRITTEN).fillna(columns.upper(canonical)).astype("str")
    if known is None or known_condition is None:
        return names
    same = known.notna() & known_condition.astype("str").eq(canonical).fillna(False)
    return names.mask(same, known.astype("str"))


def offer_rows(plan: Plan) -> pd.DataFrame:
    from ..model import CREATE, DELIST, UPDATE

    current = plan.current
    updates = plan.keys(UPDATE)
    if FULFILMENT in current.columns and len(updates):
        # bol keeps the stock of the offers it fulfils: an update of nothing but that stock is no update.
        fbb = pd.Index(current.index[current[FULFILMENT].eq(BY_BOL).fillna(False).to_numpy()])
        changes = plan.changes
        ignored = changes["field"].eq(Field.QUANTITY.value) & changes["key"].isin(fbb)
        updates = updates.intersection(pd.Index(changes.loc[~ignored, "key"]))
    written = plan.keys(CREATE).union(updates).intersection(plan.desired.index)
    listed = plan.desired.loc[written].assign(**{ON_HOLD: False})
    delisted = current.loc[plan.keys(DELIST).intersection(current.index)].assign(**{ON_HOLD: True})
    if len(delisted):
        delisted[Field.QUANTITY.value] = 0
    rows = pd.concat([listed, delisted]) if len(delisted) else listed
    if not len(rows):
        return pd.DataFrame(columns=HEADERS)
    ean = rows.index.to_series().astype("str")

    def now(name: str) -> pd.Series | None:
        return ean.map(current[name]) if name in current.columns else None

    fulfilment = now(FULFILMENT)
    by_bol = fulfilment.eq(BY_BOL).fillna(False) if fulfilment is not None else pd.Series(False, index=rows.index)
    quantity = values_of(rows, Field.QUANTITY).astype("Int64").mask(by_bol)
    out = pd.DataFrame(index=rows.index)
    out["ean"] = ean
    out["condition"] = condition_names(values_of(rows, Field.CONDITION), now(BOL_CONDITION), now(Field.CONDITION.value))
    out["price"] = as_text(Field.PRICE, values_of(rows, Field.PRICE))
    out["stock"] = as_text(Field.QUANTITY, quantity)
    out["fulfilment"] = pd.Series(BY_RETAILER, index=rows.index).mask(by_bol, BY_BOL)
    out["reference"] = as_text(Field.SKU, values_of(rows, Field.SKU))
    out["onHold"] = rows[ON_HOLD].astype(bool).map({True: "true", False: "false"})
    return out.sort_values("ean", kind="stable")[HEADERS].reset_index(drop=True)
