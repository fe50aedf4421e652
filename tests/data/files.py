"""Helpers of the reader tests (test_table, test_textfile, test_excel): write a user's file, build
a workbook, and read the problems back while checking the file is only read."""

from __future__ import annotations

import hashlib

import openpyxl

from cathodeml.data.io import check_file


def messages(path) -> list[str]:
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = check_file(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # the user's file is only read
    return [str(p) for p in result.problems]


def write(tmp_path, name: str, data: bytes | str):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def xlsx(tmp_path, rows, name="r.xlsx", formats=None, errors=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    for ref, code in errors:
        ws[ref].value, ws[ref].data_type = code, "e"
    path = tmp_path / name
    wb.save(path)
    return path
