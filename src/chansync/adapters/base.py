"""The adapter contract: one small class per channel, mostly declarations.

An adapter says which canonical fields its channel carries and which it needs, reads the channel's export into
the canonical frame, checks the desired state against the channel's own rules, and renders a desired state and a
plan as feed bytes. It never opens sockets or writes files: the sync layer hands it paths to read and writes what
it renders, and (for API channels) gives it a transport.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pandas as pd
from pydantic import BaseModel, ConfigDict

from ..errors import AdapterError
from ..fields import Field

if TYPE_CHECKING:
    from ..catalog import Source
    from ..config import ChannelConfig
    from ..diff import Plan

#: Bumped when the contract changes incompatibly; the registry refuses adapters written for another version.
CONTRACT_VERSION = 1

#: Column of a channel state holding whether a listing is live (offered for sale) on the channel.
LIVE = "_live"


class Capability(StrEnum):
    READ_EXPORT = "read-export"
    WRITE_FEED = "write-feed"
    APPLY_API = "apply-api"
    FETCH_API = "fetch-api"


class AdapterSettings(BaseModel):
    """An adapter's own keys in its channel block. The base accepts none: a typo must not be ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class ChannelContext:
    """What an adapter is told about its channel."""

    name: str
    config: ChannelConfig
    settings: AdapterSettings
    currency: str  # the master's default currency


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


class Adapter:
    """Base class of every channel adapter. Subclasses set the class attributes and override what they can do."""

    name: ClassVar[str]
    title: ClassVar[str] = ""
    contract_version: ClassVar[int] = CONTRACT_VERSION
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    key: ClassVar[Field] = Field.SKU
    #: Canonical fields this channel carries: compared by diff, written in feeds.
    fields: ClassVar[tuple[Field, ...]] = ()
    #: Fields the channel cannot list a product without (an empty one is a channel error).
    required: ClassVar[tuple[Field, ...]] = ()
    Settings: ClassVar[type[AdapterSettings]] = AdapterSettings
    feed_suffix: ClassVar[str] = ".csv"
    #: Whether a variable product's own row (the parent its variants name) is listed on this channel. Webshops
    #: group variants under it; catalogues, marketplaces and tills list only the variants themselves.
    lists_parents: ClassVar[bool] = False

    def __init__(self, context: ChannelContext) -> None:
        self.context = context

    @property
    def channel(self) -> str:
        return self.context.name

    def carried(self) -> tuple[Field, ...]:
        """The fields this channel instance carries (a configurable adapter narrows :attr:`fields`)."""
        return self.fields

    def needed(self) -> tuple[Field, ...]:
        """Fields whose master error means the item is left alone on this channel."""
        return tuple(dict.fromkeys((self.key, *self.carried())))

    # --- behaviour; each raises unless the adapter declares the capability -----------------------------------

    def read_export(self, path: Path, display: str) -> ChannelState:
        raise AdapterError(f"the {self.name} adapter cannot read an export file")

    def check(self, desired: Desired) -> Iterable[pd.DataFrame]:
        """The channel's own rules on the desired state, as issue frames placed in the master. None by default."""
        return ()

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        raise AdapterError(f"the {self.name} adapter cannot write a feed")
