"""Chat commands of inspectors and team leaders, and template-card clicks (R15, R16).

`dispatch` runs inside the caller's transaction and returns the text to answer with (or None).
Domain errors propagate; the caller rolls back and answers with their Chinese message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable

from bot.parse import Inbound
from inspection import messages
from inspection.callup import assignment, cards
from inspection.callup import calls as callup
from inspection.callup import leader as callup_leader
from inspection.errors import NotFound, Problem, ValidationFailed
from models.callups import CallUp
from models.enums import CallUpState, StaffStatus
from models.fieldwork import InspectionMember
from models.org import Staff

CODE = re.compile(r"^\d{4}-[A-Za-z]+-\d+$")

HELP_INSPECTOR = ("执法检查人员可用命令：\n"
                  "接受 —— 接受召集\n"
                  "公务 事由 —— 因公务无法参加，例如：公务 参加区政府专题会议\n"
                  "任务 —— 查看我的召集和检查任务\n"
                  "帮助 —— 显示本说明\n"
                  "有多项召集时，在命令后写抽查编号，例如：接受 2026-FL-003")
HELP_LEADER = ("\n\n组长可用命令（可在命令后写抽查编号）：\n"
               "进度 —— 接受、无法参加（含事由）、待答复情况\n"
               "名单 —— 召集名单及分工\n"
               "分配 检查编号或单位 姓名 姓名 —— 指定检查人员\n"
               "自动分配 —— 生成分工方案（每家至少两人、避开回避情形）\n"
               "催办 姓名 —— 提醒未答复人员\n"
               "递补 姓名 —— 逾期未答复时由下一位递补\n"
               "延期 [姓名] 小时 —— 延长答复期限")
UNKNOWN_USER = "您不在本系统人员名录中，如有疑问请联系政策法规科。"


def _tokens(content: str) -> list[str]:
    return content.replace("\u3000", " ").replace("：", " ").replace(":", " ").split()


def _split_code(args: list[str]) -> tuple[str | None, list[str]]:
    if args and CODE.match(args[0]):
        return args[0].upper(), args[1:]
    return None, args


async def _help(staff: Staff) -> str:
    return HELP_INSPECTOR + (HELP_LEADER if staff.is_leader else "")


async def _tasks(staff: Staff) -> str:
    rows = await CallUp.filter(staff_id=staff.id, state__in=callup.ACTIVE
                               ).order_by("called_at").prefetch_related("campaign")
    if not rows:
        return "您目前没有召集或检查任务。"
    lines = []
    for c in rows:
        line = f"{c.campaign.code} {c.campaign.title}：{callup.STATE_LABELS[c.state]}"
        if c.state == CallUpState.CALLED:
            line += f"（请于 {callup.fmt(c.reply_deadline)} 前答复）"
        lines.append(line)
    members = await InspectionMember.filter(staff_id=staff.id).prefetch_related(
        "inspection__employer", "inspection__campaigns")
    for m in members:
        campaigns = list(m.inspection.campaigns)
        # R14: an assignment exists only after the team is formed, but check anyway.
        if all(messages.reveal_employers(c) for c in campaigns):
            lines.append(f"检查 {m.inspection.code} {m.inspection.employer.name}"
                         f"（{m.inspection.window_start:%m-%d} 至 {m.inspection.window_end:%m-%d}）")
    return "\n".join(lines)


async def _decline_text(staff: Staff, args: list[str], now: dt.datetime, actor: str) -> str:
    code, rest = _split_code(args)
    if not rest:
        raise ValidationFailed([Problem("请说明事由，例如：公务 参加区政府专题会议", field="事由")],
                               message="请说明事由，例如：公务 参加区政府专题会议")
    own = await callup.find_own(staff_id=staff.id, code=code)
    return await callup.decline(callup_id=own.id, staff_id=staff.id, reason=" ".join(rest),
                                now=now, actor=actor)


async def _accept_text(staff: Staff, args: list[str], now: dt.datetime, actor: str) -> str:
    code, _ = _split_code(args)
    own = await callup.find_own(staff_id=staff.id, code=code)
    return await callup.accept(callup_id=own.id, staff_id=staff.id, now=now, actor=actor)


LeaderCmd = Callable[[int, int, list[str], dt.datetime, str], Awaitable[str]]


def _need(args: list[str], n: int, usage: str) -> None:
    if len(args) < n:
        raise ValidationFailed([Problem(f"用法：{usage}")], message=f"用法：{usage}")


async def _progress(cid: int, sid: int, args: list[str], now: dt.datetime, actor: str) -> str:
    return await callup_leader.progress(campaign=await callup.lock_campaign(cid))


async def _roster(cid: int, sid: int, args: list[str], now: dt.datetime, actor: str) -> str:
    return await callup_leader.roster(campaign=await callup.lock_campaign(cid))


async def _assign(cid: int, sid: int, args: list[str], now: dt.datetime, actor: str) -> str:
    _need(args, 3, "分配 检查编号或单位 姓名 姓名")
    return await assignment.assign(campaign_id=cid, leader_id=sid, target=args[0],
                                   names=args[1:], now=now, actor=actor)


async def _auto(cid: int, sid: int, args: list[str], now: dt.datetime, actor: str) -> str:
    return await assignment.auto_assign(campaign_id=cid, leader_id=sid, now=now, actor=actor)


async def _chase(cid: int, sid: int, args: list[str], now: dt.datetime, actor: str) -> str:
    _need(args, 1, "催办 姓名")
    return await callup_leader.chase(campaign_id=cid, leader_id=sid, name=args[0], now=now,
                                     actor=actor)


async def _substitute(cid: int, sid: int, args: list[str], now: dt.datetime, actor: str) -> str:
    _need(args, 1, "递补 姓名")
    return await callup_leader.substitute(campaign_id=cid, leader_id=sid, name=args[0], now=now,
                                          actor=actor)


async def _extend(cid: int, sid: int, args: list[str], now: dt.datetime, actor: str) -> str:
    _need(args, 1, "延期 [姓名] 小时")
    if not args[-1].isdigit():
        raise ValidationFailed([Problem("用法：延期 [姓名] 小时，例如：延期 张三 24")],
                               message="用法：延期 [姓名] 小时，例如：延期 张三 24")
    name = args[0] if len(args) > 1 else None
    return await callup_leader.extend(campaign_id=cid, leader_id=sid, hours=int(args[-1]),
                                      name=name, now=now, actor=actor)


LEADER: dict[str, LeaderCmd] = {
    "进度": _progress, "名单": _roster, "分配": _assign, "自动分配": _auto,
    "催办": _chase, "递补": _substitute, "延期": _extend,
}


async def _card_click(staff: Staff, msg: Inbound, now: dt.datetime, actor: str) -> str | None:
    if msg.event_key.startswith("assign:"):
        _, cid, fingerprint = [*msg.event_key.split(":"), "", ""][:3]
        if not cid.isdigit():
            raise NotFound("分配方案")
        return await assignment.confirm(campaign_id=int(cid), leader_id=staff.id,
                                        fingerprint=fingerprint, now=now, actor=actor,
                                        response_code=msg.response_code)
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
        return await callup.hold_decline(callup_id=own.id, staff_id=staff.id, now=now,
                                         actor=actor, response_code=msg.response_code)
    return None


async def _pending_decline(staff: Staff) -> CallUp | None:
    """A 因公务无法参加 click waiting for its 事由 (the click's response code is kept)."""
    rows = [c for c in await callup.open_callups(staff.id) if c.response_code]
    return rows[0] if len(rows) == 1 else None


async def dispatch(msg: Inbound, *, now: dt.datetime) -> str | None:
    staff = await Staff.get_or_none(wecom_userid=msg.from_user, status=StaffStatus.ACTIVE)
    if staff is None:
        return UNKNOWN_USER if msg.msg_type == "text" else None
    actor = f"wecom:{msg.from_user}"
    if msg.msg_type == "event":
        if msg.event == "template_card_event":
            return await _card_click(staff, msg, now, actor)
        return None  # enter_agent, subscribe, …: nothing to do
    if msg.msg_type != "text":
        return "目前只支持文字命令。" + "\n\n" + await _help(staff)
    words = _tokens(msg.content)
    if not words:
        return await _help(staff)
    head, args = words[0], words[1:]
    if head.startswith("公务") and len(head) > 2:  # 公务区里开会 without a space
        head, args = "公务", [head[2:], *args]
    if head == "接受":
        return await _accept_text(staff, args, now, actor)
    if head == "公务":
        return await _decline_text(staff, args, now, actor)
    if head == "任务":
        return await _tasks(staff)
    if head == "帮助":
        return await _help(staff)
    if head in LEADER:
        code, rest = _split_code(args)
        campaign = await callup_leader.leader_campaign(staff_id=staff.id, code=code)
        return await LEADER[head](campaign.id, staff.id, rest, now, actor)
    pending = await _pending_decline(staff)
    if pending is not None:
        return await callup.decline(callup_id=pending.id, staff_id=staff.id,
                                    reason=msg.content, now=now, actor=actor)
    return "未能识别的命令。\n\n" + await _help(staff)
