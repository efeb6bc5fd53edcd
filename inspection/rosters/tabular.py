"""Reading and writing the bureau's spreadsheets: CSV (UTF-8, with or without BOM, or GB18030)
and XLSX. Headers are matched through aliases (Chinese as the bureau writes them, or English).

Row numbers are the ones the user sees in the spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from inspection import sheets
from inspection.errors import Problem, ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    key: str  # the English field name, also an accepted header
    header: str  # the bureau's Chinese header, used on export
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass
class Sheet:
    columns: list[str]  # keys of the recognised columns present, in file order
    rows: list[tuple[int, dict[str, Any]]]  # (row number as seen in the sheet, values by key)
    warnings: list[Problem] = field(default_factory=list)


def _norm_header(text: Any) -> str:
    s = "" if text is None else str(text)
    s = s.replace("\ufeff", "").strip().lower()
    for ch in " 　_-（）()*：:":
        s = s.replace(ch, "")
    return s


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Excel "CSV" saved on a Chinese Windows is GBK; GB18030 is its superset.
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ValidationFailed([Problem("文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV，或 XLSX",
                                        code="encoding")]) from exc


def _csv_rows(data: bytes) -> Iterable[Sequence[Any]]:
    text = _decode(data)
    # The delimiter is the one the first lines (title and header rows) use most; headers never
    # contain delimiters, whereas csv.Sniffer guesses from data and can be fooled by it.
    head = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    delimiter = max((",", "\t", ";"), key=head.count)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterable[Sequence[Any]]:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ValidationFailed([Problem("无法读取 XLSX 文件，请确认文件未损坏", code="bad_xlsx")]) from exc
    ws = wb.worksheets[0]
    rows: Iterable[Sequence[Any]] = ws.iter_rows(values_only=True)
    return rows


def is_xlsx(filename: str, data: bytes) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04"


def read_sheet(data: bytes, filename: str, columns: Sequence[Column]) -> Sheet:
    """Parse a file into rows keyed by column key. Raises ValidationFailed on a bad file/header."""
    if len(data) > MAX_BYTES:
        raise ValidationFailed([Problem(f"文件过大：不能超过 {MAX_BYTES // 1024 // 1024} MB",
                                        code="too_large")])
    if filename.lower().endswith(".xls"):
        raise ValidationFailed([Problem("不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV", code="xls")])
    source = _xlsx_rows(data) if is_xlsx(filename, data) else _csv_rows(data)
    lookup: dict[str, str] = {}
    for col in columns:
        for name in (col.key, col.header, *col.aliases):
            lookup[_norm_header(name)] = col.key
    it = iter(source)
    header_row, header = _find_header(it, lookup)
    warnings: list[Problem] = []
    index: dict[int, str] = {}
    problems: list[Problem] = []
    for i, raw in enumerate(header):
        if raw in (None, ""):
            continue
        key = lookup.get(_norm_header(raw))
        if key is None:
            warnings.append(Problem(f"未识别的列「{raw}」，已忽略", row=header_row, code="unknown_column"))
        elif key in index.values():
            problems.append(Problem(f"列「{raw}」重复", row=header_row, code="duplicate_column"))
        else:
            index[i] = key
    present = set(index.values())
    for col in columns:
        if col.required and col.key not in present:
            problems.append(Problem(f"缺少必需的列「{col.header}」", field=col.header,
                                    row=header_row, code="missing_column"))
    if problems:
        raise ValidationFailed(problems, "表头有误，未导入任何数据")
    rows: list[tuple[int, dict[str, Any]]] = []
    headers = {col.key: col.header for col in columns}
    for number, raw_row in enumerate(it, start=header_row + 1):
        values = {key: _cell(raw_row[i]) if i < len(raw_row) else None for i, key in index.items()}
        if all(v in (None, "") for v in values.values()):
            continue  # blank lines are common at the end of sheets
        if len(rows) >= MAX_ROWS:
            raise ValidationFailed([Problem(f"行数过多：一次最多导入 {MAX_ROWS} 行", code="too_many_rows")])
        # PostgreSQL text cannot hold U+0000; such a cell is damage (often a bad export), not data.
        problems += [Problem("含有空字符（U+0000），请检查文件是否损坏", field=headers[key],
                             row=number, code="nul_character")
                     for key, v in values.items() if isinstance(v, str) and "\x00" in v]
        rows.append((number, values))
    if problems:
        raise ValidationFailed(problems, "文件内容有误，未导入任何数据")
    if not rows:
        raise ValidationFailed([Problem("文件中没有数据行", code="empty")], "没有可导入的数据")
    return Sheet(columns=[index[i] for i in sorted(index)], rows=rows, warnings=warnings)


def _find_header(it: Iterator[Sequence[Any]],
                 lookup: dict[str, str]) -> tuple[int, Sequence[Any]]:
    """The header row: the first row naming a known column. The bureau's sheets often start with
    a title row (e.g. 涪陵区监管对象名录库) above it; those rows are skipped. Without any known
    column, the first non-empty row is taken so that the missing columns get reported."""
    first: tuple[int, Sequence[Any]] | None = None
    for number, candidate in enumerate(it, start=1):
        if not any(c not in (None, "") for c in candidate):
            continue
        if first is None:
            first = (number, candidate)
        if any(_norm_header(c) in lookup for c in candidate if c not in (None, "")):
            return number, candidate
        if number >= HEADER_SEARCH_ROWS:
            break
    return first or (1, ())


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def write_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    ws.append(list(headers))
    for row in rows:
        ws.append(sheets.xlsx_row(ws, row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def parse_date(value: Any) -> dt.date | None:
    """Dates as users write them: 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日, 20260301, or an
    Excel date. None when empty; ValueError when malformed."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for sep in ("/", ".", "年", "月"):
        text = text.replace(sep, "-")
    text = text.rstrip("日").strip("-")
    parts = text.split("-")
    if len(text) == 8 and text.isdigit():
        parts = [text[:4], text[4:6], text[6:]]
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))  # ValueError if impossible
    raise ValueError(text)
