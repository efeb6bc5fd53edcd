"""Reply deadlines and the team leader's side of the call-up (R15, R16).

Timers carry the deadline they were set for: after a 延期 the old timers find a different
deadline and do nothing, so no timer row ever needs to be found and deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from inspection import audit, messages, worktime
from inspection.callup.assignment import Team
from inspection.callup.calls import (
    _snap,
    cancel_timers,
    escalation_recipients,
    fill_places,
    lock_campaign,
    schedule_timers,
)
from inspection.callup.states import STATE_LABELS
from inspection.clock import BEIJING, short_time
from inspection.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from models.callups import CallUp
from models.campaigns import Campaign
from models.enums import CallUpState, CampaignState
from models.fieldwork import Inspection, InspectionMember
from models.org import Staff

LEADER_STATES = (CampaignState.CALLING_UP, CampaignState.IN_FIELD)
MAX_EXTENSION_HOURS = 168


@dataclass(frozen=True)
class Called:
    """One call-up, in draw order."""

    position: int
    name: str
    state: CallUpState
    reason: str
    deadline: dt.datetime


@dataclass(frozen=True)
class Overview:
    """进度 and 名单: the call-up in draw order and, for 名单 once employers may be named, who
    inspects which employer (`teams`; None while they stay secret, R14)."""

    code: str
    title: str
    needed: int
    team_formed: bool
    called: list[Called]
    teams: list[Team] | None = None


@dataclass(frozen=True)
class Substitution:
    """递补: who was replaced, and who was called instead (none when the order ran out)."""

    name: str
    called: list[str]


@dataclass(frozen=True)
class Extension:
    """延期: the new reply deadline of these people (none: nobody was overdue)."""

    hours: int
    names: list[str]
    deadline: dt.datetime


async def _timer_target(callup_id: int, deadline: str) -> tuple[Campaign, CallUp] | None:
    probe = await CallUp.get_or_none(id=callup_id)
    if probe is None:
        return None
    campaign = await lock_campaign(probe.campaign_id)
    callup = await CallUp.get(id=callup_id)
    moved = abs((callup.reply_deadline - dt.datetime.fromisoformat(deadline)).total_seconds()) >= 1
    if callup.state != CallUpState.CALLED or moved:
        return None  # answered, replaced or extended since the timer was set
    return campaign, callup


async def _stamp(callup: CallUp, field: str, action: str, now: dt.datetime) -> None:
    """A timer fired for this call-up: note when, and audit it."""
    before = _snap(callup)
    setattr(callup, field, now)
    await callup.save(update_fields=[field, "updated_at"])
    await audit.record(actor=audit.SYSTEM, action=action, obj=callup, before=before,
                       after=_snap(callup), at=now)


async def remind(*, callup_id: int, deadline: str, now: dt.datetime) -> None:
    target = await _timer_target(callup_id, deadline)
    if target is None:
        return
    campaign, callup = target
    staff = await Staff.get(id=callup.staff_id)
    await _stamp(callup, "reminded_at", "callup.remind", now)
    await messages.send(
        template=messages.Template.CALLUP_REMINDER, to=[staff.wecom_userid], campaign=campaign,
        key=f"callup:{callup.id}:remind:{int(callup.reply_deadline.timestamp())}",
        facts={"code": campaign.code, "title": campaign.title,
               "deadline": callup.reply_deadline.isoformat()})


async def deadline_passed(*, callup_id: int, deadline: str, now: dt.datetime) -> None:
    target = await _timer_target(callup_id, deadline)
    if target is None:
        return
    campaign, callup = target
    staff = await Staff.get(id=callup.staff_id)
    await _stamp(callup, "escalated_at", "callup.escalate", now)
    leader = await Staff.get_or_none(id=campaign.leader_id) if campaign.leader_id else None
    # Without a leader, the initiating section decides instead.
    to = [leader.wecom_userid] if leader else await escalation_recipients(campaign)
    await messages.send(
        template=messages.Template.CALLUP_ESCALATION, to=to, campaign=campaign,
        key=f"callup:{callup.id}:escalate:{int(callup.reply_deadline.timestamp())}",
        facts={"code": campaign.code, "name": staff.name,
               "deadline": callup.reply_deadline.isoformat()})


async def leader_campaign(*, staff_id: int, code: str | None) -> Campaign:
    """The campaign a leader's command is about: the one named, or the only one they lead."""
    query = Campaign.filter(leader_id=staff_id, state__in=LEADER_STATES)
    if code:
        campaign = await Campaign.get_or_none(code=code)
        if campaign is None:
            raise NotFound("抽查任务")
        if campaign.leader_id != staff_id:
            raise Forbidden(f"只有 {campaign.code} 的组长可以使用此命令。", code="not_leader")
        return campaign
    led = await query.order_by("field_start")
    if not led:
        raise Forbidden("您目前不是任何召集中或实施中抽查任务的组长，不能使用此命令。",
                        code="not_leader")
    if len(led) > 1:
        codes = "、".join(c.code for c in led)
        raise Conflict("ambiguous_campaign", f"您正带领多项抽查（{codes}），请在命令后写明抽查编号，"
                       f"例如：进度 {led[0].code}")
    return led[0]


async def _named_callup(campaign: Campaign, who: str, example: str) -> CallUp:
    """The one call-up a leader's command names: by name when it is unique in this call-up, or
    by its number in the draw order (as 进度 and 名单 list them). Two people of one name are
    listed numbered and nobody is picked: acting on the wrong 张伟 cannot be undone. `example`
    is the command to show, with {} where the number goes."""
    who = who.strip()
    if who.isdigit():
        found = await CallUp.get_or_none(campaign_id=campaign.id, position=int(who)
                                         ).prefetch_related("staff")
        if found is None:
            raise NotFound(f"本次召集中序号为 {who} 的人员")
        return found
    matches = await CallUp.filter(campaign_id=campaign.id, staff__name=who).order_by(
        "position").prefetch_related("staff__section")
    if not matches:
        raise NotFound(f"本次召集中的“{who}”")
    if len(matches) > 1:
        listed = "\n".join(f"{c.position}. {who}（{c.staff.section.name}，{STATE_LABELS[c.state]}）"
                           for c in matches)
        raise Conflict("ambiguous_name", f"本次召集中有 {len(matches)} 位“{who}”：\n{listed}\n"
                       "请用序号指明，例如：" + example.format(matches[0].position))
    return matches[0]


async def substitute(*, campaign_id: int, leader_id: int, name: str, now: dt.datetime,
                     actor: str) -> Substitution:
    """递补: the leader replaces an inspector who let the deadline pass (R15)."""
    campaign = await lock_campaign(campaign_id)
    if campaign.leader_id != leader_id:
        raise Forbidden("只有本次抽查的组长可以递补。", code="not_leader")
    callup = await _named_callup(campaign, name, "递补 {}")
    name = callup.staff.name
    if callup.state != CallUpState.CALLED:
        raise Conflict("callup_closed", f"{name} 的召集已结束（{STATE_LABELS[callup.state]}），无需递补。")
    if now < callup.reply_deadline:
        raise Conflict("deadline_not_passed",
                       f"{name} 的答复期限（{short_time(callup.reply_deadline)}）未到，暂不能递补。")
    before = _snap(callup)
    callup.state, callup.answered_at = CallUpState.REPLACED, now
    callup.reason = "逾期未答复，组长决定递补"
    await callup.save()
    await cancel_timers(callup)
    await audit.record(actor=actor, action="callup.replace", obj=callup, before=before,
                       after=_snap(callup), at=now)
    await messages.send(template=messages.Template.CALLUP_REPLACED,
                        to=[callup.staff.wecom_userid], campaign=campaign,
                        key=f"callup:{callup.id}:replaced", facts={"code": campaign.code})
    called = await fill_places(campaign, now=now, actor=actor, replaces=callup)
    return Substitution(name, [(await Staff.get(id=c.staff_id)).name for c in called])


async def extend(*, campaign_id: int, leader_id: int, hours: int, name: str | None,
                 now: dt.datetime, actor: str) -> Extension:
    """延期: `hours` more for one waiting inspector, counted from their current deadline (from now
    once it has passed), so a 延期 never shortens anyone's time; or for everyone overdue. The new
    deadline falls in office hours on a working day (inspection.worktime)."""
    if not 1 <= hours <= MAX_EXTENSION_HOURS:
        raise ValidationFailed([Problem(f"延期小时数应为 1 至 {MAX_EXTENSION_HOURS}", field="小时")])
    campaign = await lock_campaign(campaign_id)
    if campaign.leader_id != leader_id:
        raise Forbidden("只有本次抽查的组长可以延期。", code="not_leader")
    if name:
        targets = [await _named_callup(campaign, name, f"延期 {{}} {hours}")]
        if targets[0].state != CallUpState.CALLED:
            raise Conflict("callup_closed", f"{targets[0].staff.name} 的召集已结束"
                           f"（{STATE_LABELS[targets[0].state]}）。")
    else:
        targets = await CallUp.filter(campaign_id=campaign.id, state=CallUpState.CALLED,
                                      # SQLite compares stored local-time text: match its zone
                                      reply_deadline__lte=now.astimezone(BEIJING)
                                      ).prefetch_related("staff")
        if not targets:
            return Extension(hours, [], await worktime.reply_deadline(now, hours))
    deadline = now
    for callup in targets:
        before = _snap(callup)
        await cancel_timers(callup)
        deadline = await worktime.reply_deadline(max(callup.reply_deadline, now), hours)
        callup.reply_deadline = deadline
        callup.reminded_at = callup.escalated_at = None
        await callup.save()
        await audit.record(actor=actor, action="callup.extend", obj=callup, before=before,
                           after=_snap(callup), at=now)
        await schedule_timers(callup, now)
        await messages.send(
            template=messages.Template.CALLUP_EXTENDED, to=[callup.staff.wecom_userid],
            campaign=campaign,
            key=f"callup:{callup.id}:extended:{int(callup.reply_deadline.timestamp())}",
            facts={"code": campaign.code, "deadline": callup.reply_deadline.isoformat()})
    return Extension(hours, [c.staff.name for c in targets], deadline)


async def chase(*, campaign_id: int, leader_id: int, name: str, now: dt.datetime,
                actor: str) -> Called:
    """催办: the leader nudges a waiting inspector; returns whom."""
    campaign = await lock_campaign(campaign_id)
    if campaign.leader_id != leader_id:
        raise Forbidden("只有本次抽查的组长可以催办。", code="not_leader")
    callup = await _named_callup(campaign, name, "催办 {}")
    name = callup.staff.name
    if callup.state != CallUpState.CALLED:
        raise Conflict("callup_closed", f"{name} 已答复（{STATE_LABELS[callup.state]}），无需催办。")
    await audit.record(actor=actor, action="callup.chase", obj=callup, after=_snap(callup), at=now)
    await messages.send(
        template=messages.Template.CALLUP_CHASE, to=[callup.staff.wecom_userid],
        campaign=campaign, key=f"callup:{callup.id}:chase:{int(now.timestamp())}",
        facts={"code": campaign.code, "title": campaign.title,
               "deadline": callup.reply_deadline.isoformat()})
    return Called(callup.position, callup.staff.name, CallUpState(callup.state), callup.reason,
                  callup.reply_deadline)


async def _called(campaign: Campaign) -> list[Called]:
    rows = await CallUp.filter(campaign_id=campaign.id).order_by("position").prefetch_related("staff")
    return [Called(c.position, c.staff.name, CallUpState(c.state), c.reason, c.reply_deadline)
            for c in rows]


async def progress(*, campaign: Campaign) -> Overview:
    """进度: accepted, declined with reasons, waiting, skipped (never names employers)."""
    return Overview(campaign.code, campaign.title, campaign.inspectors_needed,
                    campaign.team_formed_at is not None, await _called(campaign))


async def roster(*, campaign: Campaign) -> Overview:
    """名单: the call-up in draw order and, once employers may be named, who goes where."""
    teams = None
    if messages.reveal_employers(campaign):  # R14
        teams = []
        inspections = await Inspection.filter(campaigns__id=campaign.id).order_by(
            "code").prefetch_related("employer")
        for insp in inspections:
            members = await InspectionMember.filter(inspection_id=insp.id).order_by(
                "id").prefetch_related("staff")
            teams.append(Team(insp.code, insp.employer.name, [m.staff.name for m in members]))
    return Overview(campaign.code, campaign.title, campaign.inspectors_needed,
                    campaign.team_formed_at is not None, await _called(campaign), teams)
