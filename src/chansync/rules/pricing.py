"""Pricing rules: prices that parse to exact amounts, sale prices below prices, currency codes."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from ..catalog import Catalog
from ..fields import OVERRIDE_SEPARATOR, Field
from ..i18n import N_, _, decimal_text, fill
from ..issues import Severity, define
from ..wording import definite, upper_first
from ._place import at, by_reason, quoted, text_at

PRICE_INVALID = define("price-invalid", Severity.ERROR, "A price is not a number above zero with at most 2 decimals.")
PRICE_AMBIGUOUS = define(
    "price-ambiguous", Severity.ERROR, "A price such as 1,234 could be read two ways (1.234 or 1234)."
)
SALE_ABOVE_PRICE = define("sale-price-above-price", Severity.ERROR, "A sale price is higher than the regular price.")
CURRENCY_INVALID = define("currency-invalid", Severity.ERROR, "A currency is not a three-letter ISO 4217 code.")

_REASONS = {
    "invalid": N_("{the_field} {value} is not a price."),
    "decimals": N_("{the_field} {value} has more than two decimals."),
    "negative": N_("{the_field} {value} is negative."),
    "zero": N_("{the_field} {value} is zero; a price must be above zero."),
    "too-large": N_("{the_field} {value} is too large to be a price."),
}


def check(catalog: Catalog) -> Iterator[pd.DataFrame]:
    for field_ in (Field.PRICE, Field.SALE_PRICE):
        for name in catalog.columns_of(field_):
            problem = catalog.problems.get(name)
            if problem is None:
                continue
            text = text_at(catalog, name, problem).str.strip()
            the_field = upper_first(definite(field_))
            reason = by_reason(problem, _REASONS, the_field=the_field, value=quoted(text))
            yield at(catalog, PRICE_INVALID, reason.notna(), reason, name)
            yield at(
                catalog,
                PRICE_AMBIGUOUS,
                problem.eq("ambiguous"),
                fill(
                    _(
                        "{the_field} {value} is ambiguous: it could mean {one} or {other}. Write it without a "
                        "thousands separator, with a decimal point or comma before the cents."
                    ),
                    the_field=the_field,
                    value=quoted(text),
                    one=decimal_text(text.str.replace(",", ".", regex=False)),  # Dutch: 1,234 (one and a bit)
                    other=text.str.replace(r"[.,]", "", regex=True),
                ),
                name,
            )
    yield from _sale_above_price(catalog)
    if Field.CURRENCY.value in catalog.problems:
        bad = catalog.problems[Field.CURRENCY.value].ne("")
        text = text_at(catalog, Field.CURRENCY.value, bad)
        yield at(
            catalog,
            CURRENCY_INVALID,
            bad,
            fill(_("The currency {value} is not a three-letter ISO 4217 code such as EUR or USD."), value=quoted(text)),
            Field.CURRENCY,
        )


def _sale_above_price(catalog: Catalog) -> Iterator[pd.DataFrame]:
    """Per channel override too: ``sale_price@bol`` is compared with ``price@bol`` where given, else ``price``."""
    if not catalog.has(Field.PRICE) or not catalog.columns_of(Field.SALE_PRICE):
        return
    for name in catalog.columns_of(Field.SALE_PRICE):
        _base, sep, channel = name.partition(OVERRIDE_SEPARATOR)
        price = catalog.frame[Field.PRICE.value]
        override = f"{Field.PRICE.value}{OVERRIDE_SEPARATOR}{channel}"
        if sep and catalog.has(override):
            price = catalog.frame[override].fillna(price)
        sale = catalog.frame[name]
        above = (sale > price).fillna(False)
        if not above.any():
            continue
        rows = above.index[above.to_numpy()]
        message = fill(
            _("The sale price {sale} is above the price {price}."),
            sale=quoted(catalog.text[name].loc[rows]),
            price=quoted(catalog.text[Field.PRICE.value].loc[rows]),
        )
        yield at(catalog, SALE_ABOVE_PRICE, above[rows], message, name)
