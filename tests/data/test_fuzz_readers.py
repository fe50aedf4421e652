"""Fuzzing the readers: any file either reads to a typed frame or is refused with our error (issue 14).

Random headers (canonical, near misses, aliases, junk, duplicates, numbers), random cells (numbers,
huge numbers, text, unicode, NUL, formulas, Excel errors, blanks), random delimiters, encodings,
line endings, blank lines, ragged rows and broken quoting; and for workbooks random number formats,
error cells, formulas without values, truncated files and zips that are no workbook.

The property: ``read_recipes`` returns a frame with every canonical column or raises
``RecipeValidationError`` with at least one problem — nothing else — and the file's bytes are
unchanged. 500 examples in CI (420 text + 80 workbook); ``HYPOTHESIS_PROFILE=thorough`` runs 10×.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import tempfile
import zipfile
from pathlib import Path

import openpyxl
from hypothesis import event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cathodeml.data.io import iter_checked_chunks, read_recipes
from cathodeml.errors import RecipeValidationError
from cathodeml.schema import CANONICAL

from .strategies import JUNK_POOL, examples, header_cell, pick, recipe_rows

WORK = Path(tempfile.mkdtemp(prefix="cathodeml-fuzz-"))
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]


def _text(v: object) -> str:
    return "" if v is None else str(v)


@st.composite
def _header_and_rows(draw) -> tuple[list, list[list]]:
    """Half the time a mostly valid recipe table, else random headers over junk cells."""
    if draw(st.booleans()):
        columns, records = draw(recipe_rows(max_rows=5))
        return list(columns), [[r[c] for c in columns] for r in records]
    header = [_text(h) for h in draw(st.lists(header_cell(), min_size=1, max_size=8))]
    if draw(st.booleans()):
        header.insert(0, "cathode")
    rng = random.Random(draw(st.integers(0, 2**32)))  # cells from pools via a seed: cheap to draw
    return header, [[_text(pick(rng, JUNK_POOL)) for _ in range(rng.randint(0, len(header) + 2))]
                    for _ in range(draw(st.integers(0, 6)))]


def _as_number(cell: object) -> object:
    """A numeric text as the number a spreadsheet would store."""
    try:
        return float(cell) if isinstance(cell, str) and cell.strip() else cell
    except ValueError:
        return cell


@st.composite
def text_tables(draw) -> bytes:
    header, rows = draw(_header_and_rows())
    if draw(st.integers(0, 5)) == 0:
        header.append(draw(st.sampled_from(header)))  # a duplicated name
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [header, *rows]
    if draw(st.booleans()):  # blank lines anywhere
        for _ in range(draw(st.integers(1, 3))):
            lines.insert(draw(st.integers(0, len(lines))), [])
    if draw(st.booleans()):
        buf = io.StringIO()
        csv.writer(buf, delimiter=sep, lineterminator=eol).writerows(lines)
        text = buf.getvalue()
    else:  # no quoting at all: cells with the delimiter, quotes or newlines break the table
        text = eol.join(sep.join(r) + (sep if draw(st.integers(0, 4)) == 0 else "") for r in lines)
    data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    if draw(st.integers(0, 9)) == 0:
        data = draw(st.binary(max_size=300)) if draw(st.booleans()) else data[: len(data) * draw(st.integers(0, 999)) // 1000]
    return data


def _excel_value(v: object) -> object:
    if isinstance(v, str):
        return ILLEGAL_CHARACTERS_RE.sub("", v)  # openpyxl cannot store control characters
    if isinstance(v, float) and v != v:
        return None
    return v


@st.composite
def workbooks(draw) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    header, rows = draw(_header_and_rows())
    if draw(st.integers(0, 3)) == 0:
        ws.append([_excel_value(draw(st.text(max_size=12)))])  # a title row
    ws.append([_excel_value(h) if h != "" else None for h in header])
    rng = random.Random(draw(st.integers(0, 2**32)))
    for row in rows:
        ws.append([_excel_value(_as_number(c) if rng.random() < 0.7 else c) for c in row])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if rng.random() < 0.15:
                cell.number_format = rng.choice(["0%", "0.00%", '0.0"%"', "General", "0.00E+00", "yyyy-mm-dd"])
            if rng.random() < 0.08:
                cell.value, cell.data_type = rng.choice(["#DIV/0!", "#N/A", "#VALUE!", "#REF!"]), "e"
            if isinstance(cell.value, float) and cell.value in (float("inf"), float("-inf")):
                cell.value = None
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    kind = draw(st.integers(0, 12))
    if kind == 0:
        data = data[: len(data) * draw(st.integers(0, 999)) // 1000]  # truncated (a share: the size varies with the save time)
    elif kind == 1:
        zbuf = io.BytesIO()
        with zipfile.ZipFile(zbuf, "w") as z:
            z.writestr("data.csv", "cathode\nNCM811\n")
        data = zbuf.getvalue()  # a zip that is no workbook
    return data


def _read_or_refuse(path: Path) -> bool:
    """True when read, False when refused with our error; anything else fails the test."""
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        frame = read_recipes(path)
        assert set(CANONICAL) <= set(frame.columns)
        ok = True
    except RecipeValidationError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        ok = False
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # the input is never modified
    event("read" if ok else "refused")  # shown by --hypothesis-show-statistics
    return ok


@settings(max_examples=examples(420))
@given(text_tables(), st.sampled_from(["csv", "tsv", "txt"]))
def test_text_reader_reads_or_refuses(data, suffix):
    path = WORK / f"fuzz.{suffix}"
    path.write_bytes(data)
    if _read_or_refuse(path):
        # the chunked reader (predict's) agrees, also when it must switch to the exact path mid-file
        list(iter_checked_chunks(path, chunksize=3))


@settings(max_examples=examples(80))
@given(workbooks(), st.sampled_from(["xlsx", "xlsm", "xls"]))
def test_workbook_reader_reads_or_refuses(data, suffix):
    path = WORK / f"fuzz.{suffix}"
    path.write_bytes(data)
    _read_or_refuse(path)
