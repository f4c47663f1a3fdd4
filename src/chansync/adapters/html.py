"""Descriptions as webshops hold them (HTML) and as the master holds them (plain text), compared as text.

Shopify's ``Body (HTML)`` and WooCommerce's ``Description`` are HTML; a master sheet has plain text with blank lines
between paragraphs. Comparing the two raw would call every description changed, so a reader turns the channel's
HTML into the text a shopper reads (:func:`html_text`) and a writer turns the master's text into simple paragraphs
(:func:`text_html`). Both work on whole columns.
"""

from __future__ import annotations

import html

import pandas as pd

#: Tags that end a paragraph or a block (a blank line in text), and the line break.
_BLOCK_END = r"(?i)</\s*(p|div|h[1-6]|ul|ol|li|table|tr|blockquote|section|article|pre)\s*>|<\s*(hr)\b[^>]*>"
_BLOCK_START = r"(?i)<\s*(p|div|h[1-6]|ul|ol|li|table|tr|blockquote|section|article|pre)\b[^>]*>"
_BREAK = r"(?i)<\s*br\s*/?\s*>"
_TAG = r"<[^>]*>"
_COMMENT = r"(?s)<!--.*?-->"
_SCRIPT = r"(?is)<\s*(script|style)\b.*?<\s*/\s*\1\s*>"


#: The references nearly every shop writes, replaced column-wise (``&amp;`` last, so ``&amp;lt;`` stays ``&lt;``).
_COMMON = (("&nbsp;", "\u00a0"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&apos;", "'"),
           ("&amp;", "&"))  # fmt: skip
_REFERENCE = r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);"


def _decode(text: pd.Series) -> pd.Series:
    """Character references decoded (``&amp;`` -> ``&``, ``&#8217;`` -> ``’``). The common ones column-wise; a
    value holding any other is decoded by the standard library (which knows every HTML5 entity), once per distinct
    value."""
    pattern = "|".join(reference for reference, _ in _COMMON)
    rare = text.str.replace(pattern, "", regex=True).str.contains(_REFERENCE, regex=True).fillna(False)
    decoded = text
    for reference, character in _COMMON:
        decoded = decoded.str.replace(reference, character, regex=False)
    if rare.any():
        by_value = pd.Series({value: html.unescape(value) for value in text[rare].unique()}, dtype="str")
        decoded = decoded.mask(rare, text[rare].map(by_value))
    return decoded


def plain(text: pd.Series) -> pd.Series:
    """Whitespace as a reader sees it: runs of spaces collapsed, lines trimmed, at most one blank line between
    paragraphs, no blank lines at either end. Applied to both sides of a comparison."""
    text = text.astype("str").fillna("")
    text = text.str.replace(r"\r\n?", "\n", regex=True)
    text = text.str.replace(r"[ \t\f\v\u00a0]+", " ", regex=True)
    text = text.str.replace(r" *\n *", "\n", regex=True)
    text = text.str.replace(r"\n{3,}", "\n\n", regex=True)
    return text.str.strip()


def html_text(values: pd.Series, *, newlines: bool = False) -> pd.Series:
    """The text of HTML cells: tags stripped, entities decoded, whitespace collapsed; block ends and ``<br>`` keep
    their line breaks. Newlines in the source are spaces, as a browser shows them, unless ``newlines``: WordPress
    shows a product description through ``wpautop``, which turns a blank line into a paragraph and a newline into
    ``<br>`` (https://developer.wordpress.org/reference/functions/wpautop/), so there they are line breaks."""
    text = values.astype("str").fillna("")
    text = text.str.replace(_COMMENT, "", regex=True).str.replace(_SCRIPT, "", regex=True)
    text = text.str.replace(r"\r\n?", "\n", regex=True)
    text = text.str.replace(r"\t+", " ", regex=True).str.replace("\n", "\n" if newlines else " ", regex=False)
    text = text.str.replace(_BREAK, "\n", regex=True)
    text = text.str.replace(_BLOCK_START, "\n\n", regex=True).str.replace(_BLOCK_END, "\n\n", regex=True)
    text = text.str.replace(_TAG, "", regex=True)
    return plain(_decode(text)).where(values.notna(), values)


def text_html(values: pd.Series) -> pd.Series:
    """Plain text as simple HTML: special characters escaped, each blank-line separated paragraph in ``<p>…</p>``,
    single line breaks as ``<br>``. Empty stays empty."""
    text = plain(values)
    text = text.str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False)
    text = text.str.replace(">", "&gt;", regex=False).str.replace('"', "&quot;", regex=False)
    text = text.str.replace("\n\n", "</p><p>", regex=False).str.replace("\n", "<br>", regex=False)
    return ("<p>" + text + "</p>").where(text.ne(""), "")


#: Desired-state column: the master's description where the master holds HTML (written as it is).
MASTER_HTML = "_description_html"
#: A master cell that already is HTML (some sellers keep it so): a paragraph, break, list or inline tag, or any end tag.
_LOOKS_HTML = r"(?i)<\s*(?:p|br|div|ul|ol|li|b|strong|em|i|u|h[1-6]|span|a|table)\b[^>]*>|</\s*[a-z][a-z0-9]*\s*>"


def master_text(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(text to compare, the master's own HTML where it holds HTML, else NA). Plain text gets its whitespace as a
    reader sees it; HTML is compared by its text and written as the master has it."""
    looks = values.astype("str").fillna("").str.contains(_LOOKS_HTML, regex=True)
    text = plain(values).where(~looks, html_text(values)).where(values.notna())
    return text, values.where(looks & values.notna())


def keep_html(
    text: pd.Series,
    channel_html: pd.Series | None,
    channel_text: pd.Series | None,
    own_html: pd.Series | None = None,
) -> pd.Series:
    """The HTML to write for ``text``: the channel's own HTML where its text already says the same (its formatting
    is kept), else the master's own HTML where it has some, else :func:`text_html` of the text."""
    written = text_html(text)
    if own_html is not None:
        written = own_html.astype("str").where(own_html.notna(), written)
    if channel_html is None or channel_text is None:
        return written
    same = plain(text).eq(plain(channel_text)).fillna(False) & channel_html.notna()
    return channel_html.astype("str").where(same, written)
