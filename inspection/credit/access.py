"""Who may read credit statistics and integrity files over the staff API (R18, R19): a campaign's
figures go to its leader and its initiating section; the year's figures and an employer's
integrity file to leaders, the initiating section and 政策法规科."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection.access import campaign_for
from inspection.credit import blacklist, grading, integrity, statistics
from inspection.errors import DomainError, Forbidden, NotFound, Problem, ValidationFailed
from inspection.rosters import uscc as uscc_rules
from models.credit import CreditEvent, CreditFactReview, GradeAssessment
from models.employers import BlacklistEntry, Employer
from models.enums import AssessmentStatus, BlacklistStatus, CreditEventKind, Grade, StaffStatus
from models.org import Staff


def require_credit_reader(staff: Staff) -> None:
    if staff.status != StaffStatus.ACTIVE or not (
            staff.is_leader or staff.is_initiator or staff.is_admin):
        raise Forbidden("只有组长、发起科室和政策法规科可以查看统计和诚信档案", "credit_readers_only")


async def campaign_statistics(*, staff: Staff, campaign_id: int) -> dict[str, Any]:
    campaign = await campaign_for(staff=staff, campaign_id=campaign_id)
    return await statistics.campaign_statistics(campaign_id=campaign.id)


async def year_statistics(*, staff: Staff, year: int) -> dict[str, Any]:
    require_credit_reader(staff)
    if not 2000 <= year <= 2100:
        raise ValidationFailed([Problem("年度无效", field="year")])
    return await statistics.year_statistics(year=year)


async def integrity_file(*, staff: Staff, employer_id: int, start: dt.date | None = None,
                         end: dt.date | None = None) -> integrity.IntegrityFile:
    require_credit_reader(staff)
    return await integrity.integrity_file(employer_id=employer_id, start=start, end=end)


async def record_fact(*, staff: Staff, employer_id: int, kind: CreditEventKind,
                      occurred_on: dt.date, description: str, evidence: str, basis: str,
                      refused: str | None) -> CreditEvent | CreditFactReview:
    """A fact with no other record (R18); the integrity module checks who may record it."""
    return await integrity.record_fact(employer_id=employer_id, kind=kind,
                                       occurred_on=occurred_on, description=description,
                                       evidence=evidence, basis=basis, staff_id=staff.id,
                                       refused=refused)


MAX_LISTED = 1000  # assessments in one answer; `total` says when there are more
MAX_BULK = 1000  # assessments confirmed at once


def _require_reviewer(staff: Staff) -> None:
    if not staff.is_admin or staff.status != StaffStatus.ACTIVE:
        raise Forbidden("只有政策法规科可以审核守法诚信等级", "admin_only")


async def grade_proposals(*, staff: Staff, year: int | None, status: AssessmentStatus | None
                          ) -> tuple[list[GradeAssessment], int]:
    """The year's proposed grades for 政策法规科 to review (R19), with the facts and clauses behind
    each; and how many there are in all."""
    _require_reviewer(staff)
    query = GradeAssessment.all()
    if year is not None:
        query = query.filter(year=year)
    if status is not None:
        query = query.filter(status=status)
    rows = await query.order_by("id").limit(MAX_LISTED).prefetch_related("employer")
    return rows, len(rows) if len(rows) < MAX_LISTED else await query.count()


async def confirm_grades(*, staff: Staff, assessment_ids: list[int], effective_from: dt.date,
                         note: str) -> list[GradeAssessment]:
    """Confirm many proposed grades as proposed, all or none (the caller's transaction), each
    audited as a single review is. A grade to be changed goes through `review_grade` with its
    reason."""
    _require_reviewer(staff)
    ids = list(dict.fromkeys(assessment_ids))
    if not ids or len(ids) > MAX_BULK:
        raise ValidationFailed([Problem(f"一次确认 1 至 {MAX_BULK} 项", field="assessment_ids")])
    found = {a.id: a for a in await GradeAssessment.filter(id__in=ids).select_for_update()
             .prefetch_related("employer")}
    problems = []
    for i in ids:
        a = found.get(i)
        if a is None:
            problems.append(Problem(f"评价单 {i} 不存在", field="assessment_ids", code="not_found"))
        elif a.status != AssessmentStatus.PROPOSED:
            problems.append(Problem(f"{a.employer.name}（{a.year}年度）已审核，不能重复审核",
                                    field="assessment_ids", code="assessment_reviewed"))
    if problems:
        raise DomainError("assessments_not_pending",
                          f"其中 {len(problems)} 项不能确认，未确认任何一项", problems, 409)
    for i in ids:
        await grading.review(assessment_id=i, staff_id=staff.id, confirm=True,
                             effective_from=effective_from, note=note)
    return list(await GradeAssessment.filter(id__in=ids).order_by("id")
                .prefetch_related("employer"))


async def review_grade(*, staff: Staff, assessment_id: int, confirm: bool,
                       effective_from: dt.date | None, grade: Grade | None,
                       note: str) -> GradeAssessment:
    return await grading.review(assessment_id=assessment_id, staff_id=staff.id, confirm=confirm,
                                effective_from=effective_from, grade=grade, note=note)


async def blacklist_notice(*, staff: Staff, employer_id: int, cause: str, basis: str,
                           noticed_on: dt.date, legal_rep: str | None) -> BlacklistEntry:
    return await blacklist.give_notice(employer_id=employer_id, cause=cause, basis=basis,
                                       noticed_on=noticed_on, staff_id=staff.id,
                                       legal_rep=legal_rep)


async def blacklist_decide(*, staff: Staff, entry_id: int, listed: bool, decided_on: dt.date,
                           reason: str) -> BlacklistEntry:
    """列入 (listed) or 不予列入 (withdrawn) after the statement-and-defence window."""
    return await blacklist.decide(entry_id=entry_id, staff_id=staff.id, listed=listed,
                                  decided_on=decided_on, reason=reason)


async def blacklist_remove(*, staff: Staff, entry_id: int, removed_on: dt.date,
                           arrears_paid_on: dt.date, pledge: str, pledged_on: dt.date | None,
                           note: str) -> BlacklistEntry:
    """信用修复: six months on the list from the day the arrears were paid, and a pledge."""
    return await blacklist.remove_early(entry_id=entry_id, staff_id=staff.id,
                                        removed_on=removed_on, arrears_paid_on=arrears_paid_on,
                                        pledge=pledge, pledged_on=pledged_on, note=note)


def require_blacklist_reader(staff: Staff) -> None:
    """The enforcing section (which gives notice, decides and removes) and 政策法规科 (which
    reads) see the blacklist's cases, including those not public (notices, withdrawals)."""
    if staff.status != StaffStatus.ACTIVE or not (staff.is_initiator or staff.is_admin):
        raise Forbidden("失信联合惩戒名单的办理记录只有执法科室和政策法规科可以查看",
                        "blacklist_readers_only")


BLACKLIST_PAGE = 500


async def blacklist_entries(*, staff: Staff,
                            status: BlacklistStatus | None = None) -> list[BlacklistEntry]:
    """The blacklist's cases, the newest first (employer prefetched), at most BLACKLIST_PAGE."""
    require_blacklist_reader(staff)
    query = BlacklistEntry.all() if status is None else BlacklistEntry.filter(status=status)
    return list(await query.select_related("employer").order_by("-id").limit(BLACKLIST_PAGE))


async def blacklist_party(*, staff: Staff, uscc: str) -> tuple[Employer, BlacklistEntry | None]:
    """The employer a notice would concern, found by its exact 统一社会信用代码 (no search: the
    officer has the code from the case file), with its open or in-force case if any."""
    require_blacklist_reader(staff)
    code = uscc_rules.normalise(uscc)
    # Only a code of the column's length is looked up (a longer one is a typing error, said below).
    employer = await Employer.get_or_none(uscc=code) if len(code) == 18 else None
    if employer is None:
        wrong = uscc_rules.problems(code) if code else ["必须填写"]
        if wrong:  # a typing error is said as such, not as "no such employer"
            raise ValidationFailed([Problem(f"统一社会信用代码{wrong[0]}", field="uscc")])
        raise NotFound("该统一社会信用代码的用人单位")
    open_entry = await BlacklistEntry.filter(employer_id=employer.id, status__in=[
        BlacklistStatus.NOTICED, BlacklistStatus.IN_FORCE]).first()
    return employer, open_entry
