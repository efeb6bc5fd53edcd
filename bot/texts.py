"""The chat's own words: help, usage, and answers that are about the chat itself.

What became of a command (accepted, 已递补, 进度 …) is worded in `notifications/replies.py`,
shared with the staff API; messages the system sends on its own in `notifications/wecom/`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from inspection import clock
from inspection.callup import states
from models.enums import CallUpState

HELP_INSPECTOR = ("执法检查人员可用命令：\n"
                  "接受 —— 接受召集\n"
                  "公务 事由 —— 因公务无法参加（已接受的也可撤回），例如：公务 参加区政府专题会议\n"
                  "任务 —— 查看我的召集和检查任务\n"
                  "回避 检查编号 事由 —— 申请回避，例如：回避 JC2026-0001 配偶在该单位任职\n"
                  "帮助 —— 显示本说明\n"
                  "有多项召集时，在命令后写抽查编号，例如：接受 2026-FL-003")
HELP_LEADER = ("\n\n组长可用命令（可在命令后写抽查编号）：\n"
               "进度 —— 接受、无法参加（含事由）、待答复情况\n"
               "名单 —— 召集名单及分工\n"
               "分配 检查编号或单位 姓名 姓名 —— 指定检查人员\n"
               "自动分配 —— 生成分工方案（每家至少两人、避开回避情形）\n"
               "催办 姓名 —— 提醒未答复人员\n"
               "递补 姓名 —— 逾期未答复时由下一位递补\n"
               "延期 [姓名] 小时 —— 延长答复期限\n"
               "重名时用“名单”中的序号代替姓名，例如：递补 3")
UNKNOWN_USER = "您不在本系统人员名录中，如有疑问请联系政策法规科。"
ONLY_TEXT = "目前只支持文字命令。"
UNRECOGNISED = "未能识别的命令。"
NO_TASKS = "您目前没有召集或检查任务。"
REASON_MISSING = "请说明事由，例如：公务 参加区政府专题会议"
USAGE = {
    "回避": "回避 检查编号 事由，例如：回避 JC2026-0001 配偶在该单位任职",
    "分配": "分配 检查编号或单位 姓名 姓名",
    "催办": "催办 姓名",
    "递补": "递补 姓名",
    "延期": "延期 [姓名] 小时",
}
EXTEND_HOURS = "延期 [姓名] 小时，例如：延期 张三 24"


def help_text(*, leader: bool) -> str:
    return HELP_INSPECTOR + (HELP_LEADER if leader else "")


def with_help(head: str, *, leader: bool) -> str:
    return head + "\n\n" + help_text(leader=leader)


def usage(command: str) -> str:
    return f"用法：{command}"


@dataclass(frozen=True)
class CallUpTask:
    code: str
    title: str
    state: CallUpState
    deadline: dt.datetime


@dataclass(frozen=True)
class VisitTask:
    code: str  # the inspection's
    employer: str
    start: dt.date
    end: dt.date


def tasks(callups: list[CallUpTask], visits: list[VisitTask]) -> str:
    """任务: my call-ups still in play, then the visits I am on."""
    if not callups and not visits:
        return NO_TASKS
    lines = []
    for c in callups:
        line = f"{c.code} {c.title}：{states.STATE_LABELS[c.state]}"
        if c.state == CallUpState.CALLED:
            line += f"（请于 {clock.short_time(c.deadline)} 前答复）"
        lines.append(line)
    lines += [f"检查 {v.code} {v.employer}（{v.start.month}月{v.start.day}日 至 "
              f"{v.end.month}月{v.end.day}日）" for v in visits]
    return "\n".join(lines)
