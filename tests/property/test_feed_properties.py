"""Feed invariants: whatever text a master holds, the RSS feed parses with a strict XML parser and gives the text
back (less what XML cannot carry); the CSV writer and reader agree on every cell."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import xml.parsers.expat

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from chansync.adapters.feeds import csv_bytes
from chansync.adapters.rss import RSS_TAIL, rss_head, rss_items

G = "{http://base.google.com/ns/1.0}"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
TEXT = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(["&amp;", "<b>", "]]>", "a\r\nb", "\r"])


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=8))
def test_any_title_gives_a_strict_feed_that_reads_back(titles: list[str]) -> None:
    chunk = {
        "id": pd.Series([f"S{i}" for i in range(len(titles))], dtype="str"),
        "title": pd.Series(titles, dtype="str"),
    }
    feed = rss_head(title="A & B <shop>", link=None, description="x") + rss_items(chunk) + RSS_TAIL
    xml.parsers.expat.ParserCreate().Parse(feed, True)  # raises on anything a strict parser refuses
    items = ET.fromstring(feed).iter("item")
    read = [(item.findtext(f"{G}title") or "") for item in items]
    assert read == [NOT_XML.sub("", t) for t in titles]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.text(max_size=15), min_size=2, max_size=2), min_size=1, max_size=10))
def test_csv_cells_round_trip(rows: list[list[str]]) -> None:
    frame = pd.DataFrame(rows, columns=["a", "b"], dtype="str")
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)), dtype="str", keep_default_na=False)
    expected = frame.map(lambda v: v.replace("\r\n", "\n").replace("\r", "\n"))
    assert back.map(lambda v: v.replace("\r\n", "\n").replace("\r", "\n")).values.tolist() == expected.values.tolist()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.none() | st.text(max_size=12), min_size=3, max_size=3), min_size=0, max_size=10),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-8-sig"]),
)
def test_arrow_csv_fast_path_writes_the_bytes_the_csv_module_writes(
    rows: list[list[str | None]], delimiter: str, encoding: str
) -> None:
    """The fast path (Arrow's writer, taken when no cell needs quoting) and the csv module agree byte for byte;
    where a cell needs quoting the fast path steps aside."""
    from chansync.adapters import feeds

    frame = pd.DataFrame(rows, columns=["sku", "Price (EUR)", "qty"], dtype="str")
    fast = feeds._plain_csv(frame, delimiter, encoding)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, sep=delimiter, lineterminator="\n")
    slow = ("\ufeff" if encoding == "utf-8-sig" else "") + buffer.getvalue()
    special = re.compile("[" + re.escape(delimiter) + '";\t\r\n]')
    if any(v is not None and special.search(v) for row in rows for v in row):
        assert fast is None
    else:
        assert fast == slow.encode("utf-8")
