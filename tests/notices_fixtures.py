"""Shared builders for the notice and publication tests (real rows, no mocks)."""

from __future__ import annotations

import datetime as dt
import re

from inspection.clock import BEIJING
from inspection.notices.numbering import number_prefixes
from inspection.notices.particulars import Issuer
from models.campaigns import Campaign, CampaignItem
from models.employers import Employer
from models.enums import FindingResult, ItemVersionStatus, SectionKind
from models.fieldwork import Finding, Inspection, InspectionMember, RectificationOrder
from models.items import Item, ItemVersion
from models.org import Section, Staff

AUTHORITY = "重庆市涪陵区人力资源和社会保障局"
ISSUER = Issuer(name=AUTHORITY, address="重庆市涪陵区太白大道1号", phone="023-72220000",
                review_body="重庆市涪陵区人民政府", litigation_court="重庆市涪陵区人民法院",
                number_prefixes=number_prefixes("涪人社"))


async def _items(section: Section, inspection: Inspection) -> list[ItemVersion]:
    """Two published items of a campaign the inspection belongs to."""
    campaign = await Campaign.create(code="2026-FL-003", title="2026年第三季度劳动用工专项抽查",
                                     section=section, field_start=dt.date(2026, 9, 1),
                                     field_end=dt.date(2026, 9, 30))
    await inspection.campaigns.add(campaign)
    out = []
    for code, name, basis, content in (
            ("LD-01", "书面劳动合同签订情况", "《中华人民共和国劳动合同法》第十条、第八十二条",
             "用人单位与劳动者订立书面劳动合同情况"),
            ("LD-02", "工资支付情况", "《保障农民工工资支付条例》第十一条、第十五条",
             "按月足额支付工资、工资支付台账")):
        item = await Item.create(code=code)
        iv = await ItemVersion.create(item=item, version=1, name=name, basis=basis,
                                      subject="区人力社保局", content=content, method="现场检查",
                                      status=ItemVersionStatus.PUBLISHED)
        await CampaignItem.create(campaign=campaign, item_version=iv)
        out.append(iv)
    return out


async def make_world(*, items: bool = True) -> dict:
    """A submitted inspection by a team of two certified inspectors: one finding against the
    law (no written contracts), one compliant, and a 限期改正指令 for the first. Without `items`,
    no campaign, items or findings (for tests that bring their own)."""
    section = await Section.create(code="JC", name="劳动保障监察支队", kind=SectionKind.INITIATING)
    staff = await Staff.create(name="张明", wecom_userid="zhangming", section=section,
                               cert_no="500102001", is_inspector=True)
    other = await Staff.create(name="李华", wecom_userid="lihua", section=section,
                               cert_no="500102002", is_inspector=True)
    employer = await Employer.create(uscc="91500102MA5U7ABC1K", name="重庆涪江建筑工程有限公司",
                                     township="敦仁街道", industry="建筑业", legal_rep="王建国",
                                     address="重庆市涪陵区敦仁街道滨江路18号")
    inspection = await Inspection.create(
        code="JC2026-0001", employer=employer, window_start=dt.date(2026, 9, 1),
        window_end=dt.date(2026, 9, 30),
        checkin_at=dt.datetime(2026, 9, 14, 9, 30, tzinfo=BEIJING))
    for member in (staff, other):
        await InspectionMember.create(inspection=inspection, staff=member)
    bad = None
    if items:
        contracts, wages = await _items(section, inspection)
        bad = await Finding.create(
            inspection=inspection, item_version=contracts, recorded_by=staff,
            result=FindingResult.NONCOMPLIANT, description="未与12名在岗劳动者订立书面劳动合同",
            basis="《中华人民共和国劳动合同法》第十条第一款")
        await Finding.create(inspection=inspection, item_version=wages, recorded_by=staff,
                             result=FindingResult.COMPLIANT)
    order = await RectificationOrder.create(
        inspection=inspection, employer=employer, requirements="与全部在岗职工订立书面劳动合同",
        issued_on=dt.date(2026, 9, 15), working_days=10, deadline=dt.date(2026, 9, 29),
        issued_by=staff)
    if bad is not None:
        await order.findings.add(bad)
    return {"section": section, "staff": staff, "other": other, "employer": employer,
            "inspection": inspection, "order": order, "finding": bad}


def pdf_text(pdf: bytes) -> str:
    """The text of every page, as a reader's copy-and-paste gives it, without white space (so
    that a phrase wrapped over two lines is still found)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        text = "".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()
    return re.sub(r"\s+", "", text)


def decode_qr(png: bytes) -> str:
    """Read the QR code on a rendered notice page.

    OpenCV's detector misses a few percent of codes at any single scale (phones do not), so try
    a few scales of the grey image before concluding there is none.
    """
    import cv2
    import numpy as np

    img = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    detector = cv2.QRCodeDetector()
    for scale in (1.0, 0.5, 0.75, 1.5):
        scaled = img if scale == 1.0 else cv2.resize(
            img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        text = detector.detectAndDecode(scaled)[0]
        if text:
            return str(text)
    return ""
