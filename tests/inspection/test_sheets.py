"""CSV and XLSX cells people open in a spreadsheet (`inspection.sheets`): a byte order mark so
Excel reads UTF-8, and text that a spreadsheet would run as a formula kept inert."""

from __future__ import annotations

import csv
import io

import openpyxl
from openpyxl import Workbook

from inspection import sheets
from inspection.rosters.tabular import write_xlsx

RISKY = ["=HYPERLINK(\"http://x\",\"点我\")", "+86 023", "-1+2", "@SUM(A1)", "\tTAB", "'引号开头"]
PLAIN = ["重庆涪江建筑工程有限公司", "91500102MA5U7ABC1K", "12", ""]


def test_csv_has_a_bom_and_no_cell_starts_a_formula():
    text = sheets.to_csv(["名称", "=公式表头"], [[v, 7] for v in RISKY + PLAIN])
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(text.removeprefix(sheets.BOM), newline="")))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t"))]
    assert rows[1][0] == "'=HYPERLINK(\"http://x\",\"点我\")" and rows[-4][0] == PLAIN[0]


def test_csv_reads_back_exactly():
    rows = [[v, "x"] for v in RISKY + PLAIN]
    assert sheets.read_csv(sheets.to_csv(["a", "b"], rows)) == [["a", "b"], *rows]


def test_xlsx_keeps_formula_text_as_text():
    wb = Workbook()
    ws = wb.active
    ws.append(sheets.xlsx_row(ws, ["=1+1", "+1", 5]))
    out = io.BytesIO()
    wb.save(out)
    cells = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active[1]
    assert [(c.value, c.data_type) for c in cells] == [("=1+1", "s"), ("+1", "s"), (5, "n")]
    rows = openpyxl.load_workbook(io.BytesIO(write_xlsx("名录", ["名称"], [["=A1"]]))).active
    assert rows["A2"].data_type == "s" and rows["A2"].value == "=A1"
