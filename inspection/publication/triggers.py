"""Publication duties that arise from other parts' records (R3, R17).

A visit that closes owes the public its result: a RESULT duty, due 20 working days after the
close, published by a reviewer in one call (or withheld with a legal reason). A penalty decision
under the general procedure owes its party, cause, basis and result: a PENALTY duty, due 20 working
days after the decision, that publishes itself on the window the day the decision takes effect
(at once if it already has) unless a reviewer withholds it first.
"""

from __future__ import annotations

import datetime as dt

from inspection import clock
from inspection.publication import duties
from models.campaigns import Campaign
from models.employers import Employer
from models.enums import PublicationKind
from models.fieldwork import Inspection
from models.penalties import PenaltyDecision
from models.publication import Publication


async def _section_of(inspection_id: int | None) -> int | None:
    """The responsible section: the initiating section of the visit's first campaign."""
    if inspection_id is None:
        return None
    campaign = await Campaign.filter(inspections__id=inspection_id).order_by("id").first()
    return campaign.section_id if campaign else None


async def result_of_closed_visit(*, inspection: Inspection, actor: str) -> Publication | None:
    """R3: the result of a visit just closed is to be published (idempotent)."""
    if await Publication.exists(kind=PublicationKind.RESULT, object_type="inspection",
                                object_id=inspection.id):
        return None
    employer = await Employer.get(id=inspection.employer_id)
    return await duties.create_duty(
        kind=PublicationKind.RESULT, object_type="inspection", object_id=inspection.id,
        title=f"{employer.name}抽查结果（{inspection.code}）"[:200],
        section_id=await _section_of(inspection.id), decided_on=clock.today(), actor=actor)


def takes_effect_at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=clock.BEIJING)


async def penalty_decided(*, decision: PenaltyDecision, employer: Employer, actor: str,
                          working_days: int | None = None) -> Publication:
    """R17: the duty of a general-procedure decision, published by itself once in effect."""
    duty = await duties.create_duty(
        kind=PublicationKind.PENALTY, object_type="penalty_decision", object_id=decision.id,
        title=f"{employer.name}行政处罚决定（{decision.number}）"[:200],
        section_id=await _section_of(decision.inspection_id),
        decided_on=decision.decided_on, actor=actor, working_days=working_days)
    effective = decision.effective_on or decision.decided_on
    await duties.publish_automatically(duty=duty, at=takes_effect_at(effective), actor=actor)
    return duty
