"""Stock rules: quantities that are whole numbers of 0 or more, and a stock sheet that matches the products."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from .. import columns
from ..catalog import Catalog, Stock
from ..fields import ROW, Field, StockField
from ..i18n import N_, _, fill
from ..issues import IssueCode, Severity, define, frame_of
from ._place import at, by_reason, quoted, text_at
from .identity import active_rows, parent_rows

QUANTITY_INVALID = define("quantity-invalid", Severity.ERROR, "A quantity is not a whole number of 0 or more.")
STOCK_UNKNOWN_SKU = define(
    "stock-unknown-sku", Severity.WARNING, "The stock sheet has a row for a SKU not in products."
)
STOCK_DUPLICATE = define(
    "stock-duplicate-location", Severity.ERROR, "The stock sheet has the same SKU and location twice."
)
STOCK_MISSING = define(
    "stock-missing", Severity.WARNING, "An active product has no row in the stock sheet; its stock is left as is."
)
QUANTITY_IGNORED = define(
    "quantity-column-ignored", Severity.WARNING, "The products sheet has a quantity column, but a stock sheet is used."
)

_REASONS = {
    "negative": N_("The quantity {value} is negative; stock must be 0 or more."),
    "fraction": N_("The quantity {value} is not a whole number."),
    "invalid": N_("The quantity {value} is not a number."),
    "too-large": N_("The quantity {value} is too large to be a stock quantity."),
}
_STOCK_REASONS = {
    "negative": N_("The stock quantity {value} is negative; stock must be 0 or more."),
    "fraction": N_("The stock quantity {value} is not a whole number."),
    "invalid": N_("The stock quantity {value} is not a number."),
    "too-large": N_("The stock quantity {value} is too large to be a stock quantity."),
}
_SKU, _LOCATION, _QUANTITY = str(StockField.SKU), str(StockField.LOCATION), str(StockField.QUANTITY)


def check(catalog: Catalog) -> Iterator[pd.DataFrame]:
    problem = catalog.problems.get(Field.QUANTITY.value)
    if problem is not None and catalog.stock is None:
        text = text_at(catalog, Field.QUANTITY.value, problem)
        reason = by_reason(problem, _REASONS, value=quoted(text))
        yield at(catalog, QUANTITY_INVALID, reason.notna(), reason, Field.QUANTITY)
    if catalog.stock is not None:
        yield from _stock_sheet(catalog, catalog.stock)


def _stock_sheet(catalog: Catalog, stock: Stock) -> Iterator[pd.DataFrame]:
    frame = stock.frame
    if catalog.has(Field.QUANTITY):
        yield frame_of(
            QUANTITY_IGNORED,
            message=_(
                "The products sheet has a quantity column ({column}), but stock is read from the stock sheet; the "
                "column is ignored."
            ).format(column=repr(catalog.source.column(Field.QUANTITY))),
            file=catalog.source.file,
            sheet=catalog.source.sheet,
            column=catalog.source.column(Field.QUANTITY),
            rows=pd.Series([catalog.source.header_row], dtype="Int64"),
        )
    problem = stock.problems.get(_QUANTITY)
    if problem is not None:
        message = by_reason(problem, _STOCK_REASONS, value=quoted(stock.text.loc[problem.index, _QUANTITY]))
        yield _at_stock(stock, QUANTITY_INVALID, message.notna(), message, _QUANTITY)
    unknown = ~columns.isin(frame[_SKU], catalog.frame[Field.SKU.value]) & columns.filled(frame[_SKU])
    if unknown.any():
        yield _at_stock(
            stock,
            STOCK_UNKNOWN_SKU,
            unknown,
            fill(
                _("The stock sheet lists SKU {sku}, which is not in the products sheet."),
                sku=quoted(frame.loc[unknown, _SKU]),  # the rows with the issue only
            ),
            _SKU,
        )
    dup = frame.duplicated([_SKU, _LOCATION], keep="first") & frame[_SKU].ne("")
    if dup.any():
        first = frame.groupby([_SKU, _LOCATION], sort=False)[ROW].transform("first").astype(str)
        message = fill(
            _(
                "SKU {sku} at location {location} is already in row {row}; its stock is ambiguous and is left as is "
                "on every channel."
            ),
            sku=quoted(frame[_SKU]),
            location=quoted(frame[_LOCATION]),
            row=first,
        )
        yield _at_stock(stock, STOCK_DUPLICATE, dup, message, _LOCATION, field=Field.QUANTITY.value)
    sku = catalog.frame[Field.SKU.value]
    missing = ~columns.isin(sku, frame[_SKU]) & columns.filled(sku)
    if missing.any():
        missing &= active_rows(catalog) & ~parent_rows(catalog)
    yield at(
        catalog,
        STOCK_MISSING,
        missing,
        _("This product has no row in the stock sheet; its stock is left unchanged on every channel."),
        Field.SKU,
    )


def _at_stock(
    stock: Stock, code: IssueCode, mask: pd.Series, message: str | pd.Series, column: str, *, field: str | None = None
) -> pd.DataFrame:
    labels = mask.index[mask.to_numpy()]
    if not len(labels):
        return frame_of(code, message="")[0:0]
    frame = stock.frame
    return frame_of(
        code,
        message=message.loc[labels] if isinstance(message, pd.Series) else message,
        rows=frame.loc[labels, ROW].astype("Int64"),
        skus=frame.loc[labels, _SKU],
        values=stock.text.loc[labels, column] if column in stock.text else frame.loc[labels, column].astype("str"),
        file=stock.source.file,
        sheet=stock.source.sheet,
        column=stock.source.column(column),
        field=field or (Field.QUANTITY.value if column == _QUANTITY else column),
    )
