"""The issue codes of a channel's own rules (``channel-required-value``, ``channel-duplicate-key``,
``stock-location-unknown``): defined here, below the channel rules and the adapters, so both can name them."""

from __future__ import annotations

from .issues import Severity, define

CHANNEL_REQUIRED = define(
    "channel-required-value", Severity.ERROR, "A product lacks a value this channel cannot list it without."
)
DUPLICATE_KEY = define(
    "channel-duplicate-key", Severity.ERROR, "Two products map to the same key on a channel (e.g. one EAN twice)."
)

STOCK_LOCATION_UNKNOWN = define(
    "stock-location-unknown",
    Severity.ERROR,
    "A channel sells from a stock location that no row of the stock sheet uses (a typo would zero its stock).",
)
