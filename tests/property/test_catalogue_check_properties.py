"""The shortcuts of the catalogue channels' checks give what the plain formulations give: a length limit read from
byte lengths first, control characters from the smallest and largest byte first, the restricted GTIN prefixes in
one expression."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from chansync import columns
from chansync.adapters.google import rules as google_rules

#: Characters of one to four UTF-8 bytes, controls and the ones around U+FFFE included.
CHARS = st.sampled_from(["a", " ", "\t", "\n", "\r", "\x01", "\x1f", "é", "€", "\ufeff", "\ufffe", "\uffff", "😀"])
TEXTS = st.lists(st.none() | st.lists(CHARS, max_size=12).map("".join), max_size=8)


@settings(max_examples=300)
@given(TEXTS, st.integers(0, 12))
def test_longer_gives_what_counting_every_character_gives(values: list[str | None], limit: int) -> None:
    text = pd.Series(values, index=pd.Index(["k"] * len(values)), dtype="str")  # a key may repeat
    expected = columns.length(text.fillna("")).gt(limit).tolist()
    got = columns.longer_than(text, limit)
    assert got.tolist() == expected
    assert got.index.equals(text.index)


@settings(max_examples=300)
@given(TEXTS)
def test_control_characters_by_the_shortcut_and_by_every_byte(values: list[str | None]) -> None:
    data = pa.array(values, type=pa.large_string())
    raw = columns.utf8_bytes(data)
    plain = bool(((raw < 0x20) & (raw != 0x09) & (raw != 0x0A) & (raw != 0x0D)).any() or (raw == 0xEF).any())
    assert columns.control_bytes(raw) == plain
    assert columns.has_control_characters(pd.Series(values, dtype="str")) == plain


@settings(max_examples=300)
@given(st.text(st.sampled_from("0123456789 x"), max_size=15))
def test_restricted_gtin_prefixes_in_one_expression(gtin: str) -> None:
    """The former two steps: pad to 14, drop a leading digit, match the prefixes at the start."""
    padded = gtin.rjust(14, "0")
    thirteen = re.sub(r"^\d", "", padded)
    expected = re.match(r"^(2|02|04|05|99|98[1-4])", thirteen) is not None
    assert (re.match(google_rules._RESTRICTED, padded) is not None) == expected
    series = pd.Series([gtin], dtype="str")
    assert bool(columns.contains(series.str.pad(14, fillchar="0"), google_rules._RESTRICTED).iloc[0]) == expected


def test_longer_on_a_long_multibyte_value() -> None:
    text = pd.Series(["é" * 5, "é" * 6, None, "a" * 7], dtype="str")  # 10 and 12 bytes, 5 and 6 characters
    assert columns.longer_than(text, 5).tolist() == [False, True, False, True]
    assert np.array_equal(columns.longer_than(text, 100).to_numpy(), np.zeros(4, dtype=bool))


@settings(max_examples=100)
@given(TEXTS)
def test_is_empty_is_missing_or_no_characters(values: list[str | None]) -> None:
    series = pd.Series(values, dtype="str")
    assert columns.is_empty(series).tolist() == [v is None or v == "" for v in values]
