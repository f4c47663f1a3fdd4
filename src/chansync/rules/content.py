"""Content rules: links, allowed values, lengths."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from .. import columns
from ..catalog import Catalog
from ..fields import AVAILABILITIES, CONDITIONS, STATUSES, Field
from ..i18n import _, fill
from ..issues import Severity, define
from ..parse import url_ok
from ..wording import definite, upper_first
from ._place import at, quoted, text_at

URL_INVALID = define("url-invalid", Severity.ERROR, "A link is not an http(s) URL.")
CONDITION_INVALID = define("condition-invalid", Severity.ERROR, "A condition is not new, refurbished or used.")
STATUS_INVALID = define("status-invalid", Severity.ERROR, "A status is not active or inactive.")
AVAILABILITY_INVALID = define(
    "availability-invalid", Severity.ERROR, "An availability is not in_stock, out_of_stock, preorder or backorder."
)
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
        (Field.AVAILABILITY, AVAILABILITY_INVALID, AVAILABILITIES),
    ):
        for name in catalog.columns_of(field_):
            problem = catalog.problems.get(name)
            if problem is not None:
                text = quoted(text_at(catalog, name, problem))
                message = fill(
                    _("{the_field} {value} is not one of {allowed}."),
                    the_field=upper_first(definite(field_)),
                    value=text,
                    allowed=", ".join(allowed),
                )
                yield at(catalog, code, problem.ne(""), message, name)
    for field_, code in LENGTH_CODES.items():
        limit = (limits or {}).get(field_.value) or field_.info.max_length or 0
        for name in catalog.columns_of(field_):
            over = columns.longer_than(catalog.text[name], limit)
            if not over.any():
                continue
            length = columns.length(catalog.text[name][over])
            message = fill(
                _("{the_field} is {length} characters long; channels such as Google Shopping cut it at {limit}."),
                the_field=upper_first(definite(field_)),
                length=length.astype(str),
                limit=str(limit),
            )
            yield at(catalog, code, over[length.index], message, name, value=pd.Series("", index=length.index))
    if Field.WEIGHT.value in catalog.problems:
        bad = catalog.problems[Field.WEIGHT.value].ne("")
        text = quoted(text_at(catalog, Field.WEIGHT.value, bad))
        message = fill(_("The weight {value} is not a number."), value=text)
        yield at(catalog, WEIGHT_INVALID, bad, message, Field.WEIGHT)


def _urls(catalog: Catalog) -> Iterator[pd.DataFrame]:
    for field_ in (Field.IMAGE_URL, Field.PRODUCT_URL):
        for name in catalog.columns_of(field_):
            values = catalog.frame[name]
            bad = columns.filled(values) & ~url_ok(values)
            if not bad.any():
                continue
            text = quoted(catalog.text[name][bad])
            message = fill(
                _("{the_field} {value} is not a web address starting with http:// or https://."),
                the_field=upper_first(definite(field_)),
                value=text,
            )
            yield at(catalog, URL_INVALID, bad[text.index], message, name)
    for name in catalog.columns_of(Field.ADDITIONAL_IMAGE_URLS):
        values = catalog.frame[name]
        text = values[columns.filled(values)]
        if not len(text):
            continue
        parts, owners = columns.split_lists(text, r"[,\s|]+")
        wrong = ~url_ok(parts).to_numpy()
        if not wrong.any():
            continue
        first_bad = pd.Series(parts[wrong].to_numpy(), index=text.index[owners[wrong]], dtype="str")
        first_bad = first_bad[~first_bad.index.duplicated()]
        message = fill(_("The additional image link {value} is not an http(s) URL."), value=quoted(first_bad))
        yield at(catalog, URL_INVALID, pd.Series(True, index=first_bad.index), message, name)
