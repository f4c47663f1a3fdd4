"""A plan as the stable ``chansync.plan/1`` JSON document (the ``--format json`` output and the ``--plan FILE``
format): plain data built from the plan's columns, below both the renderers and ``push`` (which compares a saved
plan with the one it would apply)."""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterator
from typing import Any

from . import __version__
from .model import UNCHANGED, UNMANAGED, Plan

PLAN_SCHEMA = "chansync.plan/1"


def plan_dict(plan: Plan) -> dict[str, Any]:
    """One channel's plan; ``items`` lists what changes or is left alone (unchanged items are only counted).

    Built from whole columns (``tolist``), not row by row through pandas: a big plan has many thousands of items.
    """
    with _cycle_collection_paused():
        return _plan_dict(plan)


@contextlib.contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector while hundreds of thousands of small dicts and lists are built: each batch of
    new containers set it off over every container made so far (1.2 s of the 1.6 s that 377k items took). These
    hold no cycles, so reference counting frees them as before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plan_dict(plan: Plan) -> dict[str, Any]:
    listed = plan.items_except(UNCHANGED, UNMANAGED)
    changes: dict[str, list[dict[str, str | None]]] = {}
    frame = plan.changes
    for key, field, old, new, origin in zip(
        frame["key"].tolist(), frame["field"].tolist(), frame["old"].tolist(), frame["new"].tolist(),
        frame["origin"].tolist(), strict=True,
    ):  # fmt: skip
        changes.setdefault(key, []).append({"field": field, "old": old, "new": new, "origin": origin or None})
    rows = listed["row"].astype(object).where(listed["row"].notna(), None).tolist()
    items = [
        {
            "key": key,
            "sku": sku,
            "outcome": outcome,
            "fields": fields.split(",") if fields else [],
            "reason": reason,
            "row": None if row is None else int(row),
            "changes": changes.get(key, []),
        }
        for key, sku, outcome, fields, reason, row in zip(
            listed["key"].tolist(),
            listed["sku"].tolist(),
            listed["outcome"].tolist(),
            listed["fields"].tolist(),
            listed["reason"].tolist(),
            rows,
            strict=True,
        )
    ]
    return {
        "channel": plan.channel,
        "adapter": plan.adapter,
        "key": plan.key,
        "fields": plan.fields,
        "counts": plan.counts(),
        "field_counts": plan.field_counts(),
        "origin_counts": plan.origin_counts(),
        "not_compared": list(plan.meta.get("not_compared") or []),
        "kept_channel_edits": dict(plan.meta.get("kept_channel_edits") or {}),
        "three_way": bool(plan.meta.get("three_way")),
        "items": items,
    }


def plans_document(plans: list[Plan], *, report_summary: dict[str, int]) -> dict[str, Any]:
    return {
        "schema": PLAN_SCHEMA,
        "chansync": __version__,
        "changes": any(p.has_changes for p in plans),
        "validation": report_summary,
        "channels": [plan_dict(p) for p in plans],
    }


def plans_json(plans: list[Plan], *, report_summary: dict[str, int]) -> str:
    """Compact JSON (one line; pipe it through ``jq`` to read it): plans of big catalogues stay fast to write."""
    return json.dumps(plans_document(plans, report_summary=report_summary), ensure_ascii=False) + "\n"
