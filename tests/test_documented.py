"""Meta-tests: every command, built-in adapter and issue code is documented in the README."""

from __future__ import annotations

import importlib

from chansync.adapters.registry import Registry
from chansync.cli import app
from chansync.issues import ISSUE_CODES
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_issue_code_is_in_the_readme() -> None:
    for module in (
        "validation",
        "sync",
        "push",
        "adapters.woocommerce.api",
        "adapters.shopify.api",
        "adapters.bol.api",
    ):
        importlib.import_module(f"chansync.{module}")
    for info in Registry.discover().available():
        assert info.ok, info.error
    missing = [code for code in ISSUE_CODES if f"`{code}`" not in README]
    assert not missing, f"document these issue codes in README.md: {missing}"


def test_every_command_and_built_in_adapter_is_in_the_readme() -> None:
    commands = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    assert {"validate", "diff", "push", "channels", "init"} <= set(commands)
    assert not [c for c in commands if f"chansync {c}" not in README]
    built_in = [i.name for i in Registry.discover().available() if i.origin == "built-in"]
    assert not [name for name in built_in if f"`{name}`" not in README]
