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

MONEY_SCALE = 100
MAX_MONEY_DIGITS = 13  # integer digits; far above any real price, far below int64 overflow

_SPACES = r"[\u00a0\u2007\u202f\u200b\ufeff]"


@dataclass
class Parsed:
    values: pd.Series
    problem: pd.Series  # "" = fine

    @property
    def bad(self) -> pd.Series:
        return self.problem.ne("")


def clean(text: pd.Series) -> pd.Series:
    """Trim surrounding space, counting non-breaking and zero-width spaces as space."""
    if not len(text):
        return text
    has_odd = text.str.contains(_SPACES, regex=True)
    if has_odd.any():
        text = text.where(~has_odd, text.str.replace(_SPACES, " ", regex=True))
    return text.str.strip()


def _problems(index: pd.Index) -> pd.Series:
    return pd.Series("", index=index, dtype="str")


def _digits_to_int(text: pd.Series) -> pd.Series:
    """Digit strings (already validated) to int64."""
    return pd.Series(pa.array(text.array).cast(pa.int64()) if len(text) else [], index=text.index, dtype="int64")


def _to_cents(normal: pd.Series) -> pd.Series:
    """``"12"``, ``"12.5"``, ``".5"``, ``"12.50"`` (validated) to integer cents."""
    whole = normal.str.extract(r"^(\d*)", expand=False).replace("", "0")
    frac = normal.str.extract(r"\.(\d{1,2})$", expand=False).fillna("").str.pad(2, side="right", fillchar="0")
    return _digits_to_int(whole) * MONEY_SCALE + _digits_to_int(frac)


_PLAIN_MONEY = r"\d{1,13}(\.\d{1,2})?"
_CURRENCY_NOISE = r"(?i)[€$£¥\s\u00a0\u202f]|\b(eur|usd|gbp|chf|sek|nok|dkk|pln|czk|jpy|aud|cad)\b|(eur|usd|gbp)"


def parse_money(text: pd.Series) -> Parsed:
    """Prices: ``12.50``, ``12,50``, ``€ 12,50``, ``1.234,56``, ``1,234.56``, ``EUR 9.95`` where unambiguous.

    Problems: ``invalid``, ``ambiguous`` (``1,234`` may be 1.234 or 1234), ``decimals`` (more than two), ``negative``,
    ``zero`` (a price must be above zero), ``too-large``. Empty text is no problem (values NA).
    """
    text = clean(text)
    cents = pd.Series(pd.NA, index=text.index, dtype="Int64")
    problem = _problems(text.index)
    if not len(text):
        return Parsed(cents, problem)
    plain = text.str.fullmatch(_PLAIN_MONEY)
    if plain.any():
        cents[plain] = _to_cents(text[plain])
    other = ~plain & text.ne("")
    if other.any():
        values, reasons = _parse_unusual_money(text[other])
        cents[other] = values
        problem[other] = reasons
    problem[cents.eq(0).fillna(False) & problem.eq("")] = "zero"
    return Parsed(cents, problem)


def _parse_unusual_money(text: pd.Series) -> tuple[pd.Series, pd.Series]:
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


def format_money(cents: pd.Series) -> pd.Series:
    """Integer cents to ``"12.50"``; NA stays NA."""
    known = cents.notna()
    out = pd.Series(pd.NA, index=cents.index, dtype="str")
    if known.any():
        c = cents[known].astype("int64")
        sign = np.where(c < 0, "-", "")
        c = c.abs()
        whole = (c // MONEY_SCALE).astype("str")
        frac = (c % MONEY_SCALE).astype("str").str.pad(2, side="left", fillchar="0")
        out[known] = pd.Series(sign, index=c.index, dtype="str") + whole + "." + frac
    return out


def parse_quantity(text: pd.Series) -> Parsed:
    """Stock: non-negative whole numbers (``12``; ``12.0`` as a spreadsheet writes it). Problems: ``negative``,
    ``fraction``, ``invalid``, ``too-large``."""
    text = clean(text)
    values = pd.Series(pd.NA, index=text.index, dtype="Int64")
    problem = _problems(text.index)
    if not len(text):
        return Parsed(values, problem)
    whole = text.str.fullmatch(r"\d{1,15}(\.0+)?")
    if whole.any():
        values[whole] = _digits_to_int(text[whole].str.replace(r"\.0+$", "", regex=True))
    other = ~whole & text.ne("")
    if other.any():
        t = text[other]
        reason = pd.Series("invalid", index=t.index, dtype="str")
        reason[t.str.fullmatch(r"\d{16,}")] = "too-large"
        reason[t.str.fullmatch(r"-\s*\d+([.,]0+)?")] = "negative"
        reason[t.str.fullmatch(r"-?\d*[.,]\d+") & ~t.str.fullmatch(r"-\s*\d+([.,]0+)?")] = "fraction"
        problem[other] = reason
    return Parsed(values, problem)


def parse_decimal(text: pd.Series) -> Parsed:
    """Plain decimals such as weights, ``1.5`` or ``1,5``; values as str in ``1.5`` form. Problem: ``invalid``."""
    text = clean(text)
    normal = text.str.replace(",", ".", regex=False)
    ok = normal.str.fullmatch(r"\d+(\.\d+)?|\.\d+") | text.eq("")
    problem = _problems(text.index)
    problem[~ok] = "invalid"
    values = normal.where(ok & text.ne(""))
    return Parsed(values, problem)


# --- GTIN -------------------------------------------------------------------------------------------------------

GTIN_LENGTHS = (8, 12, 13, 14)
_WEIGHTS = np.array([3 if i % 2 == 0 else 1 for i in range(13)], dtype=np.int64)


def _digit_matrix(digits14: pd.Series) -> np.ndarray:
    joined = "".join(digits14.tolist()).encode("ascii")
    return np.frombuffer(joined, dtype=np.uint8).reshape(-1, 14).astype(np.int64) - 48


def gtin_expected_check(digits14: pd.Series) -> np.ndarray:
    """For 14-digit strings: the GS1 mod-10 check digit their first 13 digits call for."""
    if not len(digits14):
        return np.zeros(0, dtype=np.int64)
    return np.asarray((10 - (_digit_matrix(digits14)[:, :13] @ _WEIGHTS) % 10) % 10)


def gtin_check_ok(digits14: pd.Series) -> np.ndarray:
    """For 14-digit strings: does the last digit match the check digit of the others?"""
    if not len(digits14):
        return np.zeros(0, dtype=bool)
    matrix = _digit_matrix(digits14)
    return np.asarray((10 - (matrix[:, :13] @ _WEIGHTS) % 10) % 10 == matrix[:, 13])


def gtin_check_digit(body: str) -> int:
    """The check digit to append to ``body`` (7, 11, 12 or 13 digits)."""
    padded = body.rjust(13, "0")
    total = sum(int(d) * int(w) for d, w in zip(padded, _WEIGHTS, strict=True))
    return (10 - total % 10) % 10


def parse_gtin(text: pd.Series) -> Parsed:
    """GTIN-8/12/13/14 as digit text (never a number). Values: the GTIN in its native length.

    Problems: ``scientific`` (a spreadsheet wrote it as ``8.71234E+12``: digits are lost), ``not-digits``,
    ``length``, ``check-digit``, ``zeros``; and the fixable ``leading-zero`` (a spreadsheet dropped leading zeros:
    the zero-padded value validates, and is the value returned).
    """
    text = clean(text).str.replace(" ", "", regex=False)
    values = pd.Series(pd.NA, index=text.index, dtype="str")
    problem = _problems(text.index)
    if not len(text):
        return Parsed(values, problem)
    filled = text.ne("")
    if not filled.any():
        return Parsed(values, problem)
    text = text.where(~text.str.fullmatch(r"\d+\.0+"), text.str.replace(r"\.0+$", "", regex=True))
    digits = text.str.fullmatch(r"\d{1,14}")
    problem[filled & ~digits] = "not-digits"
    problem[text.str.fullmatch(r"\d+([.,]\d+)?[eE]\+?\d+")] = "scientific"
    problem[text.str.fullmatch(r"\d{15,}")] = "length"
    length = text.str.len()
    if digits.any():
        d = text[digits]
        ok = pd.Series(gtin_check_ok(d.str.pad(14, side="left", fillchar="0")), index=d.index)
        n = length[digits]
        native = n.isin(GTIN_LENGTHS)
        zeros = d.str.fullmatch(r"0+")
        lost_zero = n.isin((7, 9, 10, 11)) & ok & ~zeros
        good = native & ok & ~zeros
        values[good[good].index] = d[good]
        fixed = d[lost_zero].str.pad(12, side="left", fillchar="0")
        fixed = fixed.where(n[lost_zero].ne(7), d[lost_zero].str.pad(8, side="left", fillchar="0"))
        values[fixed.index] = fixed
        reason = pd.Series("", index=d.index, dtype="str")
        reason[~native & ~lost_zero] = "length"
        reason[native & ~ok] = "check-digit"
        reason[zeros] = "zeros"
        reason[lost_zero] = "leading-zero"
        problem[d.index] = reason
    return Parsed(values, problem)


def normalize_gtin14(gtin: pd.Series) -> pd.Series:
    """GTINs padded to 14 digits: the form in which two GTINs are compared."""
    return gtin.str.pad(14, side="left", fillchar="0")


# --- small vocabularies -----------------------------------------------------------------------------------------


def url_ok(text: pd.Series) -> pd.Series:
    return text.str.fullmatch(r"(?i)https?://[^\s/?#]+[^\s]*")


def parse_choice(text: pd.Series, allowed: dict[str, str]) -> Parsed:
    """Map spellings (compared case-insensitively) to canonical values. Problem: ``invalid``; empty stays NA."""
    text = clean(text)
    folded = text.str.casefold()
    values = folded.map(allowed).astype("str")
    problem = _problems(text.index)
    problem[values.isna() & text.ne("")] = "invalid"
    return Parsed(values, problem)
