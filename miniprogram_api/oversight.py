"""Routes of the bureau's oversight lists: the item list's coverage over a year (R4) and the
law-enforcement certificates about to expire (R8)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from inspection import clock
from inspection.items import coverage as cov
from inspection.rosters import certificates as certs
from miniprogram_api.framework import Call, Route
from miniprogram_api.rosters import ADMIN
from miniprogram_api.schemas import CampaignBrief, Request

READERS = "policy-section admin (政策法规科), initiating sections (发起科室)"


class ItemCoverageOut(BaseModel):
    item_id: int
    code: str
    name: str
    withdrawn_on: dt.date | None = Field(description="当年撤销的，撤销生效日期")
    covered: bool = Field(description="当年是否有抽查任务抽取了该事项")
    campaigns: list[CampaignBrief]
    employers: int = Field(description="这些抽查任务抽中的用人单位数（同一单位只计一次）")


class CoverageOut(BaseModel):
    year: int
    total: int
    covered: int
    items: list[ItemCoverageOut]


class ExpiringQuery(Request):
    within_days: int = Field(certs.WARN_DAYS, ge=0, le=certs.MAX_WITHIN_DAYS,
                             description="多少天内到期（已过期的也列出）")


class CertificateOut(BaseModel):
    staff_id: int
    name: str
    section: str
    cert_no: str
    cert_valid_until: dt.date
    days_left: int = Field(description="距到期天数；负数为已过期天数")
    expired: bool


class CertificateList(BaseModel):
    within_days: int
    items: list[CertificateOut]


async def coverage(call: Call[None, None]) -> CoverageOut:
    c = await cov.coverage_for(staff=call.me, year=call.path["year"])
    return CoverageOut(year=c.year, total=len(c.items), covered=c.covered, items=[
        ItemCoverageOut(item_id=i.item_id, code=i.code, name=i.name, withdrawn_on=i.withdrawn_on,
                        covered=i.covered, employers=i.employers,
                        campaigns=[CampaignBrief(id=x.id, code=x.code, title=x.title)
                                   for x in i.campaigns])
        for i in c.items])


async def expiring(call: Call[None, ExpiringQuery]) -> CertificateList:
    days = call.query.within_days
    rows = await certs.expiring_for(staff=call.me, within_days=days, today=clock.today())
    return CertificateList(within_days=days, items=[
        CertificateOut(staff_id=r.staff.id, name=r.staff.name, section=r.staff.section.name,
                       cert_no=r.staff.cert_no or "", cert_valid_until=r.staff.cert_valid_until,
                       days_left=r.days_left, expired=r.expired)
        for r in rows if r.staff.cert_valid_until is not None])


def routes() -> list[Route]:
    return [
        Route("GET", "/coverage/{year}", "getItemCoverage",
              "抽查事项覆盖情况：当年清单上的每个事项是否被抽查、涉及多少用人单位", "oversight",
              READERS, coverage, CoverageOut, errors=(403, 422)),
        Route("GET", "/certificates/expiring", "listExpiringCertificates",
              "即将到期（及已过期）的行政执法证", "oversight", ADMIN, expiring, CertificateList,
              query=ExpiringQuery, errors=(403,)),
    ]
