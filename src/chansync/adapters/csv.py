"""``csv``: any channel without a built-in adapter (a POS, a retail partner) through a column mapping.

The channel block's ``columns`` maps canonical fields to the channel's headers; those fields are what the
channel carries. The feed is the channel's whole catalogue: wanted products, plus skipped ones exactly as they
are on the channel now (a full feed that left them out would delist them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd
from pydantic import Field as PydField

from ..catalog import map_columns, parse_column
from ..errors import AdapterError
from ..fields import Field
from ..sheet import read_table
from .base import LIVE, Adapter, AdapterSettings, Capability, ChannelState, Desired
from .feeds import as_text, csv_bytes, kept_rows, neutralise, unneutralise

if TYPE_CHECKING:
    from ..model import Plan


class CsvSettings(AdapterSettings):
    delimiter: Literal[",", ";", "\t", "|"] = PydField(",", description="Delimiter of the written feed.")
    encoding: Literal["utf-8", "utf-8-sig", "cp1252"] = PydField("utf-8", description="Encoding of the feed.")
    spreadsheet_safe: bool = PydField(
        True, description="Prefix cells starting with = + - @ with an apostrophe (the feed may be opened in Excel)."
    )


class CsvAdapter(Adapter):
    name = "csv"
    title = "CSV (mapped columns)"
    capabilities = frozenset({Capability.READ_EXPORT, Capability.WRITE_FEED})
    key = Field.SKU
    fields = tuple(Field)
    Settings = CsvSettings

    def carried(self) -> tuple[Field, ...]:
        mapped = [Field(name) for name in self.context.config.columns]
        if Field.SKU not in mapped:
            raise AdapterError(
                f"channel {self.channel!r}: the csv adapter needs `columns` with at least sku (e.g. "
                "{sku: ItemCode, quantity: OnHand})"
            )
        return tuple(f for f in mapped if f is not Field.SKU)

    @property
    def settings(self) -> CsvSettings:
        assert isinstance(self.context.settings, CsvSettings)
        return self.context.settings

    def read_export(self, path: Path, display: str) -> ChannelState:
        mapping = dict(self.context.config.columns)
        table = read_table(path, header_hints=mapping.values(), display=display)
        found, absent = map_columns(table, mapping)
        if absent:
            missing = ", ".join(f"{mapping[a]!r} ({a})" for a in absent)
            raise AdapterError(f"{display}: the export has no column {missing}; its headers are {table.headers}")
        undo = unneutralise if self.settings.spreadsheet_safe else (lambda text: text)  # the apostrophe chansync wrote
        frame = pd.DataFrame(
            {
                field_: parse_column(Field(field_), undo(table.frame[header])).values
                for field_, header in found.items()
                if field_ in mapping
            }
        )
        frame[LIVE] = True
        return ChannelState(frame, Field.SKU.value, display, issues=list(table.issues))

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        fields = [Field.SKU, *self.carried()]
        rows = kept_rows(plan)
        columns = self.context.config.columns
        out = pd.DataFrame(index=rows.index.rename(None))  # a header named like the index ("sku") must not clash
        for field_ in fields:
            values = rows[field_.value] if field_.value in rows.columns else pd.Series("", index=rows.index)
            text = as_text(field_, values)
            out[columns[field_.value]] = neutralise(text, reversible=True) if self.settings.spreadsheet_safe else text
        out = out.sort_values(columns[Field.SKU.value], kind="stable")
        yield csv_bytes(out, delimiter=self.settings.delimiter, encoding=self.settings.encoding)
