"""The keyed comparison of a channel's desired state with its current state, into a :class:`Plan`.

Pure and vectorised: the keys of both sides are matched through integer codes from one hashing pass, then each
carried field is compared as a column. Values are compared after normalisation (cents, whole numbers, trimmed
text, GTINs padded to 14 digits), so a change is reported only when it is one. Only what changes is built as plan
items; the unchanged listings are counted and built when someone reads every item (:class:`~chansync.model.Plan`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from . import columns
from .fields import ROW, Field, Kind
from .model import BOTH as BOTH
from .model import CHANGE_COLUMNS as CHANGE_COLUMNS
from .model import CHANNEL as CHANNEL
from .model import CREATE as CREATE
from .model import CREATE_OFF as CREATE_OFF
from .model import DELIST as DELIST
from .model import DELIST_OFF as DELIST_OFF
from .model import DUPLICATE_KEY as DUPLICATE_KEY
from .model import FIXED as FIXED
from .model import ITEM_COLUMNS as ITEM_COLUMNS
from .model import LISTED as LISTED
from .model import LIVE as LIVE
from .model import MASTER as MASTER
from .model import OUTCOMES as OUTCOMES
from .model import SKIP as SKIP
from .model import SKIPPED as SKIPPED
from .model import UNCHANGED as UNCHANGED
from .model import UNMANAGED as UNMANAGED
from .model import UPDATE as UPDATE
from .model import WANTED as WANTED
from .model import ChannelState as ChannelState
from .model import DeferredItems
from .model import Desired as Desired
from .model import Plan as Plan
from .parse import format_value, normalize_gtin14
from .state.store import LISTED as LISTED_COLUMN


def normalized(field_: Field, values: pd.Series) -> pd.Series:
    """The form in which two values of ``field_`` are compared. NA and "" are the same "no value"."""
    kind = field_.kind
    if kind in (Kind.MONEY, Kind.INTEGER):
        return values.astype("Int64")
    text = values.astype("str").fillna("")
    text = text.str.replace("\r\n", "\n", regex=False).str.replace("\u00a0", " ", regex=False).str.strip()
    if kind is Kind.GTIN:
        return normalize_gtin14(text).where(text.ne(""), "")
    if kind is Kind.DECIMAL:
        return text.str.replace(r"(\.\d*?)0+$", r"\1", regex=True).str.replace(r"\.$", "", regex=True)
    if kind is Kind.CODE:
        return text.str.casefold()
    if kind is Kind.URL_LIST:
        return text.str.split(r"[,\s|]+", regex=True).str.join(",")
    return text


def display(field_: Field, values: pd.Series) -> pd.Series:
    """Values as people read them in a plan: money as ``12.50``, missing as ""."""
    return format_value(field_.kind.value, values)


def _positions(codes: np.ndarray, size: int) -> np.ndarray:
    """For each code, the first row holding it (-1 where none)."""
    first = np.full(size, -1, dtype=np.int64)
    rows = np.arange(len(codes), dtype=np.int64)[::-1]
    first[codes[::-1]] = rows  # reversed, so the first occurrence is written last and wins
    return first


def diff(
    desired: Desired,
    current: ChannelState,
    *,
    channel: str,
    adapter: str,
    fields: list[Field],
    base: pd.DataFrame | None = None,
    keep_channel_edits: bool = False,
    delist: bool = True,
    delist_unknown: bool = False,
) -> Plan:
    """Compare keyed states, three ways when there is a ``base``. ``fields``: the canonical fields the channel
    carries (the key excluded).

    ``meta["channel_twice"]`` lists the rows of ``current.frame`` whose key is on more than one row (each listing
    with it is left alone).

    ``base`` (index: key) holds what chansync last set on the channel: each change then gets an origin (the
    master, the channel, or both changed since), ``keep_channel_edits`` leaves fields edited on the channel as
    they are, and a listing the master lacks is delisted only if chansync managed it (its key is in the base) or
    ``delist_unknown``. ``delist=False`` never takes a listing off sale.

    Keys are matched through integer codes from one hashing pass over the key columns, and every comparison is
    positional: no per-row Python and no string index lookups on the full catalogue.
    """
    key = desired.key
    want = desired.frame
    want = _rows_where(want, columns.filled(want[key].astype("str")))
    have_keyed = columns.filled(current.frame[current.key].astype("str"))
    have = _rows_where(current.frame, have_keyed)
    base_keys = pd.Series(base.index.astype("str"), dtype="str") if base is not None else pd.Series([], dtype="str")
    all_want_codes, all_have_codes, base_codes = columns.shared_codes(
        want[key].astype("str"), have[current.key].astype("str"), base_keys
    )
    size = int(max(all_want_codes.max(initial=-1), all_have_codes.max(initial=-1), base_codes.max(initial=-1))) + 1
    in_base = _positions(base_codes, size)
    # A key twice in the master is skipped (and reported) by the channel rules: its first row stands for it, so the
    # listing is left alone (never delisted), and the other rows are reported as skipped too. Twice in an export,
    # the first wins.
    first_want = _positions(all_want_codes, size)
    is_first = first_want[all_want_codes] == np.arange(len(all_want_codes))
    doubled = (np.bincount(all_want_codes, minlength=size)[all_want_codes] > 1) if len(all_want_codes) else is_first
    keep_want, later_twins = np.flatnonzero(is_first), np.flatnonzero(~is_first)
    first_have = _positions(all_have_codes, size)
    keep_have = np.flatnonzero(first_have[all_have_codes] == np.arange(len(all_have_codes)))
    # A key twice in the export: which listing is meant cannot be told, so every listing with it is left alone.
    twice_on_channel = np.bincount(all_have_codes, minlength=size) > 1 if len(all_have_codes) else np.zeros(size, bool)
    twins = _rows_at(want, later_twins)  # usually none: see _rows_at on empty takes
    want = _rows_at(want, keep_want)
    if doubled.any():
        reason = want[SKIP].where(want[SKIP].ne("") | ~doubled[keep_want], DUPLICATE_KEY)
        want[SKIP] = reason.astype("str")
        twins[SKIP] = twins[SKIP].where(twins[SKIP].ne(""), DUPLICATE_KEY).astype("str")
    have = _rows_at(have, keep_have)
    want_codes, have_codes = all_want_codes[keep_want], all_have_codes[keep_have]
    if len(want_codes) and twice_on_channel[want_codes].any():
        hit = twice_on_channel[want_codes] & want[SKIP].eq("").to_numpy()
        want[SKIP] = want[SKIP].mask(pd.Series(hit, index=want.index), DUPLICATE_KEY).astype("str")
    want_keys, have_keys = want[key].astype("str"), have[current.key].astype("str")
    want_skus = want_keys if key == Field.SKU.value else want[Field.SKU.value]
    compared = [f for f in fields if f.value != key and f.value in want.columns and f.value in have.columns]

    match = _positions(have_codes, size)[want_codes] if len(want_codes) else np.zeros(0, dtype=np.int64)
    in_master = _positions(want_codes, size)[have_codes] if len(have_codes) else np.zeros(0, dtype=np.int64)

    skip = want[SKIP].ne("").to_numpy()
    wanted = want[WANTED].to_numpy(dtype=bool) & ~skip
    on_channel = match >= 0
    live = have[LIVE].fillna(True).to_numpy(dtype=bool) if LIVE in have.columns else np.ones(len(have), dtype=bool)

    create_rows = np.flatnonzero(wanted & ~on_channel)
    both_rows = np.flatnonzero(wanted & on_channel)
    both_have = match[both_rows]
    skip_rows = np.flatnonzero(skip)
    # On the channel but not wanted: gone from the master, or filtered out / inactive (and not skipped).
    unwanted_in_master = np.zeros(len(have), dtype=bool)
    known = in_master >= 0
    master_row = in_master[known]
    unwanted_in_master[np.flatnonzero(known)] = ~want[WANTED].to_numpy(dtype=bool)[master_row] & ~skip[master_row]
    doubled_here = twice_on_channel[have_codes] if len(have_codes) else np.zeros(0, dtype=bool)
    managed = in_base[have_codes] >= 0 if len(have_codes) else np.zeros(0, dtype=bool)
    unknown = ~known & ~managed & ~doubled_here
    if delist_unknown:
        unknown[:] = False
    candidates = ((~known) | unwanted_in_master) & ~doubled_here & ~unknown
    kept_off = candidates & live & (not delist)
    delist_rows = np.flatnonzero(candidates & live & delist)
    already_off = np.flatnonzero(candidates & ~live)
    unmanaged_rows = np.flatnonzero(unknown)
    doubled_rows = np.flatnonzero(doubled_here & ~known)
    held_rows = np.flatnonzero(kept_off)
    base_at = in_base[want_codes[both_rows]] if len(both_rows) else np.zeros(0, dtype=np.int64)
    has_base = base_at >= 0
    kept: dict[str, int] = {}
    kept_values: dict[str, pd.Series] = {}  # field -> the channel's values (by key) that a keep leaves

    changed = np.zeros(len(both_rows), dtype=bool)
    field_hits: list[np.ndarray] = []

    def change_rows(
        hit: np.ndarray, name: str, old: pd.Series | str, new: pd.Series | str, origin: np.ndarray
    ) -> pd.DataFrame:
        """Changes of field ``name`` for the matched items at ``hit`` (old and new as display text), built as
        Arrow-backed columns: no Python object per change."""
        at, index = both_rows[hit], pd.RangeIndex(len(hit))
        keys = _take(want_keys, at)

        def text(value: pd.Series | str) -> pd.Series:
            return value.reset_index(drop=True) if isinstance(value, pd.Series) else columns.repeated(value, index)

        return pd.DataFrame(
            {
                "key": keys,
                "sku": keys if want_skus is want_keys else _take(want_skus, at).astype("str"),
                "field": columns.repeated(name, index),
                "old": text(old),
                "new": text(new),
                "origin": columns.strings(ORIGIN_TEXT.take(pa.array(origin[hit])), index),
            }
        )

    def origins(master_moved: np.ndarray, channel_moved: np.ndarray) -> np.ndarray:
        """The origin of each matched item's change as a position in ``ORIGIN_TEXT``: none where there is no
        base."""
        named = np.where(master_moved & channel_moved, 3, np.where(channel_moved, 2, 1))
        return np.where(has_base, named, 0).astype(np.int8)

    fixed = have[FIXED].astype("str").fillna("").iloc[both_have].reset_index(drop=True) if FIXED in have else None
    change_parts = []
    for field_ in compared:
        name = field_.value
        if not len(both_rows):  # nothing to compare (taking no rows of a chunked column would still copy it)
            field_hits.append(np.zeros(0, dtype=bool))
            continue
        new = want[name].iloc[both_rows].reset_index(drop=True)
        old = have[name].iloc[both_have].reset_index(drop=True)
        a, b = normalized(field_, new), normalized(field_, old)
        differs = ~_same(a, b)
        if field_ is Field.QUANTITY or field_ is Field.AVAILABILITY:
            differs &= new.notna().to_numpy()  # unknown stock is left as it is
        if fixed is not None and differs.any():
            differs &= ~columns.contains(fixed, rf"(^|,){name}(,|$)").to_numpy()  # the channel's own to manage
        origin = np.zeros(len(both_rows), dtype=np.int8)
        if differs.any() and base is not None and name in base.columns and has_base.any():
            then = normalized(field_, base[name].iloc[np.where(has_base, base_at, 0)].reset_index(drop=True))
            master_moved = ~_same(a, then) & has_base
            channel_moved = ~_same(b, then) & has_base
            origin = origins(master_moved, channel_moved)
            if keep_channel_edits:
                edited = differs & channel_moved
                if edited.any():
                    kept[name] = int(edited.sum())
                    differs &= ~edited
                    at = np.flatnonzero(edited)
                    kept_values[name] = pd.Series(
                        old.iloc[at].to_numpy(), index=want_keys.iloc[both_rows[at]].to_numpy()
                    )
        field_hits.append(differs)
        if not differs.any():
            continue
        changed |= differs
        hit = np.flatnonzero(differs)
        change_parts.append(
            change_rows(hit, name, display(field_, old.iloc[hit]), display(field_, new.iloc[hit]), origin)
        )
    # Wanted, on the channel, but not live there (a draft, an archived product): listing it again is a change.
    relist = ~live[both_have] if len(both_have) else np.zeros(0, dtype=bool)
    if relist.any():
        origin = np.zeros(len(both_rows), dtype=np.int8)
        if base is not None and LISTED_COLUMN in base.columns and has_base.any():
            was_listed = base[LISTED_COLUMN].astype(bool).to_numpy()[np.where(has_base, base_at, 0)] & has_base
            origin = origins(~was_listed & has_base, was_listed)  # we listed it and the channel took it off
            if keep_channel_edits and (relist & was_listed).any():
                kept[LISTED] = int((relist & was_listed).sum())
                relist &= ~was_listed
        changed |= relist
        change_parts.append(change_rows(np.flatnonzero(relist), LISTED, "no", "yes", origin))
    update_pick = np.flatnonzero(changed)
    listed = _field_lists([*(f.value for f in compared), LISTED], [*field_hits, relist], update_pick)

    def rows_of(frame: pd.DataFrame, positions: np.ndarray) -> pd.api.extensions.ExtensionArray:
        """The sheet rows at ``positions`` as a nullable integer array (no Python object per row)."""
        if ROW not in frame.columns:
            return pd.arrays.IntegerArray(np.zeros(len(positions), dtype=np.int64), np.ones(len(positions), dtype=bool))
        return frame[ROW].astype("Int64").array.take(positions)

    have_sku = current_sku(have).astype("str")
    unchanged_rows = both_rows[~changed]
    parts = [
        _items(want_keys, want_skus, rows_of(want, create_rows), create_rows, CREATE),
        _items(want_keys, want_skus, rows_of(want, both_rows[update_pick]), both_rows[update_pick],
               UPDATE, fields=listed),
        _items(have_keys, have_sku, rows_of(have, delist_rows), delist_rows, DELIST),
        # here, once built: the unchanged listings of the master (see the deferral below)
        _items(have_keys, have_sku, rows_of(have, already_off), already_off, UNCHANGED),
        _items(want_keys, want_skus, rows_of(want, skip_rows), skip_rows, SKIPPED,
               reason=want[SKIP].iloc[skip_rows].to_numpy()),
    ]  # fmt: skip
    if len(unmanaged_rows):
        parts.append(_items(have_keys, have_sku, rows_of(have, unmanaged_rows), unmanaged_rows, UNMANAGED))
    if len(doubled_rows):
        parts.append(_items(have_keys, have_sku, rows_of(have, doubled_rows), doubled_rows, SKIPPED,
                            reason=np.full(len(doubled_rows), DUPLICATE_KEY, dtype=object)))  # fmt: skip
    if len(held_rows):
        parts.append(_items(have_keys, have_sku, rows_of(have, held_rows), held_rows, SKIPPED,
                            reason=np.full(len(held_rows), DELIST_OFF, dtype=object)))  # fmt: skip
    if len(twins):
        twin_rows = np.arange(len(twins))
        parts.append(_items(twins[key].astype("str"), twins[Field.SKU.value], rows_of(twins, twin_rows), twin_rows,
                            SKIPPED, reason=twins[SKIP].to_numpy()))  # fmt: skip
    items = pd.concat(parts, ignore_index=True)
    # The key codes of every item, in the order of ``parts``: what the base snapshot matches keys with, so the
    # keys are hashed once per run (a million keys take about 0.3 s to hash).
    taken = [
        want_codes[create_rows], want_codes[both_rows[update_pick]], have_codes[delist_rows],
        have_codes[already_off], want_codes[skip_rows],
        have_codes[unmanaged_rows] if len(unmanaged_rows) else None,
        have_codes[doubled_rows] if len(doubled_rows) else None,
        have_codes[held_rows] if len(held_rows) else None,
        all_want_codes[later_twins] if len(twins) else None,
    ]  # fmt: skip
    item_codes = np.concatenate([c for c in taken if c is not None]).astype(np.int64, copy=False)
    meta: dict[str, Any] = {}
    unchanged_at = len(create_rows) + len(update_pick) + len(delist_rows)  # their place among the items

    def with_unchanged(built: pd.DataFrame) -> pd.DataFrame:
        """Every item: the unchanged listings built and put in their place (their codes too)."""
        rows = _items(want_keys, want_skus, rows_of(want, unchanged_rows), unchanged_rows, UNCHANGED)
        every = pd.concat([built.iloc[:unchanged_at], rows, built.iloc[unchanged_at:]], ignore_index=True)
        codes = meta["codes"]
        if codes.items is built:
            unchanged_codes = want_codes[unchanged_rows].astype(np.int64, copy=False)
            every_code = np.concatenate([codes.item[:unchanged_at], unchanged_codes, codes.item[unchanged_at:]])
            meta["codes"] = KeyCodes(every, codes.desired, codes.current, every_code, codes.size)
        return every

    changes = pd.concat(change_parts, ignore_index=True) if change_parts else pd.DataFrame(columns=CHANGE_COLUMNS)
    changes = changes.astype({"key": "str", "sku": "str", "field": "str", "old": "str", "new": "str", "origin": "str"})
    keyed_want = want.set_index(pd.Index(want_keys, name=None))
    for name, values in kept_values.items():  # what the channel holds is what it should hold: feeds write it
        keyed_want.loc[values.index, name] = values.to_numpy()
    keyed_have = have.set_index(pd.Index(have_keys, name=None))
    listed_mask = np.zeros(len(want), dtype=bool)
    listed_mask[create_rows] = True
    listed_mask[both_rows] = True
    kept_mask = np.zeros(len(have), dtype=bool)
    kept_mask[np.flatnonzero(known)] = skip[master_row]
    kept_mask[unmanaged_rows] = True  # a full feed keeps what chansync does not manage exactly as it is
    kept_mask[doubled_rows] = True
    kept_mask[held_rows] = True
    not_compared = [f.value for f in fields if f.value != key and f.value in want.columns and f.value not in have]
    meta.update({
        "three_way": base is not None,
        "not_compared": not_compared,
        "kept_channel_edits": kept,
        "kept_values": kept_values,
        "channel_twice": _twice_in(all_have_codes, twice_on_channel, have_keyed),
        "codes": KeyCodes(items, want_codes, have_codes, item_codes, size),
    })  # fmt: skip
    plan = Plan(channel, adapter, key, [f.value for f in compared], items, changes, keyed_want, keyed_have,
                meta=meta, listed_mask=listed_mask, kept_mask=kept_mask)  # fmt: skip
    plan.defer(DeferredItems(UNCHANGED, len(unchanged_rows), with_unchanged))
    return plan


@dataclass(frozen=True)
class KeyCodes:
    """Integer codes of a plan's keys from diff's one hashing pass: ``desired`` and ``current`` rows, and the
    rows of ``items`` (valid only while the plan still holds that very items frame)."""

    items: pd.DataFrame
    desired: np.ndarray
    current: np.ndarray
    item: np.ndarray
    size: int

    def of(self, plan: Plan) -> KeyCodes | None:
        """The codes of ``plan``'s items if they are still the ones made for them, else None (hash again).

        Reading ``plan.items`` builds its deferred items, which puts their codes in the plan's ``meta``."""
        items = plan.items
        codes = plan.meta.get("codes", self)
        same = items is codes.items and len(plan.desired) == len(codes.desired)
        return codes if same and len(plan.current) == len(codes.current) else None


#: A change's origin by its code in diff (0: no base to tell).
ORIGIN_TEXT = pa.array(["", MASTER, CHANNEL, BOTH], type=pa.large_string())


def _twice_in(codes: np.ndarray, twice: np.ndarray, keyed: pd.Series) -> np.ndarray:
    """The rows of the channel's state (``keyed``: where it has a key) whose key is on more than one of them."""
    hit = twice[codes] if len(codes) else np.zeros(0, dtype=bool)
    if not hit.any():
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(keyed.to_numpy(dtype=bool))[hit]


def _field_lists(names: list[str], hits: list[np.ndarray], rows: np.ndarray) -> pd.Series:
    """For each of ``rows``, the names whose ``hits`` hold there, comma-joined: each row's set of names as a bit
    pattern (an int64 holds them: there are 21 canonical fields), so only the few distinct patterns are joined as
    text."""
    pattern = np.zeros(len(rows), dtype=np.int64)
    for bit, hit in enumerate(hits):
        pattern |= hit[rows].astype(np.int64) << bit
    distinct, inverse = np.unique(pattern, return_inverse=True)
    texts = [",".join(n for bit, n in enumerate(names) if int(d) >> bit & 1) for d in distinct]
    table = pa.array(texts, type=pa.large_string())
    return columns.strings(table.take(pa.array(inverse.reshape(-1))), pd.RangeIndex(len(rows)))


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality of two normalised columns, with "no value" equal to "no value"."""
    return ((a == b).fillna(False) | (a.isna() & b.isna())).to_numpy(dtype=bool)


def _take(values: pd.Series, positions: np.ndarray) -> pd.Series:
    """``values`` at ``positions`` with a range index; no copy when that is every value in order."""
    if len(positions) == len(values) and (
        not len(positions) or (positions[0] == 0 and positions[-1] == len(values) - 1)
    ):
        return values.reset_index(drop=True)
    if not len(positions):  # an empty take of a chunked Arrow column still concatenates its chunks
        return values.iloc[0:0].reset_index(drop=True)
    return values.iloc[positions].reset_index(drop=True)


def _rows_where(frame: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """``frame[mask]``, without copying the frame when every row is kept (the usual case on a big catalogue)."""
    return frame if bool(mask.all()) else frame[mask]


def _rows_at(frame: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """The rows at ``positions`` with a fresh range index; no copy of the columns when that is every row."""
    if len(positions) == len(frame):
        return frame.reset_index(drop=True)
    if not len(positions):  # an empty take of chunked Arrow columns still concatenates each (1.4 s on a wide 1M)
        return frame.iloc[0:0].reset_index(drop=True)
    return frame.iloc[positions].reset_index(drop=True)


def without_creates(plan: Plan, reason: str) -> Plan:
    """For channels where chansync cannot create listings: what would be created is reported as skipped."""
    if not plan.counts()[CREATE]:  # (reading every item would build the unchanged ones)
        return plan
    items = plan.items
    creates = items["outcome"].eq(CREATE)
    if creates.any():
        items = items.copy()
        items.loc[creates, "outcome"] = SKIPPED
        items.loc[creates, "reason"] = reason
        plan.items = items
        plan.listed_mask = plan.kept_mask = None
    return plan


def current_sku(have: pd.DataFrame) -> pd.Series:
    sku = Field.SKU.value
    return have[sku] if sku in have.columns else pd.Series(have.index, index=have.index)


def _items(
    keys: pd.Series,
    skus: pd.Series,
    rows: np.ndarray | pd.api.extensions.ExtensionArray,
    positions: np.ndarray,
    outcome: str,
    *,
    fields: pd.Series | None = None,
    reason: np.ndarray | None = None,
) -> pd.DataFrame:
    """Items of one outcome, built from whole columns (str arrays stay Arrow-backed)."""
    n = len(positions)
    index = pd.RangeIndex(n)
    return pd.DataFrame(
        {
            "key": (key := _take(keys, positions)),
            "sku": key if skus is keys else _take(skus, positions).astype("str").fillna(""),
            "outcome": columns.repeated(outcome, index),
            "fields": fields if fields is not None else columns.blanks(index),
            "reason": pd.Series(reason, index=index, dtype="str") if reason is not None else columns.blanks(index),
            "row": pd.array(rows, dtype="Int64") if n else pd.array([], dtype="Int64"),  # type: ignore[call-overload]
        },
        columns=ITEM_COLUMNS,
    )


def apply_plan(current: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """The channel state after the plan: creates added, updates set (absolute values), delists removed.

    Used by tests (applying a plan yields the desired state) and by the journal to know what a re-run still has
    to do.
    """
    state = current.copy()
    updates = plan.keys(UPDATE)
    for name in plan.fields:
        if len(updates):
            state.loc[updates, name] = plan.desired.loc[updates, name]
    creates = plan.keys(CREATE)
    if len(creates):
        added = plan.desired.loc[creates, [c for c in plan.desired.columns if c in state.columns or c in plan.fields]]
        state = pd.concat([state, added])
    delists = plan.keys(DELIST)
    return state.drop(index=delists)
