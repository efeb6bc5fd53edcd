"""Files the demo's employers upload: a one-page rectification report (PDF, the embedded Chinese
faces of inspection.typeset), stored where the notice page stores uploads (local folder or S3)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from inspection import typeset
from inspection.fieldwork import evidence
from notifications.s3 import S3Storage
from suiji.settings import Settings


def rectification_report(*, to: str, employer: str, lines: tuple[str, ...],
                         day: dt.date) -> bytes:
    """The employer's report to the bureau `to`: a title, the lines, the employer and the date."""
    faces = typeset.fonts()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=True)
    pdf.setTitle(lines[0] if lines else "整改情况报告")
    width, height = A4
    y = height - 90
    pdf.setFont(faces.title, 18)
    pdf.drawCentredString(width / 2, y, lines[0] if lines else "整改情况报告")
    y -= 40
    pdf.setFont(faces.body, 12)
    pdf.drawString(72, y, f"{to}：")
    for line in lines[1:]:
        for n, part in enumerate(typeset.wrap(line, width - 144, 12, faces.body,
                                              first_indent=24)):
            y -= 22
            pdf.drawString(96 if n == 0 else 72, y, part)
    y -= 60
    pdf.drawRightString(width - 72, y, employer)
    pdf.drawRightString(width - 72, y - 22, typeset.cn_date(day))
    pdf.showPage()
    pdf.save()
    return out.getvalue()


@asynccontextmanager
async def storage(settings: Settings) -> AsyncIterator[evidence.Storage]:
    """The evidence store of the settings (as suiji.resources opens it for the app)."""
    if not settings.s3_enabled:
        yield evidence.LocalStorage(settings.data_dir / "uploads")
        return
    assert settings.s3_endpoint and settings.s3_bucket
    assert settings.s3_access_key and settings.s3_secret_key
    async with aiohttp.ClientSession(headers={"User-Agent": "suiji"}) as http:
        yield S3Storage(endpoint=settings.s3_endpoint, bucket=settings.s3_bucket,
                        region=settings.s3_region, access_key=settings.s3_access_key,
                        secret_key=settings.s3_secret_key, http=http)
