"""Cells we write into files people open in Excel or WPS: CSV exports and XLSX workbooks.

A spreadsheet runs text that begins with `=`, `+`, `-` or `@` as a formula (CSV injection), so
such text — an employer's name, a reason typed by staff — is kept inert: in CSV it gets a leading
apostrophe (as do values that already start with one, so `from_csv_cell` restores every value
exactly); in XLSX it is stored as a text cell. CSV files start with a UTF-8 byte order mark, so
Excel on a Chinese Windows reads them as UTF-8 and not as GBK.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def to_csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith((*FORMULA_START, QUOTE)):
        return QUOTE + value
    return value


def from_csv_cell(value: str) -> str:
    return value[1:] if value.startswith(QUOTE) else value


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text (CRLF line ends) with the byte order mark; encode it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([to_csv_cell(h) for h in headers])
    writer.writerows([to_csv_cell(v) for v in row] for row in rows)
    return BOM + out.getvalue()


def read_csv(text: str) -> list[list[str]]:
    """Rows of a file written by `to_csv`, every cell as it was before it was made inert."""
    reader = csv.reader(io.StringIO(text.removeprefix(BOM), newline=""))
    return [[from_csv_cell(v) for v in row] for row in reader]


def xlsx_row(ws: Worksheet, values: Sequence[Any]) -> list[Any]:
    """A row for `ws.append`: text that openpyxl would store as a formula stays text."""
    out: list[Any] = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            out.append(cell)
        else:
            out.append(value)
    return out
