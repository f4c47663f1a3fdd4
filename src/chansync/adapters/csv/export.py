"""Reading a channel's export through the channel block's column mapping (canonical field to the channel's header)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ...catalog import map_columns, parse_column
from ...errors import AdapterError
from ...fields import Field
from ...i18n import _
from ...model import LIVE, ChannelState
from ...sheet import read_table
from ..feeds import unneutralise


def read_mapped(path: Path, display: str, columns: Mapping[str, str], *, spreadsheet_safe: bool) -> ChannelState:
    """The export's mapped columns in canonical form; every listing is live."""
    mapping = dict(columns)
    table = read_table(path, header_hints=mapping.values(), display=display)
    found, absent = map_columns(table, mapping)
    if absent:
        missing = ", ".join(f"{mapping[a]!r} ({a})" for a in absent)
        raise AdapterError(
            _("{display}: the export has no column {missing}; its headers are {headers}").format(
                display=display, missing=missing, headers=table.headers
            )
        )
    undo = unneutralise if spreadsheet_safe else (lambda text: text)  # the apostrophe chansync wrote
    frame = pd.DataFrame(
        {
            field_: parse_column(Field(field_), undo(table.frame[header])).values
            for field_, header in found.items()
            if field_ in mapping
        }
    )
    frame[LIVE] = True
    return ChannelState(frame, Field.SKU.value, display, issues=list(table.issues))
