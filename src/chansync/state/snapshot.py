"""The base after a push: per listing chansync manages, the values the channel should now hold.

Built from the plan as columns: the channel's current values, the desired values where the plan changed them or
created the listing, and ``listed`` as the plan leaves it. Listings whose changes failed keep their previous base
(we do not know they took), and unmanaged listings are not in it (chansync leaves them to the seller).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..adapters.base import LIVE
from ..diff import CREATE, DELIST, DUPLICATE_KEY, LISTED, UNMANAGED, UPDATE, Plan
from ..fields import Field, Kind
from .store import KEY, SKU, Base
from .store import LISTED as LISTED_COLUMN

_Q = Field.QUANTITY.value


def base_after(plan: Plan, fields: Iterable[Field], previous: Base | None, failed: Iterable[str] = ()) -> pd.DataFrame:
    """The new base frame (index: key) once ``plan`` has been applied, except for the ``failed`` keys."""
    items = plan.items
    managed = items[~items["outcome"].eq(UNMANAGED) & ~items["reason"].eq(DUPLICATE_KEY)]
    current, desired = plan.current, plan.desired
    created = pd.Index(plan.keys(CREATE)).astype("str")
    keys = pd.Index(managed["key"].astype("str").unique())
    keys = keys[keys.isin(current.index.astype("str")) | keys.isin(created)]  # only what is on the channel
    names = [f.value for f in fields
             if f.value not in (KEY, SKU) and (f.value in current.columns or f.value in desired.columns)]  # fmt: skip
    frame = pd.DataFrame(index=keys)
    frame[KEY] = keys.astype("str")
    sku = managed.drop_duplicates("key").set_index("key")["sku"].astype("str")
    frame[SKU] = sku.reindex(keys).to_numpy()
    on_channel = keys.isin(current.index)
    for name in names:
        kind = next(f for f in fields if f.value == name).kind
        dtype = "Int64" if kind in (Kind.MONEY, Kind.INTEGER) else "str"
        column = pd.Series(pd.NA, index=keys, dtype=dtype)
        if name in current.columns:
            column = _take(current[name], keys, dtype).where(pd.Series(on_channel, index=keys), column)
        changed = plan.changes.loc[plan.changes["field"].eq(name), "key"]
        set_keys = pd.Index(changed.astype("str")).append(created).unique()
        if name in desired.columns and len(set_keys):
            set_keys = set_keys.intersection(desired.index.astype("str"))
            column.loc[set_keys] = _take(desired[name], set_keys, dtype).to_numpy()
        frame[name] = column
    live = (
        _take(current[LIVE].fillna(True).astype(bool), keys, "boolean").fillna(True)
        if LIVE in current.columns
        else pd.Series(True, index=keys, dtype="boolean")
    )
    relisted = plan.changes.loc[plan.changes["field"].eq(LISTED), "key"].astype("str")
    live.loc[pd.Index(relisted).intersection(keys)] = True
    live.loc[created.intersection(keys)] = True
    delisted = pd.Index(plan.keys(DELIST)).astype("str")
    live.loc[delisted.intersection(keys)] = False
    frame[LISTED_COLUMN] = live.astype(bool).to_numpy()
    if _Q in frame.columns and len(delisted):  # nothing of a delisted listing is for sale as far as we know
        frame.loc[delisted.intersection(keys), _Q] = 0
    failed = pd.Index([str(k) for k in failed]).intersection(keys)
    if len(failed):
        frame = _keep_previous(frame, failed, previous, plan)
    return frame


def _take(values: pd.Series, keys: pd.Index, dtype: str) -> pd.Series:
    """``values`` (indexed by key, unique) at ``keys``, as ``dtype``; NA where a key is absent."""
    index = values.index
    if not index.is_unique:
        values = values[~index.duplicated()]
    taken = values.reindex(keys)
    if dtype == "Int64":
        return pd.to_numeric(taken, errors="coerce").astype("Int64")
    if dtype == "boolean":
        return taken.astype("boolean")
    return taken.astype("str")


def _keep_previous(frame: pd.DataFrame, failed: pd.Index, previous: Base | None, plan: Plan) -> pd.DataFrame:
    """For listings whose changes did not take: the previous base, or what the channel showed."""
    updates = pd.Index(plan.keys(UPDATE, DELIST)).astype("str").intersection(failed)
    creates = pd.Index(plan.keys(CREATE)).astype("str").intersection(failed)
    frame = frame.drop(index=creates)  # a listing that was not created is not on the channel
    if previous is not None:
        known = updates.intersection(previous.frame.index)
        for column in frame.columns:
            if column in previous.frame.columns and len(known):
                frame.loc[known, column] = previous.frame.loc[known, column].to_numpy()
        updates = updates.difference(known)
    current = plan.current
    rest = updates.intersection(current.index)
    for column in frame.columns:
        source = LIVE if column == LISTED_COLUMN else column
        if source in current.columns and len(rest):
            values = current.loc[rest, source]
            frame.loc[rest, column] = values.to_numpy() if source != LIVE else values.fillna(True).astype(bool)
    return frame


def for_parquet(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns Parquet stores as they are: integers stay nullable integers, the rest text."""
    out: dict[str, pd.Series] = {}
    for name in frame.columns:
        column = frame[name].reset_index(drop=True)
        if name == LISTED_COLUMN:
            out[str(name)] = column.fillna(True).astype(bool)
        elif str(column.dtype) in ("Int64", "int64"):
            out[str(name)] = column.astype("Int64")
        else:
            out[str(name)] = column.astype("str")
    return pd.DataFrame(out, index=np.arange(len(frame)))
