"""The A4 layout of a notice, drawn with reportlab's canvas.

The font is reportlab's built-in CID font STSong-Light (Adobe-GB1): the PDF names it and every
reader supplies the glyphs, so no font file ships with us or is embedded. The QR code is drawn as
vector squares, so it stays sharp at any print size.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
SEAL_RED = Color(0.8, 0.1, 0.1)
PAGE_W, PAGE_H = A4
MARGIN = 25 * mm


def _font() -> str:
    # reportlab keeps registered fonts in its own registry; registering twice is harmless.
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@dataclass(frozen=True)
class NoticeView:
    """Everything printed on a notice, as display strings."""

    authority: str  # 发文机关, e.g. 重庆市涪陵区人力资源和社会保障局
    title: str
    number: str
    addressee: str
    uscc: str
    body: str
    items: list[str] = field(default_factory=list)
    items_heading: str = ""
    basis: str = ""
    deadline_line: str = ""
    issued_on: str = ""
    url: str = ""


def wrap(text: str, width: float, size: float) -> list[str]:
    """Break CJK text by character width (no spaces to break at); keep explicit newlines."""
    font = _font()
    lines: list[str] = []
    for para in text.splitlines() or [""]:
        line, used = "", 0.0
        for ch in para:
            w = pdfmetrics.stringWidth(ch, font, size)
            if used + w > width and line:
                lines.append(line)
                line, used = ch, w
            else:
                line, used = line + ch, used + w
        lines.append(line)
    return lines


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    cell = size / n
    path = canvas.beginPath()
    # One rectangle per horizontal run of dark modules: about half the path operators of one
    # square per module, for the same image.
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                path.rect(x + start * cell, y + size - (r + 1) * cell, (c - start) * cell, cell)
            else:
                c += 1
    canvas.setFillColor(black)
    canvas.drawPath(path, fill=1, stroke=0)


# Text stops above the footer (seal, date, QR code); a long notice continues on a new page.
FOOTER_TOP = 78 * mm


class _Writer:
    def __init__(self, canvas: Canvas, top: float) -> None:
        self.c, self.y = canvas, top
        self.width = PAGE_W - 2 * MARGIN

    def para(self, text: str, size: float = 12, indent: float = 0, gap: float = 4) -> None:
        for line in wrap(text, self.width - indent, size):
            if self.y < FOOTER_TOP:
                self.c.showPage()
                self.y = PAGE_H - MARGIN
            self.c.setFont(FONT, size)
            self.c.drawString(MARGIN + indent, self.y, line)
            self.y -= size * 1.6
        self.y -= gap


def render_pdf(view: NoticeView) -> bytes:
    """One A4 page: authority, title, number, addressee, body, items, basis, deadline, date,
    seal area, QR code with its URL and 扫码核验."""
    font = _font()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(f"{view.title} {view.number}")
    c.setAuthor(view.authority)
    c.setFont(font, 20)
    c.setFillColor(SEAL_RED)
    c.drawCentredString(PAGE_W / 2, PAGE_H - 30 * mm, view.authority)
    c.setStrokeColor(SEAL_RED)
    c.setLineWidth(1.2)
    c.line(MARGIN, PAGE_H - 34 * mm, PAGE_W - MARGIN, PAGE_H - 34 * mm)
    c.setFillColor(black)
    c.setFont(font, 18)
    c.drawCentredString(PAGE_W / 2, PAGE_H - 46 * mm, view.title)
    c.setFont(font, 12)
    c.drawRightString(PAGE_W - MARGIN, PAGE_H - 55 * mm, view.number)
    w = _Writer(c, PAGE_H - 68 * mm)
    w.para(f"{view.addressee}：", 13, gap=0)
    w.para(f"（统一社会信用代码：{view.uscc}）", 10)
    w.para(view.body, 12)
    if view.items:
        if view.items_heading:
            w.para(view.items_heading, 12, gap=0)
        for i, item in enumerate(view.items, 1):
            w.para(f"{i}. {item}", 12, indent=12, gap=0)
        w.y -= 4
    if view.deadline_line:
        w.para(view.deadline_line, 12)
    if view.basis:
        w.para(f"依据：{view.basis}", 11)
    # Date and seal area, bottom right; QR code, bottom left.
    base = 40 * mm
    seal_x, seal_y = PAGE_W - MARGIN - 30 * mm, base + 22 * mm
    c.setStrokeColor(SEAL_RED)
    c.setDash(3, 2)
    c.circle(seal_x, seal_y, 20 * mm)
    c.setDash()
    c.setFillColor(SEAL_RED)
    c.setFont(font, 9)
    c.drawCentredString(seal_x, seal_y - 2, "（印章）")
    c.setFillColor(black)
    c.setFont(font, 12)
    c.drawRightString(PAGE_W - MARGIN, base + 2 * mm, view.authority)
    c.drawRightString(PAGE_W - MARGIN, base - 5 * mm, view.issued_on)
    qr_size = 32 * mm
    draw_qr(c, view.url, MARGIN, base - 10 * mm, qr_size)
    c.setFont(font, 10)
    c.drawString(MARGIN, base - 16 * mm, "扫码核验：查看文书真伪、状态并确认收到")
    c.setFont("Helvetica", 7)
    c.drawString(MARGIN, base - 21 * mm, view.url)
    c.showPage()
    c.save()
    return buf.getvalue()


def pdf_to_png(pdf: bytes, *, scale: float = 2.0) -> bytes:
    """Rasterise the first page (pdfium bundles the CJK fallback glyphs, no font files needed)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=scale).to_pil()
    finally:
        doc.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
