"""Build hook: compile the gettext catalogues (``src/chansync/locale/*/LC_MESSAGES/chansync.po``) into ``.mo`` files
for the wheel, and beside the ``.po`` for an editable install. Only the standard library and chansync's own
``msgfmt.py`` (loaded by path: chansync is not installed while it is being built)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogueBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        package = root / "src" / "chansync"
        spec = importlib.util.spec_from_file_location("_chansync_msgfmt", package / "msgfmt.py")
        assert spec is not None and spec.loader is not None
        msgfmt = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = msgfmt  # dataclasses look their module up while the class is built
        spec.loader.exec_module(msgfmt)
        for po in sorted((package / "locale").glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            msgfmt.compile_file(po, mo)
            if version != "editable":  # the .mo is not in git; the wheel takes it explicitly
                build_data["force_include"][str(mo)] = mo.relative_to(root / "src").as_posix()
