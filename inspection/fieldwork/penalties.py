"""Administrative penalty decisions. General-procedure ones must be published within 20 working
days of the decision: party, cause (案由), basis and result (R17)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tortoise.exceptions import IntegrityError

from inspection import audit
from inspection.access import Need, inspection_for
from inspection.errors import Problem, ValidationFailed
from inspection.fieldwork.inspections import actor_of
from inspection.publication.duties import create_duty, publication_due
from models.campaigns import Campaign
from models.employers import Employer
from models.enums import InspectionState, PenaltyProcedure, PublicationKind
from models.org import Staff
from models.penalties import PenaltyDecision
from models.publication import Publication

PUBLISH_WITHIN_WORKING_DAYS = 20  # R17


async def record_decision(*, staff: Staff, inspection_id: int, number: str,
                          procedure: PenaltyProcedure, cause: str, basis: str, result: str,
                          decided_on: dt.date, amount_yuan: Decimal | None = None,
                          publish_within: int = PUBLISH_WITHIN_WORKING_DAYS,
                          ) -> tuple[PenaltyDecision, Publication | None, list[str]]:
    inspection = await inspection_for(staff=staff, inspection_id=inspection_id,
                                      need=Need.MANAGE)
    if inspection.state in (InspectionState.PLANNED, InspectionState.ASSIGNED,
                            InspectionState.CHECKED_IN):
        raise ValidationFailed([Problem("检查结果提交后才能录入处罚决定", field="inspection_id",
                                        code="inspection_not_submitted")])
    if await PenaltyDecision.exists(number=number):
        raise ValidationFailed([Problem("该处罚决定书文号已录入", field="number",
                                        code="number_taken")])
    try:
        decision = await PenaltyDecision.create(
            number=number, employer_id=inspection.employer_id,  # type: ignore[attr-defined]
            inspection_id=inspection.id, procedure=procedure, cause=cause, basis=basis,
            result=result, amount_yuan=amount_yuan, decided_on=decided_on,
            recorded_by_id=staff.id)
    except IntegrityError as exc:  # a concurrent request took the number first
        raise ValidationFailed([Problem("该处罚决定书文号已录入", field="number",
                                        code="number_taken")]) from exc
    await audit.record(actor=actor_of(staff), action="penalty.record", obj=decision,
                       after=audit.snapshot(decision))
    publication: Publication | None = None
    warnings: list[str] = []
    if procedure == PenaltyProcedure.GENERAL:
        # One path for every publication duty (R17): due date, audit and the reminder timers.
        _due, warnings = await publication_due(PublicationKind.PENALTY, decided_on,
                                               working_days=publish_within)
        employer = await Employer.get(id=inspection.employer_id)  # type: ignore[attr-defined]
        campaign = await Campaign.filter(inspections__id=inspection.id).order_by("id").first()
        publication = await create_duty(
            kind=PublicationKind.PENALTY, object_type="penalty_decision", object_id=decision.id,
            title=f"{employer.name}行政处罚决定（{number}）"[:200],
            section_id=campaign.section_id if campaign else None,  # type: ignore[attr-defined]
            decided_on=decided_on, actor=actor_of(staff), working_days=publish_within)
    return decision, publication, warnings
