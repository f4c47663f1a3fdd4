"""Writing bol.com's review file: every created and changed offer, delisted ones on hold with stock 0."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ...fields import Field
from ..feeds import as_text, values_of
from .columns import BOL_CONDITION, BY_BOL, BY_RETAILER, FULFILMENT, ON_HOLD, condition_names

if TYPE_CHECKING:
    from ...model import Plan

#: The review file's header: chansync's own, not a bol import format (see docs/channels/bol.md for what was
#: searched). Its names follow the Retailer API v10 offer fields
#: (https://api.bol.com/retailer/public/Retailer-API/v10/functional/retailer-api/offers.html).
HEADERS = ["ean", "condition", "price", "stock", "fulfilment", "reference", "onHold"]


def offer_rows(plan: Plan) -> pd.DataFrame:
    from ...model import CREATE, DELIST, UPDATE

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
