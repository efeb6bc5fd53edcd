"""重大劳动保障违法行为社会公布 under 《重大劳动保障违法行为社会公布办法》(人力资源社会保障部令
第29号, in force 2017-01-01).

Which cases qualify (第五条), as `MajorViolationCategory`: wages withheld or unpaid without cause
in a large amount, or a refusal to pay moved to the judicial organs for criminal liability; social
insurance not joined or not paid, serious; working-time and rest rules broken, serious; the special
protection of women workers and juvenile workers broken, serious; child labour; serious adverse
social impact; other major violations. Only cases already investigated and decided are published.

What is published (第六条): the entity's full name, its unified social credit code (or registration
number) and address; the legal representative's or person in charge's name; the main facts; how
the case was dealt with. Secrets and personal privacy stay out (the text is the recorder's).

When: a county-level bureau publishes the quarter's cases once a quarter (每季度向社会公布一次).
Each quarter is one publication duty (kind `major_violation`), due DUE_WORKING_DAYS working days
after the quarter's last day, published in one call once the quarter is over; its cases then
show on the window and go into each employer's integrity file (R18). A case decided in a quarter
already published or withheld joins the current quarter's publication.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection import audit, clock
from inspection.credit.major_quarters import (
    CATEGORY_LABELS as CATEGORY_LABELS,
)
from inspection.credit.major_quarters import (
    quarter_end as quarter_end,
)
from inspection.credit.major_quarters import (
    quarter_key as quarter_key,
)
from inspection.credit.major_quarters import (
    quarter_of as quarter_of,
)
from inspection.credit.major_quarters import (
    quarter_title as quarter_title,
)
from inspection.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from inspection.publication import duties
from models.credit import MajorViolation
from models.employers import Employer
from models.enums import MajorViolationCategory, PublicationKind, StaffStatus
from models.org import Staff
from models.penalties import PenaltyDecision
from models.publication import Publication

C = MajorViolationCategory
RULE = "《重大劳动保障违法行为社会公布办法》（人力资源社会保障部令第29号）"
IN_FORCE_FROM = dt.date(2017, 1, 1)
OBJECT_TYPE = "major_violation_quarter"
MAX_TEXT = 2000


def _text(value: str | None, name: str, limit: int, problems: list[Problem]) -> str:
    value = (value or "").strip()
    if not value:
        problems.append(Problem("必须填写", field=name))
    elif len(value) > limit:
        problems.append(Problem(f"不能超过 {limit} 字", field=name))
    return value


def _officer(staff: Staff) -> None:
    # The section that investigated and decided the case (劳动保障监察) records it.
    if staff.status != StaffStatus.ACTIVE or not staff.is_initiator:
        raise Forbidden("重大劳动保障违法行为由发起科室（劳动保障监察）记录", "initiator_only")


async def _open_quarter(day: dt.date, today: dt.date) -> tuple[int, int]:
    """The quarter whose publication a case decided on `day` joins: its own, or, if that one
    is already done, the current one."""
    for year, quarter in (quarter_of(day), quarter_of(today)):
        duty = await Publication.get_or_none(kind=PublicationKind.MAJOR_VIOLATION,
                                             object_type=OBJECT_TYPE,
                                             object_id=quarter_key(year, quarter))
        if duty is None or (duty.published_at is None and duty.withdrawn_at is None):
            return year, quarter
    raise Conflict("quarter_closed", "本季度的重大劳动保障违法行为社会公布已办结，不能再加入案件")


async def _ensure_duty(year: int, quarter: int, *, section_id: int | None,
                       actor: str) -> Publication:
    duty = await Publication.get_or_none(kind=PublicationKind.MAJOR_VIOLATION,
                                         object_type=OBJECT_TYPE,
                                         object_id=quarter_key(year, quarter))
    return duty or await duties.create_duty(
        kind=PublicationKind.MAJOR_VIOLATION, object_type=OBJECT_TYPE,
        object_id=quarter_key(year, quarter), title=quarter_title(year, quarter),
        section_id=section_id, decided_on=quarter_end(year, quarter), actor=actor)


# long: the order's fields are checked one after another, each with its own message; split, the
# list of problems would have to be threaded through every part.
async def record(*, staff: Staff, employer_id: int, category: MajorViolationCategory,
                 facts: str, handling: str, decided_on: dt.date,
                 penalty_decision_id: int | None = None, address: str | None = None,
                 legal_rep: str | None = None, today: dt.date | None = None) -> MajorViolation:
    """Record a decided case for its quarter's publication, with the fields the order requires
    (the employer's address and legal representative unless given here)."""
    _officer(staff)
    employer = await Employer.get_or_none(id=employer_id)
    if employer is None:
        raise NotFound("用人单位")
    today = today or clock.today()
    problems: list[Problem] = []
    facts = _text(facts, "facts", MAX_TEXT, problems)
    handling = _text(handling, "handling", MAX_TEXT, problems)
    address = _text(address if address is not None else employer.address, "address", 200,
                    problems)
    legal_rep = _text(legal_rep if legal_rep is not None else employer.legal_rep, "legal_rep",
                      64, problems)
    if not IN_FORCE_FROM <= decided_on <= today:
        problems.append(Problem("处理决定日期须在 2017 年 1 月 1 日之后且不晚于今天",
                                field="decided_on"))
    if penalty_decision_id is not None and not await PenaltyDecision.exists(
            id=penalty_decision_id, employer_id=employer.id):
        problems.append(Problem("该单位没有这份行政处罚决定", field="penalty_decision_id"))
    if problems:
        raise ValidationFailed(problems, "公布事项不完整，请补充后再记录")
    year, quarter = await _open_quarter(decided_on, today)
    actor = audit.staff_actor(staff.id)
    await _ensure_duty(year, quarter, section_id=staff.section_id,
                       actor=actor)
    case = await MajorViolation.create(
        employer_id=employer.id, category=category, entity_name=employer.name, uscc=employer.uscc,
        address=address, legal_rep=legal_rep, facts=facts, handling=handling,
        decided_on=decided_on, year=year, quarter=quarter,
        penalty_decision_id=penalty_decision_id, recorded_by_id=staff.id)
    await audit.record(actor=actor, action="major_violation.record", obj=case,
                       after=audit.snapshot(case))
    return case


async def list_cases(*, staff: Staff, year: int | None = None,
                     quarter: int | None = None) -> list[MajorViolation]:
    """The recorded cases, newest quarter first: for the initiating section and 政策法规科."""
    if staff.status != StaffStatus.ACTIVE or not (staff.is_initiator or staff.is_admin):
        raise Forbidden("只有发起科室和政策法规科可以查看重大劳动保障违法行为记录",
                        "publication_officer_only")
    query = MajorViolation.all()
    if year is not None:
        query = query.filter(year=year)
    if quarter is not None:
        query = query.filter(quarter=quarter)
    return await query.order_by("-year", "-quarter", "id")


def public_row(case: MajorViolation) -> dict[str, Any]:
    """第六条's items, as the window shows them."""
    return {"quarter": f"{case.year}年第{case.quarter}季度", "entity_name": case.entity_name,
            "uscc": case.uscc, "address": case.address, "legal_rep": case.legal_rep,
            "category": CATEGORY_LABELS[case.category], "facts": case.facts,
            "handling": case.handling}
