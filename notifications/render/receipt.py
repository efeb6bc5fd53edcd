"""The 送达回证 (proof of service) of a notice served on paper: which paper, on whom, where, how,
who served it, and the blanks the party (or whoever receives it for the party, or the witnesses
of a refusal) sign and date. The inspectors bring it back for the file.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from inspection import typeset
from inspection.notices import issuing
from models.notices import Notice
from notifications.render.layout import LEFT, PAGE_W, RIGHT, SIZE, TEXT_W, Pages, heading, paint
from notifications.render.wording import cn_date

LABEL_W = 42 * mm
DATE_LINE = "年　　月　　日"
METHODS = "□直接送达　□留置送达　□邮寄送达　□委托送达"
NOTE = ("注：受送达人拒绝签收的，送达人可以邀请有关基层组织或者所在单位的代表到场，说明情况，在本回证上"
        "记明拒收事由和日期，由送达人、见证人签名或者盖章，把文书留在受送达人的住所，即视为送达"
        "（依照《中华人民共和国民事诉讼法》关于留置送达的规定）。")


def rows(notice: Notice) -> list[tuple[str, str, float, bool]]:
    """(label, printed value, row height, whether the row ends with a signature date)."""
    c = notice.content or {}
    party = c.get("party", {})
    served = "\n".join(f"{m['name']}（执法证号：{m['cert_no']}）　签名："
                       for m in c.get("inspectors", []))
    return [
        ("送达文书名称\n及文号", f"《{issuing.TITLES[notice.kind]}》\n{notice.number}", 18 * mm, False),
        ("受送达人", party.get("name", ""), 13 * mm, False),
        ("送达地址", party.get("address", ""), 13 * mm, False),
        ("送达方式", METHODS, 13 * mm, False),
        ("受送达人\n签名或盖章", "", 28 * mm, True),
        ("代收人及\n代收理由", "", 22 * mm, True),
        ("送达人", served, 24 * mm, True),
        ("见证人\n（留置送达时）", "", 20 * mm, True),
        ("备注", "", 14 * mm, False),
    ]


def _cell_text(c: Canvas, text: str, x: float, top: float, width: float, font: str,
               center: bool) -> None:
    lines = [part for raw in text.split("\n") for part in typeset.wrap(raw, width, SIZE, font)]
    y = top - 7 * mm
    for line in lines:
        if center:
            c.drawCentredString(x + width / 2, y, line)
        else:
            c.drawString(x, y, line)
        y -= SIZE * 1.5


def render_receipt(notice: Notice) -> bytes:
    fonts = typeset.fonts()
    p = Pages(fonts)
    heading(p, notice.issuer, "送达回证", "")
    table = rows(notice)
    top = p.y - 2 * mm
    right = PAGE_W - RIGHT
    body = fonts.body

    def op(c: Canvas) -> None:
        c.setLineWidth(0.8)
        y = top
        c.line(LEFT, y, right, y)
        for label, value, height, dated in table:
            c.setFont(body, SIZE)
            _cell_text(c, label, LEFT + 2 * mm, y, LABEL_W - 4 * mm, body, center=True)
            _cell_text(c, value, LEFT + LABEL_W + 3 * mm, y, TEXT_W - LABEL_W - 6 * mm, body,
                       center=False)
            if dated:
                c.drawRightString(right - 4 * mm, y - height + 4 * mm, DATE_LINE)
            y -= height
            c.line(LEFT, y, right, y)
        c.line(LEFT, top, LEFT, y)
        c.line(LEFT + LABEL_W, top, LEFT + LABEL_W, y)
        c.line(right, top, right, y)
        c.setFont(body, 13)
        cx = right - 40 * mm
        c.drawCentredString(cx, y - 14 * mm, notice.issuer)
        c.drawCentredString(cx, y - 22 * mm, cn_date(notice.issued_on))
        c.setFont(body, 9)
        for i, line in enumerate(typeset.wrap(NOTE, TEXT_W, 9, body)):
            c.drawString(LEFT, y - 34 * mm - i * 13, line)
    p.draw(op)
    return paint(p.pages, fonts, title=f"送达回证 {notice.number}", author=notice.issuer)
