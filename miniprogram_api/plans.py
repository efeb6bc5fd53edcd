"""Routes of annual plans (R13): each initiating section submits and reads its own section's
plan. Over inspection/campaign_admin.py (which runs inspection/plans.py)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from inspection.planning import admin as ca
from miniprogram_api.campaigns import INITIATOR, Long
from miniprogram_api.framework import Call, Route
from miniprogram_api.schemas import Request
from models.campaigns import AnnualPlan
from models.enums import PlanStatus


class PlanIn(Request):
    year: int = Field(ge=2000, le=2100)
    needs: Long = Field(description="年度抽查需求")


class PlanOut(BaseModel):
    id: int
    year: int
    section_id: int
    needs: str
    warnings: list[str] = Field(description="如：逾期报送的提示（仍予接收）")


class PlanQuery(Request):
    year: int | None = Field(None, ge=2000, le=2100)
    all_sections: bool = Field(False, description="列出各科室的计划（统一公示前查看）")


class PlanRecord(BaseModel):
    id: int
    year: int
    section_id: int
    section: str
    needs: str
    submitted_at: dt.datetime
    late: bool = Field(description="6 月 30 日后报送")
    status: PlanStatus
    published_at: dt.datetime | None


class PlanList(BaseModel):
    items: list[PlanRecord]


async def submit_plan(call: Call[PlanIn, None]) -> PlanOut:
    result = await ca.submit_plan(staff=call.me, year=call.body.year, needs=call.body.needs)
    p = result.plan
    return PlanOut(id=p.id, year=p.year, section_id=p.section_id,
                   needs=p.needs, warnings=result.warnings)


def _plan(p: AnnualPlan) -> PlanRecord:
    return PlanRecord(id=p.id, year=p.year, section_id=p.section.id, section=p.section.name,
                      needs=p.needs, submitted_at=p.submitted_at, late=p.late,
                      status=PlanStatus(p.status), published_at=p.published_at)


async def list_plans(call: Call[None, PlanQuery]) -> PlanList:
    rows = await ca.list_plans(staff=call.me, year=call.query.year,
                               all_sections=call.query.all_sections)
    return PlanList(items=[_plan(p) for p in rows])


async def publish_plans(call: Call[None, None]) -> PlanList:
    rows = await ca.publish_plans(staff=call.me, year=call.path["year"])
    for p in rows:
        await p.fetch_related("section")
    return PlanList(items=[_plan(p) for p in rows])


def routes() -> list[Route]:
    return [
        Route("GET", "/plans", "listAnnualPlans", "本科室的年度抽查计划（可按年度筛选）",
              "campaigns", INITIATOR, list_plans, PlanList, query=PlanQuery, errors=(403,)),
        Route("POST", "/plans", "submitAnnualPlan", "报送本科室年度抽查计划（逾期仍接收并提示）",
              "campaigns", INITIATOR, submit_plan, PlanOut, status=201, body=PlanIn,
              creates=True, errors=(403, 409)),
        Route("POST", "/plans/{year}/publish", "publishAnnualPlans",
              "统一公示该年度各科室已报送的抽查计划（之后报送的可再次公示）", "campaigns", INITIATOR,
              publish_plans, PlanList, creates=True, errors=(403, 409, 422)),
    ]
