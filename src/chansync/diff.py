"""The keyed comparison of a channel's desired state with its current state, into a :class:`Plan`.

Pure and vectorised: one outer merge on the key, then one column comparison per carried field. Values are
compared after normalisation (cents, whole numbers, trimmed text, GTINs padded to 14 digits), so a change is
reported only when it is one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .adapters.base import LIVE, SKIP, WANTED, ChannelState, Desired
from .fields import ROW, Field, Kind
from .parse import format_money, normalize_gtin14

CREATE, UPDATE, DELIST, UNCHANGED, SKIPPED = "create", "update", "delist", "unchanged", "skipped"
OUTCOMES = (CREATE, UPDATE, DELIST, UNCHANGED, SKIPPED)
ITEM_COLUMNS = ["key", "sku", "outcome", "fields", "reason", "row"]
CHANGE_COLUMNS = ["key", "sku", "field", "old", "new"]


@dataclass
class Plan:
    """What must change on one channel. ``items``: one row per key with its outcome; ``changes``: one row per
    changed field of an update (old and new value as display text). ``desired``/``current`` are keyed frames
    (index = key) that renderers and appliers read values from."""

    channel: str
    adapter: str
    key: str
    fields: list[str]
    items: pd.DataFrame
    changes: pd.DataFrame
    desired: pd.DataFrame
    current: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counts = self.items["outcome"].value_counts()
        return {outcome: int(counts.get(outcome, 0)) for outcome in OUTCOMES}

    @property
    def has_changes(self) -> bool:
        return bool(self.items["outcome"].isin([CREATE, UPDATE, DELIST]).any())

    def keys(self, *outcomes: str) -> pd.Index:
        return pd.Index(self.items.loc[self.items["outcome"].isin(outcomes), "key"])


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
    if field_.kind is Kind.MONEY:
        return format_money(values.astype("Int64")).fillna("")
    if field_.kind is Kind.INTEGER:
        return values.astype("Int64").astype("str").fillna("")
    return values.astype("str").fillna("")


def diff(desired: Desired, current: ChannelState, *, channel: str, adapter: str, fields: list[Field]) -> Plan:
    """Compare keyed states. ``fields``: the canonical fields the channel carries (the key excluded)."""
    key = desired.key
    want = desired.frame
    want = want[want[key].notna() & want[key].astype("str").ne("")]
    want = want.drop_duplicates(key, keep=False)  # a doubled key is skipped (and reported) by the channel rules
    want = want.set_index(want[key].astype("str"))
    have = current.frame
    have = have.set_index(have[current.key].astype("str"))
    have = have[~have.index.duplicated(keep="first")]
    compared = [f for f in fields if f.value != key and f.value in want.columns and f.value in have.columns]

    skip = want[SKIP].ne("")
    wanted = want[WANTED] & ~skip
    on_channel = want.index.isin(have.index)
    live = have[LIVE] if LIVE in have.columns else pd.Series(True, index=have.index)

    creates = want.index[wanted & ~on_channel]
    both = want.index[wanted & on_channel]
    skipped = want.index[skip]
    known = want.index  # keys the master knows (wanted or not)
    unwanted_master = want.index[~want[WANTED] & ~skip]
    gone = have.index[~have.index.isin(known)]
    delist_candidates = have.index[have.index.isin(unwanted_master) | have.index.isin(gone)]
    delists = delist_candidates[live.reindex(delist_candidates).fillna(True).astype(bool).to_numpy()]
    already_off = delist_candidates.difference(delists)

    change_parts = []
    changed = pd.Series(False, index=both)
    changed_fields = pd.Series("", index=both, dtype="str")
    for field_ in compared:
        name = field_.value
        new = want.loc[both, name]
        old = have.loc[both, name]
        # unknown stock (NA) is left as it is
        known_stock = new.notna() if field_ is Field.QUANTITY else pd.Series(True, index=both)
        a, b = normalized(field_, new), normalized(field_, old)
        differs = ~((a == b).fillna(False) | (a.isna() & b.isna())) & known_stock
        if field_.kind in (Kind.MONEY, Kind.INTEGER):
            differs &= ~(a.isna() & b.isna())
        if not differs.any():
            continue
        changed |= differs
        changed_fields = changed_fields.where(~differs, changed_fields + "," + name)
        idx = both[differs.to_numpy()]
        change_parts.append(
            pd.DataFrame(
                {
                    "key": idx,
                    "sku": want.loc[idx, Field.SKU.value].to_numpy(),
                    "field": name,
                    "old": display(field_, have.loc[idx, name]).to_numpy(),
                    "new": display(field_, want.loc[idx, name]).to_numpy(),
                }
            )
        )
    changed_fields = changed_fields.str.lstrip(",")
    updates = both[changed.to_numpy()]
    unchanged = both[~changed.to_numpy()].append(already_off)

    items = pd.concat(
        [
            _items(want, creates, CREATE),
            _items(want, updates, UPDATE, fields=changed_fields.loc[updates]),
            _items(have, delists, DELIST, sku_from=current_sku(have)),
            _items(want.reindex(unchanged).fillna({Field.SKU.value: ""}), unchanged, UNCHANGED),
            _items(want, skipped, SKIPPED, reason=want.loc[skipped, SKIP]),
        ],
        ignore_index=True,
    )
    changes = pd.concat(change_parts, ignore_index=True) if change_parts else pd.DataFrame(columns=CHANGE_COLUMNS)
    changes = changes.astype({"key": "str", "sku": "str", "field": "str", "old": "str", "new": "str"})
    return Plan(channel, adapter, key, [f.value for f in compared], items, changes, want, have)


def current_sku(have: pd.DataFrame) -> pd.Series:
    sku = Field.SKU.value
    return have[sku] if sku in have.columns else pd.Series(have.index, index=have.index)


def _items(
    frame: pd.DataFrame,
    keys: pd.Index,
    outcome: str,
    *,
    fields: pd.Series | None = None,
    reason: pd.Series | None = None,
    sku_from: pd.Series | None = None,
) -> pd.DataFrame:
    sku_source = sku_from if sku_from is not None else frame.get(Field.SKU.value)
    sku = sku_source.reindex(keys) if sku_source is not None else pd.Series("", index=keys)
    rows = frame[ROW].reindex(keys) if ROW in frame.columns else pd.Series(pd.NA, index=keys)
    return pd.DataFrame(
        {
            "key": pd.Series(keys, dtype="str").to_numpy(),
            "sku": sku.astype("str").fillna("").to_numpy(),
            "outcome": outcome,
            "fields": (fields.to_numpy() if fields is not None else ""),
            "reason": (reason.to_numpy() if reason is not None else ""),
            "row": rows.astype("Int64").to_numpy(),
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
