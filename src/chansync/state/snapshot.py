"""The base after a push: per listing chansync manages, the values the channel should now hold.

Built from the plan as columns: the channel's current values, the desired values where the plan changed them or
created the listing, and ``listed`` as the plan leaves it. Listings whose changes failed keep their previous base
(we do not know they took), and unmanaged listings are not in it (chansync leaves them to the seller).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .. import columns
from ..fields import Field, Kind
from ..model import CREATE, DELIST, DUPLICATE_KEY, LISTED, LIVE, UNMANAGED, UPDATE, Plan
from .store import KEY, SKU, Base
from .store import LISTED as LISTED_COLUMN

_Q = Field.QUANTITY.value


def base_after(plan: Plan, fields: Iterable[Field], previous: Base | None, failed: Iterable[str] = ()) -> pd.DataFrame:
    """The new base frame (index: key) once ``plan`` has been applied, except for the ``failed`` keys.

    Positional throughout: every key is matched once through integer codes (a million listings take a fraction of
    a second; membership tests on text keys took seconds)."""
    items = plan.items
    is_managed = (~items["outcome"].eq(UNMANAGED) & ~items["reason"].eq(DUPLICATE_KEY)).to_numpy(dtype=bool)
    managed = items[is_managed]
    current, desired = plan.current, plan.desired
    keys, skus = _text(managed["key"]), managed["sku"].astype("str")
    known = plan.meta.get("codes")
    known = known.of(plan) if known is not None else None
    if known is not None:  # diff hashed these keys already
        cur_codes, des_codes, size = known.current, known.desired, known.size
        key_codes = known.item[is_managed]
        new_codes = known.item[items["outcome"].eq(CREATE).to_numpy(dtype=bool)]
    else:
        created = _text(plan.keys(CREATE))
        cur_codes, des_codes, key_codes, new_codes = columns.shared_codes(
            _text(current.index), _text(desired.index), keys, created
        )
        size = int(max((c.max(initial=-1) for c in (cur_codes, des_codes, key_codes, new_codes)), default=-1)) + 1
    at_current = _first(cur_codes, size)[key_codes]
    at_desired = _first(des_codes, size)[key_codes]
    is_created = np.zeros(size, dtype=bool)
    is_created[new_codes] = True
    first = _first(key_codes, size)[key_codes] == np.arange(len(key_codes))  # a key's first item only
    keep = first & ((at_current >= 0) | is_created[key_codes])  # only what is on the channel after the push
    keys, skus, at_current, at_desired = keys[keep], skus[keep], at_current[keep], at_desired[keep]
    key_codes = key_codes[keep]
    keys, skus = keys.reset_index(drop=True), skus.reset_index(drop=True)
    index = pd.Index(keys.array, dtype="str")  # Arrow arrays throughout: no Python object per key
    frame = pd.DataFrame({KEY: keys, SKU: skus}).set_axis(index)
    kinds = {f.value: f.kind for f in fields}
    names = [n for n in kinds if n not in (KEY, SKU) and (n in current.columns or n in desired.columns)]
    changes = plan.changes
    for name in names:
        integer = kinds[name] in (Kind.MONEY, Kind.INTEGER)
        column = _pick(current[name], at_current, integer) if name in current.columns else _empty(len(keys), integer)
        if name in desired.columns:  # the desired value where the plan changed the field or created the listing
            set_here = is_created[key_codes] | _codes_in(keys, _text(changes.loc[changes["field"].eq(name), "key"]))
            set_here &= at_desired >= 0
            if set_here.any():
                wanted = _pick(desired[name], at_desired[set_here], integer)
                column = column.copy()
                column.iloc[np.flatnonzero(set_here)] = wanted.array
        frame[name] = pd.Series(column.array, index=index)  # the array keeps its dtype (nullable integers)
    live = (
        current[LIVE].fillna(True).astype(bool).to_numpy()[np.where(at_current >= 0, at_current, 0)] | (at_current < 0)
        if LIVE in current.columns and len(current)
        else np.ones(len(keys), dtype=bool)
    )
    live = live | is_created[key_codes] | _codes_in(keys, _text(changes.loc[changes["field"].eq(LISTED), "key"]))
    delisted = _codes_in(keys, _text(plan.keys(DELIST)))
    live &= ~delisted
    frame[LISTED_COLUMN] = live
    if _Q in frame.columns and delisted.any():  # nothing of a delisted listing is for sale as far as we know
        frame.loc[delisted, _Q] = 0
    failed = pd.Index([str(k) for k in failed]).intersection(frame.index)
    if len(failed):
        frame = _keep_previous(frame, failed, previous, plan)
    return frame


def _text(values: pd.Series | pd.Index) -> pd.Series:
    """Keys as a str Series with a fresh index; an index of text is taken as it is (its Arrow array, not copied)."""
    if isinstance(values, pd.Index):
        if str(values.dtype) == "str":
            return pd.Series(values.array)
        return pd.Series(np.asarray(values, dtype=object), dtype="str")
    return values.astype("str").reset_index(drop=True)


def _first(codes: np.ndarray, size: int) -> np.ndarray:
    first = np.full(size, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes), dtype=np.int64)[::-1]
    return first


def _codes_in(keys: pd.Series, subset: pd.Series) -> np.ndarray:
    """Which of ``keys`` are in ``subset`` (an Arrow hash lookup)."""
    if not len(subset) or not len(keys):
        return np.zeros(len(keys), dtype=bool)
    return columns.isin(keys.reset_index(drop=True), subset).to_numpy(dtype=bool)


def _pick(values: pd.Series, positions: np.ndarray, integer: bool) -> pd.Series:
    """``values`` at ``positions`` (-1: none), as nullable integers or text."""
    taken = values.iloc[np.where(positions >= 0, positions, 0)].reset_index(drop=True) if len(values) else None
    if taken is None:
        return _empty(len(positions), integer)
    out: pd.Series = pd.to_numeric(taken, errors="coerce").astype("Int64") if integer else taken.astype("str")
    return out.mask(pd.Series(positions < 0))


def _empty(length: int, integer: bool) -> pd.Series:
    return pd.Series(pd.NA, index=range(length), dtype="Int64" if integer else "str")


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
    """Columns Parquet stores as they are: integers stay nullable integers, the rest text. Only columns of another
    type are converted (in place: the frame is the snapshot's own), so a million-listing base is not copied."""
    for name in frame.columns:
        dtype = str(frame[name].dtype)
        if name == LISTED_COLUMN:
            if dtype != "bool":
                frame[name] = frame[name].fillna(True).astype(bool)
        elif dtype == "int64":
            frame[name] = frame[name].astype("Int64")
        elif dtype not in ("Int64", "str"):
            frame[name] = frame[name].astype("str")
    return frame
