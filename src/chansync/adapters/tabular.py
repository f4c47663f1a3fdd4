"""Reading a channel's tabular export by header name: dialects, translated headers, values parsed like the master's.

Channels rename and translate their export headers (Shopify has a legacy and a current dialect, WooCommerce writes
them in the site language), add columns (metafields, ``Meta:`` keys, market prices) and move them around. An
adapter therefore declares its columns as :class:`Column` (the header it writes plus the other spellings it
reads), and :func:`read_export` finds them by name, after the channel's ``header_map`` has turned translated
headers back into the adapter's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..catalog import parse_column
from ..errors import AdapterError
from ..fields import ROW, Field
from ..i18n import N_, _, fill
from ..issues import Severity, define, frame_of
from ..parse import clean
from ..sheet import Table, normalize_header, read_table
from ..wording import an, label
from .base import Adapter

EXPORT_VALUE_INVALID = define(
    "export-value-invalid",
    Severity.WARNING,
    "A value in a channel's export could not be read; chansync treats it as unknown and sets it from the master.",
)

#: The warning on a channel's value chansync cannot read (``{field}`` is the field's name, ``{value}`` the cell).
CANNOT_READ = N_('The channel\'s {field} "{value}" cannot be read.')


@dataclass(frozen=True)
class Column:
    """One column of a channel's file: the frame column it fills (a canonical field or a channel-only name such
    as ``handle``), the header chansync writes, and other spellings it accepts when reading."""

    name: str
    header: str
    aliases: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


def column(name: str | Field, header: str, *aliases: str) -> Column:
    return Column(str(name), header, aliases)


@dataclass
class Export:
    """A channel export read by name: ``text`` holds the trimmed cells of each column found (by frame column
    name) and :data:`~chansync.fields.ROW`; ``headers`` the file's header for each found column."""

    text: pd.DataFrame
    table: Table
    headers: dict[str, str]
    issues: list[pd.DataFrame] = field(default_factory=list)

    def has(self, name: str | Field) -> bool:
        return str(name) in self.text.columns

    def get(self, name: str | Field, default: str = "") -> pd.Series:
        """The column's text, or ``default`` everywhere when the file has no such column."""
        if str(name) in self.text.columns:
            return self.text[str(name)]
        return pd.Series(default, index=self.text.index, dtype="str")

    def unreadable(
        self, mask: pd.Series, values: pd.Series, name: str, field_: Field, template: str, **names: str
    ) -> None:
        """A located warning (``export-value-invalid``) for the export's cells at ``mask``. ``template`` is the whole
        translated sentence; its ``{value}`` is filled with each cell (column-wise, no loop per row) and its other
        placeholders from ``names``."""
        self.issues.append(
            frame_of(
                EXPORT_VALUE_INVALID,
                message=fill(template, value=values[mask].astype("str"), **names),
                rows=self.text.loc[mask, ROW].astype("Int64"),
                values=values[mask],
                file=self.table.file,
                sheet=self.table.sheet,
                column=self.headers.get(name, name),
                field=field_.value,
            )
        )

    def duplicates(self, keys: pd.Series, name: str, field_: Field, template: str) -> None:
        """A located warning (``channel-duplicate-key``) on every row whose non-empty key another row of the export
        holds too, naming all their rows: the channel has two listings under one key, so chansync cannot tell which
        one a change is for (the plan leaves that key alone). ``keys`` aligns with :attr:`text`; ``template`` is the
        whole translated sentence with ``{key}`` and ``{rows}`` (filled column-wise)."""
        self._duplicated(keys, self.text[ROW], self.headers.get(name, name), field_, template, skus=False)

    def duplicate_rows(self, frame: pd.DataFrame, field_: Field, template: str) -> None:
        """:meth:`duplicates` for a frame already built from the export (one row per listing or per SKU, with the
        export's :data:`ROW`)."""
        column = self.headers.get(field_.value, field_.value)
        self._duplicated(frame[field_.value], frame[ROW], column, field_, template, skus=True)

    def _duplicated(
        self, keys: pd.Series, rows: pd.Series, column: str, field_: Field, template: str, *, skus: bool
    ) -> None:
        from ..channel_codes import DUPLICATE_KEY

        text = keys.astype("str").fillna("")
        twice = text.ne("") & text.duplicated(keep=False)
        if not twice.any():
            return
        at = rows[twice].astype("Int64")
        listed = at.astype("str").groupby(text[twice]).agg(", ".join)  # only the duplicated keys: a short frame
        self.issues.append(
            frame_of(
                DUPLICATE_KEY,
                message=fill(template, key=text[twice], rows=text[twice].map(listed)),
                rows=at,
                skus=text[twice] if skus else None,
                values=text[twice],
                file=self.table.file,
                sheet=self.table.sheet,
                column=column,
                field=field_.value,
                severity=Severity.WARNING,
            )
        )

    def parse(self, field_: Field, name: str | None = None) -> pd.Series:
        """Parse a column as the master's ``field_`` is parsed. Unreadable values become NA and a located warning
        (the channel holds a value chansync cannot compare, so the master's value will be sent)."""
        name = name or field_.value
        text = self.get(name)
        parsed = parse_column(field_, text)
        bad = parsed.bad & text.ne("")
        if bad.any():
            self.unreadable(bad, text, name, field_, _(CANNOT_READ), field=label(field_))
        return parsed.values.where(~bad) if bad.any() else parsed.values


def translated(headers: Iterable[str], header_map: Mapping[str, str]) -> dict[str, str]:
    """{file header: header in the adapter's language} through the channel's ``header_map`` (case, spacing and a
    byte-order mark ignored)."""
    wanted = {normalize_header(k.lstrip("\ufeff")): v for k, v in header_map.items()}
    return {h: wanted.get(normalize_header(h.lstrip("\ufeff")), h) for h in headers}


def read_export(
    path: Path,
    display: str,
    columns: Sequence[Column],
    *,
    channel: str,
    title: str,
    header_map: Mapping[str, str] | None = None,
    required: Sequence[str] = (),
) -> Export:
    """Read a channel export, finding ``columns`` by header. ``required`` names the columns without which the
    file cannot be this channel's export (an :class:`AdapterError` lists what the file has instead)."""
    header_map = header_map or {}
    hints = [s for c in columns for s in c.spellings] + list(header_map)
    table = read_table(path, header_hints=hints, display=display)
    english = translated(table.headers, header_map)
    by_norm: dict[str, str] = {}
    for header in table.headers:
        by_norm.setdefault(normalize_header(english[header].lstrip("\ufeff")), header)
    found: dict[str, str] = {}
    for col in columns:
        if col.name in found:
            continue
        for spelling in col.spellings:
            match = by_norm.get(normalize_header(spelling))
            if match is not None:
                found[col.name] = match
                break
    missing = [c for c in columns if c.name in required and c.name not in found]
    if missing:
        names = ", ".join(f'"{c.header}"' for c in dict.fromkeys(missing))
        shown = ", ".join(f'"{h}"' for h in table.headers[:25])
        if an(title) == "an":  # the article is part of each sentence, so a translation may drop or change it
            sentence = _(
                "{display} does not look like an {title} export: it has no column {names}. Its headers are {shown}"
            )
        else:
            sentence = _(
                "{display} does not look like a {title} export: it has no column {names}. Its headers are {shown}"
            )
        raise AdapterError(
            sentence.format(display=display, title=title, names=names, shown=shown),
            hint=_("if the export's headers are translated, map them under {key} (e.g. {example})").format(
                key=f"channels.{channel}.header_map", example='{"Artikelnummer": "SKU"}'
            ),
        )
    text = pd.DataFrame({name: clean(table.frame[header]) for name, header in found.items()}, index=table.frame.index)
    text[ROW] = table.frame[ROW]
    return Export(text, table, found, issues=list(table.issues))


def read_channel_export(
    adapter: Adapter, path: Path, display: str, columns: Sequence[Column], *, title: str, required: Sequence[str]
) -> Export:
    """:func:`read_export` with the adapter's channel name and ``header_map``."""
    return read_export(
        path,
        display,
        columns,
        channel=adapter.channel,
        title=title,
        header_map=adapter.context.config.header_map,
        required=required,
    )
