"""The Shopify Admin API versions chansync knows the request shape of. No chansync imports: the config validates
``api_version`` against this table without importing the adapter."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    """What one Admin API version needs of ``inventorySetQuantities``."""

    idempotent: bool  # send ``@idempotent(key:)`` (optional in 2026-01, mandatory from 2026-04)


#: The versions chansync knows the request shape of. ``changeFromQuantity`` was added in 2026-01 (before, the check
#: was ``compareQuantity``/``ignoreCompareQuantity``): https://shopify.dev/changelog/compare-and-swap-redesign-for-inventory-set-quantities
#: The ``@idempotent`` directive is optional in 2026-01 and mandatory from 2026-04:
#: https://shopify.dev/changelog/adding-idempotency-for-inventory-adjustments-and-refund-mutations and
#: https://shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations
API_VERSIONS: dict[str, Shape] = {
    "2026-01": Shape(idempotent=True),
    "2026-04": Shape(idempotent=True),
    "2026-07": Shape(idempotent=True),
    "2026-10": Shape(idempotent=True),
}
