"""Every kind of notice, rendered to PDF and PNG as a bureau would print it: the text taken back
out of the PDF carries every part the standard form needs (facts, basis, requirement and
deadline, consequence, rights, inspectors with certificate numbers, contact, date), and the fonts
are TrueType subsets embedded in the file."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from tortoise.transactions import in_transaction

from inspection import typeset
from inspection.notices import issuing as notices
from models.enums import FollowUpResult, NoticeKind, PenaltyProcedure
from models.fieldwork import FollowUp
from models.notices import Notice
from models.penalties import PenaltyDecision
from notifications.render.layout import pdf_to_png
from notifications.render.notices import notice_file
from tests import poppler
from tests.notices_fixtures import AUTHORITY, ISSUER, decode_qr, make_world, pdf_text

pytestmark = pytest.mark.usefixtures("clean_db")

BASE = "https://suiji.example.gov.cn"
ISSUED = dt.date(2026, 10, 9)
RIGHTS = ["六十日内向重庆市涪陵区人民政府申请行政复议", "六个月内向重庆市涪陵区人民法院提起行政诉讼"]
FACTS = ["经查", "未与12名在岗劳动者订立书面劳动合同", "违反了《中华人民共和国劳动合同法》第十条第一款"]
# What each kind must say, besides what every notice says (`COMMON`).
REQUIRED: dict[NoticeKind, list[str]] = {
    NoticeKind.INSPECTION: [
        "根据《劳动保障监察条例》第十条、第十五条", "2026年9月1日至2026年9月30日",
        "书面劳动合同签订情况", "《中华人民共和国劳动合同法》第十条、第八十二条", "工资支付情况",
        "2026年10月16日前", "职工名册及劳动合同", "第三十条第一款", "二千元以上二万元以下的罚款"],
    NoticeKind.INQUIRY: [
        "因核实你单位劳动合同签订情况", "第十五条第一款第（二）项", "2026年10月20日",
        "到本局（重庆市涪陵区太白大道1号）接受询问", "授权委托书", "第三十条第一款"],
    NoticeKind.RECTIFICATION: [
        *FACTS, "根据《劳动保障监察条例》第十八条第一款第（二）项", "责令你单位于2026年10月23日前改正",
        "与全部在岗职工订立书面劳动合同", "逾期不改正的，本局将依照《劳动保障监察条例》第三十条第一款第（三）项",
        *RIGHTS],
    NoticeKind.REVIEW: [
        "2026年9月15日", "责令你单位于2026年9月29日前改正", "未与12名在岗劳动者订立书面劳动合同",
        "于2026年9月30日进行复查，结果为部分整改（已补签8份）", "复查意见：尚有4名劳动者未订立书面劳动合同",
        "请于2026年10月23日前改正", "逾期不改正的", *RIGHTS],
    NoticeKind.RESULT: [
        "现将检查结果告知如下", "书面劳动合同签订情况：不符合", "工资支付情况：符合",
        "违反了《中华人民共和国劳动合同法》第十条第一款", "记入你单位劳动保障守法诚信档案", *RIGHTS],
    NoticeKind.PENALTY_NOTICE: [
        *FACTS, "根据《劳动保障监察条例》第三十条第一款第（三）项", "拟对你单位作出如下行政处罚",
        "罚款人民币一万元", "第四十四条、第四十五条", "三日内", "陈述、申辩", "听证", "五日内"],
    NoticeKind.PENALTY_DECISION: [
        "当事人：重庆涪江建筑工程有限公司", "地址：重庆市涪陵区敦仁街道滨江路18号",
        "法定代表人（负责人）：王建国", *FACTS, "本案案由：经责令限期改正逾期拒不改正",
        "以《行政处罚告知书》（涪人社监罚告〔2026〕第1号）告知你单位", "陈述、申辩和要求听证的权利",
        "根据《劳动保障监察条例》第三十条第一款第（三）项", "作出如下行政处罚：罚款人民币10000.00元（大写：壹万元整）",
        "十五日内", "每日按罚款数额的百分之三加处罚款", *RIGHTS],
}
COMMON = [AUTHORITY, "执法人员：张明（执法证号：500102001）", "李华（执法证号：500102002）",
          "联系地址：重庆市涪陵区太白大道1号", "联系电话：023-72220000", "2026年10月9日", "扫码核验"]


async def _issue_all(w: dict) -> dict[NoticeKind, int]:
    """One notice of each kind for the world's inspection."""
    base = {"employer_id": w["employer"].id, "inspection_id": w["inspection"].id,
            "issued_by_id": w["staff"].id, "issuer": ISSUER, "issued_on": ISSUED}
    await FollowUp.create(order=w["order"], visited_on=dt.date(2026, 9, 30),
                          result=FollowUpResult.PARTIAL, note="已补签8份", recorded_by=w["staff"])
    decision = await PenaltyDecision.create(
        number="涪人社监罚决〔2026〕3号", employer=w["employer"], inspection=w["inspection"],
        procedure=PenaltyProcedure.GENERAL, cause="经责令限期改正逾期拒不改正",
        basis="《劳动保障监察条例》第三十条第一款第（三）项", result="罚款",
        amount_yuan=Decimal("10000"), decided_on=ISSUED)
    plan = {
        NoticeKind.INSPECTION: {"content": {"body": "检查时请安排熟悉劳动用工管理的人员在场。"},
                                "deadline": dt.date(2026, 10, 16)},
        NoticeKind.INQUIRY: {"content": {"body": "核实你单位劳动合同签订情况"},
                             "deadline": dt.date(2026, 10, 20)},
        NoticeKind.RECTIFICATION: {"content": {}, "rectification_order_id": w["order"].id,
                                   "deadline": dt.date(2026, 10, 23)},
        NoticeKind.REVIEW: {"content": {"body": "尚有4名劳动者未订立书面劳动合同"},
                            "rectification_order_id": w["order"].id,
                            "deadline": dt.date(2026, 10, 23)},
        NoticeKind.RESULT: {"content": {"body": "本次共检查2个事项。"}},
        NoticeKind.PENALTY_NOTICE: {"content": {
            "body": "罚款人民币一万元", "basis": "《劳动保障监察条例》第三十条第一款第（三）项"}},
        NoticeKind.PENALTY_DECISION: {"content": {}, "penalty_decision_id": decision.id},
    }
    ids = {}
    async with in_transaction():
        for kind, extra in plan.items():
            n = await notices.issue_notice(kind=kind, **base, **extra)
            ids[kind] = n.id
    return ids


def font_dicts(pdf: bytes) -> tuple[list[str], list[bytes]]:
    """The BaseFont names of the PDF's fonts and its font descriptors (reportlab writes both as
    plain dictionaries, outside compressed streams)."""
    names = [m.decode() for m in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", pdf)]
    descriptors = re.findall(rb"<<[^>]*?/Type\s*/FontDescriptor.*?>>", pdf, re.S)
    return names, descriptors


def assert_embedded_subsets(pdf: bytes) -> None:
    names, descriptors = font_dicts(pdf)
    assert names, "no fonts at all"
    # Every font is a subset (six capitals and "+"), so its glyphs travel with the file …
    assert all(re.fullmatch(r"[A-Z]{6}\+\S+", n) for n in names), names
    assert {n.split("+", 1)[1].split("-")[0] for n in names} == {"UMingCN", "WenQuanYiZenHei"}
    # … in a TrueType font program (/FontFile2) behind each descriptor.
    assert descriptors and all(b"/FontFile2" in d for d in descriptors)
    assert b"STSong-Light" not in pdf and b"/Helvetica" not in pdf


@pytest.fixture(scope="module", autouse=True)
def _fonts_present():
    missing = typeset.missing()
    assert not missing, f"install the Debian packages {' '.join(missing)} (.ci/run does)"


async def test_every_kind_states_what_the_standard_form_requires(tmp_path):
    w = await make_world()
    ids = await _issue_all(w)
    assert set(ids) == set(NoticeKind)
    for kind, nid in ids.items():
        path = await notice_file(nid, base_url=BASE, data_dir=tmp_path, seal_image=None)
        pdf = path.read_bytes()
        text = pdf_text(pdf)
        title = notices.TITLES[kind]
        wanted = [title, "重庆涪江建筑工程有限公司", *COMMON, *REQUIRED[kind]]
        assert [part for part in wanted if part not in text] == [], kind
        assert_embedded_subsets(pdf)
        png = await notice_file(nid, base_url=BASE, data_dir=tmp_path, seal_image=None, fmt="png")
        assert png.read_bytes().startswith(b"\x89PNG")
        if kind == NoticeKind.RECTIFICATION:  # the QR code survives the new layout (once: slow)
            assert decode_qr(png.read_bytes()).endswith("/n/" + (await Notice.get(id=nid)).token)
        if kind != NoticeKind.PENALTY_DECISION:
            assert re.search(r"涪人社监\S*〔2026〕第1号", text), kind
    decision = pdf_text((await notice_file(ids[NoticeKind.PENALTY_DECISION], base_url=BASE,
                                           data_dir=tmp_path, seal_image=None)).read_bytes())
    assert "涪人社监罚决〔2026〕3号" in decision  # the decision's own number


@poppler.needs_poppler
async def test_every_kind_prints_in_another_reader_with_its_fonts_embedded(tmp_path):
    """Each kind and its 送达回证 as poppler sees them: every font a TrueType subset embedded in
    the file (so the paper looks the same in every viewer), every page rasterised with text on
    it. SUIJI_PAPERS_OUT keeps the PNG pages for a look."""
    w = await make_world()
    ids = await _issue_all(w)
    for kind, nid in ids.items():
        for fmt in ("pdf", "receipt"):
            pdf = (await notice_file(nid, base_url=BASE, data_dir=tmp_path, seal_image=None,
                                     fmt=fmt)).read_bytes()
            found = poppler.fonts(pdf)
            assert {f.name.split("+", 1)[1].split("-")[0] for f in found} == {
                "UMingCN", "WenQuanYiZenHei"}, (kind, fmt)
            assert all(f.embedded and f.subset and "TrueType" in f.type for f in found), found
            name = f"notice-{kind.value}" + ("-receipt" if fmt == "receipt" else "")
            pngs = poppler.pages(pdf, name)
            assert pngs and all(poppler.ink(p) > 0.01 for p in pngs), (kind, fmt)


async def test_receipt_names_the_paper_the_party_and_who_served_it(tmp_path):
    w = await make_world()
    ids = await _issue_all(w)
    path = await notice_file(ids[NoticeKind.RECTIFICATION], base_url=BASE, data_dir=tmp_path,
                             seal_image=None, fmt="receipt")
    pdf = path.read_bytes()
    text = pdf_text(pdf)
    for part in ["送达回证", "《劳动保障监察限期改正指令书》", "涪人社监察〔2026〕第1号",
                 "受送达人", "重庆涪江建筑工程有限公司", "重庆市涪陵区敦仁街道滨江路18号",
                 "□直接送达", "□留置送达", "签名或盖章", "代收人", "张明（执法证号：500102001）",
                 "李华（执法证号：500102002）", "见证人", AUTHORITY, "2026年10月9日", "留置送达"]:
        assert part in text, part
    assert_embedded_subsets(pdf)
    assert pdf_to_png(pdf).startswith(b"\x89PNG")


async def test_seal_is_printed_only_when_configured(tmp_path):
    from PIL import Image, ImageDraw

    w = await make_world()
    ids = await _issue_all(w)
    nid = ids[NoticeKind.RECTIFICATION]
    plain = (await notice_file(nid, base_url=BASE, data_dir=tmp_path, seal_image=None)
             ).read_bytes()
    assert b"/Subtype /Image" not in plain  # nothing drawn where the hand stamp goes
    seal = tmp_path / "seal.png"
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 390, 390), outline=(200, 20, 20, 255), width=16)
    image.save(seal)
    sealed = (await notice_file(nid, base_url=BASE, data_dir=tmp_path, seal_image=seal)
              ).read_bytes()
    assert b"/Subtype /Image" in sealed  # a new file: the cached one had no seal
    # The red ring lies over the bureau's name and the date: in the right half of the page.
    page = Image.open(io.BytesIO(pdf_to_png(sealed, scale=0.5))).convert("RGB")
    reds = [x for x in range(0, page.width, 2) for y in range(0, page.height, 2)
            if _red(page.getpixel((x, y)))]
    assert reds and min(reds) > page.width / 2


def _red(pixel: tuple[int, int, int]) -> bool:
    return pixel[0] > 150 and pixel[1] < 90 and pixel[2] < 90


def test_missing_fonts_fall_back_to_the_cid_font_with_a_warning(caplog):
    gone = (("/nonexistent/uming.ttc", 0, "fonts-arphic-uming"),)
    fonts = typeset.fonts(gone, gone)
    assert (fonts.body, fonts.title, fonts.embedded) == ("STSong-Light", "STSong-Light", False)
    assert "fonts-arphic-uming" in caplog.text and "STSong-Light" in caplog.text
    assert typeset.missing(gone, gone) == ["fonts-arphic-uming", "fonts-arphic-uming"]
