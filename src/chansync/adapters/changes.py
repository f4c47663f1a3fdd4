"""What the API clients share when they turn a plan into requests: a plan's price and quantity changes per SKU,
and frame values as plain Python (for JSON bodies and comparisons)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd

from ..fields import Field
from ..model import DELIST, LISTED, UPDATE, Plan

PRICE, QUANTITY = Field.PRICE.value, Field.QUANTITY.value


@dataclass
class Change:
    """What to set on one SKU: price in cents and/or quantity; ``delist``: quantity 0, recorded as delisted."""

    sku: str
    price: int | None = None
    quantity: int | None = None
    delist: bool = False

    def sets(self) -> dict[str, Any]:
        """What the change sets, as recorded once the channel confirms it (a delist: not listed any more)."""
        sets: dict[str, Any] = {}
        if self.price is not None:
            sets[PRICE] = self.price
        if self.quantity is not None:
            sets[QUANTITY] = self.quantity
        if self.delist:
            sets[LISTED] = False
        return sets


C = TypeVar("C", bound=Change)


def whole(value: Any) -> int | None:
    """A frame value as an int; None where it is missing (None, NA, NaN) or not a number."""
    try:
        return None if value is None or value != value else int(value)  # NA and NaN are unknown
    except (TypeError, ValueError):
        return None


def plain(value: Any) -> Any:
    """A frame value as JSON (numpy and pandas scalars to Python, NA to None)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def changed_fields(plan: Plan) -> dict[str, set[str]]:
    """{key: the fields the plan changes on it}."""
    changed: dict[str, set[str]] = {}
    for key, name in zip(plan.changes["key"].tolist(), plan.changes["field"].tolist(), strict=True):
        changed.setdefault(str(key), set()).add(str(name))
    return changed


def changes_of(plan: Plan, kind: type[C]) -> tuple[dict[str, C], dict[str, set[str]]]:
    """{SKU: change} for the plan's price and quantity updates (a relist sets the quantity) and its delists
    (quantity 0), in absolute values, each a ``kind`` (:class:`Change` or a channel's subclass of it); and {key: the
    fields the plan changes}, for what a channel does with the rest (a title, a relist)."""
    wanted = plan.desired
    changed = changed_fields(plan)
    out: dict[str, C] = {}
    for key in map(str, plan.keys(UPDATE)):
        fields = changed.get(key, set())
        change = kind(key)
        if PRICE in fields and key in wanted.index and PRICE in wanted.columns:
            change.price = whole(wanted.at[key, PRICE])
        if (QUANTITY in fields or LISTED in fields) and key in wanted.index and QUANTITY in wanted.columns:
            change.quantity = whole(wanted.at[key, QUANTITY])
        if change.price is not None or change.quantity is not None:
            out[key] = change
    for key in map(str, plan.keys(DELIST)):
        out[key] = kind(key, quantity=0, delist=True)
    return out, changed
