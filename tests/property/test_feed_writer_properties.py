"""The streamed feed writers against plain oracles: whatever the text, the empty values and the rows left out,
``rss_items`` and ``tsv_lines`` give the bytes a row-by-row writer gives; ``attribute_arrays`` gives the text of
the pandas formulation it replaced; and a feed written from slices with masks equals one written from the
listed rows copied out first."""

from __future__ import annotations

import dataclasses
import os
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chansync.adapters import catalogue, feeds
from chansync.adapters import rss as rss_module
from chansync.adapters.catalogue import IDENTIFIER_EXISTS, CatalogueAdapter
from chansync.adapters.feeds import as_text, kept_chunks, kept_slices, values_of
from chansync.adapters.google import GoogleMerchantAdapter, GoogleSettings
from chansync.adapters.meta import MetaAdapter
from chansync.adapters.rss import rss_items, tsv_lines
from chansync.adapters.settings import FeedSettings
from chansync.config import ChannelConfig, load_config
from chansync.fields import AVAILABILITIES, Field
from chansync.parse import format_money
from chansync.sync import plan
from tests.conftest import REPO

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Text with what the writers treat specially: markup, references, line ends, control characters, commas.
TEXT = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", "&amp;", "a<b>c", "x\r\ny", "\r", "\x01", "a,b", ",a,", "\ufffe", "Home > Kitchen", "é&ü"]
)


def _escaped(value: str) -> str:
    value = NOT_XML.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _rss_oracle(table: dict[str, list[str | None]], keep: list[bool] | None, repeated: tuple[str, ...]) -> bytes:
    rows = len(next(iter(table.values())))
    out = []
    for i in range(rows):
        if keep is not None and not keep[i]:
            continue
        item = "<item>"
        for name, values in table.items():
            text = _escaped(values[i] or "")
            if text:
                if name in repeated:
                    text = text.replace(",", f"</g:{name}><g:{name}>")
                item += f"<g:{name}>{text}</g:{name}>"
        out.append(item + "</item>\n")
    return "".join(out).encode("utf-8")


def _as_given(values: list[str | None], form: str) -> pd.Series | pa.Array:
    """The same column as the writers may receive it: a str Series, or an Arrow string/large_string array."""
    if form == "series":
        return pd.Series(values, dtype="str")
    return pa.array(values, type=pa.string() if form == "string" else pa.large_string())


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[str, list[str | None]], list[bool] | None, list[str]]:
    rows = draw(st.integers(1, 6))
    names = draw(st.lists(st.sampled_from(["id", "title", "additional_image_link", "brand"]), min_size=1, unique=True))
    table = {name: draw(st.lists(st.none() | TEXT, min_size=rows, max_size=rows)) for name in names}
    keep = draw(st.none() | st.lists(st.booleans(), min_size=rows, max_size=rows))
    forms = draw(st.lists(st.sampled_from(["series", "string", "large"]), min_size=len(names), max_size=len(names)))
    return table, keep, forms


@settings(max_examples=300)
@given(tables())
def test_rss_items_writes_what_a_row_by_row_writer_writes(drawn) -> None:
    table, keep, forms = drawn
    chunk = {name: _as_given(values, form) for (name, values), form in zip(table.items(), forms, strict=True)}
    mask = None if keep is None else np.array(keep, dtype=bool)
    repeated = ("additional_image_link",)
    assert rss_items(chunk, repeated, keep=mask) == _rss_oracle(table, keep, repeated)


@settings(max_examples=200)
@given(tables())
def test_tsv_lines_writes_what_a_row_by_row_writer_writes(drawn) -> None:
    table, keep, forms = drawn
    chunk = {name: _as_given(values, form) for (name, values), form in zip(table.items(), forms, strict=True)}
    mask = None if keep is None else np.array(keep, dtype=bool)
    rows = len(next(iter(table.values())))
    expected = "".join(
        "\t".join(re.sub(r"[\t\r\n]+", " ", values[i] or "") for values in table.values()) + "\n"
        for i in range(rows)
        if keep is None or keep[i]
    )
    assert tsv_lines(chunk, keep=mask) == expected.encode("utf-8")


def test_escape_keeps_text_without_markup_as_it_is_and_escapes_each_character_it_finds() -> None:
    plain = pa.array(["Brand 95", "sturdy warm"], type=pa.large_string())
    assert rss_module.escape(plain) is plain  # nothing to do: the very same array
    mixed = pa.array(["a > b", "c & d <e>", "f\rg", "h\x01i", "\ufeffj"], type=pa.large_string())
    assert rss_module.escape(mixed).to_pylist() == ["a &gt; b", "c &amp; d &lt;e&gt;", "f&#13;g", "hi", "\ufeffj"]


# --- attribute text --------------------------------------------------------------------------------------------


def _pandas_attribute_text(adapter: CatalogueAdapter, rows: pd.DataFrame, currency: str) -> dict[str, list[str]]:
    """The pandas formulation attribute_arrays replaced (kept here as the oracle)."""
    import pyarrow.compute as pc

    from chansync import columns

    out: dict[str, pd.Series] = {}
    money_currency = values_of(rows, Field.CURRENCY).astype("str").fillna(currency)
    for attribute in adapter.attributes():
        field_ = attribute.field
        values = rows.index.to_series() if field_ is Field.SKU else values_of(rows, field_)
        if field_ in (Field.PRICE, Field.SALE_PRICE):
            text = (format_money(values.astype("Int64")) + " " + money_currency).fillna("")
        elif field_ is Field.AVAILABILITY:
            text = values.astype("str").map(adapter.availability_words).fillna("")
        elif field_ is Field.ADDITIONAL_IMAGE_URLS:
            text = columns.replace(as_text(field_, values), r"[\s|]*,[\s|]*|\s+", ",")
            text = columns.strings(pc.utf8_trim(columns.arrow(text), ","), text.index)
        else:
            text = as_text(field_, values)
        out[attribute.name] = text if text.dtype == "str" else text.astype("str")
    none = out["gtin"].eq("") & out["mpn"].eq("")
    out[IDENTIFIER_EXISTS] = pd.Series("", index=rows.index, dtype="str").mask(none, "no")
    return {name: text.tolist() for name, text in out.items()}


def _google() -> GoogleMerchantAdapter:
    from chansync.adapters.base import ChannelContext

    config = ChannelConfig.model_validate({"adapter": "google_merchant"})
    return GoogleMerchantAdapter(ChannelContext("google", config, GoogleSettings(), "EUR"))  # type: ignore[arg-type]


def _meta() -> MetaAdapter:
    from chansync.adapters.base import ChannelContext

    config = ChannelConfig.model_validate({"adapter": "meta"})
    return MetaAdapter(ChannelContext("meta", config, FeedSettings(), "EUR"))


URLS = st.lists(st.sampled_from(["https://x.test/a.jpg", "b.png", ",", " ", "|", "\t", " , ", "||,"]), max_size=5)
CENTS = st.none() | st.integers(-(10**11), 10**11)


@st.composite
def catalogue_rows(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(0, 6))
    keys = [f"S{i}" for i in range(rows)]

    def column(strategy: st.SearchStrategy) -> list:
        return draw(st.lists(strategy, min_size=rows, max_size=rows))

    data = {
        Field.TITLE.value: pd.Series(column(st.none() | TEXT), dtype="str"),
        Field.DESCRIPTION.value: pd.Series(column(st.none() | TEXT), dtype="str"),
        Field.ADDITIONAL_IMAGE_URLS.value: pd.Series(column(st.none() | URLS.map("".join)), dtype="str"),
        Field.AVAILABILITY.value: pd.Series(
            column(st.none() | st.sampled_from([*AVAILABILITIES, "in stock", "?"])), dtype="str"
        ),
        Field.PRICE.value: pd.Series(column(CENTS), dtype="Int64"),
        Field.SALE_PRICE.value: pd.Series(column(CENTS), dtype="Int64"),
        Field.CURRENCY.value: pd.Series(column(st.none() | st.sampled_from(["EUR", "USD", ""])), dtype="str"),
        Field.GTIN.value: pd.Series(column(st.none() | st.sampled_from(["", "4006381333931"])), dtype="str"),
        Field.MPN.value: pd.Series(column(st.none() | st.sampled_from(["", "M-1"])), dtype="str"),
        Field.QUANTITY.value: pd.Series(column(st.none() | st.integers(0, 10**6)), dtype="Int64"),
    }
    present = draw(st.lists(st.sampled_from(sorted(data)), unique=True))  # a master may lack any of them
    index = pd.Index(keys, dtype="str")
    return pd.DataFrame({name: data[name].set_axis(index) for name in present}, index=index)


@settings(max_examples=200)
@given(catalogue_rows(), st.sampled_from(["google", "meta"]))
def test_attribute_text_gives_what_the_pandas_formulation_gave(rows: pd.DataFrame, channel: str) -> None:
    adapter = _google() if channel == "google" else _meta()
    arrays = adapter.attribute_arrays(rows, "EUR")
    assert all(a.type == pa.large_string() and a.null_count == 0 and len(a) == len(rows) for a in arrays.values())
    texts = {name: series.tolist() for name, series in adapter.attribute_text(rows, "EUR").items()}
    assert texts == {name: array.to_pylist() for name, array in arrays.items()}
    assert texts == _pandas_attribute_text(adapter, rows, "EUR")


# --- slices of the plan ---------------------------------------------------------------------------------------


@pytest.fixture
def sample_plan(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(REPO)
    return plan(load_config(REPO / "channels.example.yaml", env=dict(os.environ)))


def test_slices_with_their_masks_are_the_kept_rows(sample_plan) -> None:
    for channel in sample_plan.channels:
        for size in (None, 1, 3, 7):
            sliced = [part if keep is None else part[keep] for part, keep in kept_slices(channel.plan, size)]
            chunks = list(kept_chunks(channel.plan, size))
            assert len(sliced) == len(chunks)
            for got, want in zip(sliced, chunks, strict=True):
                pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("fmt", ["xml", "tsv"])
def test_a_google_feed_in_small_chunks_equals_the_feed_of_the_listed_rows_copied_out(
    sample_plan, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """The sample's Google plan lists 39 of its 44 master rows: chunks of 3 put masks on most of them."""
    from chansync.adapters.google import feed as google_feed

    channel = next(c for c in sample_plan.channels if c.adapter.name == "google_merchant")
    adapter = GoogleMerchantAdapter(dataclasses.replace(channel.adapter.context, settings=GoogleSettings(format=fmt)))
    rows = feeds.kept_rows(channel.plan)
    text = adapter.attribute_text(rows, channel.desired.currency)
    body = rss_items(text) if fmt == "xml" else tsv_lines(text)
    whole = b"".join(google_feed.feed_chunks(adapter, channel.desired, channel.plan))
    assert body in whole and len(body) > 1000
    monkeypatch.setattr(google_feed, "CHUNK_ROWS", 3)
    assert b"".join(google_feed.feed_chunks(adapter, channel.desired, channel.plan)) == whole


def test_an_unknown_price_type_falls_back_to_the_pandas_text() -> None:
    """A column of another dtype (a master without typed prices) still gives the same text."""
    index = pd.Index(["a", "b"], dtype="str")
    rows = pd.DataFrame({Field.PRICE.value: pd.Series([1250, None], index=index, dtype="object")}, index=index)
    assert _google().attribute_text(rows, "EUR")["price"].tolist() == ["12.50 EUR", ""]
    assert catalogue.IDENTIFIER_EXISTS in _google().attribute_arrays(rows, "EUR")
