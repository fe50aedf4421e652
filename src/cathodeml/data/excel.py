"""Reading the first sheet of an Excel workbook cell by cell, as Excel displays it.

``.xlsx``/``.xlsm`` are read with openpyxl, ``.xls`` with xlrd. What a cell becomes:

* a number → its shortest decimal text (``4.3``; whole numbers without ``.0``); a cell formatted
  as a **percentage** is read **as displayed**: 0.05 shown as ``5 %`` is read as ``5`` (a column
  whose unit is % then gets the number the scientist sees; a fraction column gets a range error);
* a formula → its saved (cached) value; a formula **without** a saved value (a file written by a
  program that does not compute formulas) is an error naming the cell — never an empty cell;
* an **error value** (``#DIV/0!``, ``#N/A``, ``#VALUE!`` …) → an error naming the cell;
* a date → its ISO text; a header cell holding a number (``2024``) → its text, a column name like
  any other; text holding a NUL character → an error naming the cell.

A file whose content is not what its suffix says (a CSV or HTML file named ``.xls``, a zip that is
not a workbook, a truncated ``.xlsx``) is refused with one message saying what it is.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from cathodeml.data.table import Header, RawTable, Unreadable, assemble, cell_problem, locate_header, refuse

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
#: (row, column index, value shown, why): a cell read differently from what it shows, or not at all.
Issue = tuple[int, int, str, str]


def _is_percent(number_format: str | None) -> bool:
    """Excel scales by 100 only for a ``%`` outside quotes, escapes and ``[…]`` sections."""
    return bool(number_format) and "%" in _LITERAL.sub("", number_format)


def number_text(value: float | int, percent: bool = False) -> str:
    """A cell's number as text: shortest decimal form; × 100 exactly (in decimal) when shown as %."""
    if isinstance(value, float) and not np.isfinite(value):
        return repr(value)
    if percent:
        return format((Decimal(repr(value)) * 100).normalize(), "f")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _cell_text(value: object, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return number_text(value, _is_percent(number_format))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


def _describe_content(path: Path) -> str:
    """What a file that is not the workbook its suffix promises actually is (for the refusal)."""
    with path.open("rb") as f:
        head = f.read(2048)
    if not head:
        return "is empty (0 bytes)"
    if head.startswith(b"PK\x03\x04"):
        return "is a zip archive but not a complete Excel workbook (truncated, or another kind of zip); save it again from Excel"
    if head.startswith(_OLE2):
        return f"is an old-style .xls workbook (or another Office file) named {path.suffix}; rename it .xls"
    low = head.lstrip().lower()
    if low.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        return f"is an HTML/XML file named {path.suffix}, not a workbook; open it in Excel and save it as .xlsx or CSV"
    try:
        head.decode("utf-8")
        return f"is a text file named {path.suffix}, not a workbook; if it is a table, rename it .csv"
    except UnicodeDecodeError:
        return "is not an Excel workbook (its content is neither a zip archive nor an .xls file)"


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet holds a formula (an ``<f>`` element); a second pass is needed only then."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with z.open(name) as f:
                    tail = b""
                    while block := f.read(1 << 20):
                        if _FORMULA_TAG.search(tail + block):
                            return True
                        tail = block[-16:]
    return False


def _xlsx_rows(path: Path, data_only: bool):
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl's own notes on the file (unsupported extensions, out-of-range dates it turns into
        # error cells) would reach the user's terminal as noise; what matters is reported per cell
        warnings.simplefilter("ignore", UserWarning)
        wb = load_workbook(path, read_only=True, data_only=data_only)
        try:
            if not wb.worksheets:
                raise refuse("has no worksheet")
            ws = wb.worksheets[0]
            ws.reset_dimensions()  # rows as stored, not padded to a (possibly huge) declared size
            yield from enumerate(ws.iter_rows(), start=1)
        finally:
            wb.close()


def _xlsx_records(path: Path) -> tuple[list[list[str]], list[Issue]]:
    formulas: dict[tuple[int, int], str] = {}
    if _has_formulas(path):
        for r, row in _xlsx_rows(path, data_only=False):
            for j, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "f":
                    formulas[(r, j)] = str(cell.value)
    records, issues = [], []
    for r, row in _xlsx_rows(path, data_only=True):
        rec = []
        for j, cell in enumerate(row):
            value, kind = cell.value, getattr(cell, "data_type", None)
            if kind == "e":
                issues.append((r, j, str(value), "is an Excel error value; fix the formula or clear the cell"))
                rec.append("")
            elif value is None and (r, j) in formulas:
                issues.append((r, j, formulas[(r, j)], "is a formula without a saved value (the file was written by a "
                               "program that does not calculate); open and save it in Excel, or paste the values"))
                rec.append("")
            else:
                rec.append(_cell_text(value, getattr(cell, "number_format", None)))
        records.append(rec)
    return records, issues


def _xls_records(path: Path) -> tuple[list[list[str]], list[Issue]]:
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    try:
        sheet = book.sheet_by_index(0)
        records, issues = [], []
        for r in range(sheet.nrows):
            rec = []
            for j, cell in enumerate(sheet.row(r)):
                if cell.ctype == xlrd.XL_CELL_ERROR:
                    issues.append((r + 1, j, xlrd.error_text_from_code.get(cell.value, "#ERROR"),
                                   "is an Excel error value; fix the formula or clear the cell"))
                    rec.append("")
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    rec.append(_cell_text(xlrd.xldate_as_datetime(cell.value, book.datemode), None))
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key)
                    rec.append(_cell_text(cell.value, fmt.format_str if fmt else None))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    rec.append(_cell_text(bool(cell.value), None))
                else:
                    rec.append(_cell_text(cell.value or None, None))
            records.append(rec)
        return records, issues
    finally:
        book.release_resources()


def _records(path: Path) -> tuple[list[list[str]], list[Issue]]:
    suffix = path.suffix.lower()
    with path.open("rb") as f:
        head = f.read(8)
    if suffix == ".xls":
        if not head.startswith(_OLE2):
            if head.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path):
                raise refuse("is an .xlsx workbook named .xls; rename it .xlsx")
            raise refuse(_describe_content(path))
        reader = _xls_records
    else:
        if not (head.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path)):
            raise refuse(_describe_content(path))
        with zipfile.ZipFile(path) as z:
            if "xl/workbook.xml" not in z.namelist():
                raise refuse("is a zip archive but not an Excel workbook (it has no xl/workbook.xml)")
        reader = _xlsx_records
    try:
        return reader(path)
    except Unreadable:
        raise
    except Exception as exc:  # openpyxl/xlrd/zipfile/XML raise many types on damaged files
        raise refuse(f"cannot be read as an Excel workbook — damaged or truncated? ({type(exc).__name__}: {exc})"[:400]) from None


def read_workbook(path: Path) -> RawTable:
    """The first sheet as a raw table (every cell as displayed), with every cell problem."""
    records, issues = _records(path)
    rows = list(range(1, len(records) + 1))
    index, header = locate_header(records, rows)
    body = records[index + 1:]
    table = assemble(header, _padded(body), np.asarray(rows[index + 1:], dtype=int))
    for r, j, value, why in issues:
        if "\x00" in value:
            value = value.replace("\x00", "\\0")
        p = cell_problem(header, r, j, value, why)
        table.problems.append(p)
        table.blocked.add((p.row, p.column))
    _nul_cells(header, body, rows[index + 1:], table)
    return table


def _nul_cells(header: Header, body: list[list[str]], rows: list[int], table: RawTable) -> None:
    for rec, r in zip(body, rows):
        for j, text in enumerate(rec):
            if "\x00" in text:
                p = cell_problem(header, r, j, text, "contains a NUL character (byte 0); remove it")
                table.problems.append(p)
                table.blocked.add((p.row, p.column))


def _padded(records: list[list[str]]) -> pd.DataFrame:
    width = max((len(r) for r in records), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in records], columns=range(width), dtype=object)
