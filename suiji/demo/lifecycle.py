"""Demo part "lifecycle" (after "rosters"): three campaigns staged through the real domain over
the months before today, so that every state after the call-up has one campaign:

- 已结束 (closed): field window about seven weeks ago; visits, a 限期改正指令书 put right, a
  penalty decision that took effect and went on the window, results published, the report
  generated and approved;
- 汇总报告中 (reporting): field window ended last week; results partly published, one order still
  open with the employer's upload waiting for review, the report due in a few working days;
- 实地检查中 (in the field): window opened last week; a few visits made (one with an order just
  served), the rest still to come.

Also the initiating section's annual plan, submitted and published before the first of them.
Dates count in working days back from today (suiji/demo/days.py), times fall in office hours,
and the outbox timers run at their moments (suiji/demo/history.py). Idempotent: when any of the
three campaigns exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt

from inspection import audit
from inspection.planning import plans
from models.campaigns import AnnualPlan, Campaign
from models.enums import SectionKind, StaffStatus
from models.org import Section, Staff
from suiji.demo import campaign_script
from suiji.demo import days as d
from suiji.demo.history import History, Script
from suiji.demo.lifecycle_data import THEMES
from suiji.demo.stage import Stage
from suiji.resources import issuer_of
from suiji.settings import Settings

PLAN_SUBMITTED_AGO = 116  # working days before today
PLAN_PUBLISHED_AGO = 111
PLAN_NEEDS = ("全年拟开展劳动用工、工程建设领域农民工工资支付、劳务派遣用工和工作时间等专项"
              "“双随机、一公开”抽查 3 次，每次随机抽取用人单位 8 至 10 户，重点检查守法诚信等级较低"
              "和列入拖欠农民工工资失信联合惩戒对象名单的单位。")


def windows(days: d.Days) -> list[tuple[dt.date, dt.date]]:
    """The field windows, in the order of THEMES: closed, reporting, in the field."""
    closed_end = days.ago(32)
    reporting_end = days.ago(4)  # the report is written 5 working days after (tomorrow)
    field_start = days.ago(3)  # no overlap with the one before: no visit shared (R20)
    return [(days.before(closed_end, 21), closed_end),
            (days.before(reporting_end, 20), reporting_end),
            (field_start, days.on_or_before(field_start + dt.timedelta(days=27)))]


async def _cast() -> tuple[Staff, Staff, list[Staff]]:
    """The 支队's head (initiator and leader), an initiator who does the paperwork, and the
    leaders (组长) the campaigns take in turn."""
    initiators = [s for s in await Staff.filter(is_initiator=True, status=StaffStatus.ACTIVE)
                  .order_by("id").prefetch_related("section")
                  if s.section.kind == SectionKind.INITIATING]
    leaders = list(await Staff.filter(is_leader=True, status=StaffStatus.ACTIVE).order_by("id"))
    if not initiators or not leaders:
        raise RuntimeError("演示任务需要先载入名录（发起科室人员、组长、执法检查人员、抽查事项）")
    chief = next((s for s in initiators if s.is_leader), initiators[0])
    clerk = next((s for s in initiators if not s.is_leader), chief)
    return chief, clerk, leaders


async def _plan(stage: Stage, year: int, holder: dict[str, int]) -> Script:
    """The initiating section's plan for `year`, submitted and published (R13)."""
    yield d.at(stage.days.ago(PLAN_SUBMITTED_AGO), "10:00")
    section = await Section.get(id=stage.initiator.section_id)
    found = await AnnualPlan.get_or_none(year=year, section_id=section.id)
    if found is not None:
        holder["id"] = found.id
        return
    result = await plans.submit_plan(year=year, section_id=section.id, needs=PLAN_NEEDS,
                                     actor=audit.staff_actor(stage.initiator.id))
    holder["id"] = result.plan.id
    yield d.at(stage.days.ago(PLAN_PUBLISHED_AGO), "15:00")
    await plans.publish_plans(year=year, actor=audit.staff_actor(stage.chief.id))


async def _campaigns(stage: Stage, leaders: list[Staff], plan: dict[str, int],
                     year: int) -> Script:
    """Start each campaign's script once the plan is in (so the planned ones can name it)."""
    yield d.at(stage.days.ago(PLAN_PUBLISHED_AGO), "15:30")
    for theme, (start, end) in zip(THEMES, windows(stage.days), strict=True):
        t = campaign_script.timing(stage.days, start, end, stage.min_delay)
        stage.history.spawn(campaign_script.script(
            stage, theme, t, leader=leaders[theme.leader % len(leaders)],
            plan_id=plan.get("id") if start.year == year else None))


async def load(settings: Settings) -> None:
    serials = [f"-FL-{theme.serial:03d}" for theme in THEMES]
    for serial in serials:
        if await Campaign.filter(code__endswith=serial).exists():
            return
    chief, clerk, leaders = await _cast()
    days = await d.Days.load()
    history = await History.begin(settings)
    stage = Stage(history=history, days=days, settings=settings, issuer=issuer_of(settings),
                  chief=chief, initiator=clerk,
                  min_delay=dt.timedelta(minutes=settings.draw_min_reveal_delay_minutes))
    year = windows(days)[0][0].year
    plan: dict[str, int] = {}
    history.spawn(_plan(stage, year, plan))
    history.spawn(_campaigns(stage, leaders, plan, year))
    await history.run()
