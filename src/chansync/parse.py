"""Vectorised parsers from text columns to typed columns.

Each parser takes a str Series and returns the parsed values plus a ``problem`` Series: "" where the text was
fine, else a short reason code that the rules turn into a located issue. Nothing here loops over rows in Python.

Money is exact: integer cents (``MONEY_SCALE`` units per currency unit), never a binary float.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import columns

MONEY_SCALE = 100
MAX_MONEY_DIGITS = 9  # integer digits: up to 999,999,999.99, safe from int64 overflow under markups


@dataclass
class Parsed:
    values: pd.Series
    problem: pd.Series  # "" = fine

    @property
    def bad(self) -> pd.Series:
        return self.problem.ne("")


def clean(text: pd.Series) -> pd.Series:
    """Trim surrounding space, counting non-breaking and zero-width spaces as space."""
    return columns.trim(text) if len(text) else text


def _problems(index: pd.Index) -> pd.Series:
    return columns.blanks(index)


def _digits_to_int(text: pd.Series) -> pd.Series:
    """Digit strings (already validated) to int64."""
    return pd.Series(pa.array(text.array).cast(pa.int64()) if len(text) else [], index=text.index, dtype="int64")


def _to_cents(normal: pd.Series) -> pd.Series:
    """``"12"``, ``"12.5"``, ``".5"``, ``"12.50"`` (validated) to integer cents, exactly."""
    if not len(normal):
        return pd.Series([], index=normal.index, dtype="Int64")
    # At most 9 + 2 digits: the nearest double of such a decimal, times 100, is within far less than half a cent
    # of the exact value, so rounding gives the exact cents (and is about 3x faster than Arrow's decimal cast).
    units = pc.cast(columns.arrow(normal), pa.float64())
    cents = pc.cast(pc.round(pc.multiply(units, float(MONEY_SCALE))), pa.int64())
    return columns.integers(cents, normal.index)


_PLAIN_MONEY = r"\d{1,9}(\.\d{1,2})?|\.\d{1,2}"
_CURRENCY_NOISE = r"(?i)[€$£¥\s\u00a0\u202f]|\b(eur|usd|gbp|chf|sek|nok|dkk|pln|czk|jpy|aud|cad)\b|(eur|usd|gbp)"


def parse_money(text: pd.Series) -> Parsed:
    """Prices: ``12.50``, ``12,50``, ``€ 12,50``, ``1.234,56``, ``1,234.56``, ``EUR 9.95`` where unambiguous.

    Problems: ``invalid``, ``ambiguous`` (``1,234`` may be 1.234 or 1234), ``decimals`` (more than two), ``negative``,
    ``zero`` (a price must be above zero), ``too-large``. Empty text is no problem (values NA).
    """
    problem = _problems(text.index)
    if not len(text) or not columns.filled(text).any():
        return Parsed(pd.Series(pd.NA, index=text.index, dtype="Int64"), problem)
    plain = columns.matches(text, _PLAIN_MONEY)
    cents = _to_cents(text.where(plain))  # NA where not plain
    other = ~plain & columns.filled(text)
    if other.any():
        other &= columns.filled(clean(text[other])).reindex(text.index, fill_value=False)
    if other.any():
        values, reasons = _parse_unusual_money(clean(text[other]))
        cents[other] = values
        problem[other] = reasons
    zero = cents.eq(0).fillna(False)
    if zero.any():
        problem[zero & problem.eq("")] = "zero"
    return Parsed(cents, problem)


def _parse_unusual_money(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The few prices that are not plain ``12.50``: per-pattern, on the small subset only."""
    t = text.str.replace(_CURRENCY_NOISE, "", regex=True)
    negative = t.str.startswith("-") | t.str.endswith("-") | (t.str.startswith("(") & t.str.endswith(")"))
    t = t.str.strip("-()")
    normal = pd.Series("", index=t.index, dtype="str")
    problem = pd.Series("invalid", index=t.index, dtype="str")

    def accept(mask: pd.Series, value: pd.Series) -> None:
        take = mask & problem.eq("invalid")
        normal[take] = value[take]
        problem[take] = ""

    ambiguous = t.str.fullmatch(r"\d{1,3}[.,]\d{3}")
    problem[ambiguous] = "ambiguous"
    accept(t.str.fullmatch(r"\d+"), t)
    accept(t.str.fullmatch(r"\d*[.,]\d{1,2}"), t.str.replace(",", ".", regex=False))
    accept(t.str.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?"), t.str.replace(".", "", regex=False).str.replace(",", "."))
    accept(t.str.fullmatch(r"\d{1,3}(,\d{3})+(\.\d{1,2})?"), t.str.replace(",", "", regex=False))
    accept(t.str.fullmatch(r"\d{1,3}('\d{3})+([.,]\d{1,2})?"), t.str.replace("'", "").str.replace(",", "."))
    problem[problem.eq("invalid") & t.str.fullmatch(r"\d*[.,]\d{3,}")] = "decimals"
    too_large = problem.eq("") & normal.str.extract(r"^(\d*)", expand=False).str.len().gt(MAX_MONEY_DIGITS)
    problem[too_large] = "too-large"
    problem[negative & problem.eq("")] = "negative"
    values = pd.Series(pd.NA, index=t.index, dtype="Int64")
    ok = problem.eq("")
    if ok.any():
        values[ok] = _to_cents(normal[ok])
    return values, problem


#: The cents of a price as text, by value: one lookup instead of formatting and padding each number.
_CENTS = pa.array([f"{i:0{len(str(MONEY_SCALE - 1))}d}" for i in range(MONEY_SCALE)])


def format_money(cents: pd.Series) -> pd.Series:
    """Integer cents to ``"12.50"``; NA stays NA. Arrow kernels, no per-value Python."""
    data = pa.array(cents.astype("Int64").array, type=pa.int64()) if len(cents) else pa.array([], pa.int64())
    return columns.strings(money_text(data), cents.index)


def money_text(data: pa.Array) -> pa.Array:
    """:func:`format_money` on Arrow int64 cents (null stays null), for callers that work on Arrow arrays."""
    size = pc.abs(data)
    whole = pc.divide(size, MONEY_SCALE)
    # abs again: only the smallest int64 has no positive counterpart (its cents would index from the end); no
    # master amount comes near it, but a feed must not fail on one.
    frac = pc.take(_CENTS, pc.abs(pc.subtract(size, pc.multiply(whole, MONEY_SCALE))))
    text = pc.binary_join_element_wise(pc.cast(whole, pa.string()), frac, ".")
    negative = pc.less(data, 0)
    if pc.any(negative).as_py():
        text = pc.if_else(negative, pc.binary_join_element_wise("-", text, ""), text)
    return text


def format_value(kind: str, values: pd.Series) -> pd.Series:
    """Typed values back to text: cents as ``12.50``, whole numbers plain, missing as ""."""
    if kind == "money":
        return format_money(values.astype("Int64")).fillna("")
    if kind == "integer":
        return values.astype("Int64").astype("str").fillna("")
    return values.astype("str").fillna("")


def parse_quantity(text: pd.Series) -> Parsed:
    """Stock: non-negative whole numbers (``12``; ``12.0`` as a spreadsheet writes it). Problems: ``negative``,
    ``fraction``, ``invalid``, ``too-large``."""
    problem = _problems(text.index)
    if not len(text):
        return Parsed(pd.Series(pd.NA, index=text.index, dtype="Int64"), problem)
    whole = columns.matches(text, r"\d{1,15}")
    data = pc.if_else(pa.array(whole.to_numpy()), columns.arrow(text).combine_chunks(), None)
    values = columns.integers(pc.cast(data, pa.int64()), text.index)
    other = ~whole & columns.filled(text)
    if other.any():
        t = clean(text[other])
        other[t.index] = columns.filled(t)
        t = t[columns.filled(t)]
        whole_after_trim = t.str.fullmatch(r"\d{1,15}")
        values[whole_after_trim[whole_after_trim].index] = _digits_to_int(t[whole_after_trim])
        t = t[~whole_after_trim]
        other[whole_after_trim[whole_after_trim].index] = False
        spreadsheet_whole = t.str.fullmatch(r"\d{1,15}\.0+")
        values[spreadsheet_whole[spreadsheet_whole].index] = _digits_to_int(
            t[spreadsheet_whole].str.replace(r"\.0+$", "", regex=True)
        )
        reason = pd.Series("invalid", index=t.index, dtype="str")
        reason[t.str.fullmatch(r"\d{16,}")] = "too-large"
        reason[t.str.fullmatch(r"-\s*\d+([.,]0+)?")] = "negative"
        reason[t.str.fullmatch(r"-?\d*[.,]\d+") & ~t.str.fullmatch(r"-\s*\d+([.,]0+)?")] = "fraction"
        reason[spreadsheet_whole] = ""
        problem[other] = reason
    return Parsed(values, problem)


def parse_decimal(text: pd.Series) -> Parsed:
    """Plain decimals such as weights, ``1.5`` or ``1,5``; values as str in ``1.5`` form. Problem: ``invalid``."""
    problem = _problems(text.index)
    if not len(text):
        return Parsed(text, problem)
    plain = r"\d+(\.\d+)?|\.\d+"
    ok = columns.matches(text, plain)
    values = text if bool(ok.all()) else text.where(ok)  # no copy of a column that is fine throughout
    other = ~ok & columns.filled(text)
    if other.any():
        t = clean(text[other]).str.replace(",", ".", regex=False)
        fine = t.str.fullmatch(plain)
        values[t[fine].index] = t[fine]
        problem[t.index[(~fine & t.ne("")).to_numpy()]] = "invalid"
    return Parsed(values, problem)


# --- GTIN -------------------------------------------------------------------------------------------------------

GTIN_LENGTHS = (8, 12, 13, 14)
_WEIGHTS = np.array([3 if i % 2 == 0 else 1 for i in range(13)], dtype=np.int64)


def _check_digits(digits14: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(expected, actual) check digits of 14-digit strings, summed straight from the ASCII bytes."""
    codes = columns.ascii_matrix(digits14, 14)
    odd = codes[:, 0:13:2].sum(axis=1, dtype=np.int32) - 48 * 7  # positions weighted 3
    even = codes[:, 1:13:2].sum(axis=1, dtype=np.int32) - 48 * 6  # positions weighted 1
    expected = (10 - (3 * odd + even) % 10) % 10
    return expected, codes[:, 13].astype(np.int32) - 48


def gtin_expected_check(digits14: pd.Series) -> np.ndarray:
    """For 14-digit strings: the GS1 mod-10 check digit their first 13 digits call for."""
    return _check_digits(digits14)[0]


def gtin_check_ok(digits14: pd.Series) -> np.ndarray:
    """For 14-digit strings: does the last digit match the check digit of the others?"""
    expected, actual = _check_digits(digits14)
    return np.asarray(expected == actual)


def gtin_check_digit(body: str) -> int:
    """The check digit to append to ``body`` (7, 11, 12 or 13 digits)."""
    padded = body.rjust(13, "0")
    total = sum(int(d) * int(w) for d, w in zip(padded, _WEIGHTS, strict=True))
    return (10 - total % 10) % 10


def pad14(values: pd.Series) -> pd.Series:
    return columns.strings(pc.utf8_lpad(columns.arrow(values), width=14, padding="0"), values.index)


def parse_gtin(text: pd.Series) -> Parsed:
    """GTIN-8/12/13/14 as digit text (never a number). Values: the GTIN in its native length.

    Problems: ``scientific`` (a spreadsheet wrote it as ``8.71234E+12``: digits are lost), ``not-digits``,
    ``length``, ``check-digit``, ``zeros``; and the fixable ``leading-zero`` (a spreadsheet dropped leading zeros:
    the zero-padded value validates, and is the value returned).
    """
    problem = _problems(text.index)
    if not len(text):
        return Parsed(pd.Series(pd.NA, index=text.index, dtype="str"), problem)
    filled = columns.filled(text)
    if not filled.any():
        return Parsed(pd.Series(pd.NA, index=text.index, dtype="str"), problem)
    digits = columns.matches(text, r"\d{1,14}")
    odd = filled & ~digits
    if odd.any():
        text = text.copy()
        text[odd] = clean(text[odd]).str.replace(" ", "", regex=False)
        digits[odd] = text[odd].str.fullmatch(r"\d{1,14}")
        odd &= ~digits
    if odd.any():
        t = text[odd]
        point_zero = t.str.fullmatch(r"\d{1,14}\.0+")  # 8712345678906.0 from a float export: digits intact
        text = text.copy()
        text[point_zero[point_zero].index] = t[point_zero].str.replace(r"\.0+$", "", regex=True)
        digits[point_zero[point_zero].index] = True
        reason = pd.Series("not-digits", index=t.index, dtype="str")
        reason[t.str.fullmatch(r"\d+([.,]\d+)?[eE]\+?\d+")] = "scientific"
        reason[t.str.fullmatch(r"\d{15,}")] = "length"
        reason[point_zero] = ""
        problem[t.index] = reason
    values = pd.Series(pd.NA, index=text.index, dtype="str")
    if digits.any():
        d = text[digits]
        ok = pd.Series(gtin_check_ok(pad14(d)), index=d.index)
        n = columns.length(d)
        native = n.isin(GTIN_LENGTHS)
        zeros = columns.matches(d, "0+")
        lost_zero = n.isin((7, 9, 10, 11)) & ok & ~zeros
        good = native & ok & ~zeros
        good_rows = pd.Series(False, index=text.index)
        good_rows[good.index] = good
        values = text if bool(good_rows.all()) else text.where(good_rows)
        if lost_zero.any():
            short = d[lost_zero]
            fixed = short.str.pad(12, side="left", fillchar="0")
            fixed = fixed.where(n[lost_zero].ne(7), short.str.pad(8, side="left", fillchar="0"))
            values[fixed.index] = fixed
        bad = ~good
        if bad.any():
            reason = pd.Series("", index=d.index[bad.to_numpy()], dtype="str")
            reason[(~native & ~lost_zero)[bad]] = "length"
            reason[(native & ~ok)[bad]] = "check-digit"
            reason[zeros[bad]] = "zeros"
            reason[lost_zero[bad]] = "leading-zero"
            problem[reason.index] = reason
    return Parsed(values, problem)


def normalize_gtin14(gtin: pd.Series) -> pd.Series:
    """GTINs padded to 14 digits: the form in which two GTINs are compared."""
    return pad14(gtin.astype("str"))


# --- small vocabularies -----------------------------------------------------------------------------------------


def url_ok(text: pd.Series) -> pd.Series:
    """An absolute http(s) link with a host and no spaces."""
    if not columns.has_byte_below(text, 0x21):  # no white space anywhere in the column: the start decides
        return columns.booleans(pc.match_substring_regex(columns.arrow(text), r"^(?i)https?://[^/?#]"), text.index)
    return columns.matches(text, r"(?i)https?://[^\s/?#]+[^\s]*")


def parse_choice(text: pd.Series, allowed: dict[str, str]) -> Parsed:
    """Map spellings (compared case-insensitively) to canonical values. Problem: ``invalid``; empty stays NA."""
    values, bad = columns.map_few(text, allowed)
    problem = _problems(text.index)
    if bad.any():
        problem[bad] = "invalid"
    return Parsed(values, problem)


def parse_currency(text: pd.Series) -> Parsed:
    """ISO 4217 shaped codes (three letters), upper-cased. Problem: ``invalid``."""

    def code(value: str) -> str | None:
        upper = value.strip().upper()
        return upper if len(upper) == 3 and upper.isascii() and upper.isalpha() else None

    values, bad = columns.by_distinct(text, code)
    problem = _problems(text.index)
    if bad.any():
        problem[bad] = "invalid"
    return Parsed(values, problem)
