import datetime as dt
import re

import pytest
from tortoise.transactions import in_transaction

from inspection import typeset
from inspection.notices import issuing as notices
from models.enums import NoticeKind
from notifications.render.layout import pdf_to_png, render_pdf
from notifications.render.notices import notice_file, notice_url
from notifications.render.wording import Block, NoticeView
from tests.notices_fixtures import AUTHORITY, ISSUER, decode_qr, make_world, pdf_text

pytestmark = pytest.mark.usefixtures("clean_db")

BASE = "https://suiji.example.gov.cn"


def _decode(png: bytes) -> str:
    return decode_qr(png)


async def _notice(w):
    async with in_transaction():
        return await notices.issue_notice(
            kind=NoticeKind.RECTIFICATION, employer_id=w["employer"].id,
            inspection_id=w["inspection"].id, issued_by_id=w["staff"].id, issuer=ISSUER,
            content={"body": "经查，你单位未按规定支付加班工资。", "items": ["补发加班工资"],
                     "basis": "《劳动保障监察条例》第三十条"},
            deadline=dt.date(2026, 11, 3), issued_on=dt.date(2026, 9, 30))


async def test_qr_in_generated_pdf_decodes_to_notice_url(tmp_path):
    w = await make_world()
    n = await _notice(w)
    pdf_path = await notice_file(n.id, base_url=BASE, data_dir=tmp_path, seal_image=None)
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf  # TrueType, embedded
    # Decode from the PDF itself, rasterised: what an employer's phone camera sees.
    assert _decode(pdf_to_png(pdf)) == notice_url(BASE, n.token) == f"{BASE}/n/{n.token}"
    png_path = await notice_file(n.id, base_url=BASE, data_dir=tmp_path, seal_image=None,
                                 fmt="png")
    assert png_path.read_bytes().startswith(b"\x89PNG") and _decode(png_path.read_bytes())


async def test_files_are_cached(tmp_path):
    w = await make_world()
    n = await _notice(w)
    first = await notice_file(n.id, base_url=BASE, data_dir=tmp_path, seal_image=None)
    mtime = first.stat().st_mtime_ns
    again = await notice_file(n.id, base_url=BASE, data_dir=tmp_path, seal_image=None)
    assert again == first and again.stat().st_mtime_ns == mtime


def test_long_body_continues_on_a_second_page():
    view = NoticeView(authority=AUTHORITY, title="劳动保障监察检查结果告知书", number="x",
                      lead=[Block("某公司：", indent=False)], body=[Block("检查情况。" * 900)],
                      url=f"{BASE}/n/abc")
    pdf = render_pdf(view)
    assert re.search(rb"/Count [2-9]", pdf)
    assert "第1页共" in pdf_text(pdf) and "扫码核验" in pdf_text(pdf)


def test_wrap_breaks_cjk_by_width():
    font = typeset.fonts().body
    lines = typeset.wrap("一二三四五六七八九十" * 10, 120, 12, font)
    assert all(len(line) <= 10 for line in lines) and "".join(lines) == "一二三四五六七八九十" * 10


def test_wrap_keeps_punctuation_and_numbers_in_place():
    font = typeset.fonts().body
    width = typeset.width("一" * 10, font, 12)
    lines = typeset.wrap("一二三四五六七八九十，再（执法证号：500102002）", width, 12, font)
    assert lines[0].endswith("十，")  # a comma never starts a line: it hangs
    assert not any(line.endswith("（") for line in lines)  # an opening bracket moves down
    assert any("500102002" in line for line in lines)  # a number is never split
