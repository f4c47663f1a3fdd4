"""``master.write_back``: after a push, the master's stock cells show what is left (the master count less what
was sold on the channels since it), so the sheet a seller opens in the morning is the truth.

Only the stock cells of SKUs with sales change: other cells, other sheets and formatting are kept (csv is rewritten
with the same delimiter; xlsx through openpyxl, which keeps styles and formulas elsewhere). The previous file is
copied into the state folder first, the new one replaces it atomically, and nothing is written while the workbook
is open in Excel (its ``~$`` owner file lies beside it): Excel would overwrite the change when it saves.
"""

from __future__ import annotations

import csv
import io
import shutil
import time
import zipfile
from pathlib import Path

import pandas as pd

from .catalog import Catalog, read_master
from .config import LoadedConfig
from .fields import ROW, Field, StockField
from .i18n import _, ngettext, number
from .state.ledger import location_name
from .state.store import SyncState
from .transports.local import write_atomic

BACKUP_DIR = "backups"


def open_in_excel(path: Path) -> Path | None:
    """The owner file Excel keeps beside an open workbook (``~$`` and the name, or its last characters)."""
    for name in (f"~${path.name}", f"~${path.name[2:]}"):
        owner = path.with_name(name)
        if owner.exists():
            return owner
    return None


def write_back(
    config: LoadedConfig, state: SyncState, ledger: pd.DataFrame | None, catalog: Catalog | None = None
) -> str:
    """Set the master's stock cells to what is available; returns what was done (or why not), for the summary.
    ``catalog``: the master as the push read it (read again when not given). It runs after the channels were
    pushed, so a sheet it cannot write is said, never raised: the sales stay in the ledger for the next push."""
    if ledger is None or not len(ledger):
        return _("nothing sold since the last count; the sheet is unchanged")
    catalog = catalog if catalog is not None else read_master(config)
    if catalog.stock is not None:
        source = catalog.stock.source
        path = config.path_of(config.master.stock_sheet or "", "master.stock_sheet", must_exist=False)
        if not path.suffix:  # a sheet of the master workbook
            path = config.path_of(config.master.file, "master.file")
        cells = _stock_sheet_cells(catalog, ledger)
        header = source.headers.get(StockField.QUANTITY.value, StockField.QUANTITY.value)
    else:
        source = catalog.source
        path = config.path_of(config.master.file, "master.file")
        cells = _quantity_cells(catalog, ledger)
        header = source.column(Field.QUANTITY)
    owner = open_in_excel(path)
    if owner is not None:
        return _(
            "not written: {file} is open in Excel ({owner} exists); close it and the next push writes the stock back "
            "(the sales are kept until then)"
        ).format(file=path.name, owner=owner.name)
    if not cells:
        return _("no stock cell to change")
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        backup = _backup(state, path)
        if path.suffix.lower() in (".csv", ".tsv", ".txt"):
            _write_csv(path, source.header_row, header, cells)
        else:
            _write_xlsx(path, source.sheet, source.header_row, header, cells)
    except (OSError, ValueError, KeyError, IndexError, UnicodeError, zipfile.BadZipFile, InvalidFileException) as exc:
        return _(
            "not written: {file} could not be updated ({error}); the sales are kept and the next push tries again"
        ).format(file=path.name, error=f"{type(exc).__name__}: {str(exc)[:200]}")
    state.reset_counts(sorted(set(ledger["sku"])))
    return ngettext(
        "{count} stock cell of {file} set to what is available (backup: {backup})",
        "{count} stock cells of {file} set to what is available (backup: {backup})",
        len(cells),
    ).format(count=number(len(cells)), file=path.name, backup=backup.name)


def _quantity_cells(catalog: Catalog, ledger: pd.DataFrame) -> dict[int, int]:
    """{sheet row: available} for the quantity column of a master without a stock sheet."""
    frame = catalog.frame
    sold = ledger[ledger["location"].eq("")].groupby("sku")["sold"].sum()
    rows = frame[Field.SKU.value].isin(sold.index) & frame[Field.QUANTITY.value].notna()
    left = (frame.loc[rows, Field.QUANTITY.value] - frame.loc[rows, Field.SKU.value].map(sold)).clip(lower=0)
    return dict(zip(frame.loc[rows, ROW].astype(int).tolist(), left.astype(int).tolist(), strict=True))


def _stock_sheet_cells(catalog: Catalog, ledger: pd.DataFrame) -> dict[int, int]:
    """{sheet row: available} for the stock sheet's quantity cells of SKUs with sales."""
    assert catalog.stock is not None
    frame = catalog.stock.frame
    sku, quantity = StockField.SKU.value, StockField.QUANTITY.value
    rows = frame[sku].isin(ledger["sku"]) & frame[quantity].notna()
    part = frame[rows]
    where = location_name(part[StockField.LOCATION.value].tolist())
    index = pd.MultiIndex.from_arrays([part[sku].astype("str").tolist(), where.tolist()])
    sold = ledger.set_index(["sku", "location"])["sold"].reindex(index).fillna(0).astype(int).to_numpy()
    left = (part[quantity].astype(int).to_numpy() - sold).clip(min=0)
    changed = sold > 0
    return dict(zip(part[ROW].astype(int).to_numpy()[changed].tolist(), left[changed].tolist(), strict=True))


def _backup(state: SyncState, path: Path) -> Path:
    folder = state.folder / BACKUP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{path.stem}.{time.strftime('%Y%m%dT%H%M%S')}{path.suffix}"
    shutil.copy2(path, target)
    return target


def _write_csv(path: Path, header_row: int, header: str, cells: dict[int, int]) -> None:
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    first = text.splitlines()[header_row - 1] if text else ""
    delimiter = max([",", ";", "\t", "|"], key=first.count)
    newline = "\r\n" if "\r\n" in text[:10000] else "\n"
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    column = [c.strip() for c in rows[header_row - 1]].index(header)
    for row_number, value in cells.items():
        row = rows[row_number - 1]
        row[column] = str(value)
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    write_atomic(path, (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))


def _write_xlsx(path: Path, sheet: str | None, header_row: int, header: str, cells: dict[int, int]) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    headers = [str(c.value).strip() if c.value is not None else "" for c in worksheet[header_row]]
    column = headers.index(header) + 1
    for row_number, value in cells.items():
        worksheet.cell(row=row_number, column=column).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomic(path, buffer.getvalue())
