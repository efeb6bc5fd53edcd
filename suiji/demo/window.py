"""Demo part "window" (goes last): the two public listings nothing else fills.

- 重大劳动保障违法行为社会公布 (人社部令第29号, R17): one wage-arrears case of a building firm,
  decided by a 行政处理决定 in the last finished quarter, recorded a few working days later and
  published with its quarter's publication some working days after the quarter ended (within
  the duty's due date), so it shows on the window and goes into the employer's integrity file.
  If the last quarter ended too recently for that, the quarter before it.
- 已取消的抽查任务 (R3): one campaign whose draw was committed in public at a draw meeting, then
  cancelled the next afternoon, before the reveal, with a plain public reason. Its field window
  lay in the past and no employer or inspector was ever drawn, so no visit (R20) or call-up of
  the other demo campaigns is touched; its code takes a serial (010) none of them uses.

Both are staged through the real domain in office hours on working days (suiji/demo/history.py).
Idempotent: each is added only when it is not there yet.
"""

from __future__ import annotations

import datetime as dt

from inspection import audit
from inspection.credit import major
from inspection.draw import protocol as draws
from inspection.planning import campaigns
from inspection.publication import duties
from models.campaigns import Campaign
from models.credit import MajorViolation
from models.employers import Employer
from models.enums import (
    EmployerStatus,
    ItemVersionStatus,
    MajorViolationCategory,
    PublicationKind,
    SectionKind,
    StaffStatus,
)
from models.items import ItemVersion
from models.org import Staff
from models.publication import Publication
from suiji.demo import days as d
from suiji.demo.history import History, Script
from suiji.demo.lifecycle_data import METHOD, USE_OF_RESULTS
from suiji.settings import Settings

SERIAL = 10  # <year>-FL-010: lifecycle uses 011-013, draws 001-002, callup 090
CANCELLED_NAME = "工作时间和休息休假专项抽查"
CANCEL_REASON = ("因区政府统一部署调整，本季度工作时间和休息休假检查并入全区劳动保障领域专项整治"
                 "行动统一开展，本次抽查任务取消，已公布的抽取不再揭晓。")
PUBLISH_AFTER = 6  # working days after the quarter's end (the duty is due after 10)
WORKERS, OWED = 37, "86.4"  # the case's figures: workers owed, ten thousand yuan


async def _initiator() -> Staff:
    for s in await Staff.filter(is_initiator=True, status=StaffStatus.ACTIVE).order_by(
            "id").prefetch_related("section"):
        if s.section.kind == SectionKind.INITIATING:
            return s
    raise RuntimeError("演示公示数据需要先载入名录（发起科室人员）")


def _quarter(days: d.Days) -> tuple[int, int]:
    """The last quarter whose publication can already be out by yesterday."""
    year, quarter = major.quarter_of(days.today)
    while True:
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        if days.after(major.quarter_end(year, quarter), PUBLISH_AFTER) < days.today:
            return year, quarter


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


async def _major_case(settings: Settings, days: d.Days, officer: Staff) -> Script:
    year, quarter = _quarter(days)
    last_month = quarter * 3
    decided = days.on_or_before(dt.date(year, last_month, 12))
    employer = (await Employer.filter(industry="建筑业", status=EmployerStatus.ACTIVE)
                .exclude(address="").order_by("uscc").first()
                or await Employer.filter(status=EmployerStatus.ACTIVE).order_by("uscc").first())
    if employer is None or await MajorViolation.exists(year=year, quarter=quarter):
        return
    first, last = last_month - 2, last_month - 1  # the wages of the quarter's first two months
    paid = days.after(decided, 2)
    yield d.at(days.after(decided, 3), "10:30")
    await major.record(
        staff=officer, employer_id=employer.id, category=MajorViolationCategory.WAGE_ARREARS,
        facts=(f"该单位在承建的涪陵区安置房建设项目中，拖欠 {WORKERS} 名农民工 {year}年{first}月至"
               f"{last}月工资共计 {OWED} 万元，经劳动保障监察机构责令限期支付，逾期未支付。"),
        handling=(f"{settings.bureau_name}于{_day(decided)}依据《保障农民工工资支付条例》作出劳动"
                  f"保障监察行政处理决定，责令其支付拖欠的工资；{_day(paid)}该单位已将拖欠的工资"
                  "全部支付到位。"),
        decided_on=decided)
    yield d.at(days.after(major.quarter_end(year, quarter), PUBLISH_AFTER), "10:00")
    duty = await Publication.get(kind=PublicationKind.MAJOR_VIOLATION,
                                 object_type=major.OBJECT_TYPE,
                                 object_id=major.quarter_key(year, quarter))
    if duty.published_at is None and duty.withdrawn_at is None:
        await duties.mark_published(publication_id=duty.id, actor=audit.staff_actor(officer.id))


async def _cancelled(days: d.Days, officer: Staff, chief: Staff) -> Script:
    start = days.ago(70)
    end = days.on_or_before(start + dt.timedelta(days=27))
    approved = days.before(start, 20)
    committed = d.at(days.before(start, 16), "15:00")
    code = f"{approved.year}-FL-{SERIAL:03d}"
    if await Campaign.exists(code=code):
        return
    items = await ItemVersion.filter(status=ItemVersionStatus.PUBLISHED).order_by("id").limit(3)
    inspectors = await Staff.filter(is_inspector=True, status=StaffStatus.ACTIVE,
                                    cert_valid_until__gte=end).count()
    if not items or inspectors < 2:
        raise RuntimeError("演示公示数据需要先载入名录（执法检查人员、已公布的抽查事项）")
    yield d.at(days.before(approved, 3), "15:20")
    clerk = audit.staff_actor(officer.id)
    await campaigns.create_campaign(
        code=code, title=d.period(start, end) + CANCELLED_NAME, section_id=officer.section_id,
        field_start=start, field_end=end, item_version_ids=[v.id for v in items], actor=clerk,
        leader_id=chief.id, created_by_id=officer.id, purpose="检查用人单位执行工作时间和休息休假规定的情况",
        method=METHOD, use_of_results=USE_OF_RESULTS, inspectors_needed=min(4, inspectors),
        rules={})
    yield d.at(approved, "10:00")
    await campaigns.approve_campaign(code=code, actor=audit.staff_actor(chief.id))
    yield committed
    await draws.commit_draws(campaign_code=code, actor=clerk, staff_id=officer.id)
    yield d.at(days.after(committed.date(), 1), "16:00")
    await campaigns.cancel_campaign(code=code, actor=audit.staff_actor(chief.id),
                                    reason=CANCEL_REASON)


async def load(settings: Settings) -> None:
    officer = await _initiator()
    chief = (await Staff.filter(is_leader=True, is_initiator=True, status=StaffStatus.ACTIVE)
             .order_by("id").first()
             or await Staff.filter(is_leader=True, status=StaffStatus.ACTIVE).order_by("id").first())
    if chief is None:
        raise RuntimeError("演示公示数据需要先载入名录（组长）")
    days = await d.Days.load()
    history = await History.begin(settings)
    history.spawn(_major_case(settings, days, officer))
    history.spawn(_cancelled(days, officer, chief))
    await history.run()
