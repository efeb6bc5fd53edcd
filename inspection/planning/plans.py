"""Annual sampling plans (R13): each initiating section states its needs before the end of June.

A plan submitted after 30 June is still accepted (a section may learn of a need late), but it is
marked `late`, the lateness is written to the audit trail and returned as a warning to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from inspection import audit, clock
from inspection.errors import Conflict, NotFound, Problem, ValidationFailed
from models.campaigns import AnnualPlan
from models.enums import PlanStatus, PublicationKind
from models.org import Section
from models.publication import Publication

# R13: "每年6月底前" — the last day on which a plan is on time, in Beijing time.
DEADLINE_MONTH, DEADLINE_DAY = 6, 30
MAX_NEEDS = 10_000


@dataclass
class PlanResult:
    plan: AnnualPlan
    warnings: list[str]


def is_late(year: int, submitted_at: dt.datetime) -> bool:
    local = submitted_at.astimezone(clock.BEIJING).date()
    return local > dt.date(year, DEADLINE_MONTH, DEADLINE_DAY)


def late_warning(year: int) -> str:
    return f"{year} 年度抽查计划应于 {year} 年 6 月 30 日前提出，本计划逾期提交，已记录在案（R13）"


async def submit_plan(*, year: int, section_id: int, needs: str, actor: str,
                      at: dt.datetime | None = None) -> PlanResult:
    """Submit (or, before publication, resubmit) a section's annual plan. R13."""
    problems = []
    if not 2000 <= year <= 2100:
        problems.append(Problem("年度无效", field="year"))
    if not needs.strip():
        problems.append(Problem("请填写抽查需求", field="needs"))
    elif len(needs) > MAX_NEEDS:
        problems.append(Problem(f"抽查需求不能超过 {MAX_NEEDS} 字", field="needs"))
    if problems:
        raise ValidationFailed(problems)
    section = await Section.get_or_none(id=section_id)
    if section is None:
        raise NotFound("科室")
    when = at or clock.now()
    late = is_late(year, when)
    plan = await AnnualPlan.get_or_none(year=year, section_id=section_id)
    if plan is not None and plan.status == PlanStatus.PUBLISHED:
        raise Conflict("plan_published", "该年度计划已公示，不能再修改；如有新增需求请发起临时抽查")
    before = audit.snapshot(plan) if plan else None
    if plan is None:
        plan = await AnnualPlan.create(year=year, section_id=section_id, needs=needs.strip(),
                                       submitted_at=when, late=late)
    else:
        plan.needs, plan.submitted_at, plan.late = needs.strip(), when, late
        await plan.save()
    warnings = [late_warning(year)] if late else []
    after = audit.snapshot(plan) | {"warnings": warnings}
    await audit.record(actor=actor, action="plan.submit", obj=plan, before=before, after=after)
    return PlanResult(plan, warnings)


async def publish_plans(*, year: int, actor: str, at: dt.datetime | None = None) -> int:
    """Publish the year's plans together (R13: 统一公示). Returns how many were published."""
    when = at or clock.now()
    plans = await AnnualPlan.filter(year=year, status=PlanStatus.SUBMITTED)
    for plan in plans:
        before = audit.snapshot(plan)
        plan.status, plan.published_at = PlanStatus.PUBLISHED, when
        await plan.save()
        await Publication.get_or_create(
            kind=PublicationKind.PLAN, object_type="annual_plan", object_id=plan.id,
            defaults={"title": f"{year} 年度抽查计划", "section_id": plan.section_id,  # type: ignore[attr-defined]
                      "published_at": when},
        )
        await audit.record(actor=actor, action="plan.publish", obj=plan, before=before,
                           after=audit.snapshot(plan))
    return len(plans)
