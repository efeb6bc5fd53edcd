"""Chat commands of inspectors and team leaders, and template-card clicks (R15, R16).

`dispatch` runs inside the caller's transaction and returns the text to answer with (or None).
Domain errors propagate; the caller rolls back and answers with their Chinese message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable

from bot import texts
from bot.parse import Inbound
from inspection import access, audit
from inspection.callup import assignment, recusal, withdrawal
from inspection.callup import calls as callup
from inspection.callup import leader as callup_leader
from inspection.errors import DomainError, NotFound, Problem, ValidationFailed
from models.callups import CallUp
from models.enums import CallUpState, StaffStatus
from models.fieldwork import InspectionMember
from models.org import Staff
from notifications import replies
from notifications.wecom import cards

CODE = re.compile(r"^\d{4}-[A-Za-z]+-\d+$")


def _tokens(content: str) -> list[str]:
    return content.replace("\u3000", " ").replace("：", " ").replace(":", " ").split()


def _split_code(args: list[str]) -> tuple[str | None, list[str]]:
    if args and CODE.match(args[0]):
        return args[0].upper(), args[1:]
    return None, args


def _help(staff: Staff) -> str:
    return texts.help_text(leader=staff.is_leader)


async def _tasks(staff: Staff) -> str:
    rows = await CallUp.filter(staff_id=staff.id, state__in=callup.ACTIVE
                               ).order_by("called_at").prefetch_related("campaign")
    members = await InspectionMember.filter(staff_id=staff.id).prefetch_related(
        "inspection__employer", "inspection__campaigns")
    return texts.tasks(
        [texts.CallUpTask(c.campaign.code, c.campaign.title, CallUpState(c.state),
                          c.reply_deadline) for c in rows],
        [texts.VisitTask(m.inspection.code, m.inspection.employer.name,
                         m.inspection.window_start, m.inspection.window_end) for m in members
         # R14 (one rule): a visit shows when the reader may know one of its campaigns.
         if any(access.sees_employers(c, staff=staff) for c in m.inspection.campaigns)])


async def _decline_text(staff: Staff, args: list[str], now: dt.datetime, actor: str) -> str:
    code, rest = _split_code(args)
    if not rest:
        raise ValidationFailed([Problem(texts.REASON_MISSING, field="事由")],
                               message=texts.REASON_MISSING)
    try:
        own = await callup.find_own(staff_id=staff.id, code=code)
    except DomainError as exc:
        if exc.code != "no_open_callup":
            raise
        # Nothing to answer: an accepted call-up is withdrawn by the same words (R15).
        accepted = await withdrawal.find_withdrawable(staff_id=staff.id, code=code)
        return replies.withdrawn(await withdrawal.withdraw(
            callup_id=accepted.id, staff_id=staff.id, reason=" ".join(rest), now=now,
            actor=actor))
    return replies.declined(await callup.decline(
        callup_id=own.id, staff_id=staff.id, reason=" ".join(rest), now=now, actor=actor))


async def _accept_text(staff: Staff, args: list[str], now: dt.datetime, actor: str) -> str:
    code, _ = _split_code(args)
    own = await callup.find_own(staff_id=staff.id, code=code)
    return replies.accepted(await callup.accept(callup_id=own.id, staff_id=staff.id, now=now,
                                                actor=actor))


async def _recusal_text(staff: Staff, args: list[str], now: dt.datetime, actor: str) -> str:
    if len(args) < 2:
        raise ValidationFailed([Problem(texts.usage(texts.USAGE["回避"]))],
                               message=texts.usage(texts.USAGE["回避"]))
    _, effect = await recusal.declare_own(staff=staff, inspection_code=args[0].upper(),
                                          reason=" ".join(args[1:]), now=now, actor=actor)
    return replies.recused(effect)


LeaderCmd = Callable[[int, int, list[str], dt.datetime, str], Awaitable[str]]


def _need(args: list[str], n: int, usage: str) -> None:
    if len(args) < n:
        raise ValidationFailed([Problem(texts.usage(usage))], message=texts.usage(usage))


async def _progress(cid: int, sid: int, args: list[str], now: dt.datetime, actor: str) -> str:
    return replies.progress(await callup_leader.progress(campaign=await callup.lock_campaign(cid)))


async def _roster(cid: int, sid: int, args: list[str], now: dt.datetime, actor: str) -> str:
    return replies.roster(await callup_leader.roster(campaign=await callup.lock_campaign(cid)))


async def _assign(cid: int, sid: int, args: list[str], now: dt.datetime, actor: str) -> str:
    _need(args, 3, texts.USAGE["分配"])
    return replies.assigned(await assignment.assign(
        campaign_id=cid, leader_id=sid, target=args[0], names=args[1:], now=now, actor=actor))


async def _auto(cid: int, sid: int, args: list[str], now: dt.datetime, actor: str) -> str:
    return replies.proposed(await assignment.auto_assign(campaign_id=cid, leader_id=sid, now=now,
                                                         actor=actor))


async def _chase(cid: int, sid: int, args: list[str], now: dt.datetime, actor: str) -> str:
    _need(args, 1, texts.USAGE["催办"])
    return replies.chased(await callup_leader.chase(campaign_id=cid, leader_id=sid, name=args[0],
                                                    now=now, actor=actor))


async def _substitute(cid: int, sid: int, args: list[str], now: dt.datetime, actor: str) -> str:
    _need(args, 1, texts.USAGE["递补"])
    return replies.substituted(await callup_leader.substitute(
        campaign_id=cid, leader_id=sid, name=args[0], now=now, actor=actor))


async def _extend(cid: int, sid: int, args: list[str], now: dt.datetime, actor: str) -> str:
    _need(args, 1, texts.USAGE["延期"])
    if not args[-1].isdigit():
        raise ValidationFailed([Problem(texts.usage(texts.EXTEND_HOURS))],
                               message=texts.usage(texts.EXTEND_HOURS))
    name = args[0] if len(args) > 1 else None
    return replies.extended(await callup_leader.extend(
        campaign_id=cid, leader_id=sid, hours=int(args[-1]), name=name, now=now, actor=actor))


LEADER: dict[str, LeaderCmd] = {
    "进度": _progress, "名单": _roster, "分配": _assign, "自动分配": _auto,
    "催办": _chase, "递补": _substitute, "延期": _extend,
}


async def _card_click(staff: Staff, msg: Inbound, now: dt.datetime, actor: str) -> str | None:
    confirming = cards.parse_confirm_key(msg.event_key)
    if confirming is not None:
        cid, fingerprint = confirming
        if not cid.isdigit():
            raise NotFound("分配方案")
        return replies.confirmed(await assignment.confirm(
            campaign_id=int(cid), leader_id=staff.id, fingerprint=fingerprint, now=now,
            actor=actor, response_code=msg.response_code))
    own = await callup.find_own(staff_id=staff.id, task_id=msg.task_id)
    if msg.event_key == cards.ACCEPT:
        await callup.accept(callup_id=own.id, staff_id=staff.id, now=now, actor=actor,
                            response_code=msg.response_code)
        return None  # the updated card is the answer
    if msg.event_key == cards.DECLINE:
        choice = (msg.selected.get(cards.REASON_QUESTION) or [cards.OTHER])[0]
        if choice in cards.REASONS and choice != cards.OTHER:
            await callup.decline(callup_id=own.id, staff_id=staff.id, reason=cards.REASONS[choice],
                                 now=now, actor=actor, response_code=msg.response_code)
            return None
        return replies.reason_needed(await callup.hold_decline(
            callup_id=own.id, staff_id=staff.id, now=now, actor=actor,
            response_code=msg.response_code))
    return None


async def _pending_decline(staff: Staff) -> CallUp | None:
    """A 因公务无法参加 click waiting for its 事由 (the click's response code is kept)."""
    rows = [c for c in await callup.open_callups(staff.id) if c.response_code]
    return rows[0] if len(rows) == 1 else None


async def dispatch(msg: Inbound, *, now: dt.datetime) -> str | None:
    staff = await Staff.get_or_none(wecom_userid=msg.from_user, status=StaffStatus.ACTIVE)
    if staff is None:
        return texts.UNKNOWN_USER if msg.msg_type == "text" else None
    actor = audit.wecom_actor(msg.from_user)
    if msg.msg_type == "event":
        if msg.event == "template_card_event":
            return await _card_click(staff, msg, now, actor)
        return None  # enter_agent, subscribe, …: nothing to do
    if msg.msg_type != "text":
        return texts.with_help(texts.ONLY_TEXT, leader=staff.is_leader)
    words = _tokens(msg.content)
    if not words:
        return _help(staff)
    head, args = words[0], words[1:]
    if head.startswith("公务") and len(head) > 2:  # 公务区里开会 without a space
        head, args = "公务", [head[2:], *args]
    if head == "接受":
        return await _accept_text(staff, args, now, actor)
    if head == "公务":
        return await _decline_text(staff, args, now, actor)
    if head == "任务":
        return await _tasks(staff)
    if head == "回避":
        return await _recusal_text(staff, args, now, actor)
    if head == "帮助":
        return _help(staff)
    if head in LEADER:
        code, rest = _split_code(args)
        campaign = await callup_leader.leader_campaign(staff_id=staff.id, code=code)
        return await LEADER[head](campaign.id, staff.id, rest, now, actor)
    pending = await _pending_decline(staff)
    if pending is not None:
        return replies.declined(await callup.decline(
            callup_id=pending.id, staff_id=staff.id, reason=msg.content, now=now, actor=actor))
    return texts.with_help(texts.UNRECOGNISED, leader=staff.is_leader)
