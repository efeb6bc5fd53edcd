"""Shared builders for the notice and publication tests (real rows, no mocks)."""

from __future__ import annotations

import datetime as dt

from models.employers import Employer
from models.enums import SectionKind
from models.fieldwork import Inspection, RectificationOrder
from models.org import Section, Staff

AUTHORITY = "重庆市涪陵区人力资源和社会保障局"


async def make_world() -> dict:
    section = await Section.create(code="JC", name="劳动保障监察支队", kind=SectionKind.INITIATING)
    staff = await Staff.create(name="张明", wecom_userid="zhangming", section=section,
                               cert_no="500102001", is_inspector=True)
    other = await Staff.create(name="李华", wecom_userid="lihua", section=section,
                               cert_no="500102002", is_inspector=True)
    employer = await Employer.create(uscc="91500102MA5U7ABC1K", name="重庆涪江建筑工程有限公司",
                                     township="敦仁街道", industry="建筑业")
    inspection = await Inspection.create(code="JC2026-0001", employer=employer,
                                         window_start=dt.date(2026, 9, 1),
                                         window_end=dt.date(2026, 9, 30))
    order = await RectificationOrder.create(
        inspection=inspection, employer=employer, requirements="与全部在岗职工订立书面劳动合同",
        issued_on=dt.date(2026, 9, 15), working_days=10, deadline=dt.date(2026, 9, 29),
        issued_by=staff)
    return {"section": section, "staff": staff, "other": other, "employer": employer,
            "inspection": inspection, "order": order}


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
