"""The sync state: what chansync last set on each channel (the base), the stock ledger, and the run log."""

from .store import Base, LockedError, StateError, SyncState

__all__ = ["Base", "LockedError", "StateError", "SyncState"]
