"""Call-up of drawn inspectors and replacement in draw order (R15, R16).

Every function locks the campaign row first (`select_for_update`; PostgreSQL), so concurrent
answers are applied one after another: each open place is filled by exactly one call, always the
next not yet called in draw order. Answers that were already applied are no-ops, so a WeCom retry
or a replayed event never applies twice.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q, Subquery

from inspection import audit, messages, outbox, worktime
from inspection.callup import states
from inspection.errors import Conflict, DomainError, NotFound, Problem, ValidationFailed
from inspection.planning import lifecycle
from models.callups import CallUp
from models.campaigns import Campaign, CampaignItem
from models.draws import Draw, DrawEntry
from models.employers import Employer
from models.enums import (
    CallUpState,
    CampaignState,
    DrawKind,
    DrawStatus,
    InspectionState,
    StaffStatus,
)
from models.fieldwork import Inspection, InspectionMember
from models.org import Conflict as Recusal
from models.org import Staff

ACTIVE = (CallUpState.CALLED, CallUpState.ACCEPTED)
_BATCH = 16


@dataclass(frozen=True)
class Answer:
    """What an answer to a call-up came to, for the adapter to put into words."""

    code: str
    title: str
    state: CallUpState  # the call-up's state now
    reason: str = ""  # a decline's 事由
    repeated: bool = False  # given before, or the call-up was already closed: nothing changed


async def lock_campaign(campaign_id: int) -> Campaign:
    campaign = await Campaign.filter(id=campaign_id).select_for_update().first()
    if campaign is None:
        raise NotFound("抽查任务")
    return campaign


def _snap(c: CallUp) -> dict[str, Any]:
    return audit.snapshot(c, ["state", "reason", "reply_deadline", "answered_at",
                              "reminded_at", "escalated_at", "position", "staff_id"])


def timer_keys(callup: CallUp) -> tuple[str, str]:
    stamp = int(callup.reply_deadline.timestamp())
    return (f"callup:{callup.id}:reminder:{stamp}", f"callup:{callup.id}:deadline:{stamp}")


async def schedule_timers(callup: CallUp, now: dt.datetime) -> None:
    """A reminder halfway to the deadline, then the deadline itself (→ the leader decides)."""
    reminder_key, deadline_key = timer_keys(callup)
    payload = {"callup_id": callup.id, "deadline": callup.reply_deadline.isoformat()}
    await outbox.enqueue(topic="timer.callup_reminder", payload=payload, key=reminder_key,
                         due_at=await worktime.reminder_time(now, callup.reply_deadline))
    await outbox.enqueue(topic="timer.callup_deadline", payload=payload, key=deadline_key,
                         due_at=callup.reply_deadline)


async def cancel_timers(callup: CallUp) -> None:
    await outbox.cancel_all(keys=list(timer_keys(callup)))


async def _ineligible(staff: Staff, campaign: Campaign, employer_ids: set[int]) -> str | None:
    """Why this inspector can no longer be called, or None (R8, R15)."""
    if staff.status != StaffStatus.ACTIVE:
        return "已不在岗（停用或调离）"
    if not staff.is_inspector or not staff.cert_no:
        return "不再具有执法检查人员资格"
    if staff.cert_valid_until is None or staff.cert_valid_until < campaign.field_end:
        return "行政执法证件有效期不能覆盖检查时间"
    if not staff.wecom_userid:
        return "未绑定企业微信"
    if employer_ids:
        recused = set(await Recusal.filter(staff_id=staff.id, employer_id__in=employer_ids)
                      .values_list("employer_id", flat=True))
        if recused >= employer_ids:
            return "与全部被检查单位存在回避情形"
    return None


async def _card(campaign: Campaign, callup: CallUp, staff: Staff,
                drawn: list[Employer]) -> None:
    """`drawn`: the campaign's employers (`messages.campaign_employers`), read once by the
    caller for all the cards it sends."""
    items = await CampaignItem.filter(campaign_id=campaign.id).prefetch_related("item_version")
    leader = await Staff.get_or_none(id=campaign.leader_id) if campaign.leader_id else None
    employers = None
    if messages.reveal_employers(campaign):  # R14
        employers = [e.name for e in drawn]
    facts = {
        "task_id": callup.task_id, "code": campaign.code, "title": campaign.title,
        "items": [ci.item_version.name for ci in items],
        "field_start": campaign.field_start.isoformat(),
        "field_end": campaign.field_end.isoformat(),
        "leader": leader.name if leader else "", "note": campaign.confidentiality_note,
        "deadline": callup.reply_deadline.isoformat(), "employers": employers,
    }
    await messages.send(template=messages.Template.CALLUP_CARD, to=[staff.wecom_userid],
                        facts=facts, campaign=campaign, key=f"callup:{callup.id}:card")


async def escalation_recipients(campaign: Campaign) -> list[str]:
    """The leader and the initiating section (its initiators and the campaign's creator)."""
    ids = {campaign.leader_id, campaign.created_by_id}
    ids |= {s.id for s in await Staff.filter(section_id=campaign.section_id, is_initiator=True,
                                             status=StaffStatus.ACTIVE).only("id")}
    return [str(u) for u in await Staff.filter(id__in=[i for i in ids if i])
            .values_list("wecom_userid", flat=True)]


async def _uncalled(draw_id: int, campaign_id: int) -> AsyncIterator[DrawEntry]:
    """Draw entries not yet called, in draw order, read in small batches (orders can be long).
    Who was called is asked in the same statement: a call-up of hundreds would otherwise send
    every called inspector's id back as a parameter on each decline."""
    called = Subquery(CallUp.filter(campaign_id=campaign_id).values("staff_id"))
    after = ("", 0)
    while True:
        batch = await DrawEntry.filter(draw_id=draw_id, staff_id__isnull=False).filter(
            Q(stratum__gt=after[0]) | Q(stratum=after[0], position__gt=after[1])
        ).exclude(staff_id__in=called).order_by("stratum", "position").limit(
            _BATCH).prefetch_related("staff")
        for entry in batch:
            yield entry
        if len(batch) < _BATCH:
            return
        after = (batch[-1].stratum, batch[-1].position)


async def fill_places(campaign: Campaign, *, now: dt.datetime, actor: str,
                      replaces: CallUp | None = None) -> list[CallUp]:
    """Call the next inspectors in draw order until every place is taken or the order ends."""
    draw = await Draw.get_or_none(campaign_id=campaign.id, kind=DrawKind.INSPECTORS,
                                  status=DrawStatus.REVEALED)
    if draw is None:
        raise Conflict("no_inspector_draw", "本次抽查尚未完成执法检查人员抽取，不能召集")
    taken = await CallUp.filter(campaign_id=campaign.id, state__in=ACTIVE).count()
    open_places = campaign.inspectors_needed - taken
    if open_places <= 0:
        return []
    drawn = await messages.campaign_employers(campaign.id)
    employer_ids = {e.id for e in drawn}
    deadline = await worktime.reply_deadline(now, campaign.reply_hours)
    called: list[CallUp] = []
    async for entry in _uncalled(draw.id, campaign.id):
        if open_places <= 0:
            break
        staff: Staff = entry.staff  # type: ignore[assignment]  # prefetched above
        why = await _ineligible(staff, campaign, employer_ids)
        callup = await CallUp.create(
            campaign_id=campaign.id, staff_id=staff.id, draw_entry_id=entry.id,
            position=entry.position, called_at=now,
            state=CallUpState.SKIPPED if why else CallUpState.CALLED,
            reason=why or "", answered_at=now if why else None,
            reply_deadline=deadline,
            task_id=f"callup-{campaign.id}-{entry.position}-{secrets.token_hex(6)}",
            replaces_id=replaces.id if replaces and not why else None,
        )
        await audit.record(actor=actor, action="callup.skip" if why else "callup.call",
                           obj=callup, after=_snap(callup), at=now)
        if why:
            continue
        await _card(campaign, callup, staff, drawn)
        await schedule_timers(callup, now)
        called.append(callup)
        open_places -= 1
    if open_places > 0:
        await _order_exhausted(campaign, open_places, now=now, actor=actor)
    return called


async def _order_exhausted(campaign: Campaign, missing: int, *, now: dt.datetime,
                           actor: str) -> None:
    count = await CallUp.filter(campaign_id=campaign.id).count()
    await audit.record(actor=actor, action="callup.order_exhausted", obj=campaign,
                       after={"missing": missing, "callups": count}, at=now)
    await messages.send(template=messages.Template.ORDER_EXHAUSTED,
                        to=await escalation_recipients(campaign),
                        facts={"code": campaign.code, "title": campaign.title, "missing": missing},
                        key=f"campaign:{campaign.id}:exhausted:{count}", campaign=campaign)


async def start_callup(*, campaign_id: int, now: dt.datetime, actor: str) -> list[CallUp]:
    """After the inspector draw: card the first N eligible inspectors in draw order (R15)."""
    campaign = await lock_campaign(campaign_id)
    if campaign.state == CampaignState.CALLING_UP:
        return await CallUp.filter(campaign_id=campaign.id, state=CallUpState.CALLED)
    if campaign.state != CampaignState.DRAWN:
        raise Conflict("campaign_not_drawn", "只有已完成抽取的抽查任务才能召集执法检查人员")
    if not await Draw.exists(campaign_id=campaign.id, kind=DrawKind.INSPECTORS,
                             status=DrawStatus.REVEALED):
        raise Conflict("no_inspector_draw", "本次抽查尚未完成执法检查人员抽取，不能召集")
    before = audit.snapshot(campaign, ["state"])
    campaign.state = CampaignState.CALLING_UP
    await campaign.save(update_fields=["state", "updated_at"])
    await audit.record(actor=actor, action="campaign.callup_started", obj=campaign,
                       before=before, after=audit.snapshot(campaign, ["state"]), at=now)
    return await fill_places(campaign, now=now, actor=actor)


async def _own(callup_id: int, staff_id: int) -> tuple[Campaign, CallUp]:
    probe = await CallUp.get_or_none(id=callup_id)
    if probe is None or probe.staff_id != staff_id:
        raise NotFound("召集")
    campaign = await lock_campaign(probe.campaign_id)
    callup = await CallUp.get(id=callup_id)  # re-read under the campaign lock
    return campaign, callup


async def _team_formed(campaign: Campaign, *, now: dt.datetime, actor: str) -> None:
    # Counted before anyone is loaded: every accept asks, and a call-up of hundreds would
    # otherwise read every accepted inspector on each answer.
    if campaign.team_formed_at is not None or await CallUp.filter(
            campaign_id=campaign.id, state=CallUpState.ACCEPTED).count() < \
            campaign.inspectors_needed:
        return
    accepted = await CallUp.filter(campaign_id=campaign.id, state=CallUpState.ACCEPTED
                                   ).order_by("position").prefetch_related("staff")
    before = audit.snapshot(campaign, ["state", "team_formed_at"])
    campaign.team_formed_at = now
    campaign.state = CampaignState.IN_FIELD
    await campaign.save(update_fields=["team_formed_at", "state", "updated_at"])
    await audit.record(actor=actor, action="campaign.team_formed", obj=campaign, before=before,
                       after=audit.snapshot(campaign, ["state", "team_formed_at"]), at=now)
    await lifecycle.entered_field(campaign=campaign)  # R19: field work ends with its window
    facts = {"code": campaign.code, "title": campaign.title,
             "members": [c.staff.name for c in accepted],
             "employers": [e.name for e in await messages.campaign_employers(campaign.id)]}
    users = [c.staff.wecom_userid for c in accepted]
    leader = await Staff.get_or_none(id=campaign.leader_id) if campaign.leader_id else None
    await messages.send(template=messages.Template.TEAM_FORMED, to=users,
                        facts={**facts, "for_leader": False},
                        key=f"campaign:{campaign.id}:team", campaign=campaign)
    if leader:
        await messages.send(template=messages.Template.TEAM_FORMED, to=[leader.wecom_userid],
                            facts={**facts, "for_leader": True},
                            key=f"campaign:{campaign.id}:team:leader", campaign=campaign)


async def accept(*, callup_id: int, staff_id: int, now: dt.datetime, actor: str,
                 response_code: str = "") -> Answer:
    campaign, callup = await _own(callup_id, staff_id)
    if callup.state == CallUpState.ACCEPTED:
        return Answer(campaign.code, campaign.title, callup.state, repeated=True)
    if callup.state != CallUpState.CALLED:
        raise Conflict("callup_closed", f"您在 {campaign.code} 的召集已结束（{states.STATE_LABELS[callup.state]}）。")
    await _answer(campaign, callup, CallUpState.ACCEPTED, now=now, actor=actor,
                  response_code=response_code)
    if campaign.team_formed_at is not None:
        await _joined_formed_team(campaign, callup)
    await _team_formed(campaign, now=now, actor=actor)
    return Answer(campaign.code, campaign.title, CallUpState.ACCEPTED)


async def _joined_formed_team(campaign: Campaign, callup: CallUp) -> None:
    """A replacement accepted after the team was formed: tell the leader which visits lack
    people, so they assign the newcomer; assigning is the leader's decision (R16)."""
    per = max(2, campaign.inspectors_per_employer)
    visits = await Inspection.filter(
        campaigns__id=campaign.id, state__in=(InspectionState.PLANNED, InspectionState.ASSIGNED)
    ).order_by("code")
    rows = await InspectionMember.filter(  # one query, not one per visit
        inspection_id__in=[v.id for v in visits]).values_list("inspection_id", flat=True)
    members: Counter[int] = Counter(rows)  # type: ignore[arg-type]  # flat: ints, not tuples
    short = [v.code for v in visits if members[v.id] < per]
    leader = await Staff.get_or_none(id=campaign.leader_id) if campaign.leader_id else None
    staff = await Staff.get(id=callup.staff_id)
    await messages.send(
        template=messages.Template.REPLACEMENT_JOINED, campaign=campaign,
        to=[leader.wecom_userid] if leader else await escalation_recipients(campaign),
        key=f"callup:{callup.id}:joined", facts={"code": campaign.code, "name": staff.name,
                                                "short": short})


async def _answer(campaign: Campaign, callup: CallUp, state: CallUpState, *, now: dt.datetime,
                  actor: str, response_code: str, reason: str = "") -> None:
    """Record an answer (card, chat or mini-program alike): stop its timers, audit it, and grey
    out the card of the inspector called — whoever the actor (`staff:<id>` from the API)."""
    before = _snap(callup)
    callup.state, callup.answered_at = state, now
    callup.reason = reason or callup.reason
    callup.response_code = response_code or callup.response_code
    await callup.save()
    await cancel_timers(callup)
    action = "callup.accept" if state == CallUpState.ACCEPTED else "callup.decline"
    await audit.record(actor=actor, action=action, obj=callup, before=before,
                       after=_snap(callup), at=now)
    staff = await Staff.get(id=callup.staff_id)
    await messages.update_card(campaign=campaign, userid=staff.wecom_userid,
                               response_code=callup.response_code,
                               template=messages.Template.CALLUP_ANSWERED,
                               facts={"state": str(state)}, key=f"callup:{callup.id}:update")


async def hold_decline(*, callup_id: int, staff_id: int, now: dt.datetime, actor: str,
                       response_code: str) -> Answer:
    """A 因公务无法参加 click without a 事由: keep the click's code; the adapter asks for the
    reason (or says the call-up is closed: `repeated`)."""
    campaign, callup = await _own(callup_id, staff_id)
    if callup.state != CallUpState.CALLED:
        return Answer(campaign.code, campaign.title, callup.state, callup.reason, repeated=True)
    if response_code and callup.response_code != response_code:
        before = _snap(callup)
        callup.response_code = response_code
        await callup.save(update_fields=["response_code", "updated_at"])
        await audit.record(actor=actor, action="callup.decline_pending", obj=callup,
                           before=before, after=_snap(callup), at=now)
    return Answer(campaign.code, campaign.title, callup.state)


def clean_reason(reason: str) -> str:
    """A decline's or withdrawal's 事由, whitespace folded; refused when empty or too long."""
    reason = " ".join(reason.split())
    if len(reason) < 2:
        raise ValidationFailed([Problem("请说明无法参加的公务事由", field="事由")])
    if len(reason) > 200:
        raise ValidationFailed([Problem("事由请控制在 200 字以内", field="事由")])
    return reason


async def decline(*, callup_id: int, staff_id: int, reason: str, now: dt.datetime, actor: str,
                  response_code: str = "") -> Answer:
    """Decline for official duty with its 事由; the next in draw order is called at once (R15)."""
    reason = clean_reason(reason)
    campaign, callup = await _own(callup_id, staff_id)
    if callup.state == CallUpState.DECLINED:
        return Answer(campaign.code, campaign.title, callup.state, callup.reason, repeated=True)
    if callup.state != CallUpState.CALLED:
        raise Conflict("callup_closed", f"您在 {campaign.code} 的召集已结束（{states.STATE_LABELS[callup.state]}），如有变化请联系组长。")
    await _answer(campaign, callup, CallUpState.DECLINED, now=now, actor=actor,
                  response_code=response_code, reason=reason)
    await fill_places(campaign, now=now, actor=actor, replaces=callup)
    return Answer(campaign.code, campaign.title, CallUpState.DECLINED, reason)


async def my_callups(*, staff_id: int) -> list[CallUp]:
    """The caller's call-ups still in play (to answer, or accepted), oldest first."""
    return await CallUp.filter(staff_id=staff_id, state__in=ACTIVE).order_by(
        "called_at", "id").prefetch_related("campaign")


async def open_callups(staff_id: int) -> list[CallUp]:
    return await CallUp.filter(staff_id=staff_id, state=CallUpState.CALLED).order_by(
        "called_at").prefetch_related("campaign")


async def find_own(*, staff_id: int, code: str | None = None,
                   task_id: str | None = None) -> CallUp:
    """The caller's open call-up, by card task id, by campaign code, or the only one."""
    if task_id:
        callup = await CallUp.get_or_none(task_id=task_id, staff_id=staff_id)
        if callup is None:
            raise NotFound("召集")
        return callup
    return only_one(await open_callups(staff_id), code, none="您目前没有待答复的召集。",
                    many="您有多项待答复的召集（{codes}），请在命令后写明抽查编号，"
                         "例如：接受 2026-FL-003")


def only_one(rows: list[CallUp], code: str | None, *, none: str, many: str) -> CallUp:
    """The call-up a chat command means: the one of campaign `code`, or the only one; `many`
    names the candidates through {codes}. Rows come with their campaign."""
    if code:
        rows = [c for c in rows if c.campaign.code == code]
    if not rows:
        raise DomainError("no_open_callup", none, [], 404)
    if len(rows) > 1:
        raise Conflict("ambiguous_callup", many.format(
            codes="、".join(c.campaign.code for c in rows)))
    return rows[0]
