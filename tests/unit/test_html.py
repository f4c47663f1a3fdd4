"""Descriptions between a webshop's HTML and the master's plain text (chansync.adapters.html)."""

from __future__ import annotations

import pandas as pd

from chansync.adapters.html import html_text, keep_html, master_text, text_html


def series(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def test_html_is_read_as_the_text_a_shopper_sees() -> None:
    html = series(
        "<p>Warm &amp; <b>dry</b></p>\n<p>Two   spaces<br/>next line</p>",
        "<ul><li>one</li><li>two</li></ul><!-- note --><script>x()</script>",
        "&lt;p&gt; is a tag &eacute;&#8217;&#x41;",
        None,
    )
    assert html_text(html).tolist()[:3] == ["Warm & dry\n\nTwo spaces\nnext line", "one\n\ntwo", "<p> is a tag é’A"]
    assert pd.isna(html_text(html).iloc[3])
    assert html_text(series("a\nb")).tolist() == ["a b"]  # a browser shows a newline in HTML as a space
    assert html_text(series("a\nb"), newlines=True).tolist() == ["a\nb"]  # WordPress's wpautop does not


def test_text_is_written_as_escaped_paragraphs_and_reads_back_the_same() -> None:
    text = series("Fish & chips < 5\n\nSecond\nline", "", None)
    assert text_html(text).tolist() == ["<p>Fish &amp; chips &lt; 5</p><p>Second<br>line</p>", "", ""]
    assert html_text(text_html(text)).tolist()[0] == text.iloc[0]


def test_the_shops_own_html_is_kept_where_its_text_is_unchanged() -> None:
    written = keep_html(series("Warm", "Cold"), series("<h2>Warm</h2>", "<p>Hot</p>"), series("Warm", "Hot"))
    assert written.tolist() == ["<h2>Warm</h2>", "<p>Cold</p>"]


def test_a_master_cell_that_is_html_is_compared_by_its_text() -> None:
    text, own = master_text(series("<p>A <b>cap</b></p>", "a < b  and  c", None))
    assert text.tolist()[:2] == ["A cap", "a < b and c"] and pd.isna(text.iloc[2])
    assert own.tolist()[0] == "<p>A <b>cap</b></p>" and own.isna().tolist()[1:] == [True, True]
