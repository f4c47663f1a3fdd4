"""Shopify's Admin GraphQL endpoint with its cost-based throttle: each reply's ``extensions.cost.throttleStatus``
says what is left of the bucket, and a ``THROTTLED`` reply (HTTP 200) is waited out for
``(requested - available) / restoreRate`` seconds before the call is sent again."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...errors import TransportError
from ...i18n import _
from ...transports.http import HttpClient, redact

#: THROTTLED replies waited out for one call before it is given up.
THROTTLE_TRIES = 20
#: What a mutation costs (Shopify's documented estimate), for pacing before the first reply says more.
MUTATION_COST = 10.0
MIN_WAIT = 0.05


@dataclass
class GraphQL:
    """Sends queries through the client (which retries 429, 5xx and broken replies) and waits out ``THROTTLED``."""

    client: HttpClient
    clock: Callable[[], float] = time.monotonic
    #: The bucket as the last reply left it: (available, restore rate per second, maximum, when).
    bucket: tuple[float, float, float, float] | None = None
    #: What each operation asked for last time, to pace the next one.
    costs: dict[str, float] = field(default_factory=dict)
    #: Seconds waited for each THROTTLED reply.
    throttle_waits: list[float] = field(default_factory=list)

    def __call__(
        self, operation: str, query: str, variables: Mapping[str, Any], *, skus: Sequence[str] = ()
    ) -> dict[str, Any]:
        """The ``data`` of the reply; :class:`TransportError` (naming ``skus``) when Shopify refuses the call."""
        skus = tuple(skus)
        mutation = query.lstrip().startswith("mutation")
        self._pace(self.costs.get(operation, MUTATION_COST if mutation else 0.0))
        body = {"query": query, "variables": dict(variables)}
        for _attempt in range(THROTTLE_TRIES + 1):
            # The endpoint itself: ``client.url("")`` would add a slash Shopify does not answer at.
            reply = self.client.request("POST", self.client.base_url, json=body, expect_json=True, skus=skus).json()
            if not isinstance(reply, dict):
                raise self._error(
                    _("Shopify's reply to {operation} is not a GraphQL response").format(operation=operation),
                    skus,
                    retriable=True,
                )
            requested, status = self._note(operation, reply.get("extensions"))
            errors = reply.get("errors")
            if not errors:
                data = reply.get("data")
                if not isinstance(data, dict):
                    raise self._error(
                        _("Shopify's reply to {operation} has no data").format(operation=operation),
                        skus,
                        retriable=True,
                    )
                return data
            if not _codes(errors) & {"THROTTLED"}:
                raise self._error(
                    _("Shopify refused {operation}: {reason}").format(operation=operation, reason=_messages(errors)),
                    skus,
                )
            available, restore, maximum = status
            requested = requested or self.costs.get(operation, MUTATION_COST)
            if maximum and requested > maximum:
                raise self._error(
                    _("{operation} costs {cost} points, more than Shopify's bucket ({maximum})").format(
                        operation=operation, cost=f"{requested:g}", maximum=f"{maximum:g}"
                    ),
                    skus,
                )
            wait = max((requested - available) / restore if restore > 0 else 1.0, MIN_WAIT)
            wait = min(wait, self.client.policy.max_wait)
            self.throttle_waits.append(wait)
            self.client.sleep(wait)
        raise self._error(
            _("Shopify kept throttling {operation} ({count} waits)").format(operation=operation, count=THROTTLE_TRIES),
            skus,
            retriable=True,
        )

    def _note(self, operation: str, extensions: Any) -> tuple[float, tuple[float, float, float]]:
        """Remember the bucket and the cost from a reply's ``extensions.cost``: (requested, (available, restore,
        maximum))."""
        cost = json_object(extensions.get("cost") if isinstance(extensions, dict) else None)
        status = json_object(cost.get("throttleStatus"))
        requested = _number(cost.get("requestedQueryCost"))
        available = _number(status.get("currentlyAvailable"))
        restore = _number(status.get("restoreRate"))
        maximum = _number(status.get("maximumAvailable"))
        if requested:
            self.costs[operation] = requested
        if restore > 0:
            self.bucket = (available, restore, maximum, self.clock())  # as of now: on the safe side
        return requested, (available, restore, maximum)

    def _pace(self, cost: float) -> None:
        """Wait until the bucket (as the last reply left it, refilled since) holds ``cost``: no THROTTLED reply."""
        if self.bucket is None or cost <= 0:
            return
        available, restore, maximum, when = self.bucket
        now = min(available + restore * max(self.clock() - when, 0.0), maximum or math.inf)
        if now < cost:
            self.client.sleep(min((cost - now) / restore, self.client.policy.max_wait))

    def _error(self, message: str, skus: tuple[str, ...], *, retriable: bool = False) -> TransportError:
        return TransportError(redact(message, self.client.secrets), retriable=retriable, skus=skus)


def json_object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def _codes(errors: Any) -> set[str]:
    if not isinstance(errors, list):
        return set()
    extensions = [e.get("extensions") for e in errors if isinstance(e, dict)]
    return {str(x.get("code")) for x in extensions if isinstance(x, dict) and x.get("code")}


def _messages(errors: Any) -> str:
    if not isinstance(errors, list):
        return str(errors)[:300]
    return "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors)[:300]
