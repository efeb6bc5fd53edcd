"""Administrative penalty decisions. General-procedure ones must be published within 20 working
days of the decision: party, cause (案由), basis and result (R17); they go on the window by
themselves the day they take effect (inspection/publication/triggers.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tortoise.exceptions import IntegrityError

from inspection import audit
from inspection.access import Need, inspection_for
from inspection.errors import NotFound, Problem, ValidationFailed
from inspection.publication import triggers
from inspection.publication.duties import publication_due
from models.employers import Employer
from models.enums import InspectionState, PenaltyProcedure, PublicationKind
from models.org import Staff
from models.penalties import PenaltyDecision
from models.publication import Publication

PUBLISH_WITHIN_WORKING_DAYS = 20  # R17


async def decision_for(*, staff: Staff, decision_id: int, need: Need) -> PenaltyDecision:
    """A penalty decision through its inspection, like every record of a visit: unrelated staff
    are told it does not exist."""
    decision = await PenaltyDecision.get_or_none(id=decision_id)
    if decision is None or decision.inspection_id is None:
        raise NotFound("处罚决定")
    await inspection_for(staff=staff, inspection_id=decision.inspection_id, need=need)
    return decision


async def record_decision(*, staff: Staff, inspection_id: int, number: str,
                          procedure: PenaltyProcedure, cause: str, basis: str, result: str,
                          decided_on: dt.date, amount_yuan: Decimal | None = None,
                          effective_on: dt.date | None = None,
                          publish_within: int = PUBLISH_WITHIN_WORKING_DAYS,
                          ) -> tuple[PenaltyDecision, Publication | None, list[str]]:
    """Record a decision; one under the general procedure gets its publication duty, and goes on
    the window by itself on `effective_on` (the decision date if not given) unless withheld."""
    inspection = await inspection_for(staff=staff, inspection_id=inspection_id,
                                      need=Need.MANAGE)
    if inspection.state in (InspectionState.PLANNED, InspectionState.ASSIGNED,
                            InspectionState.CHECKED_IN):
        raise ValidationFailed([Problem("检查结果提交后才能录入处罚决定", field="inspection_id",
                                        code="inspection_not_submitted")])
    if effective_on is not None and not (
            decided_on <= effective_on <= decided_on + dt.timedelta(days=366)):
        raise ValidationFailed([Problem("生效日期不能早于决定日期，也不能晚于决定日期后一年",
                                        field="effective_on", code="bad_effective_date")])
    if await PenaltyDecision.exists(number=number):
        raise ValidationFailed([Problem("该处罚决定书文号已录入", field="number",
                                        code="number_taken")])
    try:
        decision = await PenaltyDecision.create(
            number=number, employer_id=inspection.employer_id,
            inspection_id=inspection.id, procedure=procedure, cause=cause, basis=basis,
            result=result, amount_yuan=amount_yuan, decided_on=decided_on,
            effective_on=effective_on or decided_on, recorded_by_id=staff.id)
    except IntegrityError as exc:  # a concurrent request took the number first
        raise ValidationFailed([Problem("该处罚决定书文号已录入", field="number",
                                        code="number_taken")]) from exc
    await audit.record(actor=audit.staff_actor(staff.id), action="penalty.record", obj=decision,
                       after=audit.snapshot(decision))
    publication: Publication | None = None
    warnings: list[str] = []
    if procedure == PenaltyProcedure.GENERAL:
        # One path for every publication duty (R17): due date, audit, reminders, auto-publish.
        _due, warnings = await publication_due(PublicationKind.PENALTY, decided_on,
                                               working_days=publish_within)
        employer = await Employer.get(id=inspection.employer_id)
        publication = await triggers.penalty_decided(decision=decision, employer=employer,
                                                     actor=audit.staff_actor(staff.id),
                                                     working_days=publish_within)
    return decision, publication, warnings
