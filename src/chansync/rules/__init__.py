"""The master's rules, one module per family; each rule works on whole columns and yields issue frames."""

from __future__ import annotations

from ..catalog import Catalog
from ..fields import Field
from ..issues import IssueCode, Report
from . import content, identity, pricing, stock

FAMILIES = (identity, pricing, stock, content)
#: The codes the master rules can emit, in family order (what a clean report says was checked).
RULE_CODES: list[IssueCode] = [
    value for family in FAMILIES for value in vars(family).values() if isinstance(value, IssueCode)
]


def check_catalog(catalog: Catalog, limits: dict[str, int] | None = None) -> Report:
    """Run every master rule over the catalogue. The report lists every rule that ran, found something or not."""
    report = Report()
    report.add(catalog.reading_issues)
    report.add(identity.check(catalog))
    report.add(pricing.check(catalog))
    report.add(stock.check(catalog))
    report.add(content.check(catalog, limits))
    report.check(*RULE_CODES)
    report.stats.update(rows=len(catalog), skus=int(catalog.frame[Field.SKU.value].nunique()))
    if catalog.stock is not None:
        report.stats["stock_rows"] = len(catalog.stock.frame)
    return report
