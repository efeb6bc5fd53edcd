"""Demo part "draws": from the demo rosters, one campaign drawn and published, one awaiting its
reveal (committed before witnesses, entropy still to come).

Both were drafted and approved in the last two weeks, in office hours on working days. The
drawn one was committed one afternoon and revealed at the draw meeting the next working day (or
later, as SUIJI_DRAW_MIN_REVEAL_DELAY_MINUTES requires) with that evening's lottery numbers as
public entropy, dated after the commitment (R10); the reveal — the latest office moment up to
now — started its call-up, so its cards wait in the outbox. The other was committed at the same
meeting, just before. Titles name the field window ("2026年第四季度…", suiji/demo/days.py). Idempotent: a
campaign that already exists is left as it is.
"""

from __future__ import annotations

import datetime as dt

from inspection import audit, clock
from inspection.draw import protocol as draws
from inspection.planning import campaigns
from models.campaigns import Campaign
from models.enums import ItemVersionStatus, SectionKind, StaffStatus
from models.items import ItemVersion
from models.org import Section, Staff
from suiji.demo import days as d
from suiji.settings import Settings

ACTOR = audit.CLI
DONE_CODE = "2026-FL-001"
PENDING_CODE = "2026-FL-002"
WITNESSES = "区纪委监委派驻纪检监察组 刘芳、企业代表 陈建国"


def window(days: d.Days, weeks_ahead: int) -> tuple[dt.date, dt.date]:
    start = days.on_or_after(days.today + dt.timedelta(weeks=weeks_ahead))
    return start, days.on_or_before(start + dt.timedelta(days=29))


async def _campaign(code: str, name: str, field: tuple[dt.date, dt.date], *, purpose: str,
                    days: d.Days, approved_ago: int) -> Campaign | None:
    if await Campaign.filter(code=code).exists():
        return None
    start, end = field
    section = (await Section.filter(kind=SectionKind.INITIATING).order_by("id").first()
               or await Section.all().order_by("id").first())
    leader = await Staff.filter(is_leader=True).order_by("id").first()
    items = await ItemVersion.filter(status=ItemVersionStatus.PUBLISHED).order_by("id").limit(3)
    inspectors = await Staff.filter(is_inspector=True, status=StaffStatus.ACTIVE,
                                    cert_valid_until__gte=end).count()
    if section is None or leader is None or not items or inspectors < 2:
        raise RuntimeError("演示抽取需要先载入名录（科室、组长、执法检查人员、已公布的抽查事项）")
    with clock.travel(d.at(days.ago(approved_ago + 2), "15:30")):
        await campaigns.create_campaign(
            code=code, title=d.period(start, end) + name, section_id=section.id,
            field_start=start, field_end=end, item_version_ids=[v.id for v in items],
            actor=ACTOR, leader_id=leader.id, purpose=purpose, method="现场检查、书面审查相结合",
            use_of_results="检查结果记入用人单位劳动保障守法诚信档案",
            inspectors_needed=min(4, inspectors), rules={})
    with clock.travel(d.at(days.ago(approved_ago), "10:00")):
        return await campaigns.approve_campaign(code=code, actor=ACTOR)


def meeting(days: d.Days, min_delay: dt.timedelta) -> tuple[dt.datetime, dt.datetime]:
    """(commitment, reveal): the reveal at the latest office moment up to now, the commitment at
    15:00 on an earlier working day, at least `min_delay` before it."""
    reveal = d.last_office_moment(clock.now(), days)
    commit = d.at(days.before(reveal.date(), 1), "15:00")
    while reveal - commit < min_delay:
        commit = d.at(days.before(commit.date(), 1), "15:00")
    return commit, reveal


async def load(settings: Settings | None = None) -> None:
    days = await d.Days.load()
    delay = (dt.timedelta(minutes=settings.draw_min_reveal_delay_minutes) if settings
             else draws.DEFAULT_MIN_REVEAL_DELAY)
    committed, revealed = meeting(days, delay)
    done = await _campaign(DONE_CODE, "劳动用工专项双随机抽查", window(days, 4),
                           purpose="检查劳动合同签订和工资支付情况", days=days, approved_ago=8)
    if done is not None:
        with clock.travel(committed):
            await draws.commit_draws(campaign_code=done.code, actor=ACTOR)
        with clock.travel(revealed):
            # The lottery is drawn the evening of the commitment: after it, as R10 requires.
            await draws.reveal_draws(campaign_code=done.code, actor=ACTOR, witnesses=WITNESSES,
                                     public_entropy=d.lottery(committed.date()), min_delay=delay)
    pending = await _campaign(PENDING_CODE, "农民工工资支付专项抽查", window(days, 9),
                              purpose="检查农民工工资支付情况", days=days, approved_ago=4)
    if pending is not None:
        with clock.travel(revealed - dt.timedelta(minutes=10)):
            await draws.commit_draws(campaign_code=pending.code, actor=ACTOR)
