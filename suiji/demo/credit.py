"""Demo part "credit" (goes last): integrity facts, last year's grades and one blacklist listing.

It uses the employers already loaded (the rosters part) or, without them, three of its own. Two
recorded facts (wage arrears, obstruction) make last year's proposals differ; the policy section
confirms the C grade so the draw's C stratum has a member; one employer is listed on the wage-arrears
blacklist, so the public window shows it. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt

from inspection import audit, clock
from inspection.credit import blacklist, fact_reviews, grading, integrity
from models.credit import CreditEvent, CreditFactReview, GradeAssessment
from models.employers import BlacklistEntry, Employer
from models.enums import (
    AssessmentStatus,
    CreditEventKind,
    EmployerStatus,
    Grade,
    SectionKind,
)
from models.org import Section, Staff
from suiji.demo.days import Days, last_office_moment
from suiji.settings import Settings

OWN_EMPLOYERS = [("91500102MA60CRED1A", "重庆涪陵示范劳务有限公司", "张建华"),
                 ("91500102MA60CRED2B", "涪陵区示范纺织厂", "李秀英"),
                 ("91500102MA60CRED3C", "重庆示范餐饮管理有限公司", "王志强")]


async def _people() -> tuple[Staff, Staff]:
    # Prefer the rosters part's own policy-section admin and initiator when it ran first.
    admin = await Staff.filter(is_admin=True).order_by("id").first()
    officer = await Staff.filter(is_initiator=True).order_by("id").first()
    if admin is not None and officer is not None:
        return admin, officer
    policy, _ = await Section.get_or_create(
        name="政策法规科", defaults={"code": "ZCFG", "kind": SectionKind.POLICY})
    squad, _ = await Section.get_or_create(
        name="劳动保障监察支队", defaults={"code": "JCZD", "kind": SectionKind.INITIATING})
    admin, _ = await Staff.get_or_create(wecom_userid="demo.policy", defaults={
        "name": "黄文静", "section": policy, "is_admin": True})
    officer, _ = await Staff.get_or_create(wecom_userid="demo.credit", defaults={
        "name": "邓永红", "section": squad, "is_initiator": True})
    return admin, officer


async def _employers() -> list[Employer]:
    found = await Employer.filter(status=EmployerStatus.ACTIVE).order_by("uscc").limit(3)
    if len(found) == 3:
        return list(found)
    out = []
    for uscc, name, rep in OWN_EMPLOYERS:
        employer, _ = await Employer.get_or_create(uscc=uscc, defaults={
            "name": name, "legal_rep": rep, "township": "敦仁街道", "industry": "制造业"})
        out.append(employer)
    return out


async def load(settings: Settings | None = None) -> None:
    # Done by people, so in office hours: the latest office moment up to now (a demo loaded in
    # the evening or at a weekend would otherwise show the officer at work then).
    days = await Days.load()
    with clock.travel(last_office_moment(clock.now(), days)):
        await _load()


async def _load() -> None:
    today = clock.today()
    last_year = today.year - 1
    admin, officer = await _people()
    arrears, obstructs, _clean = await _employers()
    if not await CreditEvent.exists(employer_id=arrears.id, kind=CreditEventKind.WAGE_ARREARS):
        await integrity.record_fact(
            employer_id=arrears.id, kind=CreditEventKind.WAGE_ARREARS,
            occurred_on=dt.date(last_year, 6, 15), description="拖欠 23 名农民工 5 月工资共 41.6 万元",
            evidence="投诉受理登记表、工资台账复印件", basis="《保障农民工工资支付条例》第十五条",
            staff_id=officer.id, today=today)
    if not await CreditEvent.exists(employer_id=obstructs.id, kind=CreditEventKind.OBSTRUCTION):
        filed = await integrity.record_fact(
            employer_id=obstructs.id, kind=CreditEventKind.OBSTRUCTION,
            occurred_on=dt.date(last_year, 9, 8), description="拒绝检查人员进入生产车间并拒绝提供考勤记录",
            evidence="现场检查笔录、执法记录仪视频", basis="《劳动保障监察条例》第三十条",
            staff_id=officer.id, today=today)
        if isinstance(filed, CreditFactReview):  # a second person confirms it (issue 16)
            await fact_reviews.decide(staff=admin, review_id=filed.id, approve=True, note="")
    await grading.propose(year=last_year, actor=audit.CLI, today=today)
    proposal = await GradeAssessment.get_or_none(employer_id=obstructs.id, year=last_year)
    if proposal is not None and proposal.status == AssessmentStatus.PROPOSED \
            and proposal.proposed == Grade.C:
        await grading.review(assessment_id=proposal.id, staff_id=admin.id, confirm=True,
                             effective_from=today, note="", today=today)
    if not await BlacklistEntry.exists(employer_id=arrears.id):
        noticed = today - dt.timedelta(days=60)
        entry = await blacklist.give_notice(
            employer_id=arrears.id, cause="拖欠农民工工资 41.6 万元，经责令限期支付逾期仍未支付",
            basis="《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》", noticed_on=noticed,
            staff_id=officer.id, today=today)
        await blacklist.decide(entry_id=entry.id, staff_id=officer.id, listed=True,
                               decided_on=today - dt.timedelta(days=40), today=today)
