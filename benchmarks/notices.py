"""Notice PDF with QR: time per notice from the database to the finished file, beside a bare
reportlab + qrcode render of the same page in the same run.

    python -m benchmarks.notices [--n 200] [--database-url sqlite:///tmp/bench.sqlite3]

"full": `notifications.render.notices.notice_file` on a fresh notice each time (cache empty):
load the notice, compose its text, lay it out, render in a worker thread with the TrueType faces
embedded as subsets, write the file atomically. "bare": the same page drawn directly with
reportlab's canvas and qrcode in the same embedded faces (no database, no layout helpers, no
file), in memory. Goal: full <= 1.2 x bare.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import statistics
import tempfile
import time
from pathlib import Path

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from tortoise.transactions import in_transaction

from inspection import typeset
from inspection.notices import issuing as notices
from inspection.notices.numbering import number_prefixes
from inspection.notices.particulars import Issuer
from models.employers import Employer
from models.enums import FindingResult, NoticeKind, SectionKind
from models.fieldwork import Finding, Inspection, InspectionMember
from models.items import Item, ItemVersion
from models.notices import Notice
from models.org import Section, Staff
from notifications.render.notices import notice_file, view_of
from notifications.render.wording import Block
from suiji import db

AUTHORITY = "重庆市涪陵区人力资源和社会保障局"
ISSUER = Issuer(name=AUTHORITY, address="重庆市涪陵区太白大道1号", phone="023-72220000",
                review_body="重庆市涪陵区人民政府", litigation_court="重庆市涪陵区人民法院",
                number_prefixes=number_prefixes("涪人社"))
BODY = "经查，你单位存在未依法与劳动者订立书面劳动合同、未按时足额支付劳动报酬的行为。" * 3
ITEMS = ["与全部在岗职工订立书面劳动合同", "补发拖欠的劳动报酬"]
BASIS = "《劳动保障监察条例》第十一条、第三十条"


def bare_render(url: str, text: list[str]) -> bytes:
    """The same page, written straight against reportlab and qrcode: `text` is the notice's
    text already broken into lines (the same glyphs to embed)."""
    fonts = typeset.fonts()
    w, h = A4
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1, initialFontName=fonts.body)
    c.setFont(fonts.title, 18)
    c.drawCentredString(w / 2, h - 30 * mm, AUTHORITY)
    c.setFont(fonts.title, 22)
    c.drawCentredString(w / 2, h - 46 * mm, "劳动保障监察限期改正指令书")
    c.setFont(fonts.body, 12)
    c.drawRightString(w - 25 * mm, h - 55 * mm, "涪人社监察〔2026〕第1号")
    y = h - 68 * mm
    for line in text:
        if y < 75 * mm:
            c.showPage()
            c.setFont(fonts.body, 12)
            y = h - 25 * mm
        c.drawString(25 * mm, y, line)
        y -= 19
    c.drawRightString(w - 25 * mm, 42 * mm, AUTHORITY)
    c.drawRightString(w - 25 * mm, 35 * mm, "2026年9月30日")
    qr = qrcode.QRCode(border=0)
    qr.add_data(url)
    qr.make(fit=True)
    m = qr.get_matrix()
    cell = 32 * mm / len(m)
    p = c.beginPath()
    for r, row in enumerate(m):
        for col, dark in enumerate(row):
            if dark:
                p.rect(25 * mm + col * cell, 30 * mm + 32 * mm - (r + 1) * cell, cell, cell)
    c.drawPath(p, fill=1, stroke=0)
    c.drawString(25 * mm, 24 * mm, "扫码核验：查看文书真伪、状态并确认收到")
    c.showPage()
    c.save()
    return buf.getvalue()


async def _inspection() -> tuple[Staff, Employer, Inspection]:
    """An inspection by two certified inspectors with one violation found, unique to this run."""
    tag = str(time.time_ns())
    section = await Section.create(code=f"B{tag}"[-30:], name=f"基准{tag}",
                                   kind=SectionKind.INITIATING)
    team = [await Staff.create(name=f"基准{i}", wecom_userid=f"bench{i}-{tag}", section=section,
                               cert_no=f"{i}{tag}"[-30:]) for i in (1, 2)]
    employer = await Employer.create(uscc=f"9150{tag}"[:18], name="重庆涪江建筑工程有限公司")
    inspection = await Inspection.create(code=f"B{tag}"[-30:], employer=employer,
                                         window_start=dt.date(2026, 9, 1),
                                         window_end=dt.date(2026, 9, 30))
    item = await Item.create(code=f"B{tag}"[-30:])
    version = await ItemVersion.create(item=item, version=1, name="书面劳动合同签订情况",
                                       basis="《中华人民共和国劳动合同法》第十条", subject="区人力社保局",
                                       content="劳动合同", method="现场检查")
    await Finding.create(inspection=inspection, item_version=version, recorded_by=team[0],
                         result=FindingResult.NONCOMPLIANT, description="未与3名劳动者订立书面劳动合同",
                         basis="《中华人民共和国劳动合同法》第十条第一款")
    for member in team:
        await InspectionMember.create(inspection=inspection, staff=member)
    return team[0], employer, inspection


async def main(n: int, database_url: str) -> None:
    await db.migrate(database_url)
    await db.init_db(database_url)
    try:
        staff, employer, inspection = await _inspection()
        ids = []
        async with in_transaction():
            for _ in range(n):
                notice = await notices.issue_notice(
                    kind=NoticeKind.RECTIFICATION, employer_id=employer.id,
                    inspection_id=inspection.id, issued_by_id=staff.id, issuer=ISSUER,
                    content={"body": BODY, "items": ITEMS, "basis": BASIS},
                    deadline=dt.date(2027, 11, 3), issued_on=dt.date(2026, 9, 30), actor="cli")
                ids.append(notice.id)
        base = "https://suiji.example.gov.cn"
        url = f"{base}/n/AbCdEfGhIjKlMnOpQrStUv"
        with tempfile.TemporaryDirectory() as tmp:
            await notice_file(ids[0], base_url=base, data_dir=Path(tmp), seal_image=None)
            view = view_of(await Notice.get(id=ids[0]), base)
            fonts = typeset.fonts()
            blocks = [*view.lead, *view.body, Block(view.inspectors), Block(view.contact)]
            text = [line for block in blocks
                    for line in typeset.wrap(block.text, 160 * mm, 12, fonts.body)]
            bare_render(url, text)
            full_t, bare_t = [], []
            for nid in ids[1:]:
                # Interleaved, so both see the same machine state.
                t = time.perf_counter()
                bare_render(url, text)
                bare_t.append(time.perf_counter() - t)
                t = time.perf_counter()
                await notice_file(nid, base_url=base, data_dir=Path(tmp), seal_image=None)
                full_t.append(time.perf_counter() - t)
        fm, bm = statistics.median(full_t) * 1000, statistics.median(bare_t) * 1000
        print(f"notices rendered: {len(full_t)} ({database_url.split(':')[0]})")
        print(f"bare reportlab+qrcode: median {bm:.2f} ms, mean {statistics.mean(bare_t) * 1000:.2f} ms")
        print(f"database -> file:      median {fm:.2f} ms, mean {statistics.mean(full_t) * 1000:.2f} ms")
        print(f"ratio (median): {fm / bm:.2f}x  (goal <= 1.2x)")
    finally:
        await db.close_db()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    url = args.database_url
    if url is None:
        url = f"sqlite://{tempfile.mkdtemp()}/bench.sqlite3"
    asyncio.run(main(args.n, url))
