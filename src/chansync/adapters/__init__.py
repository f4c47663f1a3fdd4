"""Channel adapters: the contract (:mod:`.base`), discovery (:mod:`.registry`), shared readers and feed writers, and
one package per channel."""

from .base import Adapter, AdapterSettings, Capability, ChannelContext, ChannelState, Desired
from .registry import Registry

__all__ = ["Adapter", "AdapterSettings", "Capability", "ChannelContext", "ChannelState", "Desired", "Registry"]
