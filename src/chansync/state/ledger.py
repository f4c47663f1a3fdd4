"""Sales-aware stock: a sale seen on one channel lowers what every channel gets.

A channel's quantity below its base (what chansync last set there) is a sale on that channel. Sales go into a
ledger per SKU and stock location: ``available = master count − units sold on all channels since that count``.
When the master's count for a SKU and location changes, it is a new count and its ledger row starts again.

The ledger holds only SKUs with sales since their count, so it stays small however big the catalogue is; the
functions here are pure (frames in, frames out) and the store writes their result in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import columns
from ..fields import Field
from ..model import FIXED, LIVE, ChannelState
from .store import LEDGER_COLUMNS, LISTED, SKU, Base

_Q = Field.QUANTITY.value
#: The location of a master that has a quantity column instead of a stock sheet.
NO_LOCATION = ""


def location_name(values: pd.Series | list[str]) -> pd.Series:
    """Locations are matched without regard to case and surrounding spaces."""
    return pd.Series(values, dtype="str").str.strip().str.casefold()


@dataclass
class Observed:
    """What one channel shows since its base: ``sales`` (key, sku, units) and ``seen`` (key, field, value as JSON
    text): the quantities to lay over the base so the same sale is never counted again."""

    channel: str
    sales: pd.DataFrame
    seen: pd.DataFrame


def observe(channel: str, base: Base | None, current: ChannelState) -> Observed:
    """Sales on ``channel``: live listings chansync manages whose quantity is below the base's."""
    empty = Observed(channel, pd.DataFrame(columns=["channel", "key", "sku", "units"]),
                     pd.DataFrame(columns=["channel", "key", "field", "value"]))  # fmt: skip
    frame = current.frame
    if base is None or _Q not in base.frame.columns or _Q not in frame.columns or not len(frame):
        return empty
    keys = frame[current.key].astype("str")
    # Keys matched through integer codes from one hashing pass (a text map over a million keys builds a Python
    # hash table of them: slow, and hundreds of MB).
    key_codes, base_codes = columns.shared_codes(keys, pd.Series(base.frame.index.astype("str"), dtype="str"))
    size = int(max(key_codes.max(initial=-1), base_codes.max(initial=-1))) + 1
    counted = np.bincount(key_codes, minlength=size) if len(key_codes) else np.zeros(size, dtype=np.int64)
    first = counted[key_codes] == 1  # a key twice in the export is left alone
    at = np.full(size, -1, dtype=np.int64)
    at[base_codes[::-1]] = np.arange(len(base_codes), dtype=np.int64)[::-1]
    at = at[key_codes]
    in_base = at >= 0
    pick = np.where(in_base, at, 0)
    now = frame[_Q].astype("Int64").reset_index(drop=True)
    before = base.frame[_Q].astype("Int64").iloc[pick].reset_index(drop=True).mask(pd.Series(~in_base))
    live = frame[LIVE].fillna(True).astype(bool).to_numpy() if LIVE in frame.columns else np.ones(len(frame), bool)
    listed = base.frame[LISTED].astype(bool).to_numpy()[pick] & in_base if LISTED in base.frame else in_base
    sold = (now < before).fillna(False).to_numpy(dtype=bool) & live & listed & first
    if FIXED in frame.columns and sold.any():
        sold &= ~frame[FIXED].astype("str").fillna("").str.contains(rf"(?:^|,){_Q}(?:,|$)", regex=True).to_numpy()
    if not sold.any():
        return empty
    hit = sold
    sold_keys = keys.reset_index(drop=True)[hit]
    skus = base.frame[SKU].astype("str").iloc[pick[hit]] if SKU in base.frame else sold_keys
    units = (before[hit] - now[hit]).astype("int64")
    sales = pd.DataFrame({"channel": channel, "key": sold_keys.to_numpy(), "sku": skus.to_numpy(),
                          "units": units.to_numpy()})  # fmt: skip
    seen = pd.DataFrame({"channel": channel, "key": sold_keys.to_numpy(), "field": _Q,
                         "value": now[hit].astype("int64").astype("str").to_numpy()})  # fmt: skip
    return Observed(channel, sales, seen)


def renew_counts(ledger: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """Drop ledger rows whose master count changed (a new count starts from zero sold). ``counts``: sku,
    location (normalised), count; a count that is unknown now keeps its row."""
    if not len(ledger):
        return ledger
    merged = ledger.merge(counts, on=["sku", "location"], how="left", suffixes=("", "_now"))
    same = merged["count_now"].isna() | merged["count_now"].eq(merged["count"])
    return merged.loc[same.to_numpy(dtype=bool), LEDGER_COLUMNS].reset_index(drop=True)


def book_sales(ledger: pd.DataFrame, counts: pd.DataFrame, sales: pd.DataFrame, locations: list[str]) -> pd.DataFrame:
    """Add one channel's ``sales`` (sku, units) to the ledger, taken from its ``locations`` in order: each
    location gives what it has left, and what no location has comes off the first."""
    if not len(sales):
        return ledger
    locations = list(dict.fromkeys(location_name(locations).tolist())) or [NO_LOCATION]
    remaining = sales.groupby("sku", sort=False)["units"].sum()
    ledger = ledger.set_index(["sku", "location"])
    counted = counts.set_index(["sku", "location"])["count"]
    for location in locations:
        index = pd.MultiIndex.from_arrays([remaining.index, [location] * len(remaining)], names=["sku", "location"])
        count, already = _count_and_sold(ledger, counted, index)
        take = np.minimum(remaining.to_numpy(), (count - already).clip(min=0))
        rows = pd.DataFrame({"count": count, "sold": already + take}, index=index)[take > 0]
        ledger = pd.concat([ledger.drop(rows.index, errors="ignore"), rows])
        remaining = (remaining - take)[lambda r: r > 0]
        if not len(remaining):
            break
    if len(remaining):
        index = pd.MultiIndex.from_arrays([remaining.index, [locations[0]] * len(remaining)], names=["sku", "location"])
        count, already = _count_and_sold(ledger, counted, index)
        rows = pd.DataFrame({"count": count, "sold": already + remaining.to_numpy()}, index=index)
        ledger = pd.concat([ledger.drop(rows.index, errors="ignore"), rows])
    out = ledger.reset_index()[LEDGER_COLUMNS]
    return out.astype({"sku": "str", "location": "str", "count": "int64", "sold": "int64"}).reset_index(drop=True)


def _count_and_sold(ledger: pd.DataFrame, counted: pd.Series, index: pd.MultiIndex) -> tuple[np.ndarray, np.ndarray]:
    """The master count (or the ledger's, when the master's is unknown now) and units sold so far at ``index``."""
    count = counted.reindex(index).fillna(ledger["count"].reindex(index)).fillna(0).astype("int64").to_numpy()
    already = ledger["sold"].reindex(index).fillna(0).astype("int64").to_numpy()
    return count, already


def available(counts: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """Per SKU and location: the master count less what was sold since it (never below zero)."""
    sold = ledger.set_index(["sku", "location"])["sold"]
    frame = counts.set_index(["sku", "location"])
    left = (frame["count"] - sold.reindex(frame.index).fillna(0).astype("int64")).clip(lower=0)
    return left.rename("available").reset_index()
