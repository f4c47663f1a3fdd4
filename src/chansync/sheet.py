"""Reading a spreadsheet or text table into text columns, keeping each record's spreadsheet row number.

Every cell is read as text (parsing happens later, on purpose). Workbooks go through python-calamine with
openpyxl as the fallback; csv/tsv through pyarrow's multithreaded reader, with the encoding and delimiter
detected from the first bytes and the header row found below any title rows. A file whose rows do not line up
is read again by the slower standard-library reader so that row numbers stay exact and the odd rows are reported.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from . import columns
from .errors import InputError
from .fields import ROW
from .i18n import _, fill, number
from .issues import Severity, define, frame_of, one

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
HEAD_BYTES = 1 << 20
HEADER_SCAN_ROWS = 30
DELIMITERS = (",", ";", "\t", "|")

# The standard-library reader refuses a cell over 131,072 characters; a long description is data, not an attack.
csv.field_size_limit(1 << 30)

RAGGED_ROW = define("ragged-row", Severity.WARNING, "A row has more or fewer cells than the header.")
ENCODING_FALLBACK = define(
    "encoding-fallback", Severity.WARNING, "A text file is not valid UTF-8 and was read as Windows-1252."
)
BLANK_HEADER = define("blank-header", Severity.WARNING, "A column with data has no header.")
DUPLICATE_HEADER = define("duplicate-header", Severity.WARNING, "Two columns have the same header.")
INVALID_UTF8 = define(
    "invalid-utf8", Severity.WARNING, "A cell of a UTF-8 text file holds bytes that are not UTF-8 (shown as \ufffd)."
)


@dataclass
class Table:
    """A sheet as text: ``frame`` has one str column per header plus :data:`ROW`, the spreadsheet row number."""

    frame: pd.DataFrame
    file: str
    sheet: str | None
    header_row: int
    headers: list[str]
    encoding: str | None = None
    delimiter: str | None = None
    issues: list[pd.DataFrame] = field(default_factory=list)
    #: Headers (as compared: :func:`normalize_header`) that more than one column has; a mapped one is an error.
    duplicates: set[str] = field(default_factory=set)

    @property
    def data_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != ROW]


def read_table(
    path: Path,
    *,
    sheet: str | None = None,
    header_hints: Iterable[str] = (),
    header_row: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    display: str | None = None,
    keep: Callable[[list[str]], Collection[int] | None] | None = None,
) -> Table:
    """Read one sheet (workbook) or the whole file (csv/tsv) as text.

    ``header_hints`` are header names the caller expects (a mapped SKU header, say); the header row is the first
    row among the top rows that holds most of them, else the first row that is as wide as the table.

    ``keep``, given the header row's cells, names the positions of the columns to read (None: all). A csv/tsv
    file is then parsed for those columns only: a diff that needs three of twenty columns does not convert and
    hold the other seventeen. Workbooks are read whole.
    """
    shown = display or str(path)
    hints = {_norm(h) for h in header_hints if h}
    kind = sniff_kind(path, shown)
    if kind == "workbook":
        rows, sheet_name = _workbook_rows(path, sheet, shown)
        return _table_from_rows(rows, shown, sheet_name, hints, header_row)
    return _read_text(path, shown, hints, header_row, encoding, delimiter, keep=keep)


def sniff_kind(path: Path, shown: str) -> str:
    """'workbook' or 'text', from the file's first bytes; a mismatch with its name is an error, not a guess."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise InputError(_("file not found"), file=shown) from None
    except IsADirectoryError:
        raise InputError(_("is a folder, not a file"), file=shown) from None
    except OSError as exc:
        raise InputError(_("cannot be read ({reason})").format(reason=exc.strerror or exc), file=shown) from None
    if not head:
        raise InputError(_("the file is empty"), file=shown)
    is_zip = head.startswith(b"PK\x03\x04")
    is_ole = head.startswith(b"\xd0\xcf\x11\xe0")
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES and not (is_zip or is_ole):
        raise InputError(
            _("is named {suffix} but is not a spreadsheet workbook: it holds plain text").format(suffix=suffix),
            file=shown,
            hint=_("if it is a CSV export, rename it to .csv; otherwise save it again from your spreadsheet program"),
        )
    if suffix in TEXT_SUFFIXES and (is_zip or is_ole):
        raise InputError(
            _("is named {suffix} but is a spreadsheet workbook").format(suffix=suffix),
            file=shown,
            hint=_("rename it to .xlsx (or .xls), or export it as CSV from your spreadsheet program"),
        )
    return "workbook" if (is_zip or is_ole) else "text"


# --- workbooks --------------------------------------------------------------------------------------------------


#: A workbook is refused above these (the readers hold every cell of a sheet's used range in memory at once).
MAX_CELLS = 20_000_000  # rows x columns of a sheet's used range: 400,000 rows of 50 columns
MAX_UNPACKED = 1 << 30  # bytes of a workbook's parts once unzipped
MAX_RATIO = 100  # unzipped / zipped size of a part above RATIO_FROM bytes; real sheets compress 5 to 20 times
RATIO_FROM = 32 << 20
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,16})?(\d+)?(?::([A-Z]{1,16})(\d{1,16}))?\"")


def _workbook_rows(path: Path, sheet: str | None, shown: str) -> tuple[list[list[Any]], str]:
    """Every row of the sheet, after checking that the workbook is not encrypted and not too large to unpack."""
    _check_workbook(path, shown)
    rows, name = _read_workbook(path, sheet, shown)
    return _trim_trailing_rows(rows), name


def _read_workbook(path: Path, sheet: str | None, shown: str) -> tuple[list[list[Any]], str]:
    try:
        return _calamine_rows(path, sheet, shown)
    except InputError:
        raise
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as panic:  # noqa: BLE001 - python-calamine turns a Rust panic into a BaseException
        if not isinstance(panic, Exception):
            raise _unreadable(panic, shown) from None
        calamine_error = panic
        try:
            return _openpyxl_rows(path, sheet, shown)
        except InputError:
            raise
        except Exception:  # noqa: BLE001
            raise _unreadable(calamine_error, shown) from None


def _unreadable(error: BaseException, shown: str) -> InputError:
    return InputError(
        _("is not a readable workbook ({reason})").format(reason=_short(error)),
        file=shown,
        hint=_("the file may be damaged or only partly copied; open it and save it again"),
    )


def _check_workbook(path: Path, shown: str) -> None:
    """Refuse, before any reader allocates, a workbook that is password-protected or that unpacks to more than
    the caps: a zip bomb, or a single cell at XFD1048576 that makes the used range 17 billion cells."""
    import zipfile

    if not zipfile.is_zipfile(path):
        if _encrypted(path):
            raise InputError(
                _("is password-protected (encrypted); chansync cannot read it"),
                file=shown,
                hint=_("open it, remove the password (File > Info > Protect Workbook) and save it again"),
            )
        return
    try:
        with zipfile.ZipFile(path) as book:
            infos = book.infolist()
            _check_sizes(infos, shown)
            for info in infos:
                if re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                    _check_dimension(book, info, shown)
                elif info.filename == "content.xml":  # OpenDocument
                    with book.open(info) as handle:
                        cells = _repeated_cells(handle)
                    if cells > MAX_CELLS:
                        raise InputError(
                            _(
                                "its repeated rows expand to {cells} cells, more than the {limit} cells "
                                "chansync reads from a sheet"
                            ).format(cells=number(cells), limit=number(MAX_CELLS)),
                            file=shown,
                            hint=_("delete the filled rows repeated below the data, or save the sheet as CSV"),
                        )
    # NotImplementedError is zipfile's word for a compression method it does not support: like a damaged archive,
    # it is left to the readers, which say what is wrong with the file.
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ValueError):
        return


def _encrypted(path: Path) -> bool:
    """An Office file saved with a password is an OLE container holding an ``EncryptedPackage`` stream."""
    marker = "EncryptedPackage".encode("utf-16-le")
    with path.open("rb") as handle:
        if handle.read(4) != b"\xd0\xcf\x11\xe0":
            return False
        handle.seek(0)
        tail = b""
        while chunk := handle.read(1 << 22):
            if marker in tail + chunk:
                return True
            tail = chunk[-len(marker) :]
    return False


def _check_sizes(infos: list[Any], shown: str) -> None:
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise InputError(
            _("unpacks to {size} MB, more than the {limit} MB chansync reads from a workbook").format(
                size=number(total / 2**20, 0), limit=number(MAX_UNPACKED >> 20)
            ),
            file=shown,
            hint=_("save the sheet as CSV, which has no such limit"),
        )
    for info in infos:
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(
                _(
                    "its part {filename!r} unpacks to {size} MB from {packed} MB, far more than a real sheet "
                    "(a damaged or crafted file)"
                ).format(
                    filename=info.filename,
                    size=number(info.file_size / 2**20, 0),
                    packed=number(info.compress_size / 2**20, 1),
                ),
                file=shown,
                hint=_("open it and save it again, or save the sheet as CSV"),
            )


def _check_dimension(book: Any, info: Any, shown: str) -> None:
    """The sheet's used range from its ``<dimension ref>``; a sheet without one is scanned for its last cell."""
    with book.open(info) as handle:
        head = handle.read(1 << 16)
        found = _DIMENSION.search(head)
        if found and found.group(3):  # refuses the usual case before reading on
            rows, cols = int(found.group(4)), _column_number(found.group(3))
            _refuse_range(rows, cols, info, shown)
            far_rows, far_cols = _far_cells(head, handle)  # a dimension may lie: look for cells far beyond it
            rows, cols = max(rows, far_rows), max(cols, far_cols)
        else:
            rows, cols = _last_cell(head, handle)
    _refuse_range(rows, cols, info, shown)


def _refuse_range(rows: int, cols: int, info: Any, shown: str) -> None:
    if rows * cols > MAX_CELLS:
        sheet = info.filename.rsplit("/", 1)[-1].removesuffix(".xml")
        raise InputError(
            _(
                "its {sheet} uses {cols} columns by {rows} rows, more than the {limit} cells chansync reads "
                "from a sheet"
            ).format(sheet=sheet, cols=number(cols), rows=number(rows), limit=number(MAX_CELLS)),
            file=shown,
            hint=_(
                "delete the empty rows and columns below and right of the data (or a stray far-away cell), "
                "or save the sheet as CSV"
            ),
        )


def _last_cell(head: bytes, handle: Any) -> tuple[int, int]:
    """The largest row and column the sheet's cells use, reading the part in chunks (its size is capped). Each
    search has a literal prefix, which keeps it near the speed of unzipping: rows from ``<row r=`` (and cells of
    seven-digit rows), columns from two- and more-letter cell references (a sheet without any has at most 26)."""
    rows, cols = _scan(head, handle, _WIDE_COLUMN, (_ROW_NUMBER, _FAR_ROW))
    return rows, cols or (26 if rows else 0)


def _far_cells(head: bytes, handle: Any) -> tuple[int, int]:
    """The largest row of seven digits and the largest column of three letters any cell names (0 when none):
    only those can take a sheet past the caps when its dimension is within them."""
    return _scan(head, handle, _FAR_COLUMN, (_FAR_ROW,))


def _scan(head: bytes, handle: Any, column: re.Pattern[bytes], rows: tuple[re.Pattern[bytes], ...]) -> tuple[int, int]:
    """The largest row number and column the patterns find, over ``head`` and the rest of ``handle`` read in
    16 MiB chunks (a reference cut at a chunk's end is found in the next, which starts with its last bytes)."""
    last_row = last_col = 0
    tail = b""
    chunk = head
    while chunk:
        text = tail + chunk
        for letters in set(column.findall(text)):
            last_col = max(last_col, _column_number(letters))
        for pattern in rows:
            found = pattern.findall(text)
            if found:
                last_row = max(last_row, max(map(int, found)))
        tail = text[-40:]
        chunk = handle.read(1 << 24)
    return last_row, last_col


_FAR_COLUMN = re.compile(rb'r="([A-Z]{3,16})\d')
_FAR_ROW = re.compile(rb'r="[A-Z]{0,16}(\d{7,16})"')
_WIDE_COLUMN = re.compile(rb'r="([A-Z]{2,16})\d')
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\sr="(\d{1,16})"')


def _repeated_cells(handle: Any) -> int:
    """Cells that OpenDocument rows repeated a thousand times or more expand to, when they hold a value (the
    repeated empty rows LibreOffice writes below the data expand to nothing). Read in chunks, each repeated row
    looked at once, its content within the :data:`_ODS_ROW` bytes that follow."""
    cells = 0
    text = b""
    while True:
        chunk = handle.read(1 << 24)
        text += chunk
        limit = len(text) if not chunk else max(len(text) - _ODS_ROW, 0)
        for found in _ODS_REPEATED_ROW.finditer(text, 0, limit):
            end = text.find(b"</table:table-row>", found.end(), found.end() + _ODS_ROW)
            row = text[found.end() : end if end >= 0 else found.end() + _ODS_ROW]
            if b"office:value-type" in row or b"<text:p" in row:
                repeats = _ODS_REPEATED_CELL.findall(row)
                width = sum(int(n) for n in repeats) + row.count(b"<table:table-cell") - len(repeats)
                cells += int(found.group(1)) * width
        if not chunk:
            return cells
        text = text[limit:]


_ODS_ROW = 1 << 16
_ODS_REPEATED_ROW = re.compile(rb'<table:table-row\b[^>]*?number-rows-repeated="(\d{4,16})"[^>]*>')
_ODS_REPEATED_CELL = re.compile(rb'number-columns-repeated="(\d{1,16})"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _trim_trailing_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """Drop the empty rows a sheet's formatting leaves below its data (only those rows are looked at)."""
    end = len(rows)
    while end and not any(cell not in (None, "") for cell in rows[end - 1]):
        end -= 1
    return rows if end == len(rows) else rows[:end]


def _calamine_rows(path: Path, sheet: str | None, shown: str) -> tuple[list[list[Any]], str]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    name = _pick_sheet(list(book.sheet_names), sheet, shown)
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return rows, name


def _openpyxl_book(path: Path, shown: str) -> Any:
    import zipfile

    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(
            _("is not a readable workbook ({reason})").format(reason=_short(exc)),
            file=shown,
            hint=_("the file may be damaged or only partly copied; open it and save it again"),
        ) from None


def _openpyxl_rows(path: Path, sheet: str | None, shown: str) -> tuple[list[list[Any]], str]:
    book = _openpyxl_book(path, shown)
    try:
        name = _pick_sheet(list(book.sheetnames), sheet, shown)
        rows = [list(r) for r in book[name].iter_rows(values_only=True)]
    finally:
        book.close()
    return rows, name


def _pick_sheet(names: list[str], wanted: str | None, shown: str) -> str:
    if not names:
        raise InputError(_("the workbook has no sheets"), file=shown)
    if wanted is None:
        return names[0]
    if wanted in names:
        return wanted
    folded = {n.casefold().strip(): n for n in names}
    if wanted.casefold().strip() in folded:
        return folded[wanted.casefold().strip()]
    raise InputError(
        _("has no sheet named {wanted!r}; its sheets are {sheets}").format(
            wanted=wanted, sheets=", ".join(map(repr, names))
        ),
        file=shown,
    )


def cell_text(value: Any) -> str:
    """A workbook cell as the text a person sees: 12.0 -> "12", 8712345678906.0 -> "8712345678906"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _text_column(values: Sequence[Any]) -> list[str]:
    return [v if type(v) is str else cell_text(v) for v in values]


def _table_from_rows(
    rows: list[list[Any]], shown: str, sheet: str | None, hints: set[str], header_row: int | None
) -> Table:
    if not rows or not any(any(cell not in (None, "") for cell in row) for row in rows[: HEADER_SCAN_ROWS * 10]):
        raise InputError(_("the sheet is empty"), file=shown, sheet=sheet)
    head = [_text_column(r) for r in rows[:HEADER_SCAN_ROWS]]
    index = _header_index(head, hints, header_row, shown, sheet)
    raw_headers = head[index]
    body = rows[index + 1 :]
    width = max([len(raw_headers), *(len(r) for r in body)]) if body else len(raw_headers)
    columns = list(zip(*(_pad(r, width) for r in body), strict=True)) if body else [() for _ in range(width)]
    headers, issues = _clean_headers(
        list(raw_headers) + [""] * (width - len(raw_headers)),
        [any(v not in (None, "") for v in col) for col in columns],
        shown,
        sheet,
        index + 1,
        letters=True,
    )
    data = {
        name: pd.array(_text_column(col), dtype="str")
        for name, col in zip(headers, columns, strict=False)
        if name is not None
    }
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(body)))
    frame[ROW] = pd.RangeIndex(index + 2, index + 2 + len(body))
    frame = _drop_blank_rows(frame)
    names = [h for h in headers if h is not None]
    return Table(frame, shown, sheet, index + 1, names, issues=issues, duplicates=_duplicates(raw_headers))


def _pad(row: Sequence[Any], width: int) -> Sequence[Any]:
    return row if len(row) == width else list(row) + [None] * (width - len(row))


# --- text files -------------------------------------------------------------------------------------------------


@dataclass
class _Sniffed:
    encoding: str  # a Python codec name
    offset: int  # bytes to skip (BOM, stray whitespace before it)
    delimiter: str
    records: list[list[str]]  # the first records, decoded
    repair: bool = False  # UTF-8 with a few invalid bytes: read with U+FFFD in their place, and say where


def _read_text(
    path: Path,
    shown: str,
    hints: set[str],
    header_row: int | None,
    encoding: str | None,
    delimiter: str | None,
    *,
    repair: bool = False,
    keep: Callable[[list[str]], Collection[int] | None] | None = None,
) -> Table:
    sniffed = _sniff_text(path, shown, encoding, delimiter, repair=repair)
    if not any(any(c.strip() for c in r) for r in sniffed.records):
        raise InputError(_("the file holds no rows"), file=shown)
    index = _header_index(sniffed.records, hints, header_row, shown, None)
    raw = sniffed.records[index]
    issues: list[pd.DataFrame] = []
    if sniffed.encoding == "cp1252" and encoding is None:
        issues.append(_encoding_fallback(shown))
    chosen = _chosen(keep, raw)
    try:
        try:
            frame = _arrow_read(path, sniffed, raw, index, newlines_in_values=False, include=chosen)
        except _Ragged:  # a quoted value may hold a line break that split a block: read again, carefully
            frame = _arrow_read(path, sniffed, raw, index, newlines_in_values=True, include=chosen)
        names = list(frame.columns)
        if chosen is not None:
            raw = [raw[i] for i in chosen]
    except _Ragged:
        frame, names, ragged = _python_read(path, sniffed, raw, index, shown)
        issues.append(ragged)
    except UnicodeError:
        if sniffed.encoding not in ("utf-8", "utf-8-sig") or encoding is not None or sniffed.repair:
            raise InputError(
                _("cannot be decoded as {encoding}").format(encoding=sniffed.encoding), file=shown
            ) from None
        if not _mostly_cp1252(path, sniffed.offset):  # valid UTF-8 but for a few bytes past the first MiB
            return _read_text(path, shown, hints, header_row, None, sniffed.delimiter, repair=True, keep=keep)
        table = _read_text(path, shown, hints, header_row, "cp1252", sniffed.delimiter, keep=keep)
        table.issues.insert(0, _encoding_fallback(shown))
        return table
    _refuse_nul(frame, shown)
    blank = [not n.strip() or n.startswith("\x00") for n in raw] + [False] * (len(names) - len(raw))
    has_data = [bool(columns.filled(frame[c]).any()) if b else True for c, b in zip(names, blank, strict=False)]
    headers, header_issues = _clean_headers(names, has_data, shown, None, index + 1, letters=False)
    issues.extend(header_issues)
    renamed = {old: new for old, new in zip(names, headers, strict=True) if new is not None}
    frame = frame[list(renamed)].rename(columns=renamed)
    frame[ROW] = pd.RangeIndex(index + 2, index + 2 + len(frame))
    frame = _drop_blank_rows(frame)
    if sniffed.repair:
        issues.extend(_invalid_bytes(frame, shown))
    table = Table(
        frame, shown, None, index + 1, list(renamed.values()), sniffed.encoding, sniffed.delimiter, issues=issues
    )
    table.duplicates = _duplicates(sniffed.records[index])  # every column's header, read or not
    return table


def _chosen(keep: Callable[[list[str]], Collection[int] | None] | None, header: list[str]) -> list[int] | None:
    """The positions ``keep`` asks for, in file order; None (read all) when it asks for none or for all."""
    if keep is None:
        return None
    wanted = keep(list(header))
    if wanted is None:
        return None
    chosen = sorted({i for i in wanted if 0 <= i < len(header)})
    return chosen if chosen and len(chosen) < len(header) else None


def _invalid_bytes(frame: pd.DataFrame, shown: str) -> list[pd.DataFrame]:
    """A located warning per cell that holds U+FFFD where the file had bytes that are not UTF-8."""
    found = []
    for name in frame.columns:
        if name == ROW:
            continue
        hit = frame[name].str.contains("\ufffd", regex=False).fillna(False)
        if hit.any():
            values = frame.loc[hit, name].str.slice(0, 80)
            found.append(
                frame_of(
                    INVALID_UTF8,
                    message=fill(
                        _("This cell holds bytes that are not valid UTF-8; they are read as \ufffd: {values}"),
                        values=values,
                    ),
                    rows=frame.loc[hit, ROW].astype("Int64"),
                    values=values,
                    file=shown,
                    column=str(name),
                )
            )
    return found


def _mostly_cp1252(path: Path, offset: int) -> bool:
    """Whether most of the file's non-ASCII bytes are invalid as UTF-8: then it is a Windows-1252 (ANSI) file; a
    file with only a few invalid bytes among valid UTF-8 is UTF-8 with a few damaged cells."""
    high = invalid = 0
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    with path.open("rb") as handle:
        handle.seek(offset)
        while chunk := handle.read(1 << 24):
            high += len(chunk) - len(chunk.translate(None, _HIGH_BYTES))
            invalid += decoder.decode(chunk).count("\ufffd")
    invalid += decoder.decode(b"", final=True).count("\ufffd")
    return invalid * 2 > high


_HIGH_BYTES = bytes(range(128, 256))


def _encoding_fallback(shown: str) -> pd.DataFrame:
    return one(ENCODING_FALLBACK, _("The file is not valid UTF-8; it was read as Windows-1252 (ANSI)."), file=shown)


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _sniff_text(
    path: Path, shown: str, encoding: str | None, delimiter: str | None, *, repair: bool = False
) -> _Sniffed:
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
        at_end = not handle.read(1)
        # A NUL byte past the head is looked for in the cells once they are read (:func:`_refuse_nul`): a second
        # pass over a large file here cost as much as a third of reading it.
    offset = len(head) - len(head.lstrip(b" \t\r\n"))  # some exporters write whitespace before the BOM
    detected = None
    for bom, name in _BOMS:
        if head[offset:].startswith(bom):
            detected, offset = name, offset + len(bom)
            break
    if detected is None:
        offset = 0
        if encoding:
            detected = encoding
        elif _looks_utf16(head):
            detected = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        elif repair or _is_utf8(head, final=at_end):
            detected = "utf-8"
        else:
            repair = not _mostly_cp1252_bytes(head, final=at_end)
            detected = "utf-8" if repair else "cp1252"
    elif encoding and codecs.lookup(encoding).name != codecs.lookup(detected).name:
        detected = encoding
    try:
        errors = "replace" if repair else "strict"
        text = codecs.getincrementaldecoder(detected)(errors=errors).decode(head[offset:], final=at_end)
    except LookupError:
        raise InputError(_("unknown encoding {encoding!r}").format(encoding=encoding), file=shown) from None
    except UnicodeDecodeError:
        raise InputError(_("cannot be decoded as {detected}").format(detected=detected), file=shown) from None
    if "\x00" in text:
        raise InputError(_("is a binary file, not CSV or TSV text"), file=shown)
    if not at_end:
        text = text[: max(text.rfind("\n"), text.rfind("\r")) + 1] or text  # only whole lines
    chosen = delimiter or _sniff_delimiter(text, path.suffix.lower())
    # newline="": a bare CR (old Mac Excel) ends a record too, instead of landing inside an unquoted field
    records = list(itertools.islice(csv.reader(io.StringIO(text, newline=""), delimiter=chosen), HEADER_SCAN_ROWS * 4))
    return _Sniffed(detected, offset, chosen, records, repair=repair)


def _refuse_nul(frame: pd.DataFrame, shown: str) -> None:
    """A NUL byte in any cell read (past the head, which :func:`_sniff_text` checks): a binary file. UTF-16 text
    is decoded before this, so its zero bytes are not NULs here."""
    for name in frame.columns:
        if name != ROW and columns.has_nul(frame[name]):
            raise InputError(_("is a binary file, not CSV or TSV text (it holds NUL bytes)"), file=shown)


def _mostly_cp1252_bytes(head: bytes, *, final: bool) -> bool:
    high = len(head) - len(head.translate(None, _HIGH_BYTES))
    invalid = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head, final=final).count("\ufffd")
    return invalid * 2 > high


def _looks_utf16(head: bytes) -> bool:
    sample = head[:4096]
    if len(sample) < 4:
        return False
    return sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4


def _is_utf8(head: bytes, *, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _sniff_delimiter(text: str, suffix: str) -> str:
    """The delimiter that splits the first lines into the most consistent number (> 1) of fields."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    best, best_score = ("\t" if suffix in (".tsv", ".tab") else ","), (0, 0, 0)
    for candidate in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=candidate)]
        if not counts:
            continue
        modal = max(set(counts), key=counts.count)
        if modal < 2:
            continue
        agreeing = sum(1 for c in counts if c == modal)
        preferred = int(candidate == best)
        score = (agreeing, preferred, modal)
        if score > best_score:
            best, best_score = candidate, score
    return best


class _Ragged(Exception):
    pass


def _arrow_read(
    path: Path,
    sniffed: _Sniffed,
    header: list[str],
    index: int,
    *,
    newlines_in_values: bool,
    include: list[int] | None = None,
) -> pd.DataFrame:
    """pyarrow's multithreaded reader, every column as text. Any row that does not line up raises _Ragged.

    Without ``newlines_in_values`` blocks are split at any line break, which is fast and exact unless a quoted
    value holds a line break at a block boundary; that always leaves a row with the wrong number of cells, so
    the caller reads again with it on.
    """
    names = _unique([h if h.strip() else f"\x00{i}" for i, h in enumerate(header)])
    ragged: list[int] = []

    def on_invalid(row: Any) -> str:
        ragged.append(1)
        return "skip"

    read = pacsv.ReadOptions(
        column_names=names,
        skip_rows=index + 1,
        encoding="utf8" if sniffed.encoding in ("utf-8", "utf-8-sig") else sniffed.encoding,
        block_size=1 << 22,
    )
    parse = pacsv.ParseOptions(
        delimiter=sniffed.delimiter,
        quote_char='"',
        double_quote=True,
        newlines_in_values=newlines_in_values or len(names) < 2,
        ignore_empty_lines=False,
        invalid_row_handler=on_invalid,
    )
    convert = pacsv.ConvertOptions(
        # large_string is what pandas' str dtype holds: read as string, every column would be copied into it
        column_types={n: pa.large_string() for n in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=[],
        include_columns=None if include is None else [names[i] for i in include],
    )
    with path.open("rb") as handle:
        handle.seek(sniffed.offset)
        source = codecs.EncodedFile(handle, "utf-8", "utf-8", errors="replace") if sniffed.repair else handle
        try:
            table = pacsv.read_csv(source, read_options=read, parse_options=parse, convert_options=convert)
        except pa.ArrowInvalid as exc:
            if "UTF8" in str(exc) or "utf8" in str(exc).lower():
                raise UnicodeError(str(exc)) from None
            raise _Ragged() from None
    if ragged:
        raise _Ragged()
    frame = table.to_pandas()
    del table
    frame.columns = pd.Index(names if include is None else [names[i] for i in include])
    return frame


def _python_read(
    path: Path, sniffed: _Sniffed, header: list[str], index: int, shown: str
) -> tuple[pd.DataFrame, list[str], pd.DataFrame]:
    """The exact, slower reader for files whose rows do not line up: pads short rows, reports long ones."""
    width = len(header)
    with path.open("rb") as handle:
        handle.seek(sniffed.offset)
        text = io.TextIOWrapper(handle, encoding=sniffed.encoding, errors="replace", newline="")
        reader = csv.reader(text, delimiter=sniffed.delimiter)
        rows: list[list[str]] = []
        bad_rows: list[int] = []
        bad_counts: list[int] = []
        for number, record in enumerate(reader, start=1):
            if number <= index + 1:
                continue
            if len(record) != width and any(cell.strip() for cell in record):
                bad_rows.append(number)
                bad_counts.append(len(record))
            rows.append((record + [""] * width)[:width] if len(record) != width else record)
    names = _unique([h if h.strip() else f"\x00{i}" for i, h in enumerate(header)])
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    frame = pd.DataFrame({n: pd.array(list(c), dtype="str") for n, c in zip(names, columns, strict=True)})
    counts = pd.Series(bad_counts, dtype="int64")
    more = counts.gt(width)
    message = pd.Series("", index=counts.index, dtype="object")
    for extra, template in (
        (True, _("This row has {count} cells but the header has {width}; the extra cells were ignored.")),
        (False, _("This row has {count} cells but the header has {width}; the missing cells were read as empty.")),
    ):
        same = more.eq(extra)
        if same.any():
            message[same] = fill(template, count=counts[same].astype(str), width=str(width))
    issues = frame_of(RAGGED_ROW, message=message, rows=pd.Series(bad_rows, dtype="Int64"), file=shown)
    return frame, names, issues


# --- headers ----------------------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).casefold()


def normalize_header(text: str) -> str:
    """The form in which headers are compared: case, non-breaking and repeated spaces ignored."""
    return _norm(text)


def _header_index(
    records: list[list[str]], hints: set[str], header_row: int | None, shown: str, sheet: str | None
) -> int:
    if header_row is not None:
        if header_row > len(records):
            raise InputError(
                _("the configured header_row {header_row} is below the last row read").format(header_row=header_row),
                file=shown,
                sheet=sheet,
            )
        return header_row - 1
    scan = records[:HEADER_SCAN_ROWS]
    filled = [sum(1 for c in r if str(c).strip()) for r in scan]
    if hints:
        matches = [sum(1 for c in r if _norm(str(c)) in hints) for r in scan]
        best = max(matches)
        if best:
            return matches.index(best)
    widest = max(filled)
    if widest == 0:
        raise InputError(_("the file holds no header row"), file=shown, sheet=sheet)
    # The header is the first row as wide as the table; title rows above it fill one or two cells.
    threshold = widest if widest <= 2 else max(2, (widest * 3 + 3) // 4)
    return next(i for i, n in enumerate(filled) if n >= threshold)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            out.append(f"{name} ({seen[name]})")
        else:
            seen[name] = 1
            out.append(name)
    return out


def column_letter(index: int) -> str:
    """The spreadsheet letters of the column at 0-based ``index`` (0: A, 26: AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _clean_headers(
    raw: list[str], has_data: list[bool], shown: str, sheet: str | None, header_row: int, *, letters: bool
) -> tuple[list[str | None], list[pd.DataFrame]]:
    """Trimmed, unique header names; ``None`` for blank columns without data (trailing formatting, say)."""
    issues = []
    out: list[str | None] = []
    seen: dict[str, int] = {}
    for i, (name, data) in enumerate(zip(raw, has_data, strict=False)):
        text = name.replace("\u00a0", " ").strip() if not name.startswith("\x00") else ""
        if not text:
            if not data:
                out.append(None)
                continue
            text = f"column {column_letter(i) if letters else i + 1}"  # not shown: the column's name, a key
            issues.append(
                one(
                    BLANK_HEADER,
                    _("A column with data has no header; it is called {name} here.").format(name=repr(text)),
                    file=shown,
                    sheet=sheet,
                    row=header_row,
                    column=text,
                )
            )
        key = text.casefold()
        if key in seen:
            seen[key] += 1
            renamed = f"{text} ({seen[key]})"
            issues.append(
                one(
                    DUPLICATE_HEADER,
                    _("The header {header} appears more than once; this copy is read as {name}.").format(
                        header=repr(text), name=repr(renamed)
                    ),
                    file=shown,
                    sheet=sheet,
                    row=header_row,
                    column=renamed,
                )
            )
            text = renamed
        else:
            seen[key] = 1
        out.append(text)
    return out, issues


def _duplicates(headers: Sequence[str]) -> set[str]:
    """The headers, as compared, that more than one column has (blank ones aside)."""
    seen: set[str] = set()
    twice: set[str] = set()
    for header in headers:
        key = _norm(header) if not header.startswith("\x00") else ""
        if key:
            (twice if key in seen else seen).add(key)
    return twice


def _drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    data = [c for c in frame.columns if c != ROW]
    if not data or not len(frame):
        return frame
    blank = columns.is_empty(columns.trim(frame[data[0]]))
    for column in data[1:]:
        if not blank.any():
            return frame
        blank &= columns.is_empty(columns.trim(frame[column]))
    return frame[~blank].reset_index(drop=True) if blank.any() else frame


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"\s+", " ", text)[:160]
