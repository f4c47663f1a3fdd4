"""What ``chansync stock`` and ``chansync log`` show, as plain data (the CLI renders it)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..config import LoadedConfig
from ..fields import Field
from ..i18n import _
from .ledger import NO_LOCATION
from .store import SyncState


def stock_table(
    config: LoadedConfig, state: SyncState | None, skus: list[str] | None = None, *, registry: Any = None
) -> pd.DataFrame:
    """Per SKU: the master count, units sold per channel since it, what is available, and what each channel gets
    (after its stock rules). Sales are the ones recorded by pushes (``chansync push`` books what it sees)."""
    from ..sync import plan

    result = plan(config, registry=registry, state=state)
    catalog = result.validation.catalog
    if catalog is None:
        raise_fatal(result.report.fatal)
    assert catalog is not None
    frame = pd.DataFrame({"sku": catalog.frame[Field.SKU.value].astype("str")})
    sold_by_sku = catalog.sold.groupby("sku")["sold"].sum() if catalog.sold is not None else pd.Series(dtype="int64")
    saved = catalog.sold
    catalog.sold = None
    frame["master"] = catalog.quantity_for(None).astype("Int64").array
    catalog.sold = saved
    frame["sold"] = frame["sku"].map(sold_by_sku).fillna(0).astype("int64").to_numpy()
    frame["available"] = catalog.quantity_for(None).astype("Int64").array
    sales = state.sales() if state is not None else pd.DataFrame(columns=["channel", "sku", "units"])
    ledger = state.ledger() if state is not None else pd.DataFrame(columns=["sku"])
    counted = set(ledger["sku"]) if len(ledger) else set()
    for channel in result.channels:
        gets = channel.desired.frame.drop_duplicates("sku").set_index("sku")
        if Field.QUANTITY.value in gets.columns:  # "to …" and "sold on …" are keys; the CLI translates the headings
            frame[f"to {channel.name}"] = frame["sku"].map(gets[Field.QUANTITY.value]).astype("Int64").array
        if len(sales):  # units sold on this channel since the count (sales before a new count no longer count)
            mine = sales[sales["channel"].eq(channel.name) & sales["sku"].isin(counted)]
            frame[f"sold on {channel.name}"] = frame["sku"].map(mine.groupby("sku")["units"].sum()).fillna(0).astype(
                "int64").to_numpy()  # fmt: skip
    if skus:
        frame = frame[frame["sku"].isin(skus)]
    return frame.reset_index(drop=True)


def raise_fatal(message: str | None) -> None:
    from ..errors import RefusedError

    raise RefusedError(message or _("the master sheet could not be read"))


def log_entries(state: SyncState | None, limit: int = 20) -> list[dict[str, Any]]:
    return state.runs(limit) if state is not None else []


__all__ = ["NO_LOCATION", "log_entries", "stock_table"]
