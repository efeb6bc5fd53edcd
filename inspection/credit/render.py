"""The campaign report as PDF (reportlab, built-in CID font: no font file) and XLSX (openpyxl),
each with a bar chart of findings by item. Pure functions of the figures: no database."""

from __future__ import annotations

import io
import math
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
CALLUP_LABELS = {"called": "发出召集", "accepted": "接受", "declined": "因公务无法参加",
                 "skipped": "跳过", "replaced": "组长递补", "withdrawn": "撤回",
                 "substitutions": "递补人次"}
ORDER_LABELS = {"orders": "限期改正指令书", "open": "　其中整改中", "rectified": "　其中已整改",
                "escalated": "　其中转立案", "cancelled": "　其中撤销"}


def summary_rows(fig: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [("抽取用人单位", str(fig["drawn"]["total"]))]
    rows += [(f"　其中 {k} 层", str(v)) for k, v in fig["drawn"]["by_stratum"].items()]
    ins = fig["inspections"]
    rows += [("已检查用人单位", str(ins["inspected"])), ("发现违法行为的单位", str(ins["with_violations"]))]
    rows += [(ORDER_LABELS[k], str(fig["rectification"].get(k, 0))) for k in ORDER_LABELS]
    pen = fig["penalties"]
    rows += [("行政处罚决定", str(pen["count"])), ("　其中一般程序", str(pen["general"])),
             ("罚款合计（元）", pen["amount_yuan"])]
    rows += [(f"执法检查人员{CALLUP_LABELS[k]}", str(fig["callups"].get(k, 0)))
             for k in CALLUP_LABELS]
    return rows


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _chart(fig: dict[str, Any]) -> Drawing:
    items = fig["findings_by_item"]
    drawing = Drawing(160 * mm, 70 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 15 * mm, 15 * mm, 135 * mm, 45 * mm
    chart.data = [[r["noncompliant"] for r in items] or [0], [r["compliant"] for r in items] or [0]]
    chart.categoryAxis.categoryNames = [r["item_code"] for r in items] or ["—"]
    chart.categoryAxis.labels.fontName = FONT
    chart.valueAxis.valueMin = 0
    top = max([max(row) for row in chart.data] + [1])
    chart.valueAxis.valueStep = max(1, math.ceil(top / 5))  # whole households only
    chart.bars[0].fillColor = colors.HexColor("#c0392b")
    chart.bars[1].fillColor = colors.HexColor("#7f8c8d")
    drawing.add(chart)
    drawing.add(String(15 * mm, 64 * mm, "各抽查事项检查结果（红：不符合，灰：符合）",
                       fontName=FONT, fontSize=9))
    return drawing


def render_pdf(fig: dict[str, Any], *, due_on: str) -> bytes:
    _register_font()
    camp = fig["campaign"]
    title_style = ParagraphStyle("t", fontName=FONT, fontSize=16, leading=22)
    body = ParagraphStyle("b", fontName=FONT, fontSize=10, leading=15)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=f"{camp['code']} 抽查工作报告",
                            subject=camp["code"], keywords=camp["code"], author="Suiji",
                            leftMargin=18 * mm, rightMargin=18 * mm)
    table_style = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9),
                              ("GRID", (0, 0), (-1, -1), 0.4, colors.grey)])
    story: list[Any] = [
        Paragraph(escape(f"双随机抽查工作报告：{camp['title']}"), title_style),
        Paragraph(escape(f"任务编号 {camp['code']}　检查时段 {camp['field_start']} 至 "
                         f"{camp['field_end']}　报告期限 {due_on}"), body),
        Spacer(1, 5 * mm),
        Table([["项目", "数量"], *summary_rows(fig)], colWidths=[90 * mm, 40 * mm],
              style=table_style, repeatRows=1),
        Spacer(1, 5 * mm), _chart(fig), Spacer(1, 3 * mm),
    ]
    rows = [["事项编号", "抽查事项", "符合", "不符合", "不适用"]]
    rows += [[r["item_code"], Paragraph(escape(f"{r['name']}（第{r['version']}版）"), body),
              str(r["compliant"]), str(r["noncompliant"]), str(r["not_applicable"])]
             for r in fig["findings_by_item"]]
    story.append(Paragraph("各抽查事项检查结果", body))
    story.append(Table(rows, colWidths=[25 * mm, 85 * mm, 18 * mm, 18 * mm, 18 * mm],
                       style=table_style, repeatRows=1))
    if fig["declines"]:
        story.append(Spacer(1, 5 * mm))
        story.append(Paragraph("因公务无法参加及递补情况", body))
        for d in fig["declines"]:
            story.append(Paragraph(escape(f"抽取顺序第 {d['position']} 位：{d['reason']}"), body))
    doc.build(story)
    return buf.getvalue()


def render_xlsx(fig: dict[str, Any], *, due_on: str) -> bytes:
    camp = fig["campaign"]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "概况"
    ws.append(["任务编号", camp["code"]])
    ws.append(["任务名称", camp["title"]])
    ws.append(["检查时段", f"{camp['field_start']} 至 {camp['field_end']}"])
    ws.append(["报告期限", due_on])
    ws.append([])
    ws.append(["项目", "数量"])
    for label, value in summary_rows(fig):
        ws.append([label.strip("　"), float(value) if "." in value else int(value)])
    items = wb.create_sheet("检查事项")
    items.append(["事项编号", "版本", "抽查事项", "符合", "不符合", "不适用"])
    for r in fig["findings_by_item"]:
        items.append([r["item_code"], r["version"], r["name"], r["compliant"], r["noncompliant"],
                      r["not_applicable"]])
    chart = BarChart()
    chart.title = "各抽查事项检查结果"
    chart.y_axis.title = "户数"
    n = len(fig["findings_by_item"]) + 1
    chart.add_data(Reference(items, min_col=4, max_col=5, min_row=1, max_row=max(n, 2)),
                   titles_from_data=True)
    chart.set_categories(Reference(items, min_col=1, min_row=2, max_row=max(n, 2)))
    items.add_chart(chart, "H2")
    calls = wb.create_sheet("召集与递补")
    calls.append(["抽取顺序", "因公务无法参加的事由"])
    for d in fig["declines"]:
        calls.append([d["position"], d["reason"]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
