"""The master's rules, one module per family; each rule works on whole columns and yields issue frames."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .. import columns
from ..catalog import Catalog
from ..fields import Field
from ..issues import IssueCode, Report
from . import content, identity, pricing, stock

FAMILIES = (identity, pricing, stock, content)
#: The codes the master rules can emit, in family order (what a clean report says was checked).
RULE_CODES: list[IssueCode] = [
    value for family in FAMILIES for value in vars(family).values() if isinstance(value, IssueCode)
]


def distinct_skus(catalog: Catalog) -> int:
    """How many different SKUs the sheet holds, from the codes the duplicate check hashed already."""
    codes = catalog.sku_codes()[0][columns.filled(catalog.frame[Field.SKU.value]).to_numpy()]
    return int(np.count_nonzero(np.bincount(codes))) if len(codes) else 0


def check_catalog(catalog: Catalog, limits: dict[str, int] | None = None) -> Report:
    """Run every master rule over the catalogue. The report lists every rule that ran, found something or not."""
    report = Report()
    report.add(catalog.reading_issues)
    checks = [
        lambda: list(identity.check(catalog)),
        lambda: list(pricing.check(catalog)),
        lambda: list(stock.check(catalog)),
        lambda: list(content.check(catalog, limits)),
    ]
    # The families read the catalogue and never change it; Arrow's kernels release the GIL, so they overlap.
    with ThreadPoolExecutor(max_workers=min(len(checks), os.cpu_count() or 1)) as pool:
        for found in pool.map(lambda check: check(), checks):
            report.add(found)
    report.check(*RULE_CODES)
    report.stats.update(rows=len(catalog), skus=distinct_skus(catalog))
    if catalog.stock is not None:
        report.stats["stock_rows"] = len(catalog.stock.frame)
    return report
