"""The A4 layout of a notice, drawn with reportlab's canvas in two passes: lay the text out into
pages, then paint them (so each page can say 第 N 页 共 M 页).

Type is TrueType, embedded as subsets (`inspection.typeset`): a Song face for the text, a 黑体
for the bureau's name and the title. The seal is the bureau's own image when it configured one;
otherwise the space over the date stays blank for the hand stamp. The QR code is drawn as vector
squares, so it stays sharp at any print size.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from inspection import typeset
from notifications.render.wording import Block, NoticeView

PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 28 * mm, 26 * mm, 18 * mm, 18 * mm
TEXT_W = PAGE_W - LEFT - RIGHT
SIZE, LEADING = 12.0, 20.0  # 小四, lines 1.67 apart
SMALL = 10.5
SEAL = 40 * mm  # a bureau's round seal is 40-42 mm across
BAND = 44 * mm  # the signature band: QR code on the left, bureau, date and seal on the right
QR = 24 * mm

Op = Callable[[Canvas], None]


@dataclass
class Pages:
    """Pages as lists of drawing operations, filled top to bottom."""

    fonts: typeset.Fonts
    pages: list[list[Op]] = field(default_factory=lambda: [[]])
    y: float = PAGE_H - TOP

    def room(self, height: float) -> None:
        if self.y - height < BOTTOM + 8 * mm:  # the page number sits in the bottom margin
            self.pages.append([])
            self.y = PAGE_H - TOP

    def draw(self, op: Op) -> None:
        self.pages[-1].append(op)

    def line(self, text: str, *, font: str, size: float, x: float, align: str = "left") -> None:
        y = self.y

        def op(c: Canvas) -> None:
            c.setFont(font, size)
            if align == "center":
                c.drawCentredString(x, y, text)
            elif align == "right":
                c.drawRightString(x, y, text)
            else:
                c.drawString(x, y, text)
        self.draw(op)

    def lines(self, block: Block, size: float) -> list[str]:
        indent = 2 * size if block.indent else 0
        return typeset.wrap(block.text, TEXT_W, size, self.fonts.body, first_indent=indent)

    def block(self, block: Block, *, size: float = SIZE, leading: float = LEADING) -> None:
        font = self.fonts.body
        indent = 2 * size if block.indent else 0
        for i, text in enumerate(self.lines(block, size)):
            self.room(leading)
            self.y -= leading
            self.line(text, font=font, size=size, x=LEFT + (indent if i == 0 else 0))


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


def heading(p: Pages, authority: str, title: str, number: str) -> None:
    p.y -= 8 * mm
    p.line(authority, font=p.fonts.title, size=18, x=PAGE_W / 2, align="center")
    p.y -= 12 * mm
    p.line(title, font=p.fonts.title, size=22, x=PAGE_W / 2, align="center")
    if number:
        p.y -= 9 * mm
        p.line(number, font=p.fonts.body, size=SIZE, x=PAGE_W - RIGHT, align="right")
    p.y -= 4 * mm


def signature(p: Pages, authority: str, issued_on: str, seal: bytes | None, url: str,
              code: str = "") -> None:
    """Bureau and date on the right, under the seal if there is one; QR code on the left, and
    under it the verification code when the paper carries one."""
    p.room(BAND)
    top = p.y
    cx = PAGE_W - RIGHT - 40 * mm
    name_y, date_y = top - 18 * mm, top - 26 * mm
    body, bold = p.fonts.body, p.fonts.title

    def op(c: Canvas) -> None:
        c.setFont(body, 13)
        c.drawCentredString(cx, name_y, authority)
        c.drawCentredString(cx, date_y, issued_on)
        if seal is not None:
            # The seal covers the bureau's name and the date, as a hand stamp does (压字盖章).
            c.drawImage(ImageReader(io.BytesIO(seal)), cx - SEAL / 2, (name_y + date_y) / 2
                        - SEAL / 2 + 2 * mm, SEAL, SEAL, mask="auto", preserveAspectRatio=True)
        if url:
            draw_qr(c, url, LEFT, top - 2 * mm - QR, QR)
            c.setFont(body, 8.5)
            c.drawString(LEFT, top - QR - 7 * mm, "扫码核验：查看文书真伪、状态并确认收到")
            c.setFont(body, 7)
            c.drawString(LEFT, top - QR - 11 * mm, url)
        if code:
            c.setFont(bold, 12)  # the 黑体: read aloud and typed, so it must be unmistakable
            c.drawString(LEFT, top - QR - 16 * mm, f"核验码：{code}")
            c.setFont(body, 7.5)
            c.drawString(LEFT + 40 * mm, top - QR - 16 * mm, "（扫码后输入，以确认收到；请妥善保管）")
    p.draw(op)
    p.y = top - BAND


def paint(pages: list[list[Op]], fonts: typeset.Fonts, *, title: str, author: str,
          footer: Callable[[int, int], str] | None = None) -> bytes:
    buf = io.BytesIO()
    # The initial font is ours: reportlab would otherwise list Helvetica, unembedded, on each page.
    c = Canvas(buf, pagesize=A4, pageCompression=1, initialFontName=fonts.body,
               initialFontSize=SIZE)
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator(author)
    total = len(pages)
    for number, ops in enumerate(pages, 1):
        c.setFillColor(black)
        for op in ops:
            op(c)
        if footer is not None and total > 1:
            c.setFont(fonts.body, 9)
            c.drawCentredString(PAGE_W / 2, BOTTOM - 4 * mm, footer(number, total))
        c.showPage()
    c.save()
    return buf.getvalue()


def render_pdf(view: NoticeView, *, seal: bytes | None = None) -> bytes:
    """The notice on A4: bureau, title, number, addressee, text, inspectors, contact, then the
    signature band (QR code, bureau, date, seal) and the note on copies."""
    fonts = typeset.fonts()
    p = Pages(fonts)
    heading(p, view.authority, view.title, view.number)
    for block in view.lead:
        p.block(block)
    p.y -= 2 * mm
    closing = [Block(t, indent=False) for t in (view.inspectors, view.contact) if t]
    note = Block(view.footnote, indent=False)
    tail = (5 * mm + sum(len(p.lines(b, SMALL)) * 18 for b in closing) + BAND
            + len(p.lines(note, 9)) * 14)
    for i, block in enumerate(view.body):
        if i == len(view.body) - 1:
            # The last paragraph goes with the signature: a page holding only the bureau's name
            # and the date would not be a paper anyone signs.
            p.room(len(p.lines(block, SIZE)) * LEADING + tail)
        p.block(block)
    p.y -= 3 * mm
    for block in closing:
        p.block(block, size=SMALL, leading=18)
    p.y -= 2 * mm
    signature(p, view.authority, view.issued_on, seal, view.url,
              f"{view.code[:4]} {view.code[4:]}" if view.code else "")
    if view.footnote:
        p.block(note, size=9, leading=14)
    return paint(p.pages, fonts, title=f"{view.title} {view.number}", author=view.authority,
                 footer=lambda n, total: f"第 {n} 页　共 {total} 页")


def read_seal(path: Path | None) -> bytes | None:
    return path.read_bytes() if path is not None else None


def pdf_to_png(pdf: bytes, *, scale: float = 2.0) -> bytes:
    """Rasterise every page, stacked top to bottom, into one image."""
    import pypdfium2
    from PIL import Image

    doc = pypdfium2.PdfDocument(pdf)
    try:
        images = [page.render(scale=scale).to_pil() for page in doc]
    finally:
        doc.close()
    sheet = Image.new("RGB", (max(i.width for i in images), sum(i.height for i in images)),
                      "white")
    top = 0
    for image in images:
        sheet.paste(image, (0, top))
        top += image.height
    out = io.BytesIO()
    sheet.save(out, format="PNG", optimize=False)
    return out.getvalue()
