"""The JSON Schema of channels.yaml with every adapter's own keys, so an editor completes and checks them too.

``config`` knows only the keys every channel shares; each adapter declares its own in a settings model. This module
sits above both: for each available adapter it adds an ``if adapter is X then these keys`` rule to the channel
definition (JSON Schema 2020-12 conditionals, which yaml-language-server and VS Code follow).
"""

from __future__ import annotations

import json
from typing import Any

from .adapters.registry import Registry
from .config import json_schema as base_schema


def json_schema(registry: Registry | None = None) -> dict[str, Any]:
    schema = base_schema()
    registry = registry or Registry.discover()
    channel = schema["$defs"]["ChannelConfig"]
    shared = set(channel["properties"])
    names = []
    rules = []
    for info in registry.available():
        if not info.ok or info.adapter is None:
            continue
        names.append(info.name)
        own = info.adapter.Settings.model_json_schema(ref_template="#/$defs/{model}")
        for name, definition in own.pop("$defs", {}).items():
            schema["$defs"].setdefault(name, definition)
        properties = {k: v for k, v in own.get("properties", {}).items() if k not in shared}
        rules.append({
            "if": {"properties": {"adapter": {"const": info.name}}, "required": ["adapter"]},
            "then": {"properties": properties, "required": own.get("required", [])},
        })  # fmt: skip
    channel["properties"]["adapter"]["examples"] = sorted(names)
    channel["properties"]["adapter"]["description"] += " A plugin adds its own (generate the schema again)."
    channel.pop("additionalProperties", None)
    channel["allOf"] = rules
    channel["unevaluatedProperties"] = False  # a key neither shared nor the adapter's own is a typo
    return schema


def json_schema_text(registry: Registry | None = None) -> str:
    return json.dumps(json_schema(registry), indent=2, sort_keys=False)
