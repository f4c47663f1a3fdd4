"""The adapter contract: one small class per channel, mostly declarations.

An adapter says which canonical fields its channel carries and which it needs, reads the channel's export into
the canonical frame, checks the desired state against the channel's own rules, and renders a desired state and a
plan as feed bytes. It never opens sockets or writes files: the sync layer hands it paths to read and writes what
it renders, and (for API channels) gives it a transport.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pandas as pd
from pydantic import BaseModel, ConfigDict

from ..errors import AdapterError
from ..fields import Field
from ..i18n import _
from ..model import FIXED as FIXED
from ..model import LIVE as LIVE
from ..model import SKIP as SKIP
from ..model import WANTED as WANTED
from ..model import ChannelState as ChannelState
from ..model import Desired as Desired
from ..model import FeedFile as FeedFile
from ..model import OnApplied as OnApplied

if TYPE_CHECKING:
    from ..config import ChannelConfig
    from ..model import Plan

#: Bumped when the contract changes incompatibly; the registry refuses adapters written for another version.
CONTRACT_VERSION = 1


class Capability(StrEnum):
    """What an adapter can do. The two API capabilities are methods the adapter defines when it has them:

    - ``fetch(client, *, upload) -> ChannelState`` (``export: api``): the channel's current state read through
      its API, ``upload`` being the channel's upload section with its variables filled in;
    - ``apply(plan, desired, client, applied, *, upload) -> {key: reason}``: the plan sent through the API,
      ``applied(items)`` called with each confirmed batch (recorded at once, so a rerun never sends it again),
      and what was not applied returned with the reason.

    The client comes from ``connect.default_client``; an upload type with an auth flow of its own names its
    builder in ``connect.CLIENT_BUILDERS``.
    """

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
    #: Resolves a file named in the channel's settings (relative to the config file): (path, name to show).
    locate: Callable[[str, str], tuple[Path, str]] | None = None

    def file(self, value: str, setting: str) -> tuple[Path, str]:
        """The file a setting names, checked to exist; errors name ``channels.<name>.<setting>``."""
        key = f"channels.{self.name}.{setting}"
        if self.locate is None:
            return Path(value), value
        return self.locate(value, key)


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
    #: Fields that belong to the product, not the variant: a variant takes them from its parent row in the master
    #: (Shopify shows one title and description for all variants of a product).
    product_fields: ClassVar[tuple[Field, ...]] = ()
    #: Fields a variant does not hold on this channel at all (WooCommerce variations show their parent's
    #: categories): left empty for variants, so they are neither compared nor written.
    parent_only_fields: ClassVar[tuple[Field, ...]] = ()
    #: Whether chansync can create a listing on this channel. Where it cannot (a marketplace listing needs a product
    #: type and attributes chansync does not hold), products missing there are reported as skipped, not created.
    creates: ClassVar[bool] = True

    def __init__(self, context: ChannelContext) -> None:
        self.context = context

    @property
    def channel(self) -> str:
        return self.context.name

    def carried(self) -> tuple[Field, ...]:
        """The fields this channel instance carries (a configurable adapter narrows :attr:`fields`)."""
        return self.fields

    def needed(self) -> tuple[Field, ...]:
        """Fields whose master error means the item is left alone on this channel (availability comes from stock)."""
        carried = self.carried()
        stock = (Field.QUANTITY,) if Field.AVAILABILITY in carried else ()
        return tuple(dict.fromkeys((self.key, *carried, *stock)))

    # --- behaviour; each raises unless the adapter declares the capability -----------------------------------

    def read_export(self, path: Path, display: str) -> ChannelState:
        raise AdapterError(_("the {adapter} adapter cannot read an export file").format(adapter=self.name))

    def check(self, desired: Desired) -> Iterable[pd.DataFrame]:
        """The channel's own rules on the desired state, as issue frames placed in the master. None by default."""
        return ()

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Last touch on the desired frame in the channel's terms (e.g. an EAN padded to 13 digits). Vectorised."""
        return frame

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        raise AdapterError(_("the {adapter} adapter cannot write a feed").format(adapter=self.name))

    def feed_files(self, desired: Desired, plan: Plan) -> list[FeedFile]:
        """Every file of the feed. One by default (:meth:`render`); an adapter with several files overrides this."""
        return [FeedFile("", self.render(desired, plan))]
