"""Annual grading (守法诚信等级评价, R12) under 《企业劳动保障守法诚信等级评价办法》(人社部规〔2016〕1号).

The system proposes a grade per employer and year from its integrity file; the policy-and-
regulations section (政策法规科, Staff.is_admin) confirms or changes it with an effective date. The
grade becomes Employer.grade — read by the draw's strata — on that date: at once if the date is
today, otherwise by the due-dated outbox timer "timer.grade_effective". Every grade an employer held
stays in GradeChange.

A "case" (被查处一次) is one inspection in which a violation was found (a noncompliant finding, a
限期改正指令 or a penalty — all of one inspection count once), a penalty decided outside any
inspection, or wage arrears handled by the bureau (a recorded wage-arrears fact). See docs/credit.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from inspection import audit, clock, outbox
from inspection.credit import integrity, ledger
from inspection.credit.integrity import Fact
from inspection.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from models.credit import GradeAssessment
from models.employers import Employer, GradeChange
from models.enums import (
    AssessmentStatus,
    CreditEventKind,
    EmployerStatus,
    Grade,
    RectificationState,
    StaffStatus,
)
from models.fieldwork import RectificationOrder
from models.org import Staff

RULE = "人社部规〔2016〕1号《企业劳动保障守法诚信等级评价办法》"
TIMER_TOPIC = "timer.grade_effective"


@dataclass(frozen=True)
class Case:
    key: str
    occurred_on: dt.date
    summary: str


@dataclass(frozen=True)
class YearFile:
    year: int
    facts: list[Fact]
    cases: list[Case]


@dataclass(frozen=True)
class Clause:
    code: str
    grade: Grade
    citation: str
    text: str
    # The facts (or cases) that make the clause apply; empty means it does not.
    matches: Callable[[YearFile], list[tuple[str, dt.date, str]]]


def _facts(*kinds: CreditEventKind, refused: str | None = None
           ) -> Callable[[YearFile], list[tuple[str, dt.date, str]]]:
    def match(yf: YearFile) -> list[tuple[str, dt.date, str]]:
        return [(f"{f.source_type}:{f.source_id}", f.occurred_on, f.summary) for f in yf.facts
                if f.kind in kinds and (refused is None or f.detail.get("refused") == refused)]
    return match


def _cases_at_least(n: int) -> Callable[[YearFile], list[tuple[str, dt.date, str]]]:
    def match(yf: YearFile) -> list[tuple[str, dt.date, str]]:
        if len(yf.cases) < n:
            return []
        return [(c.key, c.occurred_on, c.summary) for c in yf.cases]
    return match


_C = f"{RULE}第五条第（三）项"
# Each C clause of the rule, as a named rule with its citation (docs/credit.md lists them).
C_CLAUSES: tuple[Clause, ...] = (
    Clause("C1", Grade.C, _C, "因劳动保障违法行为被查处三次以上（含三次）", _cases_at_least(3)),
    Clause("C2", Grade.C, _C, "因劳动保障违法行为引发群体性事件、极端事件或造成严重不良社会影响",
           _facts(CreditEventKind.MASS_INCIDENT)),
    Clause("C3", Grade.C, _C, "因使用童工、强迫劳动等严重劳动保障违法行为被查处（非法用工）",
           _facts(CreditEventKind.CHILD_LABOUR, CreditEventKind.FORCED_LABOUR)),
    Clause("C4", Grade.C, _C, "经劳动保障监察限期整改拒不整改",
           _facts(CreditEventKind.REFUSED_RECTIFICATION, refused="order")),
    Clause("C5", Grade.C, _C, "不按劳动保障监察行政处理决定、行政处罚决定履行义务",
           _facts(CreditEventKind.REFUSED_RECTIFICATION, refused="decision")),
    Clause("C6", Grade.C, f"{_C}；《劳动保障监察条例》第三十条",
           "无理抗拒、阻挠劳动保障监察（含不如实报送材料、隐瞒事实、出具伪证）",
           _facts(CreditEventKind.OBSTRUCTION, CreditEventKind.FALSE_MATERIALS)),
    Clause("C7", Grade.C, _C, "因劳动保障违法行为被追究刑事责任", _facts(CreditEventKind.CRIMINAL)),
)
B_CLAUSE = Clause("B", Grade.B, f"{RULE}第五条第（二）项",
                  "因劳动保障违法行为被查处，但不属于C级所列情形", _cases_at_least(1))
A_CLAUSE = Clause("A", Grade.A, f"{RULE}第五条第（一）项",
                  "遵守劳动保障法律、法规和规章，未因劳动保障违法行为被查处",
                  lambda yf: [])


def _cases(facts: list[Fact], orders: list[RectificationOrder]) -> list[Case]:
    cases: dict[str, Case] = {}

    def add(key: str, on: dt.date, summary: str) -> None:
        if key not in cases or on < cases[key].occurred_on:
            cases[key] = Case(key, on, summary)

    for f in facts:
        if f.kind in (CreditEventKind.VIOLATION, CreditEventKind.PENALTY):
            key = (f"inspection:{f.inspection_id}" if f.inspection_id is not None
                   else f"{f.source_type}:{f.source_id}")
            add(key, f.occurred_on, f.summary)
        elif f.kind == CreditEventKind.WAGE_ARREARS:
            add(f"credit_event:{f.source_id}", f.occurred_on, f.summary)
    # An order counts from the day it is issued, whatever its outcome (cancelled ones do not).
    for o in orders:
        add(f"inspection:{o.inspection_id}", o.issued_on,
            f"限期改正指令（{o.issued_on.isoformat()}）")
    return sorted(cases.values(), key=lambda c: (c.occurred_on, c.key))


async def year_files(*, year: int, employer_ids: list[int] | None = None) -> dict[int, YearFile]:
    """The year's facts and cases of the given employers (all when None), in bulk."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    facts = await integrity.facts_by_employer(employer_ids=employer_ids, start=start, end=end)
    query = RectificationOrder.filter(issued_on__gte=start, issued_on__lte=end,
                                      state__not=RectificationState.CANCELLED)
    if employer_ids is not None:
        query = query.filter(employer_id__in=employer_ids)
    orders: dict[int, list[RectificationOrder]] = {}
    for o in await query:
        orders.setdefault(o.employer_id, []).append(o)
    return {eid: YearFile(year, facts.get(eid, []), _cases(facts.get(eid, []), orders.get(eid, [])))
            for eid in set(facts) | set(orders)}


async def year_file(*, employer_id: int, year: int) -> YearFile:
    files = await year_files(year=year, employer_ids=[employer_id])
    return files.get(employer_id, YearFile(year, [], []))


def evaluate(yf: YearFile) -> tuple[Grade, list[dict[str, object]]]:
    """The proposed grade and every clause that applied, with the facts behind each."""
    applied: list[dict[str, object]] = []
    for clause in C_CLAUSES:
        hits = clause.matches(yf)
        if hits:
            applied.append(_clause_json(clause, hits))
    if applied:
        return Grade.C, applied
    hits = B_CLAUSE.matches(yf)
    if hits:
        return Grade.B, [_clause_json(B_CLAUSE, hits)]
    return Grade.A, [_clause_json(A_CLAUSE, [])]


def _clause_json(clause: Clause, hits: list[tuple[str, dt.date, str]]) -> dict[str, object]:
    return {"code": clause.code, "grade": clause.grade.value, "citation": clause.citation,
            "text": clause.text,
            "facts": [{"source": k, "occurred_on": on.isoformat(), "summary": s}
                      for k, on, s in hits]}


async def propose(*, year: int, actor: str, today: dt.date | None = None,
                  employer_ids: list[int] | None = None) -> list[GradeAssessment]:
    """One GradeAssessment per active employer for `year`; confirmed ones are left alone."""
    today = today or clock.today()
    if year > today.year or year < 2016:
        raise ValidationFailed([Problem(f"评价年度应在 2016 至 {today.year} 之间", field="year")])
    query = Employer.filter(status=EmployerStatus.ACTIVE)
    if employer_ids is not None:
        query = query.filter(id__in=employer_ids)
    existing = {a.employer_id: a for a in await GradeAssessment.filter(year=year)}
    out: list[GradeAssessment] = []
    files = await year_files(year=year, employer_ids=employer_ids)
    for employer in await query.order_by("id"):
        grade, clauses = evaluate(files.get(employer.id, YearFile(year, [], [])))
        current = existing.get(employer.id)
        if current is None:
            current = await GradeAssessment.create(employer_id=employer.id, year=year,
                                                   proposed=grade, clauses=clauses)
            await audit.record(actor=actor, action="grade.propose", obj=current,
                               after=audit.snapshot(current))
        elif current.status != AssessmentStatus.CONFIRMED and (
                current.proposed != grade or current.clauses != clauses
                or current.status != AssessmentStatus.PROPOSED):
            before = audit.snapshot(current)
            current.proposed, current.clauses = grade, clauses
            current.status, current.review_note = AssessmentStatus.PROPOSED, ""
            await current.save()
            await audit.record(actor=actor, action="grade.repropose", obj=current,
                               before=before, after=audit.snapshot(current))
        out.append(current)
    return out


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=clock.BEIJING).astimezone(dt.UTC)


async def review(*, assessment_id: int, staff_id: int, confirm: bool,
                 effective_from: dt.date | None = None, grade: Grade | None = None,
                 note: str = "", today: dt.date | None = None) -> GradeAssessment:
    """The policy section confirms (possibly changing the grade, with a reason) or rejects."""
    today = today or clock.today()
    staff = await Staff.get_or_none(id=staff_id)
    if staff is None or not staff.is_admin or staff.status != StaffStatus.ACTIVE:
        raise Forbidden("只有政策法规科可以审核守法诚信等级")
    assessment = await GradeAssessment.get_or_none(id=assessment_id)
    if assessment is None:
        raise NotFound("等级评价")
    if assessment.status != AssessmentStatus.PROPOSED:
        raise Conflict("assessment_reviewed", "该评价已审核，不能重复审核")
    note = (note or "").strip()
    problems: list[Problem] = []
    final: Grade = grade or assessment.proposed
    if confirm:
        if final == Grade.NONE:
            problems.append(Problem("确认的等级必须是 A、B 或 C", field="grade"))
        if final != assessment.proposed and not note:
            problems.append(Problem("改变系统建议的等级时必须说明理由", field="note"))
        if effective_from is None:
            problems.append(Problem("请填写生效日期", field="effective_from"))
        elif effective_from < today:
            problems.append(Problem("生效日期不能早于今天（已进行的抽取按原等级分层）",
                                    field="effective_from"))
    elif not note:
        problems.append(Problem("退回时必须说明理由", field="note"))
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(assessment)
    assessment.status = AssessmentStatus.CONFIRMED if confirm else AssessmentStatus.REJECTED
    if confirm:
        assessment.confirmed, assessment.effective_from = final, effective_from
    assessment.reviewed_by = staff
    assessment.review_note = note
    await assessment.save()
    await audit.record(actor=audit.staff_actor(staff.id),
                       action="grade.confirm" if confirm else "grade.reject", obj=assessment,
                       before=before, after=audit.snapshot(assessment))
    if confirm and effective_from is not None:
        if effective_from <= today:
            await apply(assessment_id=assessment.id, actor=audit.staff_actor(staff.id))
        else:
            await outbox.enqueue(topic=TIMER_TOPIC, payload={"assessment_id": assessment.id},
                                 key=f"grade-effective:{assessment.id}",
                                 due_at=_midnight(effective_from))
    return assessment


def _reason(assessment: GradeAssessment) -> str:
    return f"{assessment.year}年度守法诚信等级评价（评价单 {assessment.id}）"


async def apply(*, assessment_id: int, actor: str) -> GradeChange | None:
    """Make a confirmed grade the employer's grade; idempotent (a timer may run twice)."""
    assessment = await GradeAssessment.get_or_none(id=assessment_id)
    if (assessment is None or assessment.status != AssessmentStatus.CONFIRMED
            or assessment.confirmed is None or assessment.effective_from is None):
        return None
    reason = _reason(assessment)
    if await GradeChange.filter(employer_id=assessment.employer_id, source="assessment",
                                reason=reason).exists():
        return None
    employer = await Employer.get(id=assessment.employer_id)
    change = await GradeChange.create(
        employer_id=employer.id, grade=assessment.confirmed, previous=employer.grade,
        effective_from=assessment.effective_from, source="assessment", reason=reason,
        decided_by_id=assessment.reviewed_by_id)
    await audit.record(actor=actor, action="grade.change", obj=change,
                       after=audit.snapshot(change))
    # A grade already in force from a later date wins; this one is kept as history only.
    later = await GradeChange.filter(employer_id=employer.id,
                                     effective_from__gt=assessment.effective_from).exists()
    if not later and employer.grade != assessment.confirmed:
        before = audit.snapshot(employer, ["grade"])
        employer.grade = assessment.confirmed
        await employer.save(update_fields=["grade", "updated_at"])
        await audit.record(actor=actor, action="employer.grade", obj=employer, before=before,
                           after=audit.snapshot(employer, ["grade"]))
    await ledger.append(
        employer_id=employer.id, kind=CreditEventKind.GRADE_CHANGED,
        occurred_on=assessment.effective_from, source_type="grade_change", source_id=change.id,
        detail={"summary": f"{assessment.year}年度评为{assessment.confirmed.value}级",
                "year": assessment.year, "grade": assessment.confirmed.value,
                "previous": change.previous.value if change.previous else None,
                "effective_from": assessment.effective_from})
    return change


async def on_grade_effective(payload: dict[str, object]) -> None:
    """Outbox handler for "timer.grade_effective" (runs in the worker's transaction)."""
    assessment_id = payload.get("assessment_id")
    if isinstance(assessment_id, int):
        await apply(assessment_id=assessment_id, actor=audit.SYSTEM)
