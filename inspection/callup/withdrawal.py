"""Withdrawal after acceptance (R15): an inspector who accepted and is then needed for an
official duty leaves with its 事由, by the same path as a decline. The leader is told, the
inspector leaves this campaign's visits that have not begun, and the next in draw order is
called (`calls.accept` tells the leader when that replacement joins a team already formed).
"""

from __future__ import annotations

import datetime as dt

from inspection import audit, messages
from inspection.callup.calls import (
    Answer,
    _own,
    _snap,
    clean_reason,
    escalation_recipients,
    fill_places,
    only_one,
)
from inspection.callup.states import STATE_LABELS
from inspection.errors import Conflict
from models.callups import CallUp
from models.campaigns import Campaign
from models.enums import CallUpState, CampaignState, InspectionState
from models.fieldwork import Inspection, InspectionMember
from models.org import Staff

WITHDRAWABLE_CAMPAIGNS = (CampaignState.CALLING_UP, CampaignState.IN_FIELD)
NOT_BEGUN = (InspectionState.PLANNED, InspectionState.ASSIGNED)


async def find_withdrawable(*, staff_id: int, code: str | None = None) -> CallUp:
    """The caller's accepted call-up that may still be withdrawn: the one named, or the only one."""
    rows = await CallUp.filter(
        staff_id=staff_id, state=CallUpState.ACCEPTED,
        campaign__state__in=WITHDRAWABLE_CAMPAIGNS).order_by("called_at").prefetch_related(
        "campaign")
    return only_one(rows, code, none="您目前没有待答复或可撤回的召集。",
                    many="您已接受多项召集（{codes}），请在命令后写明抽查编号，"
                         "例如：公务 2026-FL-003 参加区政府专项检查")


async def _leave_visits(campaign: Campaign, callup: CallUp, *, now: dt.datetime,
                        actor: str) -> list[str]:
    """Take the inspector off this campaign's visits; refuse once one of them has begun."""
    memberships = await InspectionMember.filter(
        staff_id=callup.staff_id, inspection__campaigns__id=campaign.id).prefetch_related(
        "inspection")
    begun = [m.inspection.code for m in memberships if m.inspection.state not in NOT_BEGUN]
    if begun:
        raise Conflict("visit_begun", f"您已参加 {'、'.join(sorted(set(begun)))} 的现场检查，"
                       "不能撤回；如有变化请联系组长。")
    left: list[str] = []
    for m in memberships:
        inspection: Inspection = m.inspection
        if await CallUp.filter(staff_id=callup.staff_id, state=CallUpState.ACCEPTED,
                               campaign__inspections__id=inspection.id).exclude(
                campaign_id=campaign.id).exists():
            continue  # one visit for two campaigns (R20): still on the other one's team
        await audit.record(actor=actor, action="inspection.member_removed", obj=inspection,
                           before={"staff_id": callup.staff_id},
                           after={"reason": "withdrawn", "callup_id": callup.id}, at=now)
        await m.delete()
        left.append(inspection.code)
    return sorted(set(left))


async def withdraw(*, callup_id: int, staff_id: int, reason: str, now: dt.datetime,
                   actor: str) -> Answer:
    """An accepted inspector withdraws for an official duty; the next in draw order is called."""
    reason = clean_reason(reason)
    campaign, callup = await _own(callup_id, staff_id)
    if callup.state == CallUpState.WITHDRAWN:
        return Answer(campaign.code, campaign.title, callup.state, callup.reason, repeated=True)
    if callup.state != CallUpState.ACCEPTED:
        raise Conflict("not_accepted", f"您在 {campaign.code} 的召集目前为“{STATE_LABELS[callup.state]}”，"
                       "只有已接受的召集才能撤回。")
    if campaign.state not in WITHDRAWABLE_CAMPAIGNS:
        raise Conflict("campaign_past_field", f"{campaign.code} 的现场检查已结束，不能撤回。")
    visits = await _leave_visits(campaign, callup, now=now, actor=actor)
    before = _snap(callup)
    callup.state, callup.answered_at, callup.reason = CallUpState.WITHDRAWN, now, reason
    await callup.save()
    await audit.record(actor=actor, action="callup.withdraw", obj=callup, before=before,
                       after={**_snap(callup), "visits": visits}, at=now)
    called = await fill_places(campaign, now=now, actor=actor, replaces=callup)
    staff = await Staff.get(id=staff_id)
    names = [(await Staff.get(id=c.staff_id)).name for c in called]
    await messages.send(
        template=messages.Template.CALLUP_WITHDRAWN, to=await escalation_recipients(campaign),
        campaign=campaign, key=f"callup:{callup.id}:withdrawn",
        facts={"code": campaign.code, "name": staff.name, "reason": reason, "visits": visits,
               "called": names})
    return Answer(campaign.code, campaign.title, CallUpState.WITHDRAWN, reason)

