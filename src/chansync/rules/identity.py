"""Identity rules: SKUs present and unique, GTINs well formed, variants pointing at a real parent."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from .. import columns, parse
from ..catalog import Catalog
from ..fields import REQUIRED_VALUES, ROW, Field, Kind
from ..i18n import N_, _, fill, number
from ..issues import Severity, define
from ..parse import gtin_expected_check, pad14
from ..wording import label
from ._place import at, by_reason, quoted, text_at

REQUIRED_VALUE = define("required-value", Severity.ERROR, "An active product lacks a value every channel needs.")
DUPLICATE_SKU = define(
    "duplicate-sku", Severity.ERROR, "Two rows have the same SKU (also when they differ only by spaces)."
)
SKU_TOO_LONG = define("sku-too-long", Severity.ERROR, "A SKU is longer than channels accept (100 characters).")
GTIN_AS_NUMBER = define(
    "gtin-as-number", Severity.ERROR, "A spreadsheet turned the GTIN into a number in scientific notation."
)
GTIN_LEADING_ZERO = define(
    "gtin-leading-zero", Severity.WARNING, "A spreadsheet dropped the GTIN's leading zeros; chansync restored them."
)
GTIN_INVALID = define("gtin-invalid", Severity.ERROR, "A GTIN holds something other than 8, 12, 13 or 14 digits.")
GTIN_CHECK_DIGIT = define("gtin-check-digit", Severity.ERROR, "A GTIN's check digit does not match its digits.")
PARENT_UNKNOWN = define(
    "parent-sku-unknown", Severity.WARNING, "A variant names a parent SKU that is not in the sheet."
)

_SKU = Field.SKU.value
_GTIN_REASONS = {
    "not-digits": N_("The GTIN {gtin} holds characters other than digits."),
    "length": N_("The GTIN {gtin} is not 8, 12, 13 or 14 digits long."),
    "zeros": N_("The GTIN {gtin} is all zeros."),
}


def check(catalog: Catalog) -> Iterator[pd.DataFrame]:
    yield from _required(catalog)
    yield from _duplicates(catalog)
    yield from _gtin(catalog)
    yield from _parents(catalog)


def active_rows(catalog: Catalog) -> pd.Series:
    status = Field.STATUS.value
    if not catalog.has(status):
        return pd.Series(True, index=catalog.frame.index)
    return catalog.frame[status].ne("inactive").fillna(True)


def parent_rows(catalog: Catalog) -> pd.Series:
    """Rows that other rows name as their parent: a variable product's own row, which needs no price."""
    parent = Field.PARENT_SKU.value
    if not catalog.has(parent):
        return pd.Series(False, index=catalog.frame.index)
    filled = columns.filled(catalog.frame[parent]).to_numpy()
    if not filled.any():
        return pd.Series(False, index=catalog.frame.index)
    sku_codes, parent_codes = catalog.sku_codes()  # hashed once for the duplicate and parent checks
    named = np.zeros(int(max(sku_codes.max(initial=-1), parent_codes.max(initial=-1))) + 1, dtype=bool)
    named[parent_codes[filled]] = True
    return pd.Series(named[sku_codes] & (sku_codes >= 0), index=catalog.frame.index)


def _required(catalog: Catalog) -> Iterator[pd.DataFrame]:
    has_sku = columns.filled(catalog.frame[_SKU])
    yield at(catalog, REQUIRED_VALUE, ~has_sku, _("This row has no SKU; it cannot be matched on any channel."), _SKU)
    active: pd.Series | None = None
    for field_ in REQUIRED_VALUES:
        name = field_.value
        if field_ is Field.SKU or not catalog.has(name):
            continue
        values = catalog.frame[name]
        empty = values.isna() if field_.kind is Kind.MONEY else columns.is_empty(parse.clean(values))
        empty &= has_sku
        if name in catalog.problems:  # a value that is there but wrong is reported by its own rule
            empty[catalog.problems[name].index] = False
        if not empty.any():
            continue
        active = active_rows(catalog) if active is None else active
        empty &= active
        if field_ is Field.PRICE:
            empty &= ~parent_rows(catalog)
        message = _("This active product has no {field}.").format(field=label(field_))
        yield at(catalog, REQUIRED_VALUE, empty, message, name)


def _duplicates(catalog: Catalog) -> Iterator[pd.DataFrame]:
    sku = catalog.frame[_SKU]
    filled = columns.filled(sku)
    codes = catalog.sku_codes()[0][filled.to_numpy()]
    if not len(codes) or np.bincount(codes).max() == 1:
        dup = pd.Series(False, index=sku.index)
    else:
        dup = sku.duplicated(keep=False) & filled
    if dup.any():
        others = _rows_of_each(sku[dup], catalog.frame.loc[dup, ROW])
        differs = catalog.sku_spaced[dup] if catalog.sku_spaced is not None else pd.Series(False, index=sku[dup].index)
        templates = {
            False: _("The SKU {sku} appears in rows {rows}; each SKU must be unique."),
            True: _(
                "The SKU {sku} appears in rows {rows} (once written with extra or non-breaking spaces); each SKU must "
                "be unique."
            ),
        }
        spaced = differs.astype(bool)
        message = pd.Series("", index=sku[dup].index, dtype="object")
        for flag, template in templates.items():
            rows = spaced.eq(flag)
            if rows.any():
                message[rows] = fill(template, sku=quoted(sku[dup][rows]), rows=others[rows])
        yield at(catalog, DUPLICATE_SKU, dup, message.reindex(catalog.frame.index), _SKU)
    long = columns.length(sku).gt(Field.SKU.info.max_length or 100) & filled
    too_long = _("This SKU is longer than 100 characters, more than channels accept.")
    yield at(catalog, SKU_TOO_LONG, long, too_long, _SKU)


#: Rows a duplicate-SKU message lists; the rest are counted, so memory stays linear when every row has one SKU.
SHOWN_ROWS = 5


def _rows_of_each(sku: pd.Series, rows: pd.Series) -> pd.Series:
    """Per row, the first :data:`SHOWN_ROWS` rows holding its SKU and "and N more": the full list on every row
    would make the report grow with the square of the rows (20,000 copies of one SKU: 20,000 lists of 20,000)."""
    groups = pd.DataFrame({"sku": sku, "row": rows.astype("int64").astype(str)}).groupby("sku", sort=False)["row"]
    size = groups.transform("size")
    first = groups.head(SHOWN_ROWS)
    listed = pd.DataFrame({"sku": sku[first.index], "row": first}).groupby("sku", sort=False)["row"].agg(", ".join)
    text = sku.map(listed).astype("str")
    more = size - SHOWN_ROWS
    suffix = fill(_(" and {count} more"), count=more.map(number))
    return text.where(more.le(0), text + suffix)


def _gtin(catalog: Catalog) -> Iterator[pd.DataFrame]:
    for name in catalog.columns_of(Field.GTIN):
        problem = catalog.problems.get(name)
        if problem is None:
            continue
        text = text_at(catalog, name, problem)
        value = catalog.frame.loc[problem.index, name]
        sci = problem.eq("scientific")
        yield at(
            catalog,
            GTIN_AS_NUMBER,
            sci,
            fill(
                _(
                    "The GTIN {gtin} was turned into a number in scientific notation by a spreadsheet (Excel does "
                    "this to long numbers) and its last digits are lost; format the column as Text and type the full "
                    "barcode again."
                ),
                gtin=quoted(text),
            ),
            name,
        )
        fixed = problem.eq("leading-zero")
        yield at(
            catalog,
            GTIN_LEADING_ZERO,
            fixed,
            fill(
                _(
                    "The GTIN {gtin} lost its leading zero(s) in a spreadsheet; it is read as {read}. Format the "
                    "column as Text to keep the zeros."
                ),
                gtin=quoted(text),
                read=quoted(value.fillna("")),
            ),
            name,
        )
        invalid = problem.isin(["not-digits", "length", "zeros"])
        reason = by_reason(problem, _GTIN_REASONS, gtin=quoted(text))
        yield at(catalog, GTIN_INVALID, invalid, reason.fillna(""), name)
        check = problem.eq("check-digit")
        if check.any():
            expected = pd.Series("", index=text.index, dtype="str")
            digits = pad14(text[check].str.strip().str.replace(" ", "", regex=False))
            expected[check] = pd.Series(gtin_expected_check(digits), index=digits.index).astype(str)
            message = fill(
                _("The GTIN {gtin} has a wrong check digit: it ends in {last} but its digits call for {expected}."),
                gtin=quoted(text),
                last=text.str.slice(-1),
                expected=expected,
            )
            yield at(catalog, GTIN_CHECK_DIGIT, check, message, name)


def _parents(catalog: Catalog) -> Iterator[pd.DataFrame]:
    parent = Field.PARENT_SKU.value
    if not catalog.has(parent):
        return
    named = catalog.frame[parent]
    filled = columns.filled(named).to_numpy()
    if not filled.any():
        return
    sku_codes, parent_codes = catalog.sku_codes()
    is_sku = np.zeros(int(max(sku_codes.max(initial=-1), parent_codes.max(initial=-1))) + 2, dtype=bool)
    is_sku[sku_codes[sku_codes >= 0]] = True
    unknown = pd.Series(filled & ~is_sku[parent_codes], index=named.index)
    if not unknown.any():
        return
    named = named[unknown]  # the message for the rows with the issue only
    yield at(
        catalog,
        PARENT_UNKNOWN,
        unknown,
        fill(_("This variant names the parent SKU {parent}, which is not a SKU in this sheet."), parent=quoted(named)),
        parent,
    )
