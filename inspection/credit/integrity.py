"""The integrity file (守法诚信档案, R18): every fact about an employer, each from the record that
proves it.

Record-backed facts are read from their own rows: a noncompliant Finding is a violation, a
PenaltyDecision a penalty, a RectificationOrder closed as rectified or escalated (转立案: not put
right by the deadline) an outcome. Facts that have no other record — obstruction, wage arrears,
child or forced labour, a mass incident, criminal liability, false materials, a refusal to carry
out a decision — are recorded with `record_fact` (who, evidence, basis) as CreditEvent rows;
those that alone make grade C wait for a second person's review first (`fact_reviews`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from inspection import audit, clock
from inspection.credit import fact_reviews, ledger
from inspection.errors import Forbidden, NotFound, Problem, ValidationFailed
from models.credit import CreditEvent, CreditFactReview
from models.employers import Employer
from models.enums import CreditEventKind, FindingResult, RectificationState, StaffStatus
from models.fieldwork import Finding, RectificationOrder
from models.org import Staff
from models.penalties import PenaltyDecision

# Facts with no record of their own, recordable by hand (with evidence and basis).
MANUAL_KINDS = frozenset({
    CreditEventKind.OBSTRUCTION, CreditEventKind.WAGE_ARREARS, CreditEventKind.CHILD_LABOUR,
    CreditEventKind.FORCED_LABOUR, CreditEventKind.MASS_INCIDENT, CreditEventKind.CRIMINAL,
    CreditEventKind.FALSE_MATERIALS, CreditEventKind.REFUSED_RECTIFICATION,
})
# Facts whose proving record is the blacklist entry, grade change or published major violation
# the event points at.
_MIRRORED_OWN = (CreditEventKind.BLACKLISTED, CreditEventKind.BLACKLIST_REMOVED,
                 CreditEventKind.GRADE_CHANGED, CreditEventKind.MAJOR_VIOLATION)
# A refusal recorded by hand is of a decision (处理决定/处罚决定) or of an order not escalated here.
REFUSAL_SUBJECTS = ("order", "decision")
MAX_TEXT = 2000


@dataclass(frozen=True)
class Fact:
    kind: CreditEventKind
    occurred_on: dt.date
    source_type: str  # finding / penalty_decision / rectification_order / credit_event
    source_id: int
    summary: str
    # Which inspection (if any) the fact belongs to: one inspection is one case (查处).
    inspection_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return ledger.KIND_LABELS[self.kind]


@dataclass
class IntegrityFile:
    employer_id: int
    uscc: str
    name: str
    grade: str
    facts: list[Fact]

    def of_kind(self, *kinds: CreditEventKind) -> list[Fact]:
        return [f for f in self.facts if f.kind in kinds]


def _clean(text: str, name: str, problems: list[Problem], *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        problems.append(Problem("必须填写", field=name))
    elif len(text) > MAX_TEXT:
        problems.append(Problem(f"不能超过 {MAX_TEXT} 字", field=name))
    return text


async def record_fact(*, employer_id: int, kind: CreditEventKind, occurred_on: dt.date,
                      description: str, evidence: str, basis: str, staff_id: int,
                      refused: str | None = None, today: dt.date | None = None
                      ) -> CreditEvent | CreditFactReview:
    """Record a fact that has no other record, by an active staff member, audited (R18, R21).

    `evidence` names what proves it (e.g. 询问笔录编号, 法院判决书文号); `basis` the provision.
    A fact of grade-C weight is filed for a second person's review instead (`fact_reviews`):
    it is in neither the integrity file nor the export until approved.
    """
    staff = await Staff.get_or_none(id=staff_id)
    if staff is None or staff.status != StaffStatus.ACTIVE or not (
            staff.is_admin or staff.is_initiator or staff.is_inspector):
        raise Forbidden("只有在岗的执法检查人员、发起科室或政策法规科人员可以记录诚信档案事实")
    employer = await Employer.get_or_none(id=employer_id)
    if employer is None:
        raise NotFound("用人单位")
    problems: list[Problem] = []
    if kind not in MANUAL_KINDS:
        problems.append(Problem("此类事实由检查、整改或处罚记录自动生成，不能手工记录",
                                field="kind"))
    today = today or clock.today()
    if occurred_on > today:
        problems.append(Problem("发生日期不能晚于今天", field="occurred_on"))
    description = _clean(description, "description", problems)
    evidence = _clean(evidence, "evidence", problems)
    basis = _clean(basis, "basis", problems)
    if kind == CreditEventKind.REFUSED_RECTIFICATION and refused not in REFUSAL_SUBJECTS:
        problems.append(Problem("请说明拒不履行的是限期整改指令（order）还是处理/处罚决定（decision）",
                                field="refused"))
    if problems:
        raise ValidationFailed(problems)
    detail = {"description": description, "evidence": evidence, "basis": basis,
              "recorded_by": staff.id}
    if kind == CreditEventKind.REFUSED_RECTIFICATION:
        detail["refused"] = refused
    if kind in fact_reviews.REVIEWED_KINDS:
        detail.pop("recorded_by")
        review = await CreditFactReview.create(employer_id=employer.id, kind=kind,
                                               occurred_on=occurred_on, detail=detail,
                                               recorded_by_id=staff.id)
        await audit.record(actor=audit.staff_actor(staff.id), action="credit.fact.propose",
                           obj=review, after=audit.snapshot(review))
        return review
    event = await ledger.append(employer_id=employer.id, kind=kind, occurred_on=occurred_on,
                                source_type="credit_event", source_id=None, detail=detail)
    await audit.record(actor=audit.staff_actor(staff.id), action="credit.fact.record", obj=event,
                       after=audit.snapshot(event))
    return event


def _in(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


# long: one query per kind of fact, all sharing the `scope` and `add` closures below; split,
# each part would need both passed in.
async def facts_by_employer(*, employer_ids: list[int] | None = None,
                            start: dt.date | None = None, end: dt.date | None = None
                            ) -> dict[int, list[Fact]]:
    """Every fact dated within [start, end] of the given employers (all when None), oldest
    first, in a fixed number of queries whatever the number of employers."""
    out: dict[int, list[Fact]] = {}

    def scope(query: Any, field: str = "employer_id") -> Any:
        return query if employer_ids is None else query.filter(**{f"{field}__in": employer_ids})

    def add(employer_id: int, fact: Fact) -> None:
        if _in(fact.occurred_on, start, end):
            out.setdefault(employer_id, []).append(fact)

    findings = await scope(Finding.filter(result=FindingResult.NONCOMPLIANT,
                                          inspection__state__in=ledger.FINAL_INSPECTION_STATES),
                           "inspection__employer_id").select_related("inspection", "item_version")
    for f in findings:
        ins = f.inspection
        on = ins.submitted_at.date() if ins.submitted_at else f.created_at.date()
        add(ins.employer_id, Fact(
            CreditEventKind.VIOLATION, on, "finding", f.id,
            f"{ins.code}：{f.item_version.name}不符合", f.inspection_id,
            {"description": f.description, "basis": f.basis}))
    penalties = PenaltyDecision.all()
    if start is not None:
        penalties = penalties.filter(decided_on__gte=start)
    if end is not None:
        penalties = penalties.filter(decided_on__lte=end)
    for p in await scope(penalties):
        add(p.employer_id, Fact(
            CreditEventKind.PENALTY, p.decided_on, "penalty_decision", p.id,
            f"{p.number}：{p.cause}；{p.result}", p.inspection_id,
            {"procedure": p.procedure.value}))
    orders = await scope(RectificationOrder.filter(
        state__in=[RectificationState.RECTIFIED, RectificationState.ESCALATED]))
    for o in orders:
        rectified = o.state == RectificationState.RECTIFIED
        kind = CreditEventKind.RECTIFIED if rectified else CreditEventKind.REFUSED_RECTIFICATION
        text = "已按限期改正指令整改" if rectified else "逾期拒不整改，已转立案"
        add(o.employer_id, Fact(
            kind, o.closed_on or o.deadline, "rectification_order", o.id,
            f"{text}（期限 {o.deadline.isoformat()}）", o.inspection_id,
            {"refused": None if rectified else "order", "issued_on": o.issued_on.isoformat()}))
    events = CreditEvent.filter(kind__in=[*MANUAL_KINDS, *_MIRRORED_OWN])
    if start is not None:
        events = events.filter(occurred_on__gte=start)
    if end is not None:
        events = events.filter(occurred_on__lte=end)
    for e in await scope(events):
        detail = dict(e.detail or {})
        if e.source_type == "credit_event":  # recorded directly by record_fact
            fact = Fact(e.kind, e.occurred_on, "credit_event", e.id,
                        str(detail.get("description", "")), None, detail)
        elif e.kind in _MIRRORED_OWN:  # these events point at their own rows
            fact = Fact(e.kind, e.occurred_on, e.source_type, e.source_id or e.id,
                        str(detail.get("summary", "")), None, detail)
        else:  # a ledger mirror of a record already read above
            continue
        add(e.employer_id, fact)
    for facts in out.values():
        facts.sort(key=lambda f: (f.occurred_on, f.source_type, f.source_id))
    return out


async def facts_of(*, employer_id: int, start: dt.date | None = None,
                   end: dt.date | None = None) -> list[Fact]:
    """Every fact about one employer dated within [start, end], oldest first."""
    found = await facts_by_employer(employer_ids=[employer_id], start=start, end=end)
    return found.get(employer_id, [])


async def integrity_file(*, employer_id: int, start: dt.date | None = None,
                         end: dt.date | None = None) -> IntegrityFile:
    employer = await Employer.get_or_none(id=employer_id)
    if employer is None:
        raise NotFound("用人单位")
    facts = await facts_of(employer_id=employer_id, start=start, end=end)
    return IntegrityFile(employer.id, employer.uscc, employer.name, employer.grade.value, facts)
