"""``csv``: any channel without a built-in adapter (a POS, a retail partner) through a column mapping.

The channel block's ``columns`` maps canonical fields to the channel's headers; those fields are what the
channel carries. The feed is the channel's whole catalogue: wanted products, plus skipped ones exactly as they
are on the channel now (a full feed that left them out would delist them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field as PydField

from ...errors import AdapterError
from ...fields import Field
from ...i18n import _
from ..base import Adapter, AdapterSettings, Capability, ChannelState, Desired
from ..feeds import csv_bytes
from .export import read_mapped
from .feed import mapped_rows

if TYPE_CHECKING:
    from ...model import Plan


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
                _("channel {channel}: the csv adapter needs `columns` with at least sku (e.g. {example})").format(
                    channel=repr(self.channel), example="{sku: ItemCode, quantity: OnHand}"
                )
            )
        return tuple(f for f in mapped if f is not Field.SKU)

    @property
    def settings(self) -> CsvSettings:
        assert isinstance(self.context.settings, CsvSettings)
        return self.context.settings

    def read_export(self, path: Path, display: str) -> ChannelState:
        return read_mapped(path, display, self.context.config.columns, spreadsheet_safe=self.settings.spreadsheet_safe)

    def render(self, desired: Desired, plan: Plan) -> Iterator[bytes]:
        fields = [Field.SKU, *self.carried()]
        out = mapped_rows(plan, fields, self.context.config.columns, spreadsheet_safe=self.settings.spreadsheet_safe)
        yield csv_bytes(out, delimiter=self.settings.delimiter, encoding=self.settings.encoding)


__all__ = ["CsvAdapter", "CsvSettings"]
