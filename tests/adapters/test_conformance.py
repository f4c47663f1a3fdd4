"""Every registered adapter keeps the contract: what it declares it can do, it implements; its fields are canonical;
its settings reject unknown keys. A new adapter gets these checks for free."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chansync.adapters.base import Adapter, AdapterSettings, Capability
from chansync.adapters.registry import Registry
from chansync.fields import Field

INFOS = Registry.discover().available()
BUILT_IN = [i for i in INFOS if i.origin == "built-in"]


def test_every_built_in_adapter_loads() -> None:
    assert {i.name for i in BUILT_IN} >= {"csv", "shopify", "woocommerce", "google_merchant", "meta", "amazon", "bol"}
    assert all(i.ok for i in BUILT_IN), [(i.name, i.error) for i in BUILT_IN if not i.ok]


def overrides(cls: type[Adapter], name: str) -> bool:
    return getattr(cls, name, None) is not None and getattr(cls, name) is not getattr(Adapter, name, None)


@pytest.mark.parametrize("info", BUILT_IN, ids=lambda i: i.name)
def test_declared_capabilities_are_implemented(info) -> None:  # type: ignore[no-untyped-def]
    cls = info.adapter
    assert cls is not None and cls.name == info.name
    caps = cls.capabilities
    assert (Capability.READ_EXPORT in caps) == overrides(cls, "read_export")
    assert (Capability.WRITE_FEED in caps) == (overrides(cls, "render") or overrides(cls, "feed_files"))
    assert (Capability.APPLY_API in caps) == callable(getattr(cls, "apply", None))
    assert (Capability.FETCH_API in caps) == callable(getattr(cls, "fetch", None))


@pytest.mark.parametrize("info", BUILT_IN, ids=lambda i: i.name)
def test_fields_are_canonical_and_settings_strict(info) -> None:  # type: ignore[no-untyped-def]
    cls = info.adapter
    assert all(isinstance(f, Field) for f in (*cls.fields, *cls.required, *cls.product_fields, cls.key))
    assert set(cls.required) <= set(cls.fields) | {cls.key}
    assert issubclass(cls.Settings, AdapterSettings) and cls.title
    with pytest.raises(ValidationError):
        cls.Settings.model_validate({"no_such_setting_anywhere": 1})


def test_the_marketplace_adapters_are_enrolled() -> None:
    assert {"tiktok_shop"} <= {i.name for i in BUILT_IN}
