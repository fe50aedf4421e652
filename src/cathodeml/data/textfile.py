"""Reading delimited text (CSV, TSV, semicolon files) exactly as written, or refusing it with a reason.

What is checked before a cell is read, in one pass over the bytes (1 MB blocks, ~20 ms per 20 MB):

* **not a text table**: an empty file; a workbook, zip, PDF, image or gzip file under a text name
  (named, with what to do); text that is not UTF-8 (UTF-8 with or without BOM and UTF-16 with a
  BOM are read; anything else is refused naming the row of the first undecodable byte, because
  guessing an encoding could change characters silently);
* **NUL bytes**: a cell holding one is an error naming its row and column (pandas' parser would
  cut ``4\\x0045`` to ``4``); many NULs mean a binary file;
* **the delimiter**: ``,``, ``;``, tab or ``|``, whichever splits the header into canonical names
  (else the one the header row holds most of); a semicolon file is read as such.

The body is parsed by pandas' C parser (fast path). A row with more cells than the header can
hold, an unclosed quote or a NUL byte send the file through Python's ``csv`` module instead (slow
path, exact row numbers, every problem listed). Row numbers are the file's own: blank lines count,
and a quoted cell spanning lines is located by a ``csv`` scan when a message needs it.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from cathodeml.data.headers import is_header_like
from cathodeml.data.table import Header, RawTable, assemble, cell_problem, locate_header, refuse
from cathodeml.errors import Problem

DELIMITERS = (",", ";", "\t", "|")
_BLOCK = 1 << 20
_HEAD_CHARS = 1 << 16
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
#: File signatures of things people save under a .csv name by mistake, and what to say.
_SIGNATURES = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "is an old-style Excel (.xls) or other Office file, not text; rename it .xls if it is a workbook"),
    (b"%PDF", "is a PDF document, not a table"),
    (b"\x89PNG", "is a PNG image, not a table"),
    (b"\xff\xd8\xff", "is a JPEG image, not a table"),
    (b"GIF8", "is a GIF image, not a table"),
    (b"\x1f\x8b", "is gzip-compressed; decompress it first"),
    (b"PAR1", "is a Parquet file, not a CSV"),
)


def _zip_message(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            workbook = "xl/workbook.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        workbook = False
    if workbook:
        return f"is an Excel workbook (.xlsx) saved under a {path.suffix or 'text'} name; rename it .xlsx"
    return "is a zip archive, not a text table"


@dataclass
class TextInfo:
    """What the byte scan and the header found: how to parse the rest."""

    path: Path
    encoding: str
    delimiter: str
    has_quote: bool
    has_nul: bool
    header: Header
    skip: int  # physical lines before the header

    @cached_property
    def record_starts(self) -> list[int]:
        """The file row on which each record from the header on starts (a csv scan; error path only)."""
        starts, prev = [], 0
        with self.path.open(encoding=self.encoding, newline="") as f:
            reader = csv.reader(f, delimiter=self.delimiter)
            try:
                for _ in reader:
                    starts.append(prev + 1)
                    prev = reader.line_num
            except csv.Error:
                pass
        return [s for s in starts if s >= self.header.row]

    def exact_row(self, approx: int) -> int:
        """File row of the record the fast path numbered ``approx`` (header row + record index)."""
        k = approx - self.header.row
        starts = self.record_starts
        return starts[k] if 0 <= k < len(starts) else approx


def _not_text(encoding: str, row: int, byte: int | None) -> Exception:
    name = "UTF-16" if encoding == "utf-16" else "UTF-8"
    what = ("the file ends inside a character" if byte is None
            else f"row {row} holds byte 0x{byte:02x}, which {name} does not allow")
    return refuse(f"is not {name} text: {what} (a binary file, or text in another encoding); "
                  "save it as 'CSV UTF-8' or as .xlsx")


def _scan(path: Path) -> tuple[str, bool, bool, str]:
    """(encoding, has quote, has NUL, first ~64 K characters); :class:`Unreadable` if not text."""
    with path.open("rb") as f:
        head = f.read(_BLOCK)
        if not head:
            raise refuse("is empty (0 bytes)")
        if head.startswith(b"PK\x03\x04"):
            raise refuse(_zip_message(path))
        for sig, message in _SIGNATURES:
            if head.startswith(sig):
                raise refuse(message)
        encoding = next((enc for bom, enc in _BOMS if head.startswith(bom)), "utf-8")
        decoder = codecs.getincrementaldecoder(encoding)()
        has_quote = has_nul = False
        text_head, lines_before, block = "", 0, head
        while True:
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                raise _not_text(encoding, lines_before + block.count(b"\n", 0, exc.start) + 1,
                                block[exc.start] if block else None) from None
            if not block:
                break
            has_quote = has_quote or '"' in text
            has_nul = has_nul or "\x00" in text
            if len(text_head) < _HEAD_CHARS:
                text_head += text[: _HEAD_CHARS - len(text_head)]
            lines_before += block.count(b"\n")
            block = f.read(_BLOCK)
    if has_nul and text_head[:8192].count("\x00") > len(text_head[:8192]) // 10:
        raise refuse("holds binary data (NUL bytes), not text: a binary file, or UTF-16 text without a byte-order mark")
    return encoding, has_quote, has_nul, text_head


def _head_records(text: str, delimiter: str, limit: int = 30) -> tuple[list[list[str]], list[int]]:
    """The first ``limit`` records of the head text and the row each starts on."""
    records, rows, prev = [], [], 0
    reader = csv.reader(io.StringIO(text.replace("\x00", "")), delimiter=delimiter)
    try:
        for rec in reader:
            records.append(rec)
            rows.append(prev + 1)
            prev = reader.line_num
            if len(records) >= limit:
                break
    except csv.Error:
        pass
    return records, rows


def _hits(record: list[str]) -> int:
    return sum(1 for c in record[:200] if is_header_like([c]))


def _choose_delimiter(text: str) -> str:
    """The delimiter that splits the header into canonical names; else the commonest one in it."""
    best, best_key = ",", (-1, -1)
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    for d in DELIMITERS:
        records, _ = _head_records(text, d)
        hits = max((_hits(r) for r in records[:20]), default=0)
        key = (hits, first_line.count(d))
        if key > best_key:
            best, best_key = d, key
    return best


def inspect(path: Path) -> TextInfo:
    """Scan the bytes and find the header; :class:`~cathodeml.data.table.Unreadable` if not a table."""
    encoding, has_quote, has_nul, head = _scan(path)
    delimiter = _choose_delimiter(head)
    records, rows = _head_records(head, delimiter)
    index, header = locate_header(records, rows)
    return TextInfo(path, encoding, delimiter, has_quote, has_nul, header, skip=rows[index] - 1)


def _fast_chunks(info: TextInfo, chunksize: int | None) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """(body cells, approximate rows) per chunk, parsed by pandas' C parser; the header record dropped."""
    width = len(info.header.names) + 1  # one spare column catches a trailing delimiter
    reader = pd.read_csv(
        info.path, sep=info.delimiter, header=None, names=range(width), dtype=str, na_filter=False,
        skip_blank_lines=False, skiprows=info.skip, encoding=info.encoding, index_col=False,
        chunksize=chunksize, engine="c",
    )
    start = info.header.row
    for chunk in ([reader] if chunksize is None else reader):
        rows = np.arange(start, start + len(chunk))
        start += len(chunk)
        if len(rows) and rows[0] == info.header.row:
            chunk, rows = chunk.iloc[1:], rows[1:]
        yield chunk, rows


def _slow_records(info: TextInfo) -> Iterator[tuple[int, list[str]]]:
    """(file row, cells) of every record after the header, by Python's csv module (strict quoting)."""
    with info.path.open(encoding=info.encoding, newline="") as f:
        reader = csv.reader(f, delimiter=info.delimiter, strict=True)
        prev = 0
        try:
            for rec in reader:
                row, prev = prev + 1, reader.line_num
                if row > info.header.row:
                    yield row, rec
        except csv.Error as exc:
            raise refuse(f"cannot be read as delimited text from here on ({exc}): is a quote left open, "
                         "or a cell longer than 131,072 characters?", row=prev + 1) from None


def _slow_chunks(info: TextInfo, chunksize: int | None, skip_records: int = 0) -> Iterator[tuple[pd.DataFrame, np.ndarray, list[Problem], set]]:
    """Chunks of the slow path, NUL cells reported (and emptied) with their row and column."""
    buf: list[list[str]] = []
    rows: list[int] = []
    problems: list[Problem] = []
    blocked: set = set()
    yielded = False
    for n, (row, rec) in enumerate(_slow_records(info)):
        if n < skip_records:
            continue
        if info.has_nul:
            for j, cell in enumerate(rec):
                if "\x00" in cell:
                    problems.append(cell_problem(info.header, row, j, cell,
                                                 "contains a NUL character (byte 0), which would cut the value short; remove it"))
                    blocked.add((row, info.header.column_label(j)))
                    rec[j] = ""
        buf.append(rec)
        rows.append(row)
        if chunksize is not None and len(buf) >= chunksize:
            yield _frame(buf), np.asarray(rows), problems, blocked
            buf, rows, problems, blocked, yielded = [], [], [], set(), True
    if buf or not yielded:
        yield _frame(buf), np.asarray(rows, dtype=int), problems, blocked


def _frame(records: list[list[str]]) -> pd.DataFrame:
    frame = pd.DataFrame(records, dtype=object)
    return frame.fillna("") if frame.isna().values.any() else frame


def read_chunks(info: TextInfo, chunksize: int | None) -> Iterator[RawTable]:
    """Raw tables of ``chunksize`` rows (``None``: one table); the fast path, else the exact one."""
    done = 0
    if not info.has_nul:
        try:
            for body, rows in _fast_chunks(info, chunksize):
                table = assemble(info.header, body, rows)
                if info.has_quote:  # a quoted cell may span lines: rows are record counts until mapped
                    table.exact_row = info.exact_row
                done += len(body)
                yield table
            return
        except pd.errors.ParserError:
            pass  # a long row or an open quote somewhere after ``done`` records: continue exactly
    for body, rows, problems, blocked in _slow_chunks(info, chunksize, skip_records=done):
        table = assemble(info.header, body, rows)
        table.problems = problems + table.problems
        table.blocked |= blocked
        yield table
