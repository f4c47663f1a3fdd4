"""The safety guard: a plan that would take a large share of a channel's live listings off sale, or reprice most of
them, is refused unless the user says ``--force``. A renamed or emptied stock column must not empty a shop."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .config import GuardRules
from .fields import Field
from .i18n import _, number, percent
from .model import DELIST, LIVE, Plan


@dataclass
class GuardVerdict:
    live: int
    off_sale: int  # delisted, or stock set to 0 from above 0
    repriced: int
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons


def check_guard(plan: Plan, rules: GuardRules) -> GuardVerdict:
    """Count what the plan takes off sale and reprices among the channel's live listings, against the limits."""
    current = plan.current
    live_mask = current[LIVE].fillna(True).astype(bool) if LIVE in current.columns else pd.Series(True, current.index)
    live = int(live_mask.sum())
    delisted = plan.keys(DELIST)
    selling = live_mask
    if Field.QUANTITY.value in current.columns:  # a listing already at 0 stock is off sale: delisting it takes nothing
        stock = current[Field.QUANTITY.value].astype("Int64")
        selling = live_mask & ~stock.eq(0).fillna(False)
    off_sale = int(selling.reindex(delisted).fillna(False).sum()) if len(delisted) else 0
    changes = plan.changes
    quantity = changes[changes["field"].eq(Field.QUANTITY.value)]
    if len(quantity):
        new = pd.to_numeric(quantity["new"], errors="coerce")
        old = pd.to_numeric(quantity["old"], errors="coerce")
        zeroed = quantity["key"][(new == 0) & ((old > 0) | old.isna())]
        off_sale += int(live_mask.reindex(pd.Index(zeroed)).fillna(False).sum())
    # Every price change belongs to an update (a create has none): counting them needs no key lookups, which on
    # object arrays grew faster than the catalogue (np.isin over a million keys took most of a push).
    repriced = int(changes["field"].eq(Field.PRICE.value).sum())
    verdict = GuardVerdict(live, off_sale, repriced)
    if live == 0:
        return verdict  # a new or empty channel: nothing to protect
    if off_sale / live > rules.max_delist_share:
        verdict.reasons.append(
            _share(
                _(
                    "the plan takes {count} of {live} live listings off sale ({share}; delisted or stock set to 0), "
                    "more than guard.max_delist_share {limit}"
                ),
                off_sale,
                live,
                rules.max_delist_share,
            )
        )
    if repriced / live > rules.max_price_change_share:
        verdict.reasons.append(
            _share(
                _(
                    "the plan changes the price of {count} of {live} live listings ({share}), more than "
                    "guard.max_price_change_share {limit}"
                ),
                repriced,
                live,
                rules.max_price_change_share,
            )
        )
    return verdict


def _share(template: str, count: int, live: int, limit: float) -> str:
    """A guard's reason: ``count`` of ``live`` listings, their share and the configured limit, in the run's notation."""
    return template.format(count=number(count), live=number(live), share=percent(count / live), limit=percent(limit))
