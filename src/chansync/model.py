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
    #: Masks over the rows of ``desired`` (created, updated or unchanged: what a full feed lists) and of ``current``
    #: (skipped: what a full feed keeps as it is), so feeds select rows without looking keys up. None: not known.
    listed_mask: np.ndarray | None = None
    kept_mask: np.ndarray | None = None

    def counts(self) -> dict[str, int]:
        counts = self.items["outcome"].value_counts()
        return {outcome: int(counts.get(outcome, 0)) for outcome in OUTCOMES}

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
        return bool(self.items["outcome"].isin([CREATE, UPDATE, DELIST]).any())

    def keys(self, *outcomes: str) -> pd.Index:
        return pd.Index(self.items.loc[self.items["outcome"].isin(outcomes), "key"])
