"""Reading a plan saved by ``chansync diff --plan FILE`` without trusting it: the file may have been edited, cut
short or replaced, and every way it can be wrong ends as one plain sentence naming the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import ChansyncError
from .i18n import _


def read_plan_file(path: Path) -> dict[str, Any]:
    """The saved plan as a mapping with a ``channels`` list; :class:`ChansyncError` (exit 2) for anything else.

    Deep nesting is refused as well: the JSON decoder recurses once per bracket, so a file of 200,000 ``[`` would
    otherwise end in a RecursionError (an internal error) instead of a message.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise _not_a_plan(path, _("it is not UTF-8 text")) from None
    except OSError as exc:
        raise _not_a_plan(
            path, _("it cannot be read: {error}").format(error=exc.strerror or type(exc).__name__)
        ) from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise _not_a_plan(path, _("its JSON is nested too deeply")) from None
    except ValueError as exc:
        raise _not_a_plan(path, _("it is not valid JSON ({error})").format(error=str(exc)[:80])) from None
    channels = data.get("channels") if isinstance(data, dict) else None
    if not isinstance(channels, list) or not all(isinstance(c, dict) and "channel" in c for c in channels):
        raise _not_a_plan(path, _("it has no list of channel plans"))
    return data


def _not_a_plan(path: Path, why: str) -> ChansyncError:
    return ChansyncError(_("{path}: not a plan saved by `chansync diff --plan`: {why}").format(path=path, why=why))
