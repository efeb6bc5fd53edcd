"""Annual grading under 人社部规〔2016〕1号 (R12, R18): one test per clause, then review."""

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection.credit import grading, integrity
from inspection.errors import Conflict, Forbidden, ValidationFailed
from models.audit import AuditEvent
from models.credit import CreditEvent, GradeAssessment
from models.employers import GradeChange
from models.enums import (
    AssessmentStatus,
    CreditEventKind,
    FindingResult,
    Grade,
    OutboxStatus,
    RectificationState,
)
from models.outbox import OutboxMessage
from tests import credit_factories as f

pytestmark = pytest.mark.usefixtures("clean_db")

TODAY = dt.date(2027, 1, 20)


async def _propose(emp, year=2026):
    async with in_transaction():
        [assessment] = await grading.propose(year=year, actor="cli", today=TODAY,
                                             employer_ids=[emp.id])
    return assessment


def _codes(assessment):
    return [c["code"] for c in assessment.clauses]


async def _fact(emp, kind, on=dt.date(2026, 3, 3), refused=None):
    recorder = await f.staff(is_inspector=True)
    async with in_transaction():
        return await f.reviewed(await integrity.record_fact(
            employer_id=emp.id, kind=kind, occurred_on=on, description="事实经过",
            evidence="询问笔录 2026-018 号", basis="《劳动保障监察条例》第三十条",
            staff_id=recorder.id, refused=refused, today=TODAY))


async def _violation_case(emp, on):
    inspector = await f.staff(is_inspector=True)
    ins = await f.inspection(emp, submitted_on=on)
    await f.finding(ins, await f.item_version(), inspector)
    return ins


async def test_a_no_violation_found_in_the_year():
    # R12: an employer found compliant (and one with an old violation from last year) grades A.
    emp = await f.employer()
    inspector = await f.staff(is_inspector=True)
    ins = await f.inspection(emp, submitted_on=dt.date(2026, 4, 1))
    await f.finding(ins, await f.item_version(), inspector, FindingResult.COMPLIANT)
    await _violation_case(emp, dt.date(2025, 12, 30))
    a = await _propose(emp)
    assert (a.proposed, _codes(a)) == (Grade.A, ["A"])


async def test_b_penalised_but_no_c_clause():
    emp = await f.employer()
    ins = await _violation_case(emp, dt.date(2026, 4, 1))
    await f.penalty(emp, ins=ins)  # same inspection: still one case
    a = await _propose(emp)
    assert (a.proposed, _codes(a)) == (Grade.B, ["B"])
    assert len(a.clauses[0]["facts"]) == 1


async def test_c1_three_cases_in_the_year():
    emp = await f.employer()
    await _violation_case(emp, dt.date(2026, 2, 1))
    await _violation_case(emp, dt.date(2026, 6, 1))
    assert (await _propose(emp)).proposed == Grade.B  # two cases: not yet C
    await f.penalty(emp, decided_on=dt.date(2026, 11, 1))  # a third, outside any inspection
    async with in_transaction():
        [a] = await grading.propose(year=2026, actor="cli", today=TODAY, employer_ids=[emp.id])
    assert (a.proposed, _codes(a)) == (Grade.C, ["C1"])
    assert len(a.clauses[0]["facts"]) == 3


async def test_c2_mass_incident():
    emp = await f.employer()
    await _fact(emp, CreditEventKind.MASS_INCIDENT)
    a = await _propose(emp)
    assert (a.proposed, _codes(a)) == (Grade.C, ["C2"])


async def test_c3_child_or_forced_labour():
    child, forced = await f.employer(), await f.employer()
    await _fact(child, CreditEventKind.CHILD_LABOUR)
    await _fact(forced, CreditEventKind.FORCED_LABOUR)
    assert _codes(await _propose(child)) == ["C3"]
    assert _codes(await _propose(forced)) == ["C3"]


async def test_c4_refused_rectification_order():
    # An order escalated (转立案) because it was not put right by the deadline is a refusal.
    emp = await f.employer()
    inspector = await f.staff(is_inspector=True)
    ins = await _violation_case(emp, dt.date(2026, 3, 1))
    await f.order(ins, inspector, issued_on=dt.date(2026, 3, 1),
                  state=RectificationState.ESCALATED, closed_on=dt.date(2026, 3, 20))
    a = await _propose(emp)
    assert (a.proposed, _codes(a)) == (Grade.C, ["C4"])


async def test_c5_not_carrying_out_a_decision():
    emp = await f.employer()
    await _fact(emp, CreditEventKind.REFUSED_RECTIFICATION, refused="decision")
    a = await _propose(emp)
    assert (a.proposed, _codes(a)) == (Grade.C, ["C5"])


async def test_c6_obstruction_and_false_materials():
    obstructs, lies = await f.employer(), await f.employer()
    await _fact(obstructs, CreditEventKind.OBSTRUCTION)
    await _fact(lies, CreditEventKind.FALSE_MATERIALS)
    assert _codes(await _propose(obstructs)) == ["C6"]
    assert _codes(await _propose(lies)) == ["C6"]


async def test_c7_criminal_liability():
    emp = await f.employer()
    await _fact(emp, CreditEventKind.CRIMINAL)
    a = await _propose(emp)
    assert (a.proposed, _codes(a)) == (Grade.C, ["C7"])
    assert "人社部规〔2016〕1号" in a.clauses[0]["citation"]


async def test_several_c_clauses_are_all_listed():
    emp = await f.employer()
    await _fact(emp, CreditEventKind.CRIMINAL)
    await _fact(emp, CreditEventKind.OBSTRUCTION)
    assert _codes(await _propose(emp)) == ["C6", "C7"]


async def test_record_fact_refuses_record_backed_kinds_and_needs_evidence():
    emp = await f.employer()
    recorder = await f.staff(is_inspector=True)
    with pytest.raises(ValidationFailed) as exc:
        await integrity.record_fact(employer_id=emp.id, kind=CreditEventKind.PENALTY,
                                    occurred_on=dt.date(2026, 1, 1), description="x",
                                    evidence="", basis="", staff_id=recorder.id, today=TODAY)
    assert {p.field for p in exc.value.problems} == {"kind", "evidence", "basis"}
    outsider = await f.staff()
    with pytest.raises(Forbidden):
        await integrity.record_fact(employer_id=emp.id, kind=CreditEventKind.OBSTRUCTION,
                                    occurred_on=dt.date(2026, 1, 1), description="x",
                                    evidence="y", basis="z", staff_id=outsider.id, today=TODAY)
    assert await CreditEvent.all().count() == 0


async def test_confirm_today_applies_at_once_with_history():
    emp = await f.employer(grade=Grade.A)
    await _fact(emp, CreditEventKind.CRIMINAL)
    a = await _propose(emp)
    admin = await f.staff(is_admin=True)
    async with in_transaction():
        await grading.review(assessment_id=a.id, staff_id=admin.id, confirm=True,
                             effective_from=TODAY, today=TODAY)
    await emp.refresh_from_db()
    assert emp.grade == Grade.C
    [change] = await GradeChange.filter(employer_id=emp.id)
    assert (change.previous, change.grade, change.effective_from) == (Grade.A, Grade.C, TODAY)
    assert await CreditEvent.filter(kind=CreditEventKind.GRADE_CHANGED).count() == 1
    actions = set(await AuditEvent.all().values_list("action", flat=True))
    assert {"grade.propose", "grade.confirm", "grade.change", "employer.grade"} <= actions
    with pytest.raises(Conflict):
        await grading.review(assessment_id=a.id, staff_id=admin.id, confirm=True,
                             effective_from=TODAY, today=TODAY)


async def test_future_effective_date_waits_for_the_timer():
    emp = await f.employer()
    a = await _propose(emp)
    admin = await f.staff(is_admin=True)
    later = dt.date(2027, 3, 1)
    async with in_transaction():
        await grading.review(assessment_id=a.id, staff_id=admin.id, confirm=True,
                             effective_from=later, today=TODAY)
    await emp.refresh_from_db()
    assert emp.grade == Grade.NONE
    timer = await OutboxMessage.get(topic=grading.TIMER_TOPIC)
    assert timer.status == OutboxStatus.PENDING
    assert timer.due_at == dt.datetime(2027, 2, 28, 16, 0, tzinfo=dt.UTC)  # 00:00 Beijing
    for _ in range(2):  # a timer delivered twice changes the grade once
        async with in_transaction():
            await grading.on_grade_effective(timer.payload)
    await emp.refresh_from_db()
    assert emp.grade == Grade.A
    assert await GradeChange.filter(employer_id=emp.id).count() == 1


async def test_review_rules():
    emp = await f.employer()
    a = await _propose(emp)
    inspector = await f.staff(is_inspector=True)
    with pytest.raises(Forbidden):
        await grading.review(assessment_id=a.id, staff_id=inspector.id, confirm=True,
                             effective_from=TODAY, today=TODAY)
    admin = await f.staff(is_admin=True)
    with pytest.raises(ValidationFailed) as exc:
        await grading.review(assessment_id=a.id, staff_id=admin.id, confirm=True, grade=Grade.B,
                             effective_from=TODAY - dt.timedelta(days=1), today=TODAY)
    assert {p.field for p in exc.value.problems} == {"note", "effective_from"}
    async with in_transaction():
        await grading.review(assessment_id=a.id, staff_id=admin.id, confirm=False,
                             note="待补充整改材料后重评", today=TODAY)
    assert (await GradeAssessment.get(id=a.id)).status == AssessmentStatus.REJECTED
    # Proposing again reopens a rejected assessment; a confirmed one is never touched.
    again = await _propose(emp)
    assert (again.id, again.status) == (a.id, AssessmentStatus.PROPOSED)
    async with in_transaction():
        await grading.review(assessment_id=a.id, staff_id=admin.id, confirm=True, grade=Grade.B,
                             note="经复核认定", effective_from=TODAY, today=TODAY)
    await _propose(emp)
    final = await GradeAssessment.get(id=a.id)
    assert (final.status, final.confirmed) == (AssessmentStatus.CONFIRMED, Grade.B)


async def test_future_year_refused():
    with pytest.raises(ValidationFailed):
        await grading.propose(year=2028, actor="cli", today=TODAY)


async def test_a_grade_in_force_from_a_later_date_wins():
    emp = await f.employer(grade=Grade.B)
    await GradeChange.create(employer=emp, grade=Grade.B, previous=Grade.NONE,
                             effective_from=TODAY + dt.timedelta(days=30), source="manual")
    a = await _propose(emp)
    admin = await f.staff(is_admin=True)
    async with in_transaction():
        await grading.review(assessment_id=a.id, staff_id=admin.id, confirm=True,
                             effective_from=TODAY, today=TODAY)
    await emp.refresh_from_db()
    assert emp.grade == Grade.B  # kept: the later decision governs
    assert await GradeChange.filter(employer_id=emp.id).count() == 2  # both in the history
