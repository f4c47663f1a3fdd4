"""The types diff and adapters share, below both and knowing neither: a channel's current state
(:class:`ChannelState`), its desired state (:class:`Desired`) and their column names, a feed file, and the
:class:`Plan` diff makes of them with its outcome names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .catalog import Source

#: Column of a channel state holding whether a listing is live (offered for sale) on the channel.
LIVE = "_live"
#: Optional column of a channel state: the fields (comma-joined) the channel itself manages for that listing, which
#: chansync must neither compare nor write (the stock of an Amazon FBA listing, a bol.com FBB offer).
FIXED = "_fixed"


@dataclass
class ChannelState:
    """A channel's current listings in canonical form: the key column, the fields it carries, :data:`LIVE`,
    and any channel-specific columns (ids, handles) an adapter needs to render updates."""

    frame: pd.DataFrame
    key: str
    source: str
    issues: list[pd.DataFrame] = field(default_factory=list)


@dataclass
class Desired:
    """What one channel should look like: the master after that channel's rules.

    ``frame`` has one row per master product that maps to this channel's key, with the key column, the carried
    fields, :data:`~chansync.fields.ROW`, ``WANTED`` (passes the channel's filters) and ``SKIP`` (a reason the item
    must be left alone, "" if none).
    """

    frame: pd.DataFrame
    key: str
    source: Source
    currency: str


WANTED = "_wanted"
SKIP = "_skip"

#: What an adapter's ``apply`` calls after each confirmed batch: ``[{"key": key, "set": {field: value}}]`` (the
#: journal records it, so a re-run knows what was applied; ``listed`` is True/False for a relist/delist).
OnApplied = Callable[[list[dict[str, Any]]], None]


@dataclass
class FeedFile:
    """One file of a channel's feed. ``suffix`` is added to the configured feed path's stem ("" for the main file;
    Shopify's inventory file is ``-inventory``); ``chunks`` are its bytes, written as they come."""

    suffix: str
    chunks: Iterable[bytes]
    extension: str | None = None  # None: the configured feed path's own extension


CREATE, UPDATE, DELIST, UNCHANGED, SKIPPED = "create", "update", "delist", "unchanged", "skipped"
#: A listing on the channel that the master lacks and chansync never managed: left exactly as it is.
UNMANAGED = "unmanaged"
OUTCOMES = (CREATE, UPDATE, DELIST, UNCHANGED, SKIPPED, UNMANAGED)
ITEM_COLUMNS = ["key", "sku", "outcome", "fields", "reason", "row"]
CHANGE_COLUMNS = ["key", "sku", "field", "old", "new", "origin"]
#: Where a change comes from, against the base (what chansync last set): the master changed since, the channel
#: changed since (an edit or drift made there), or both. "" when there is no base (a two-way comparison).
MASTER, CHANNEL, BOTH = "master", "channel", "both"
#: Skip reasons of the channel's listing rules.
DELIST_OFF, CREATE_OFF = "delist-off", "create-off"
#: Skip reason of a key the master holds twice (the channel rules report it as ``channel-duplicate-key``).
DUPLICATE_KEY = "channel-duplicate-key"
#: The change of a listing that is on the channel but not live there (draft, private, archived) and is wanted.
LISTED = "listed"


@dataclass(frozen=True)
class DeferredItems:
    """Items of one outcome that are not built until someone reads all of a plan's items: on a big catalogue most
    listings are unchanged, and the summary, the changes, the text and JSON outputs never need a row for each.
    ``build`` is given the items built so far and returns every item, these included, in their place."""

    outcome: str
    count: int
    build: Callable[[pd.DataFrame], pd.DataFrame]


@dataclass
class Plan:
    """What must change on one channel. ``items``: one row per key with its outcome; ``changes``: one row per
    changed field of an update (old and new value as display text). ``desired``/``current`` are keyed frames
    (index = key) that renderers and appliers read values from.

    ``items`` may be built in part: :meth:`defer` leaves one outcome's rows (diff: the unchanged listings) to be
    built the first time ``items`` is read. :meth:`counts`, :meth:`has_changes`, :meth:`items_except` and
    :meth:`keys` of other outcomes never build them."""

    channel: str
    adapter: str
    key: str
    fields: list[str]
    items: pd.DataFrame
    changes: pd.DataFrame
    desired: pd.DataFrame
    current: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)
    #: Masks over the rows of ``desired`` (created, updated or unchanged: what a full feed lists) and of ``current``
    #: (skipped: what a full feed keeps as it is), so feeds select rows without looking keys up. None: not known.
    listed_mask: np.ndarray | None = None
    kept_mask: np.ndarray | None = None

    def defer(self, deferred: DeferredItems) -> None:
        """Leave ``deferred``'s items out of ``items`` until it is read (see :class:`DeferredItems`)."""
        self.__dict__["_deferred"] = deferred if deferred.count else None

    def counts(self) -> dict[str, int]:
        counts = self._built["outcome"].value_counts()
        out = {outcome: int(counts.get(outcome, 0)) for outcome in OUTCOMES}
        if self._deferred is not None:
            out[self._deferred.outcome] += self._deferred.count
        return out

    def field_counts(self) -> dict[str, int]:
        """Changes per field (``listed`` for relists)."""
        counts = self.changes["field"].value_counts()
        return {str(name): int(n) for name, n in counts.items()}

    def origin_counts(self) -> dict[str, int]:
        if not len(self.changes):
            return {}
        counts = self.changes["origin"].replace("", "new").value_counts()
        return {str(name): int(n) for name, n in counts.items()}

    @property
    def has_changes(self) -> bool:
        moving = (CREATE, UPDATE, DELIST)
        if self._deferred is not None and self._deferred.outcome in moving:
            return True
        return bool(self._built["outcome"].isin(moving).any())

    def keys(self, *outcomes: str) -> pd.Index:
        items = self.items if self._deferred is not None and self._deferred.outcome in outcomes else self._built
        return pd.Index(items.loc[items["outcome"].isin(outcomes), "key"])

    def items_except(self, *outcomes: str, first: int | None = None) -> pd.DataFrame:
        """The items of every other outcome in plan order, or only the ``first`` of them, without building the
        deferred items when their outcome is one of ``outcomes``."""
        deferred = self._deferred
        items = self._built if deferred is not None and deferred.outcome in outcomes else self.items
        kept = ~items["outcome"].isin(outcomes).to_numpy(dtype=bool)
        if first is None:
            return items[kept]
        return items.iloc[np.flatnonzero(kept)[:first]]  # a boolean take of every item only to show a few costs more

    @property
    def _built(self) -> pd.DataFrame:
        frame: pd.DataFrame = self.__dict__["_items"]
        return frame

    @property
    def _deferred(self) -> DeferredItems | None:
        deferred: DeferredItems | None = self.__dict__.get("_deferred")
        return deferred


def _all_items(plan: Plan) -> pd.DataFrame:
    deferred = plan.__dict__.get("_deferred")
    if deferred is not None:  # built once, then kept
        plan.__dict__["_items"], plan.__dict__["_deferred"] = deferred.build(plan.__dict__["_items"]), None
    items: pd.DataFrame = plan.__dict__["_items"]
    return items


def _set_items(plan: Plan, items: pd.DataFrame) -> None:
    plan.__dict__["_items"], plan.__dict__["_deferred"] = items, None


# ``items`` is a dataclass field (the constructor takes it) read and set through a property, so that a deferred part
# is built on first read and a frame set later replaces every item.
Plan.items = property(_all_items, _set_items)  # type: ignore[assignment]
