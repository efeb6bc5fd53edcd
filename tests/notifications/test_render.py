import datetime as dt

from tortoise.transactions import in_transaction

from inspection.notices import issuing as notices
from models.enums import NoticeKind
from notifications.render.layout import NoticeView, pdf_to_png, render_pdf, wrap
from notifications.render.notices import notice_file, notice_url
from tests.notices_fixtures import AUTHORITY, decode_qr, make_world

BASE = "https://suiji.example.gov.cn"


def _decode(png: bytes) -> str:
    return decode_qr(png)


async def _notice(w):
    async with in_transaction():
        return await notices.issue_notice(
            kind=NoticeKind.RECTIFICATION, employer_id=w["employer"].id,
            inspection_id=w["inspection"].id, issued_by_id=w["staff"].id, issuer=AUTHORITY,
            content={"body": "经查，你单位未按规定支付加班工资。", "items": ["补发加班工资"],
                     "basis": "《劳动保障监察条例》第三十条"},
            deadline=dt.date(2026, 11, 3), issued_on=dt.date(2026, 9, 30))


async def test_qr_in_generated_pdf_decodes_to_notice_url(tmp_path):
    w = await make_world()
    n = await _notice(w)
    pdf_path = await notice_file(n.id, base_url=BASE, data_dir=tmp_path)
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF") and b"STSong-Light" in pdf
    assert b"FontFile" not in pdf  # the CID font is referenced by name, never embedded
    # Decode from the PDF itself, rasterised: what an employer's phone camera sees.
    assert _decode(pdf_to_png(pdf)) == notice_url(BASE, n.token) == f"{BASE}/n/{n.token}"
    png_path = await notice_file(n.id, base_url=BASE, data_dir=tmp_path, fmt="png")
    assert png_path.read_bytes().startswith(b"\x89PNG") and _decode(png_path.read_bytes())


async def test_files_are_cached(tmp_path):
    w = await make_world()
    n = await _notice(w)
    first = await notice_file(n.id, base_url=BASE, data_dir=tmp_path)
    mtime = first.stat().st_mtime_ns
    again = await notice_file(n.id, base_url=BASE, data_dir=tmp_path)
    assert again == first and again.stat().st_mtime_ns == mtime


def test_long_body_continues_on_a_second_page():
    view = NoticeView(authority=AUTHORITY, title="劳动保障监察检查结果告知书", number="x",
                      addressee="某公司", uscc="91500102MA5U7ABC1K", body="检查情况。" * 900,
                      url=f"{BASE}/n/abc")
    pdf = render_pdf(view)
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 2 or b"/Count 2" in pdf


def test_wrap_breaks_cjk_by_width():
    lines = wrap("一二三四五六七八九十" * 10, 120, 12)
    assert all(len(line) <= 10 for line in lines) and "".join(lines) == "一二三四五六七八九十" * 10
