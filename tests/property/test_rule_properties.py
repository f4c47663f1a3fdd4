"""The master rules' shortcuts give what their plain formulations give: parent rows found through the SKU codes
the duplicate check hashed, as a membership test of the named parents finds them."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from chansync.catalog import Catalog, Source
from chansync.rules.identity import parent_rows

CODES = st.sampled_from(["A", "B", "C", "a", "A ", ""])
ROWS = st.lists(st.tuples(st.none() | CODES, st.none() | CODES), max_size=10)


@given(ROWS)
def test_parent_rows_through_the_codes_are_the_rows_named_as_a_parent(rows: list[tuple[str | None, ...]]) -> None:
    skus, parents = [s for s, _ in rows], [p for _, p in rows]
    frame = pd.DataFrame({"sku": pd.Series(skus, dtype="str"), "parent_sku": pd.Series(parents, dtype="str")})
    catalog = Catalog(frame, None, {}, Source("m.csv", None, {}, 1), "EUR")  # type: ignore[arg-type]
    named = {p for _, p in rows if p}
    expected = [s is not None and s in named for s, _ in rows]
    assert parent_rows(catalog).tolist() == expected
