"""The campaign report as PDF (reportlab, embedded TrueType faces: `inspection.typeset`) and XLSX
(openpyxl). Both carry the five sections of `narrative`, the table of findings by item and, when
there is anything to draw, a chart labelled by the items' names. Pure functions of the figures:
no database.
"""

from __future__ import annotations

import io
import math
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from inspection import sheets, typeset
from inspection.callup import states
from inspection.credit import narrative
from inspection.fieldwork import labels
from models.enums import CallUpState, RectificationState

# The summary's "其中" rows, in the report's order, worded by the states' one label table.
ORDER_ROWS = (RectificationState.RECTIFIED, RectificationState.OPEN,
              RectificationState.ESCALATED, RectificationState.CANCELLED)
CALLUP_ROWS = (CallUpState.ACCEPTED, CallUpState.DECLINED, CallUpState.REPLACED,
               CallUpState.SKIPPED)
RESULT_COLOURS = (("不符合", colors.HexColor("#c0392b")), ("符合", colors.HexColor("#7f8c8d")),
                  ("不适用", colors.HexColor("#d5d8dc")))
LABEL_CHARS = 14  # longer item names are shortened on the chart (the table has them whole)


def summary_rows(fig: dict[str, Any]) -> list[tuple[str, int | float | str]]:
    """The figures, labelled as the report names them (概况 sheet)."""
    ins, rect, pen, c = (fig["inspections"], fig["rectification"], fig["penalties"],
                         fig["callups"])
    rows: list[tuple[str, int | float | str]] = [("抽取用人单位（家）", fig["drawn"]["total"])]
    rows += [(f"　其中{narrative.stratum(k)}", v) for k, v in fig["drawn"]["by_stratum"].items()]
    rows += [("已检查用人单位（家）", ins["inspected"]), ("发现违法行为的单位（家）", ins["with_violations"]),
             ("下达限期改正指令书（份）", rect["orders"])]
    rows += [(f"　其中{labels.ORDER_STATE_LABELS[s]}", rect[s.value]) for s in ORDER_ROWS]
    rows += [("行政处罚决定（件）", pen["count"]),
             ("　其中一般程序", pen["general"]), ("罚款合计（元）", float(pen["amount_yuan"])),
             ("执法检查人员召集（人次）", c["called"])]
    rows += [(f"　其中{states.STATE_LABELS[s]}", c[s.value]) for s in CALLUP_ROWS]
    rows += [(f"　其中{states.STATE_LABELS[CallUpState.CALLED]}", c["waiting"]),
             ("递补召集（人次）", c["substitutions"])]
    return rows


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1] + "…"


def chart(fig: dict[str, Any], font: str) -> Drawing | None:
    """Findings by item as stacked horizontal bars, one bar per item, labelled by its name; None
    when nothing has been found yet (an empty chart says nothing)."""
    rows = fig["findings_by_item"]
    if not rows:
        return None
    height = 18 * mm + 9 * mm * len(rows)
    drawing = Drawing(165 * mm, height)
    drawing.initialFontName = font  # else reportlab sets Helvetica first, a face not embedded
    bars = HorizontalBarChart()
    bars.x, bars.y = 48 * mm, 12 * mm
    bars.width, bars.height = 110 * mm, 9 * mm * len(rows)
    keys = ("noncompliant", "compliant", "not_applicable")
    bars.data = [[r[k] for r in reversed(rows)] for k in keys]
    bars.categoryAxis.categoryNames = [_short(r["name"]) for r in reversed(rows)]
    bars.categoryAxis.style = "stacked"
    bars.categoryAxis.labels.fontName = font
    bars.categoryAxis.labels.fontSize = 9
    bars.valueAxis.labels.fontName = font
    bars.valueAxis.valueMin = 0
    top = max(sum(r[k] for k in keys) for r in rows)
    step = max(1, math.ceil(top / 6))  # whole employers only
    bars.valueAxis.valueStep, bars.valueAxis.valueMax = step, step * max(1, math.ceil(top / step))
    for i, (_, colour) in enumerate(RESULT_COLOURS):
        bars.bars[i].fillColor = colour
        bars.bars[i].strokeColor = colour
    drawing.add(bars)
    legend = Legend()
    legend.x, legend.y = 48 * mm, height - 2 * mm
    legend.alignment, legend.columnMaximum, legend.fontName = "right", 1, font
    legend.colorNamePairs = [(colour, name) for name, colour in RESULT_COLOURS]
    drawing.add(legend)
    return drawing


def _styles(fonts: typeset.Fonts) -> dict[str, ParagraphStyle]:
    base = {"fontName": fonts.body, "fontSize": 12, "leading": 21, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle("title", fontName=fonts.title, fontSize=20, leading=30,
                                alignment=TA_CENTER, wordWrap="CJK"),
        "sub": ParagraphStyle("sub", **{**base, "fontSize": 10.5, "leading": 16},
                              alignment=TA_CENTER),
        "h": ParagraphStyle("h", fontName=fonts.title, fontSize=14, leading=24, spaceBefore=8,
                            wordWrap="CJK"),
        "p": ParagraphStyle("p", **base, firstLineIndent=24),
        "cell": ParagraphStyle("cell", **{**base, "fontSize": 10, "leading": 14}),
        "sign": ParagraphStyle("sign", **base, alignment=TA_RIGHT),
    }


def _table(rows: list[list[Any]], widths: list[float], font: str,
           centred: tuple[int, int]) -> Table:
    """A ruled table; the columns from `centred[0]` to `centred[1]` hold figures."""
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 10),
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef0f2")),
                        ("ALIGN", (centred[0], 1), (centred[1], -1), "CENTER"),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    return Table(rows, colWidths=widths, style=style, repeatRows=1)


def findings_table(fig: dict[str, Any], cell: ParagraphStyle) -> list[list[Any]]:
    rows: list[list[Any]] = [["抽查事项", "符合", "不符合", "不适用", "不符合率"]]
    for r in fig["findings_by_item"]:
        checked = r["compliant"] + r["noncompliant"]
        rows.append([Paragraph(escape(r["name"]), cell), r["compliant"], r["noncompliant"],
                     r["not_applicable"], narrative.percent(r["noncompliant"], checked)])
    return rows


def callup_table(fig: dict[str, Any], cell: ParagraphStyle) -> list[list[Any]]:
    rows: list[list[Any]] = [["抽取顺序", "姓名", "结果", "事由或说明"]]
    for c in fig.get("callup_list", []):
        note = "；".join(p for p in (c["reason"], c["replaces"] and f"递补{c['replaces']}") if p)
        state = states.STATE_LABELS[CallUpState(c["state"])]
        rows.append([c["position"], c["name"], Paragraph(escape(state), cell),
                     Paragraph(escape(note), cell)])
    return rows


# long: the report's story is one sequence of sections, tables and the chart; split up it reads
# worse than it does in order.
def render_pdf(fig: dict[str, Any], *, due: str, issuer: str, issued_on: str) -> bytes:
    """`due` is the due date as printed; `issuer` signs it on `issued_on` (ISO date)."""
    fonts = typeset.fonts()
    st = _styles(fonts)
    camp = fig["campaign"]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=f"{camp['title']}工作报告", author=issuer,
                            subject=camp["code"], keywords=camp["code"], creator=issuer,
                            leftMargin=25 * mm, rightMargin=25 * mm, topMargin=22 * mm,
                            bottomMargin=20 * mm, initialFontName=fonts.body)
    story: list[Any] = [
        Paragraph(escape(f"{camp['title']}工作报告"), st["title"]),
        Paragraph(escape(f"任务编号：{camp['code']}　报告期限：{due}"),
                  st["sub"]), Spacer(1, 4 * mm)]
    for number, section in enumerate(narrative.sections(fig)):
        story.append(Paragraph(escape(section.title), st["h"]))
        story += [Paragraph(escape(text), st["p"]) for text in section.paragraphs]
        if number == 0 and fig.get("callup_list"):
            story += [Spacer(1, 2 * mm), _table(callup_table(fig, st["cell"]),
                                                [20 * mm, 25 * mm, 45 * mm, 70 * mm], fonts.body,
                                                (0, 0))]
        if number == 1 and fig["findings_by_item"]:
            drawing = chart(fig, fonts.body)
            story += [Spacer(1, 2 * mm), _table(findings_table(fig, st["cell"]),
                                                [70 * mm, 20 * mm, 20 * mm, 20 * mm, 30 * mm],
                                                fonts.body, (1, -1))]
            if drawing is not None:
                story += [Spacer(1, 3 * mm), drawing]
    story.append(KeepTogether([Spacer(1, 10 * mm), Paragraph(escape(issuer), st["sign"]),
                               Paragraph(escape(camp.get("section", "")), st["sign"]),
                               Paragraph(escape(typeset.cn_date(issued_on)), st["sign"])]))
    doc.build(story)
    return buf.getvalue()


def _sheet_text(ws: Any, fig: dict[str, Any], *, issuer: str, issued_on: str,
                due: str) -> None:
    camp = fig["campaign"]
    ws.column_dimensions["A"].width = 100
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.append(sheets.xlsx_row(ws, [f"{camp['title']}工作报告"]))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(sheets.xlsx_row(ws, [f"任务编号：{camp['code']}　报告期限：{due}"]))
    for section in narrative.sections(fig):
        ws.append([])
        ws.append(sheets.xlsx_row(ws, [section.title]))
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        for text in section.paragraphs:
            ws.append(sheets.xlsx_row(ws, [text]))
            ws.cell(ws.max_row, 1).alignment = wrap
    ws.append([])
    for line in (issuer, camp.get("section", ""), typeset.cn_date(issued_on)):
        ws.append(sheets.xlsx_row(ws, [line]))


def render_xlsx(fig: dict[str, Any], *, due: str, issuer: str, issued_on: str) -> bytes:
    camp = fig["campaign"]
    wb = Workbook()
    text = wb.active
    assert text is not None
    text.title = "报告"
    _sheet_text(text, fig, issuer=issuer, issued_on=issued_on, due=due)
    ws = wb.create_sheet("概况")
    for row in (["任务编号", camp["code"]], ["任务名称", camp["title"]],
                ["检查时段", f"{camp['field_start']} 至 {camp['field_end']}"], ["报告期限", due],
                [], ["项目", "数量"], *([label.strip("　"), value] for label, value in summary_rows(fig))):
        ws.append(sheets.xlsx_row(ws, list(row)))
    items = wb.create_sheet("检查事项")
    items.append(["抽查事项", "事项编号", "版本", "不符合", "符合", "不适用"])
    for r in fig["findings_by_item"]:
        items.append(sheets.xlsx_row(items, [r["name"], r["item_code"], r["version"],
                                             r["noncompliant"], r["compliant"],
                                             r["not_applicable"]]))
    n = len(fig["findings_by_item"])
    if n:  # no chart without data
        bars = BarChart()
        bars.type, bars.grouping, bars.overlap = "bar", "stacked", 100
        bars.title, bars.y_axis.title = "各抽查事项检查结果", "户数"
        bars.add_data(Reference(items, min_col=4, max_col=6, min_row=1, max_row=n + 1),
                      titles_from_data=True)
        bars.set_categories(Reference(items, min_col=1, min_row=2, max_row=n + 1))
        items.add_chart(bars, "H2")
    calls = wb.create_sheet("召集与递补")
    calls.append(["抽取顺序", "姓名", "结果", "事由或说明", "递补对象"])
    for c in fig.get("callup_list", []):
        state = states.STATE_LABELS[CallUpState(c["state"])]
        calls.append(sheets.xlsx_row(calls, [c["position"], c["name"], state,
                                             c["reason"], c["replaces"]]))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
