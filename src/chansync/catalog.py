"""The master catalogue: the seller's sheet mapped to canonical fields, parsed on purpose, with its stock.

:func:`read_master` reads the products sheet (and stock sheet) named by the config, maps the user's own headers
to :class:`~chansync.fields.Field`, and parses every column with :mod:`chansync.parse`. Parse problems are kept
per column so the rules can place them; nothing is dropped or guessed silently.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import columns, progress
from .config import LoadedConfig, MasterConfig
from .errors import InputError, MissingColumnError
from .fields import (
    AVAILABILITIES,
    BACKORDER,
    CONDITIONS,
    IN_STOCK,
    OUT_OF_STOCK,
    OVERRIDE_SEPARATOR,
    PREORDER,
    ROW,
    Field,
    Kind,
    StockField,
    parse_field,
)
from .i18n import _
from .issues import IssueCode, Severity, define, frame_of
from .parse import Parsed, clean, parse_choice, parse_currency, parse_decimal, parse_gtin, parse_money, parse_quantity
from .sheet import Table, normalize_header, read_table

MISSING_COLUMN = define("missing-column", Severity.ERROR, "A required or mapped column is not in the sheet.")
EMPTY_STOCK = define(
    "stock-column-empty",
    Severity.ERROR,
    "The stock column has no value in any row: a renamed or emptied column, not a shop without stock.",
)

STATUS_SPELLINGS = {
    "active": "active",
    "actief": "active",
    "aktiv": "active",
    "yes": "active",
    "y": "active",
    "true": "active",
    "1": "active",
    # Dutch sellers write ja/nee, and a Dutch Excel shows a TRUE/FALSE cell typed as text as WAAR/ONWAAR.
    "ja": "active",
    "j": "active",
    "waar": "active",
    "published": "active",
    "publish": "active",
    "inactive": "inactive",
    "inactief": "inactive",
    "inaktiv": "inactive",
    "no": "inactive",
    "n": "inactive",
    "nee": "inactive",
    "onwaar": "inactive",
    "false": "inactive",
    "0": "inactive",
    "draft": "inactive",
    "archived": "inactive",
}
#: Availability as channels and sellers write it (Google's legacy "in stock", WooCommerce's "instock", Dutch).
AVAILABILITY_SPELLINGS = {
    **{a: a for a in AVAILABILITIES},
    **{a.replace("_", " "): a for a in AVAILABILITIES},
    **{a.replace("_", ""): a for a in AVAILABILITIES},
    "onbackorder": BACKORDER,
    "available for order": BACKORDER,
    "pre-order": PREORDER,
    "op voorraad": IN_STOCK,
    "leverbaar": IN_STOCK,
    "niet op voorraad": OUT_OF_STOCK,
    "uitverkocht": OUT_OF_STOCK,
    "discontinued": OUT_OF_STOCK,
}
CONDITION_SPELLINGS = {c: c for c in CONDITIONS} | {"nieuw": "new", "gebruikt": "used", "refurbished": "refurbished"}


@dataclass
class Source:
    """Where a table came from, for issue places: file, sheet and the user's header of each column."""

    file: str
    sheet: str | None
    headers: dict[str, str]  # frame column (field name, or field@channel) -> the user's header
    header_row: int

    def column(self, name: str | Field) -> str:
        return self.headers.get(str(name), str(name))


@dataclass
class Stock:
    """The stock sheet, long: one row per SKU and location, parsed."""

    frame: pd.DataFrame  # sku, location, quantity (Int64), ROW
    text: pd.DataFrame  # the same columns as trimmed text
    problems: dict[str, pd.Series]
    source: Source
    _location_keys: pd.Series | None = field(default=None, repr=False)

    def locations(self) -> list[str]:
        return sorted(self.frame[str(StockField.LOCATION)].unique().tolist())

    def location_keys(self) -> pd.Series:
        """Locations as matched: without regard to case and surrounding spaces (cached)."""
        if self._location_keys is None:
            self._location_keys = self.frame[str(StockField.LOCATION)].astype("str").str.strip().str.casefold()
        return self._location_keys

    def unknown_locations(self, locations: list[str] | None) -> list[str]:
        """The configured locations that no stock row uses (a typo would otherwise zero a channel's stock)."""
        if not locations:
            return []
        used = set(self.location_keys().unique().tolist())
        return [name for name in locations if name.strip().casefold() not in used]

    def totals(self, locations: list[str] | None = None, sold: pd.DataFrame | None = None) -> pd.Series:
        """Quantity per SKU over ``locations``; NA for a SKU with a bad or doubled row among them, and for every
        SKU when a location is not in the sheet. ``sold``: units sold since the count (sku, location, sold), taken
        off each location's quantity."""
        sku, location, quantity = str(StockField.SKU), str(StockField.LOCATION), str(StockField.QUANTITY)
        frame = self.frame
        listed = frame[sku].unique()
        if self.unknown_locations(locations):
            return pd.Series(pd.NA, index=pd.Index(listed), dtype="Int64")
        where = self.location_keys()
        if locations is not None:
            keep = where.isin([name.strip().casefold() for name in locations]).to_numpy()
            frame, where = frame[keep], where[keep]
        if sold is not None and len(sold):
            frame = frame.assign(**{quantity: _less_sold(frame[sku], where, frame[quantity], sold)})
        doubled = pd.DataFrame({sku: frame[sku], location: where}).duplicated(keep=False)
        unknown = frame[quantity].isna() | doubled
        grouped = frame.assign(_unknown=unknown).groupby(sku, sort=False)
        totals = grouped[quantity].sum(min_count=1).astype("Int64").mask(grouped["_unknown"].any())
        # A SKU in the stock sheet with no row at these locations has none there; one not in the sheet is unknown.
        absent = pd.Index(listed).difference(totals.index)
        return pd.concat([totals, pd.Series(0, index=absent, dtype="Int64")]) if len(absent) else totals

    def counts(self, skus: pd.Index) -> pd.DataFrame:
        """The counted quantity per SKU (of ``skus``) and location: sku, location (as matched), count."""
        sku, quantity = str(StockField.SKU), str(StockField.QUANTITY)
        rows = self.frame[sku].isin(skus).to_numpy()
        return pd.DataFrame({
            "sku": self.frame[sku][rows].astype("str"),
            "location": self.location_keys()[rows],
            "count": self.frame[quantity][rows],
        }).dropna().astype({"count": "int64"}).reset_index(drop=True)  # fmt: skip


def _less_sold(skus: pd.Series, locations: pd.Series, quantity: pd.Series, sold: pd.DataFrame) -> pd.Series:
    """``quantity`` less the units sold at each row's SKU and location, never below zero; only rows of SKUs with
    sales are touched (the ledger is small)."""
    out = quantity.astype("Int64").copy()
    rows = skus.isin(sold["sku"]).to_numpy()
    if not rows.any():
        return out
    by = sold.set_index(["sku", "location"])["sold"]
    index = pd.MultiIndex.from_arrays([skus[rows].astype("str"), locations[rows]])
    less = by.reindex(index).fillna(0).astype("int64").to_numpy()
    out[rows] = (out[rows] - less).clip(lower=0)
    return out


class RawText:
    """The cells as read, per canonical column name (no copies: views of the table read from the file)."""

    def __init__(self, table: pd.DataFrame, headers: dict[str, str]) -> None:
        self._table = table
        self._headers = headers

    def __getitem__(self, name: str) -> pd.Series:
        return self._table[self._headers[name]]

    def __contains__(self, name: object) -> bool:
        return name in self._headers

    @property
    def columns(self) -> list[str]:
        return list(self._headers)


@dataclass
class Catalog:
    """Products in sheet order. ``frame`` holds parsed values per canonical field (and override columns), plus
    :data:`~chansync.fields.ROW`; ``text`` the cells as read; ``problems`` the parse problems, only for the rows
    that have one (a Series of reason codes indexed like ``frame``)."""

    frame: pd.DataFrame
    text: RawText
    problems: dict[str, pd.Series]
    source: Source
    currency: str
    stock: Stock | None = None
    overrides: dict[str, list[Field]] = field(default_factory=dict)  # channel -> overridden fields
    reading_issues: list[pd.DataFrame] = field(default_factory=list)
    #: SKUs whose cell had surrounding or non-breaking spaces (a common source of "different" duplicate SKUs)
    sku_spaced: pd.Series | None = None
    _sku_codes: list[np.ndarray] | None = field(default=None, repr=False)
    #: Units sold on the channels since the master's count (sku, location, sold): the sync state's ledger. Set
    #: before the channels' desired states are built, so every channel gets what is available.
    sold: pd.DataFrame | None = None

    def has(self, name: str | Field) -> bool:
        return str(name) in self.frame.columns

    def sku_codes(self) -> list[np.ndarray]:
        """Codes of the SKU and parent-SKU columns from one hashing pass (cached): same text, same code."""
        if self._sku_codes is None:
            parents = (
                self.frame[Field.PARENT_SKU.value] if self.has(Field.PARENT_SKU) else self.frame[Field.SKU.value][0:0]
            )
            self._sku_codes = columns.shared_codes(self.frame[Field.SKU.value], parents)
        return self._sku_codes

    def columns_of(self, field_: Field) -> list[str]:
        """The field's own column and its per-channel override columns (``price``, ``price@bol``)."""
        prefix = field_.value + OVERRIDE_SEPARATOR
        return [str(c) for c in self.frame.columns if c == field_.value or str(c).startswith(prefix)]

    def quantity_for(self, locations: list[str] | None = None) -> pd.Series:
        """Stock per product: the stock sheet summed over ``locations`` (all when None), else the quantity column;
        less what was sold since the count (:attr:`sold`).

        NA where stock is unknown: no stock row, a bad quantity, the same location twice, or a location that is
        not in the stock sheet. Unknown stock is left as it is on every channel, never taken for zero.
        """
        sku = self.frame[Field.SKU.value]
        if self.stock is None:
            if not self.has(Field.QUANTITY):
                return pd.Series(pd.NA, index=self.frame.index, dtype="Int64")
            quantity = self.frame[Field.QUANTITY.value]
            if self.sold is not None and len(self.sold):
                where = pd.Series("", index=sku.index, dtype="str")
                quantity = _less_sold(sku, where, quantity, self.sold)
            return quantity
        return sku.map(self.stock.totals(locations, self.sold)).astype("Int64")

    def counts(self, skus: pd.Index) -> pd.DataFrame:
        """The master's counted quantity for ``skus`` per location (sku, location as matched, count)."""
        if self.stock is not None:
            return self.stock.counts(skus)
        if not self.has(Field.QUANTITY):
            return pd.DataFrame({"sku": pd.Series(dtype="str"), "location": pd.Series(dtype="str"),
                                 "count": pd.Series(dtype="int64")})  # fmt: skip
        sku = self.frame[Field.SKU.value]
        rows = sku.isin(skus).to_numpy()
        return pd.DataFrame({
            "sku": sku[rows].astype("str"), "location": "", "count": self.frame[Field.QUANTITY.value][rows],
        }).dropna().astype({"count": "int64"}).reset_index(drop=True)  # fmt: skip

    def __len__(self) -> int:
        return len(self.frame)


PARSERS = {
    Kind.MONEY: parse_money,
    Kind.INTEGER: parse_quantity,
    Kind.GTIN: parse_gtin,
    Kind.DECIMAL: parse_decimal,
}


def parse_column(field_: Field, text: pd.Series) -> Parsed:
    if field_ is Field.STATUS:
        return parse_choice(text, STATUS_SPELLINGS)
    if field_ is Field.CONDITION:
        return parse_choice(text, CONDITION_SPELLINGS)
    if field_ is Field.AVAILABILITY:
        return parse_choice(text, AVAILABILITY_SPELLINGS)
    if field_ is Field.CURRENCY:
        return parse_currency(text)
    parser = PARSERS.get(field_.kind)
    if parser is not None:
        return parser(text)
    no_problems = columns.blanks(text.index)
    if field_.kind is Kind.TEXT:  # free text is kept as written (trimmed when compared or written)
        return Parsed(text, no_problems)
    return Parsed(clean(text), no_problems)


def map_columns(table: Table, mapping: dict[str, str], *, what: str = "field") -> tuple[dict[str, str], list[str]]:
    """Match the table's headers to canonical names: the config's mapping first, then headers that already
    are canonical names (case-insensitive). Returns {canonical or field@channel: header} and mapped-but-absent."""
    by_norm = {normalize_header(h): h for h in table.headers}
    found: dict[str, str] = {}
    absent: list[str] = []
    for name, header in mapping.items():
        actual = by_norm.get(normalize_header(header))
        if actual is None:
            absent.append(name)
        else:
            found[name] = actual
    taken = set(found.values())
    for header in table.headers:
        if header in taken:
            continue
        base, sep, channel = header.partition(OVERRIDE_SEPARATOR)
        canonical = _canonical_name(base, mapping, by_norm) if what == "field" else base.strip().lower()
        if canonical is None:
            continue
        key = f"{canonical}{OVERRIDE_SEPARATOR}{channel.strip()}" if sep and channel.strip() else canonical
        if sep and not channel.strip():
            continue
        found.setdefault(key, header)
    _refuse_duplicated(table, found.values())
    return found, absent


def _refuse_duplicated(table: Table, used: Iterable[str]) -> None:
    """A header chansync uses that two columns share: reading either one silently would be a guess."""
    for header in used:
        if normalize_header(header) in table.duplicates:
            raise InputError(
                _("the header {header!r} appears in more than one column; chansync cannot tell which to use").format(
                    header=header[:80]
                ),
                file=table.file,
                sheet=table.sheet,
                hint=_("rename or delete the extra column"),
            )


def _canonical_name(base: str, mapping: dict[str, str], by_norm: dict[str, str]) -> str | None:
    parsed = parse_field(base)
    if parsed is not None:
        return parsed.value
    wanted = normalize_header(base)
    for name, header in mapping.items():  # "Prijs@bol" where Prijs is the user's header for price
        if OVERRIDE_SEPARATOR not in name and normalize_header(header) == wanted:
            return name
    return None


def read_master(config: LoadedConfig, fields: set[Field] | None = None) -> Catalog:
    """Read, map and parse the master sheet (and stock sheet) named by ``config``.

    ``fields``: parse only these (plus what identifies and filters a product); None parses every mapped column.
    """
    master = config.master
    path = config.path_of(master.file, "master.file")
    display = config.display_path(path)
    hints = [*master.columns.values(), *(f.value for f in Field)]
    with progress.task(_("reading {file}").format(file=display), unit=_("rows")) as step:
        table = read_table(
            path,
            sheet=master.sheet,
            header_hints=hints,
            header_row=master.header_row,
            encoding=master.encoding,
            delimiter=master.delimiter,
            display=display,
            keep=None if fields is None else _columns_for(master, fields),
        )
        step.total(len(table.frame))
        step.describe(_("parsing {file}").format(file=display))
        catalog = build_catalog(table, master, fields)
        step.advance(len(table.frame))
    if master.stock_sheet and (fields is None or Field.QUANTITY in fields):
        catalog.stock = read_stock(config, master, path, table)
    return catalog


def _columns_for(master: MasterConfig, fields: set[Field]) -> Callable[[list[str]], list[int] | None]:
    """Which of the header's columns :func:`build_catalog` will parse for ``fields``: the rest need not be read.

    The header is mapped the way :func:`map_columns` maps it; where that cannot be done (a header the mapping
    refuses), every column is read, so the error is reported as it would be without the selection."""

    def keep(header: list[str]) -> list[int] | None:
        cells = [h.strip() for h in header]
        probe = Table(pd.DataFrame(), "", None, 1, cells)
        try:
            mapping, _ = map_columns(probe, master.columns)
        except InputError:
            return None
        wanted = fields | IDENTITY_FIELDS
        # A column the config maps by name is read even when unused here: its absence is an error either way.
        used = {
            h for n, h in mapping.items() if n in master.columns or Field(n.partition(OVERRIDE_SEPARATOR)[0]) in wanted
        }
        return [i for i, cell in enumerate(cells) if cell in used]

    return keep


def _stop(
    table: Table, text: str, hint: str, code: IssueCode, messages: list[str], column: str | None = None
) -> MissingColumnError:
    """The error that stops everything, with its issues placed at the header row (so every output format has it)."""
    error = MissingColumnError(text, file=table.file, hint=hint)
    error.issues = frame_of(
        code,
        message=pd.Series(messages, dtype="str"),
        file=table.file,
        sheet=table.sheet,
        column=column,
        rows=pd.Series([table.header_row] * len(messages), dtype="Int64"),
    )
    return error


def _missing(table: Table, names: list[str], mapping: dict[str, str], what: str) -> InputError:
    parts = []
    for name in names:
        header = mapping.get(name)
        parts.append(_('"{header}" (mapped to {name})').format(header=header, name=name) if header else f'"{name}"')
    headers = ", ".join(f'"{h}"' for h in table.headers[:30])
    text = (
        _('the sheet "{sheet}" header (row {row}) has no {what} {columns}; it has {headers}')
        if table.sheet
        else _("the header (row {row}) has no {what} {columns}; it has {headers}")
    )
    return _stop(
        table,
        text.format(sheet=table.sheet, row=table.header_row, what=what, columns=", ".join(parts), headers=headers),
        _("fix the header in the sheet, or the column mapping under master.columns in the config"),
        MISSING_COLUMN,
        [_("The sheet has no column {column}.").format(column=p) for p in parts],
    )


def _refuse_empty_stock(table: Table, header: str) -> None:
    """A stock column with no value at all is a broken sheet (emptied, or the wrong column mapped), never "stock
    unknown everywhere": stop before any channel is planned."""
    if not len(table.frame) or columns.filled(table.frame[header]).any():
        return
    text = (
        _('the sheet "{sheet}" stock column "{header}" is empty in every row; nothing is planned or pushed')
        if table.sheet
        else _('the stock column "{header}" is empty in every row; nothing is planned or pushed')
    )
    raise _stop(
        table,
        text.format(sheet=table.sheet, header=header),
        _("fill the stock column, or fix the column mapping (master.columns / master.stock_columns)"),
        EMPTY_STOCK,
        [_('The stock column "{header}" has no value in any row.').format(header=header)],
        column=header,
    )


#: Always read: what identifies a product and what channel filters look at.
IDENTITY_FIELDS = {Field.SKU, Field.PARENT_SKU, Field.STATUS, Field.CATEGORY, Field.BRAND}


def build_catalog(table: Table, master: MasterConfig, fields: set[Field] | None = None) -> Catalog:
    mapping, absent = map_columns(table, master.columns)
    if fields is not None:
        keep = fields | IDENTITY_FIELDS
        mapping = {n: h for n, h in mapping.items() if Field(n.partition(OVERRIDE_SEPARATOR)[0]) in keep}
    if master.stock_sheet:
        absent = [a for a in absent if a != Field.QUANTITY.value]
    required_absent = [f.value for f in (Field.SKU,) if f.value not in mapping and f.value not in absent]
    if absent or required_absent:
        raise _missing(
            table, absent + required_absent, master.columns, _("mapped column") if absent else _("sku column")
        )
    if Field.QUANTITY.value in mapping and not master.stock_sheet:
        _refuse_empty_stock(table, mapping[Field.QUANTITY.value])
    data: dict[str, pd.Series] = {ROW: table.frame[ROW]}
    problems: dict[str, pd.Series] = {}
    overrides: dict[str, list[Field]] = {}

    # Arrow's kernels release the GIL: parsing columns side by side uses every core. Each worker keeps only the
    # rows with a problem, so a full-length problem column per field is never held for the whole sheet at once.
    def parse_one(name: str) -> tuple[pd.Series, pd.Series | None]:
        parsed = parse_column(Field(name.partition(OVERRIDE_SEPARATOR)[0]), table.frame[mapping[name]])
        bad = parsed.bad
        return parsed.values, parsed.problem[bad] if bad.any() else None

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        parsed_columns = dict(zip(mapping, pool.map(parse_one, mapping), strict=True))
    for name in mapping:
        base, _sep, channel = name.partition(OVERRIDE_SEPARATOR)
        values, problem = parsed_columns.pop(name)
        data[name] = values
        if problem is not None:
            problems[name] = problem
        if channel:
            overrides.setdefault(channel, []).append(Field(base))
    frame = pd.DataFrame(data, copy=False)
    source = Source(table.file, table.sheet, mapping, table.header_row)
    raw_sku = table.frame[mapping[Field.SKU.value]]
    return Catalog(
        frame,
        RawText(table.frame, mapping),
        problems,
        source,
        master.currency,
        overrides=overrides,
        reading_issues=table.issues,
        sku_spaced=raw_sku.ne(frame[Field.SKU.value]).fillna(False),
    )


def read_stock(config: LoadedConfig, master: MasterConfig, master_path: Path, master_table: Table) -> Stock:
    """The stock sheet: a sheet of the master workbook, or a csv/tsv file beside it."""
    name = master.stock_sheet or ""
    is_file = Path(name).suffix.lower() in {".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods"}
    mapping = dict(master.stock_columns)
    hints = [*mapping.values(), *(f.value for f in StockField)]
    if is_file:
        path = config.path_of(name, "master.stock_sheet")
        table = read_table(path, header_hints=hints, display=config.display_path(path))
    else:
        if master_table.sheet is None:
            raise InputError(
                _("stock_sheet {name!r} names a sheet, but the master is a text file without sheets").format(name=name),
                file=master_table.file,
                hint=_("for a csv/tsv master, set master.stock_sheet to the path of a stock csv/tsv file"),
            )
        table = read_table(master_path, sheet=name, header_hints=hints, display=master_table.file)
    found, absent = map_columns(table, mapping, what="stock field")  # not shown: a switch, not a message
    found = {k: v for k, v in found.items() if k in {f.value for f in StockField}}
    missing = absent + [f.value for f in StockField if f.value not in found and f.value not in absent]
    if missing:
        raise _missing(table, missing, mapping, _("stock column"))
    _refuse_empty_stock(table, found[StockField.QUANTITY.value])
    text = pd.DataFrame({name: clean(table.frame[found[name]]) for name in (f.value for f in StockField)})
    frame = text[[StockField.SKU.value, StockField.LOCATION.value]].assign(**{ROW: table.frame[ROW]})
    parsed = parse_quantity(text[StockField.QUANTITY.value])
    frame[StockField.QUANTITY.value] = parsed.values
    problems = {StockField.QUANTITY.value: parsed.problem} if parsed.bad.any() else {}
    return Stock(frame, text, problems, Source(table.file, table.sheet, found, table.header_row))
