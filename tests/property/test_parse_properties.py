"""Parsing invariants, for any input hypothesis can think of."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chansync.fields import ROW
from chansync.parse import format_money, gtin_check_digit, parse_gtin, parse_money, parse_quantity
from chansync.sheet import read_table

CENTS = st.integers(min_value=1, max_value=99_999_999_999)


def strs(values: list[str]) -> pd.Series:
    return pd.Series(values, dtype="str")


@given(st.lists(CENTS, min_size=1, max_size=30))
def test_money_round_trips_through_its_text(cents: list[int]) -> None:
    values = pd.Series(cents, dtype="Int64")
    parsed = parse_money(format_money(values))
    assert parsed.values.tolist() == cents
    assert parsed.problem.eq("").all()


@given(CENTS)
def test_european_and_us_spellings_mean_the_same(cents: int) -> None:
    whole, frac = divmod(cents, 100)
    grouped = f"{whole:,}"
    us = f"{grouped}.{frac:02d}"
    eu = grouped.replace(",", ".") + f",{frac:02d}"
    parsed = parse_money(strs([us, eu, f"€ {eu}", f"{us} EUR"]))
    assert parsed.values.tolist() == [cents] * 4, (us, eu)


@given(st.integers(min_value=0, max_value=10**15 - 1), st.booleans())
def test_quantity_accepts_exactly_the_non_negative_whole_numbers(number: int, negative: bool) -> None:
    text = f"-{number}" if negative and number else str(number)
    parsed = parse_quantity(strs([text]))
    if negative and number:
        assert parsed.values.isna().all() and parsed.problem.tolist() == ["negative"]
    else:
        assert parsed.values.tolist() == [number] and parsed.problem.tolist() == [""]


GTIN_BODY = st.sampled_from([7, 11, 12, 13]).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n))


@given(GTIN_BODY)
def test_valid_gtins_parse_unchanged_and_any_single_digit_change_is_caught(body: str) -> None:
    gtin = body + str(gtin_check_digit(body))
    if set(gtin) == {"0"}:
        return
    parsed = parse_gtin(strs([gtin]))
    if len(gtin) in (8, 12, 13, 14):
        assert parsed.values.tolist() == [gtin] and parsed.problem.tolist() == [""]
    position = len(gtin) - 1
    wrong = gtin[:position] + str((int(gtin[position]) + 1) % 10)
    assert parse_gtin(strs([wrong])).problem.tolist() != [""]


CELL = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\r"), min_size=0, max_size=12
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=8), st.sampled_from([",", ";", "\t"]))
def test_csv_cells_come_back_exactly_as_text(tmp_path: Path, rows: list[list[str]], delimiter: str) -> None:
    rows = [r for r in rows if any(c.strip() for c in r)]  # wholly blank rows are skipped, by design
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["sku", "title", "price"])
    writer.writerows(rows)
    path = tmp_path / "m.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    table = read_table(path, header_hints=["sku"])
    assert table.headers == ["sku", "title", "price"]
    got = table.frame[["sku", "title", "price"]].astype(object).values.tolist()
    assert got == rows
    assert table.frame[ROW].tolist() == list(range(2, 2 + len(rows)))


SPACES = "\u200b\ufeff \t\r\n\u00a0\u2007\u202f\u3000\x0b\x0c\x85\u2028\u2029\u1680\u2000\u205f\x1c\x1f\u180e"
EDGY = st.sampled_from([*SPACES, "a", "é", "-", "語"]) | st.characters(codec="utf-8")


@settings(max_examples=300)
@given(st.lists(st.text(alphabet=EDGY, max_size=6), max_size=20))
def test_trim_skips_no_value_that_has_space_at_an_edge(values: list[str]) -> None:
    """The one-look check before trimming never skips a column that trimming would change."""
    import pyarrow.compute as pc

    from chansync import columns

    text = strs(values)
    data = columns.arrow(text)
    expected = pc.utf8_trim_whitespace(pc.utf8_trim(data, "\u200b\ufeff \t\r\n\u00a0\u2007\u202f\u3000"))
    assert columns.trim(text).tolist() == expected.to_pylist()


URLISH = st.lists(
    st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from(["http://", "https://", "HTTPS://", "ftp://", "http:/", ""]),
        st.text(alphabet=st.sampled_from([*"ab/?#:. \t\n\x0b\x85", "\u00a0", "é"]), max_size=6),
    ),
    max_size=12,
)


@given(URLISH)
def test_url_check_agrees_with_the_whole_pattern(values: list[str]) -> None:
    """The white-space-free shortcut of url_ok answers as the full pattern does."""
    import re

    from chansync.parse import url_ok

    whole = re.compile(r"(?i)https?://[^\t\n\f\r /?#]+[^\t\n\f\r ]*")
    assert url_ok(strs(values)).tolist() == [bool(whole.fullmatch(v)) for v in values]
