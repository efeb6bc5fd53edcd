"""Reply deadlines and the team leader's side of the call-up (R15, R16).

Timers carry the deadline they were set for: after a 延期 the old timers find a different
deadline and do nothing, so no timer row ever needs to be found and deleted.
"""

from __future__ import annotations

import datetime as dt

from inspection import audit, messages
from inspection.callup.calls import (
    STATE_LABELS,
    _snap,
    cancel_timers,
    escalation_recipients,
    fill_places,
    fmt,
    lock_campaign,
    schedule_timers,
)
from inspection.clock import BEIJING
from inspection.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from models.callups import CallUp
from models.campaigns import Campaign
from models.enums import CallUpState, CampaignState
from models.fieldwork import Inspection, InspectionMember
from models.org import Staff

LEADER_STATES = (CampaignState.CALLING_UP, CampaignState.IN_FIELD)
MAX_EXTENSION_HOURS = 168


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
    await audit.record(actor="system", action=action, obj=callup, before=before,
                       after=_snap(callup), at=now)


async def remind(*, callup_id: int, deadline: str, now: dt.datetime) -> None:
    target = await _timer_target(callup_id, deadline)
    if target is None:
        return
    campaign, callup = target
    staff = await Staff.get(id=callup.staff_id)
    await _stamp(callup, "reminded_at", "callup.remind", now)
    await messages.send_text(
        to=[staff.wecom_userid], campaign=campaign,
        key=f"callup:{callup.id}:remind:{int(callup.reply_deadline.timestamp())}",
        content=(f"提醒：您被抽取参加 {campaign.code}（{campaign.title}），请于 "
                 f"{fmt(callup.reply_deadline)} 前答复。回复“接受”，或“公务 事由”。"))


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
    await messages.send_text(
        to=to, campaign=campaign,
        key=f"callup:{callup.id}:escalate:{int(callup.reply_deadline.timestamp())}",
        content=(f"【{campaign.code}】{staff.name} 未在 {fmt(callup.reply_deadline)} 前答复召集。"
                 f"请回复“递补 {staff.name}”由下一位递补，或“延期 {staff.name} 24”延长答复期限（小时）。"))


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


async def _named_callup(campaign: Campaign, name: str) -> CallUp:
    matches = await CallUp.filter(campaign_id=campaign.id, staff__name=name).prefetch_related("staff")
    if not matches:
        raise NotFound(f"本次召集中的“{name}”")
    return matches[0]


async def substitute(*, campaign_id: int, leader_id: int, name: str, now: dt.datetime,
                     actor: str) -> str:
    """递补: the leader replaces an inspector who let the deadline pass (R15)."""
    campaign = await lock_campaign(campaign_id)
    if campaign.leader_id != leader_id:
        raise Forbidden("只有本次抽查的组长可以递补。", code="not_leader")
    callup = await _named_callup(campaign, name)
    if callup.state != CallUpState.CALLED:
        raise Conflict("callup_closed", f"{name} 的召集已结束（{STATE_LABELS[callup.state]}），无需递补。")
    if now < callup.reply_deadline:
        raise Conflict("deadline_not_passed",
                       f"{name} 的答复期限（{fmt(callup.reply_deadline)}）未到，暂不能递补。")
    before = _snap(callup)
    callup.state, callup.answered_at = CallUpState.REPLACED, now
    callup.reason = "逾期未答复，组长决定递补"
    await callup.save()
    await cancel_timers(callup)
    await audit.record(actor=actor, action="callup.replace", obj=callup, before=before,
                       after=_snap(callup), at=now)
    await messages.send_text(to=[callup.staff.wecom_userid], campaign=campaign,
                             key=f"callup:{callup.id}:replaced",
                             content=f"您未在期限内答复 {campaign.code} 的召集，组长已安排递补。")
    called = await fill_places(campaign, now=now, actor=actor, replaces=callup)
    names = "、".join([(await Staff.get(id=c.staff_id)).name for c in called]) or "无（顺序已用尽）"
    return f"已递补：{name} → {names}。"


async def extend(*, campaign_id: int, leader_id: int, hours: int, name: str | None,
                 now: dt.datetime, actor: str) -> str:
    """延期: a new reply deadline `hours` from now for one waiting inspector, or all overdue."""
    if not 1 <= hours <= MAX_EXTENSION_HOURS:
        raise ValidationFailed([Problem(f"延期小时数应为 1 至 {MAX_EXTENSION_HOURS}", field="小时")])
    campaign = await lock_campaign(campaign_id)
    if campaign.leader_id != leader_id:
        raise Forbidden("只有本次抽查的组长可以延期。", code="not_leader")
    if name:
        targets = [await _named_callup(campaign, name)]
        if targets[0].state != CallUpState.CALLED:
            raise Conflict("callup_closed", f"{name} 的召集已结束（{STATE_LABELS[targets[0].state]}）。")
    else:
        targets = await CallUp.filter(campaign_id=campaign.id, state=CallUpState.CALLED,
                                      # SQLite compares stored local-time text: match its zone
                                      reply_deadline__lte=now.astimezone(BEIJING)
                                      ).prefetch_related("staff")
        if not targets:
            return "目前没有逾期未答复的人员。"
    for callup in targets:
        before = _snap(callup)
        await cancel_timers(callup)
        callup.reply_deadline = now + dt.timedelta(hours=hours)
        callup.reminded_at = callup.escalated_at = None
        await callup.save()
        await audit.record(actor=actor, action="callup.extend", obj=callup, before=before,
                           after=_snap(callup), at=now)
        await schedule_timers(callup, now)
        await messages.send_text(
            to=[callup.staff.wecom_userid], campaign=campaign,
            key=f"callup:{callup.id}:extended:{int(callup.reply_deadline.timestamp())}",
            content=(f"组长已将 {campaign.code} 的答复期限延至 {fmt(callup.reply_deadline)}。"
                     "请回复“接受”，或“公务 事由”。"))
    names = "、".join(c.staff.name for c in targets)
    return f"已延期 {hours} 小时：{names}。"


async def chase(*, campaign_id: int, leader_id: int, name: str, now: dt.datetime,
                actor: str) -> str:
    """催办: the leader nudges a waiting inspector."""
    campaign = await lock_campaign(campaign_id)
    if campaign.leader_id != leader_id:
        raise Forbidden("只有本次抽查的组长可以催办。", code="not_leader")
    callup = await _named_callup(campaign, name)
    if callup.state != CallUpState.CALLED:
        raise Conflict("callup_closed", f"{name} 已答复（{STATE_LABELS[callup.state]}），无需催办。")
    await audit.record(actor=actor, action="callup.chase", obj=callup, after=_snap(callup), at=now)
    await messages.send_text(
        to=[callup.staff.wecom_userid], campaign=campaign,
        key=f"callup:{callup.id}:chase:{int(now.timestamp())}",
        content=(f"组长催办：请尽快答复 {campaign.code}（{campaign.title}）的召集，期限 "
                 f"{fmt(callup.reply_deadline)}。回复“接受”，或“公务 事由”。"))
    return f"已催办 {name}。"


async def progress(*, campaign: Campaign) -> str:
    """进度: accepted, declined with reasons, waiting, skipped (never names employers)."""
    rows = await CallUp.filter(campaign_id=campaign.id).order_by("position").prefetch_related("staff")
    accepted = [c.staff.name for c in rows if c.state == CallUpState.ACCEPTED]
    waiting = [f"{c.staff.name}（期限 {fmt(c.reply_deadline)}）" for c in rows
               if c.state == CallUpState.CALLED]
    declined = [f"{c.staff.name}：{c.reason}" for c in rows if c.state == CallUpState.DECLINED]
    other = [f"{c.staff.name}（{STATE_LABELS[c.state]}：{c.reason}）" for c in rows
             if c.state in (CallUpState.SKIPPED, CallUpState.REPLACED)]
    lines = [f"【{campaign.code} {campaign.title}】需 {campaign.inspectors_needed} 人，"
             f"已接受 {len(accepted)} 人" + ("，检查组已组成" if campaign.team_formed_at else ""),
             "已接受：" + ("、".join(accepted) or "—"),
             "待答复：" + ("、".join(waiting) or "—"),
             "因公务无法参加：" + ("；".join(declined) or "—")]
    if other:
        lines.append("跳过/递补：" + "；".join(other))
    return "\n".join(lines)


async def roster(*, campaign: Campaign) -> str:
    """名单: the team and, once assigned, who goes where."""
    rows = await CallUp.filter(campaign_id=campaign.id).order_by("position").prefetch_related("staff")
    lines = [f"【{campaign.code}】召集名单（按抽取顺序）："]
    lines += [f"{c.position}. {c.staff.name} {STATE_LABELS[c.state]}" for c in rows]
    if messages.reveal_employers(campaign):
        inspections = await Inspection.filter(campaigns__id=campaign.id).order_by("code"
                                                                                  ).prefetch_related("employer")
        for insp in inspections:
            members = await InspectionMember.filter(inspection_id=insp.id).prefetch_related("staff")
            names = "、".join(m.staff.name for m in members) or "未分配"
            lines.append(f"{insp.code} {insp.employer.name}：{names}")
    return "\n".join(lines)
