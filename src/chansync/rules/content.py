"""Content rules: links, allowed values, lengths."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from ..catalog import Catalog
from ..fields import CONDITIONS, STATUSES, Field
from ..issues import Severity, define
from ..parse import url_ok
from ._place import at, quoted

URL_INVALID = define("url-invalid", Severity.ERROR, "A link is not an http(s) URL.")
CONDITION_INVALID = define("condition-invalid", Severity.ERROR, "A condition is not new, refurbished or used.")
STATUS_INVALID = define("status-invalid", Severity.ERROR, "A status is not active or inactive.")
TITLE_TOO_LONG = define("title-too-long", Severity.WARNING, "A title is longer than the configured limit (150).")
DESCRIPTION_TOO_LONG = define(
    "description-too-long", Severity.WARNING, "A description is longer than the configured limit (5000)."
)
WEIGHT_INVALID = define("weight-invalid", Severity.ERROR, "A weight is not a plain decimal number.")

LENGTH_CODES = {Field.TITLE: TITLE_TOO_LONG, Field.DESCRIPTION: DESCRIPTION_TOO_LONG}


def check(catalog: Catalog, limits: dict[str, int] | None = None) -> Iterator[pd.DataFrame]:
    yield from _urls(catalog)
    for field_, code, allowed in (
        (Field.CONDITION, CONDITION_INVALID, CONDITIONS),
        (Field.STATUS, STATUS_INVALID, STATUSES),
    ):
        for name in catalog.columns_of(field_):
            problem = catalog.problems.get(name)
            if problem is not None:
                message = f"The {field_.label} " + quoted(catalog.text[name]) + f" is not one of {', '.join(allowed)}."
                yield at(catalog, code, problem.ne(""), message, name)
    for field_, code in LENGTH_CODES.items():
        limit = (limits or {}).get(field_.value) or field_.info.max_length or 0
        for name in catalog.columns_of(field_):
            length = catalog.text[name].str.len()
            message = (
                f"The {field_.label} is " + length.astype(str) + f" characters long; channels such as Google "
                f"Shopping cut it at {limit}."
            )
            yield at(catalog, code, length.gt(limit), message, name)
    if Field.WEIGHT.value in catalog.problems:
        bad = catalog.problems[Field.WEIGHT.value].ne("")
        text = catalog.text[Field.WEIGHT.value]
        yield at(catalog, WEIGHT_INVALID, bad, "The weight " + quoted(text) + " is not a number.", Field.WEIGHT)


def _urls(catalog: Catalog) -> Iterator[pd.DataFrame]:
    for field_ in (Field.IMAGE_URL, Field.PRODUCT_URL):
        for name in catalog.columns_of(field_):
            text = catalog.text[name]
            bad = text.ne("") & ~url_ok(text)
            message = f"The {field_.label} " + quoted(text) + " is not a web address starting with http:// or https://."
            yield at(catalog, URL_INVALID, bad, message, name)
    for name in catalog.columns_of(Field.ADDITIONAL_IMAGE_URLS):
        text = catalog.text[name]
        filled = text.ne("")
        if not filled.any():
            continue
        parts = text[filled].str.split(r"[,\s|]+", regex=True).explode()
        parts = parts[parts.ne("")]
        wrong = parts[~url_ok(parts.astype("str"))]
        first_bad = wrong.groupby(level=0).first().reindex(text.index)
        message = "The additional image link " + quoted(first_bad.fillna("").astype("str")) + " is not an http(s) URL."
        yield at(catalog, URL_INVALID, first_bad.notna(), message, name)
