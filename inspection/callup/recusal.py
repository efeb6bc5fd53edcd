"""回避 found while a campaign is under way (R15, R16): declared by the inspector, or registered
by 政策法规科 when the employer's relationship comes to light later.

A conflict registered before the call-up never reaches a visit: the call-up skips an inspector
recused from every drawn employer, and assignment refuses a recused one. This module handles the
conflict that arrives afterwards: the inspector leaves the employer's visits that have not begun;
where they can no longer serve the campaign at all (recused from all its employers) their
call-up ends and the next in draw order is called; the leader is told either way, including of
visits already begun, which only the leader can sort out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from inspection import audit, messages
from inspection.callup.calls import (
    ACTIVE,
    _snap,
    cancel_timers,
    escalation_recipients,
    fill_places,
    lock_campaign,
)
from inspection.errors import Conflict, NotFound, Problem, ValidationFailed
from models.callups import CallUp
from models.campaigns import Campaign
from models.employers import Employer
from models.enums import CallUpState, CampaignState, InspectionState
from models.fieldwork import Inspection, InspectionMember
from models.org import Conflict as Recusal
from models.org import Staff

UNDER_WAY = (CampaignState.CALLING_UP, CampaignState.IN_FIELD)
NOT_BEGUN = (InspectionState.PLANNED, InspectionState.ASSIGNED)


@dataclass
class Effect:
    """What a new 回避 changed: visits left, call-ups ended (with who was called instead), and
    begun visits the leader must look at."""

    left: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)  # campaign codes
    called: list[str] = field(default_factory=list)
    begun: list[str] = field(default_factory=list)


async def _campaigns_in_play(staff_id: int, employer_id: int) -> list[Campaign]:
    """Campaigns under way where this inspector is called or on the team, and which concern the
    employer (drawn for them, or one of their visits)."""
    rows = await CallUp.filter(staff_id=staff_id, state__in=ACTIVE,
                               campaign__state__in=UNDER_WAY).values_list("campaign_id", flat=True)
    ids: set[int] = set(rows)  # type: ignore[arg-type]  # flat: ints, not tuples
    concerned = []
    for cid in sorted(ids):  # id order: two declarations lock campaigns in the same order
        employers = {e.id for e in await messages.campaign_employers(cid)}
        if employer_id in employers:
            concerned.append(await lock_campaign(cid))
    return concerned


async def _leave(campaign: Campaign, staff_id: int, employer_id: int, *, now: dt.datetime,
                 actor: str) -> tuple[list[str], list[str]]:
    """Off the employer's visits of this campaign that have not begun; (left, begun)."""
    left: list[str] = []
    begun: list[str] = []
    for m in await InspectionMember.filter(
            staff_id=staff_id, inspection__employer_id=employer_id,
            inspection__campaigns__id=campaign.id).prefetch_related("inspection"):
        inspection: Inspection = m.inspection
        if inspection.state not in NOT_BEGUN:
            begun.append(inspection.code)
            continue
        await audit.record(actor=actor, action="inspection.member_removed", obj=inspection,
                           before={"staff_id": staff_id}, after={"reason": "conflict"}, at=now)
        await m.delete()
        left.append(inspection.code)
    return left, begun


async def _end_callup(campaign: Campaign, staff_id: int, reason: str, *, now: dt.datetime,
                      actor: str) -> list[str] | None:
    """Recused from every employer of the campaign: the call-up ends and the next in draw order
    is called (their names); None when the inspector can still serve the campaign."""
    employers = {e.id for e in await messages.campaign_employers(campaign.id)}
    recused = set(await Recusal.filter(staff_id=staff_id, employer_id__in=employers)
                  .values_list("employer_id", flat=True))
    callup = await CallUp.get_or_none(campaign_id=campaign.id, staff_id=staff_id,
                                      state__in=ACTIVE)
    if callup is None or recused < employers:
        return None
    before = _snap(callup)
    callup.state, callup.answered_at = CallUpState.WITHDRAWN, now
    callup.reason = f"回避：{reason}"
    await callup.save()
    await cancel_timers(callup)
    await audit.record(actor=actor, action="callup.recused", obj=callup, before=before,
                       after=_snap(callup), at=now)
    called = await fill_places(campaign, now=now, actor=actor, replaces=callup)
    return [(await Staff.get(id=c.staff_id)).name for c in called]


async def apply_conflict(*, staff_id: int, employer_id: int, reason: str, now: dt.datetime,
                         actor: str) -> Effect:
    """Carry a conflict registered just now (the row exists) into the campaigns under way."""
    effect = Effect()
    staff = await Staff.get(id=staff_id)
    for campaign in await _campaigns_in_play(staff_id, employer_id):
        left, begun = await _leave(campaign, staff_id, employer_id, now=now, actor=actor)
        called = await _end_callup(campaign, staff_id, reason, now=now, actor=actor)
        effect.left += left
        effect.begun += begun
        if called is not None:
            effect.ended.append(campaign.code)
            effect.called += called
        if not (left or begun or called is not None):
            continue
        await messages.send(
            template=messages.Template.RECUSAL_APPLIED, campaign=campaign,
            to=await escalation_recipients(campaign),
            key=f"recusal:{campaign.id}:{staff_id}:{employer_id}",
            facts={"code": campaign.code, "name": staff.name, "left": left, "begun": begun,
                   "ended": called is not None, "called": called or []})
    return effect


async def declare_own(*, staff: Staff, inspection_code: str, reason: str, now: dt.datetime,
                      actor: str) -> tuple[Recusal, Effect]:
    """回避 declared by the inspector on a visit they are on (chat `回避 检查编号 事由`, or the
    staff API on an inspection): registered, audited, and applied at once."""
    reason = " ".join(reason.split())
    if len(reason) < 2:
        raise ValidationFailed([Problem("请说明回避的事由，例如：曾在该单位任职", field="reason",
                                        code="required")])
    if len(reason) > 200:
        raise ValidationFailed([Problem("事由请控制在 200 字以内", field="reason")])
    member = await InspectionMember.get_or_none(
        staff_id=staff.id, inspection__code=inspection_code).prefetch_related("inspection")
    if member is None:
        raise NotFound(f"您参加的检查“{inspection_code}”")
    inspection: Inspection = member.inspection
    employer = await Employer.get(id=inspection.employer_id)
    if await Recusal.filter(staff_id=staff.id, employer_id=employer.id).exists():
        raise Conflict("conflict_exists", f"您与{employer.name}的回避关系已登记")
    row = await Recusal.create(staff_id=staff.id, employer_id=employer.id, reason=reason)
    await audit.record(actor=actor, action="conflict.declare", obj=row, at=now,
                       after={"staff_id": staff.id, "employer_id": employer.id, "reason": reason,
                              "declared_by": "self", "inspection": inspection.code})
    return row, await apply_conflict(staff_id=staff.id, employer_id=employer.id, reason=reason,
                                     now=now, actor=actor)
