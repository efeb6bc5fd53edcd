"""Routes of the desk's campaign wizard (新建抽查任务): the live number of candidates per stratum for
unsaved rules, the choices the form offers, and the employer look-up for exclusions. Initiating
sections only; nothing here saves anything (the plan is saved by campaigns.py's routes)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from inspection.planning import admin as ca
from inspection.planning import campaigns as campaign_rules
from inspection.planning import sampling
from inspection.rosters import categories
from miniprogram_api.campaigns import INITIATOR, ExcludedOut
from miniprogram_api.framework import Call, Route
from miniprogram_api.schemas import Id, Request


class PreviewIn(Request):
    field_start: dt.date
    field_end: dt.date
    rules: dict[str, Any] | None = Field(None, description="抽取规则草稿（与实施方案相同）")
    item_version_ids: list[Id] = Field([], max_length=200)
    inspector_section_ids: list[Id] = Field([], max_length=100)
    inspectors_needed: int = Field(0, ge=0, le=10_000)


class StratumCountOut(BaseModel):
    stratum: str
    label: str
    candidates: int = Field(description="此刻承诺将冻结的候选数")
    count: int = Field(description="将抽取数（人员：所需人数）")
    excluded: list[ExcludedOut] = Field(description="未列入候选的，按原因计数")


class PlanExclusionOut(BaseModel):
    uscc: str
    name: str | None = Field(description="单位名称（名录中没有该单位时为空）")
    stratum: str | None = Field(description="所在分层（不在本次抽查范围内时为空）")
    stratum_label: str | None


class StrataPreviewOut(BaseModel):
    employers: list[StratumCountOut]
    inspectors: StratumCountOut
    candidates_total: int
    draw_total: int
    plan_exclusions: list[PlanExclusionOut]
    working_days: int = Field(description="检查期间的工作日数（含首尾两日）")
    calendar_warnings: list[str] = Field(description="节假日安排尚未收录的年度（按周一至周五推算）")


class ItemOptionOut(BaseModel):
    id: int = Field(description="事项版本")
    code: str
    name: str
    version: int
    categories: list[str] = Field(description="适用单位类别（空：全部单位）")


class StaffOptionOut(BaseModel):
    id: int
    name: str
    section: str


class SectionOptionOut(BaseModel):
    id: int
    name: str


class FormOptionsOut(BaseModel):
    items: list[ItemOptionOut] = Field(description="现行有效的抽查事项")
    leaders: list[StaffOptionOut] = Field(description="可任组长的分管领导")
    sections: list[SectionOptionOut]
    categories: list[str] = Field(description="单位类别")
    strata: dict[str, str] = Field(description="分层名称")
    states: dict[str, str] = Field(description="任务状态名称")


class EmployerQuery(Request):
    q: Annotated[str, StringConstraints(max_length=64, strip_whitespace=True)] = Field(
        "", description="单位名称（包含）或统一社会信用代码（开头），至少 2 个字")


class EmployerOptionOut(BaseModel):
    uscc: str
    name: str
    township: str
    grade: str


class EmployerListOut(BaseModel):
    items: list[EmployerOptionOut] = Field(description="至多 20 家")


def _excluded(counts: dict[str, int]) -> list[ExcludedOut]:
    return [ExcludedOut(reason=r, label=sampling.REASONS.get(r, r), count=n)
            for r, n in sorted(counts.items())]


def _count(s: ca.StratumPreview) -> StratumCountOut:
    return StratumCountOut(stratum=s.stratum, label=sampling.stratum_label(s.stratum),
                           candidates=s.candidates, count=s.count, excluded=_excluded(s.excluded))


async def preview_strata(call: Call[PreviewIn, None]) -> StrataPreviewOut:
    b = call.body
    p = await ca.preview_strata(
        staff=call.me, field_start=b.field_start, field_end=b.field_end, rules=b.rules,
        item_version_ids=b.item_version_ids, inspector_section_ids=b.inspector_section_ids,
        inspectors_needed=b.inspectors_needed)
    return StrataPreviewOut(
        working_days=p.working_days, calendar_warnings=p.calendar_warnings,
        employers=[_count(s) for s in p.employers], inspectors=_count(p.inspectors),
        candidates_total=sum(s.candidates for s in p.employers),
        draw_total=sum(min(s.count, s.candidates) for s in p.employers),
        plan_exclusions=[PlanExclusionOut(
            uscc=x.uscc, name=x.name, stratum=x.stratum,
            stratum_label=sampling.stratum_label(x.stratum) if x.stratum else None)
            for x in p.plan_exclusions])


async def form_options(call: Call[None, None]) -> FormOptionsOut:
    o = await ca.form_options(staff=call.me)
    return FormOptionsOut(
        items=[ItemOptionOut(id=v.id, code=v.item.code, name=v.name, version=v.version,
                             categories=categories.split(v.categories)) for v in o.items],
        leaders=[StaffOptionOut(id=s.id, name=s.name, section=s.section.name)
                 for s in o.leaders],
        sections=[SectionOptionOut(id=s.id, name=s.name) for s in o.sections],
        categories=list(categories.CATEGORIES),
        strata={k: sampling.stratum_label(k) for k in sampling.EMPLOYER_STRATA},
        states={str(k): v for k, v in campaign_rules.LABELS.items()})


async def find_employers(call: Call[None, EmployerQuery]) -> EmployerListOut:
    return EmployerListOut(items=[
        EmployerOptionOut(uscc=e.uscc, name=e.name, township=e.township, grade=str(e.grade))
        for e in await ca.find_employers(staff=call.me, q=call.query.q)])


def routes() -> list[Route]:
    # Before campaigns.py's routes: "/campaigns/form-options" is not a campaign's id.
    return [
        Route("POST", "/campaigns/preview-strata", "previewCampaignStrata",
              "按抽取规则草稿计算各分层此刻的候选数（与承诺时冻结的相同；不保存）", "campaigns",
              INITIATOR, preview_strata, StrataPreviewOut, body=PreviewIn, errors=(403,)),
        Route("GET", "/campaigns/form-options", "getCampaignFormOptions",
              "新建抽查任务可选的事项、组长、科室", "campaigns", INITIATOR, form_options,
              FormOptionsOut, errors=(403,)),
        Route("GET", "/campaigns/employer-search", "searchCampaignEmployers",
              "按名称或信用代码查找用人单位（实施方案中列明不列入的单位）", "campaigns", INITIATOR,
              find_employers, EmployerListOut, query=EmployerQuery, errors=(403,)),
    ]
