"""The review file: Etsy has no CSV import (section 7 of the channel reference; the download is one way), so
chansync writes what should change for a person to apply in Shop Manager, or for the Open API.

One row per changed or delisted SKU, grouped by listing: where to find it in the download (row and title), what
changes (``price: 39.99 -> 41.99``), and the new values of the changed fields (blank: unchanged). A delisted SKU
says ``deactivate``. Cells that a spreadsheet would run as a formula are neutralised (the file is meant to be
opened in one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ...fields import Field
from ..feeds import as_text, csv_bytes, neutralise, values_of
from .export import LISTING, LISTING_ROW

if TYPE_CHECKING:
    from ...model import Plan

HEADERS = ["Listing row", "Listing", "SKU", "Action", "Changes", "Title", "Price", "Currency", "Quantity",
           "Description"]  # fmt: skip
SHOWN = {Field.TITLE: "Title", Field.PRICE: "Price", Field.QUANTITY: "Quantity", Field.DESCRIPTION: "Description"}
UPDATE_ACTION, DELIST_ACTION = "update", "deactivate"


def review_bytes(plan: Plan, currency: str, *, spreadsheet_safe: bool) -> bytes:
    return csv_bytes(review_rows(plan, currency, spreadsheet_safe=spreadsheet_safe), encoding="utf-8-sig")


def review_rows(plan: Plan, currency: str, *, spreadsheet_safe: bool = True) -> pd.DataFrame:
    from ...model import DELIST, UPDATE

    current = plan.current
    updated = plan.keys(UPDATE).intersection(plan.desired.index)
    delisted = plan.keys(DELIST).intersection(current.index)
    keys = updated.union(delisted)
    if not len(keys):
        return pd.DataFrame(columns=HEADERS)
    sku = keys.to_series(index=keys).astype("str")
    changes = plan.changes[plan.changes["key"].isin(keys)]
    summary = changes["field"] + ": " + changes["old"].astype("str") + " -> " + changes["new"].astype("str")
    joined = summary.groupby(changes["key"]).agg("; ".join)
    out = pd.DataFrame(index=keys)
    out["Listing row"] = sku.map(current[LISTING_ROW]).astype("Int64").astype("str").fillna("")
    out["Listing"] = sku.map(current[LISTING]).astype("str").fillna("")
    out["SKU"] = sku
    out["Action"] = pd.Series(UPDATE_ACTION, index=keys).mask(sku.isin(delisted), DELIST_ACTION)
    out["Changes"] = sku.map(joined).astype("str").fillna("")
    rows = plan.desired.reindex(keys)
    for field_, header in SHOWN.items():
        changed = sku.isin(changes.loc[changes["field"].eq(field_.value), "key"])
        out[header] = as_text(field_, values_of(rows, field_)).where(changed, "")
    out.loc[sku.isin(delisted), "Changes"] = "listed: yes -> no"
    price_set = out["Price"].ne("")
    given = values_of(rows, Field.CURRENCY).astype("str").fillna(currency)
    out["Currency"] = given.where(price_set, "")
    if spreadsheet_safe:
        for name in ("Listing", "Title", "Description"):
            out[name] = neutralise(out[name])
    order = pd.to_numeric(out["Listing row"], errors="coerce")
    out = out.assign(_order=order).sort_values(["_order", "SKU"], kind="stable")
    return out[HEADERS].reset_index(drop=True)
