"""The words for what became of someone's own action on the call-up: an answer to a call-up, a
leader's 进度, 名单, 分配, 自动分配, 确认分配, 催办, 递补, 延期.

The domain returns facts (`inspection.callup`); the chat (`bot/`) and the staff API
(`miniprogram_api/`, its `message` and `text` fields) show the same sentences, so they are worded
once, here. Refusals are the domain errors' own Chinese messages.
"""

from __future__ import annotations

from inspection import clock
from inspection.callup import assignment, calls, leader, recusal, states
from models.enums import CallUpState

_LABELS = states.STATE_LABELS


def accepted(a: calls.Answer) -> str:
    if a.repeated:
        return f"您已接受 {a.code} 的召集。"
    return f"已确认您参加 {a.code}（{a.title}），组长将安排分工。"


def declined(a: calls.Answer) -> str:
    if a.repeated:
        return f"已记录：您因公务（{a.reason}）无法参加 {a.code}。"
    return f"已记录：您因公务（{a.reason}）无法参加 {a.code}，将按抽取顺序递补。"


def withdrawn(a: calls.Answer) -> str:
    if a.repeated:
        return f"已记录：您已因公务（{a.reason}）撤回 {a.code} 的召集。"
    return f"已记录：您因公务（{a.reason}）撤回 {a.code} 的召集，组长已收到通知，将按抽取顺序递补。"


def recused(e: recusal.Effect) -> str:
    out = "已登记回避情形。"
    if e.left:
        out += f"您已移出 {'、'.join(e.left)} 的检查组。"
    if e.begun:
        out += f"{'、'.join(e.begun)} 已开始现场检查，请联系组长处理。"
    if e.ended:
        out += f"您在 {'、'.join(e.ended)} 的召集已终止，将按抽取顺序递补。"
    return out + "组长已收到通知。" if (e.left or e.begun or e.ended) else out


def reason_needed(a: calls.Answer) -> str:
    """After a 因公务无法参加 click without a chosen duty."""
    if a.state != CallUpState.CALLED:
        return f"您在 {a.code} 的召集已结束（{_LABELS[a.state]}）。"
    return f"您选择了因公务无法参加 {a.code}，请回复事由，例如：参加区政府专项检查"


def progress(o: leader.Overview) -> str:
    """进度: never names employers."""
    accepted_ = [c.name for c in o.called if c.state == CallUpState.ACCEPTED]
    waiting = [f"{c.name}（期限 {clock.short_time(c.deadline)}）" for c in o.called
               if c.state == CallUpState.CALLED]
    declined_ = [f"{c.name}：{c.reason}" for c in o.called if c.state == CallUpState.DECLINED]
    other = [f"{c.name}（{_LABELS[c.state]}：{c.reason}）" for c in o.called
             if c.state in (CallUpState.SKIPPED, CallUpState.REPLACED)]
    lines = [f"【{o.code} {o.title}】需 {o.needed} 人，已接受 {len(accepted_)} 人"
             + ("，检查组已组成" if o.team_formed else ""),
             "已接受：" + ("、".join(accepted_) or "—"),
             "待答复：" + ("、".join(waiting) or "—"),
             "因公务无法参加：" + ("；".join(declined_) or "—")]
    if other:
        lines.append("跳过/递补：" + "；".join(other))
    return "\n".join(lines)


def roster(o: leader.Overview) -> str:
    """名单: the call-up in draw order, then who inspects which employer (when they may be
    named, R14)."""
    lines = [f"【{o.code}】召集名单（按抽取顺序）："]
    lines += [f"{c.position}. {c.name} {_LABELS[c.state]}" for c in o.called]
    for t in o.teams or []:
        lines.append(f"{t.code} {t.employer}：{'、'.join(t.names) or '未分配'}")
    return "\n".join(lines)


def assigned(t: assignment.Team) -> str:
    return f"已分配 {t.code} {t.employer}：{'、'.join(t.names)}。"


def proposed(_: assignment.Proposal) -> str:
    return ("已生成自动分配方案，请在卡片上确认；如需调整，回复“分配”、检查编号和两名人员的姓名，"
            "例如：分配 JC2026-0001 张三 李四。")


def confirmed(c: assignment.Confirmation) -> str:
    if not c.changed:
        return "当前分工已与自动分配方案一致，无需再次确认。"
    return "已按方案完成分配，并已通知检查组成员。"


def chased(c: leader.Called) -> str:
    return f"已催办 {c.name}。"


def substituted(s: leader.Substitution) -> str:
    return f"已递补：{s.name} → {'、'.join(s.called) or '无（顺序已用尽）'}。"


def extended(e: leader.Extension) -> str:
    if not e.names:
        return "目前没有逾期未答复的人员。"
    return (f"已延期 {e.hours} 小时：{'、'.join(e.names)}，"
            f"答复期限延至 {clock.short_time(e.deadline)}。")
