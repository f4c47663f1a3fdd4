"""The channel columns a WooCommerce state holds beyond canonical fields, and the ``Published`` values: shared by
the export reader, the feed writer and the REST API client."""

from __future__ import annotations

WC_ID, WC_TYPE, PUBLISHED = "wc_id", "wc_type", "published"
#: The parent's id of a variation read through the REST API.
WC_PARENT_ID = "wc_parent_id"
#: Channel columns: the description as the shop holds it (HTML), and ``In stock?`` as exported.
DESCRIPTION_HTML, IN_STOCK = "wc_description_html", "wc_in_stock"
MAX_ATTRIBUTES = 6

#: Published column: 1 published, 0 private, -1 draft (the importer makes a -1 variation published), 2 pending.
PUBLISH, PRIVATE, DRAFT = "1", "0", "-1"
