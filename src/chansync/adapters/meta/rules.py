"""Meta's own limits: the issue codes of an id, title or description longer than Meta takes."""

from __future__ import annotations

from ...issues import Severity, define

ID_TOO_LONG = define("meta-id-too-long", Severity.ERROR, "An id (SKU) is longer than Meta's 100 characters.")
TITLE_TOO_LONG = define(
    "meta-title-cut", Severity.WARNING, "A title is longer than Meta's 200 characters; the feed cuts it."
)
DESCRIPTION_TOO_LONG = define(
    "meta-description-cut", Severity.WARNING, "A description is longer than Meta's 9,999 characters; the feed cuts it."
)
