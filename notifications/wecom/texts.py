"""Every WeCom text the system sends on its own, worded from the domain's facts.

One function per `inspection.messages.Template` of a text message; `TEXTS` maps them. The outbox
worker renders a row when it sends it (`notifications/wecom/render.py`), so a wording changed
here applies to messages already queued. Each takes the facts and `cap`: None for every entry of
its lists, else at most `cap` entries of each (the renderer lowers it until the message fits
WeCom's 2048 bytes, and links the staff app for the rest). A prompt to reply shows what to type
with an example, never a placeholder alone. Answers to someone's own command are in
`notifications/replies.py`; the chat's own words (help, usage) in `bot/texts.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from inspection import clock
from inspection.calendar import PROVISIONAL_NOTE
from inspection.messages import Template
from inspection.publication import duties
from models.enums import PublicationKind
from notifications.wecom.cards import team_line
from notifications.wecom.fit import day, names

TEXT_BYTES = 2048  # WeCom cuts a text message's content after this many UTF-8 bytes
ANSWER_HOW = ("同意参加请回复“接受”；因公务无法参加请回复“公务”和事由，"
              "例如：公务 参加区政府专项检查。")
Cap = int | None


def clip_bytes(text: str, limit: int = TEXT_BYTES) -> str:
    """At most `limit` UTF-8 bytes, cut at a character and marked with an ellipsis."""
    if len(text.encode()) <= limit:
        return text
    room = limit - len("…".encode())
    return text.encode()[:room].decode(errors="ignore") + "…"


def _when(iso: str) -> str:
    return clock.short_time(dt.datetime.fromisoformat(iso))


def _date(iso: str) -> str:
    return day(iso)


def _deadline(f: dict[str, Any], key: str) -> str:
    """A deadline as people read it: 暂定 while counted without the year's holiday schedule."""
    return _date(f[key]) + (PROVISIONAL_NOTE if f.get("provisional") else "")


def text(f: dict[str, Any], cap: Cap = None) -> str:
    return str(f["content"])


def callup_reminder(f: dict[str, Any], cap: Cap = None) -> str:
    return (f"提醒：您被抽取参加 {f['code']}（{f['title']}），请于 {_when(f['deadline'])} 前答复。"
            + ANSWER_HOW)


def callup_escalation(f: dict[str, Any], cap: Cap = None) -> str:
    name = f["name"]
    return (f"【{f['code']}】{name} 未在 {_when(f['deadline'])} 前答复召集。"
            f"由抽取顺序中的下一位递补，请回复“递补 {name}”；"
            f"给其更多时间，请回复“延期 {name} 24”（延长 24 小时，小时数可改）。")


def callup_replaced(f: dict[str, Any], cap: Cap = None) -> str:
    return f"您未在期限内答复 {f['code']} 的召集，组长已安排递补。"


def callup_extended(f: dict[str, Any], cap: Cap = None) -> str:
    return f"组长已将 {f['code']} 的答复期限延至 {_when(f['deadline'])}。" + ANSWER_HOW


def callup_chase(f: dict[str, Any], cap: Cap = None) -> str:
    return (f"组长催办：请尽快答复 {f['code']}（{f['title']}）的召集，期限 "
            f"{_when(f['deadline'])}。" + ANSWER_HOW)


def callup_withdrawn(f: dict[str, Any], cap: Cap = None) -> str:
    out = f"【{f['code']}】{f['name']} 已接受召集后因公务撤回：{f['reason']}。"
    if f["visits"]:
        out += f"已从 {names(f['visits'], cap)} 的检查组中移出。"
    if f["called"]:
        return out + f"已按抽取顺序召集 {names(f['called'], cap, unit='人')}。"
    return out + "抽取顺序已无可召集人员，请研究处理。"


def _assign_example(codes: list[str]) -> str:
    return f"请回复“分配”、检查编号和两名人员的姓名补齐，例如：分配 {codes[0]} 张三 李四。"


def replacement_joined(f: dict[str, Any], cap: Cap = None) -> str:
    out = f"【{f['code']}】递补人员 {f['name']} 已接受召集。"
    if f["short"]:
        return out + f"{names(f['short'], cap)} 的检查组人数不足。" + _assign_example(f["short"])
    return out + "各项检查的检查组人数已满足要求，如需调整请用“分配”。"


def recusal_applied(f: dict[str, Any], cap: Cap = None) -> str:
    out = f"【{f['code']}】{f['name']} 新登记了回避情形。"
    if f["left"]:
        out += (f"已从 {names(f['left'], cap)} 的检查组中移出，需补齐人员。"
                + _assign_example(f["left"]))
    if f["begun"]:
        out += f"{names(f['begun'], cap)} 已开始现场检查，请组长研究处理。"
    if f["ended"]:
        called = names(f["called"], cap, unit="人")
        out += ("其与本次全部被检查单位均须回避，召集已终止，"
                + (f"已按抽取顺序召集 {called}。" if called else "抽取顺序已无可召集人员。"))
    return out


def order_exhausted(f: dict[str, Any], cap: Cap = None) -> str:
    return (f"【{f['code']} {f['title']}】执法检查人员抽取顺序已用尽，仍缺 {f['missing']} 人。"
            "请发起科室研究处理（如补充名录后重新组织抽取）。")


def team_formed(f: dict[str, Any], cap: Cap = None) -> str:
    employers = f["employers"]
    out = (f"【{f['code']} {f['title']}】检查组已组成：{names(f['members'], cap, unit='人')}。"
           f"被检查单位 {len(employers)} 家：{names(employers, cap, unit='家') or '—'}。")
    if f.get("for_leader"):
        out += ("请回复“自动分配”生成分工方案；也可逐项指定，回复“分配”、检查编号和两名人员的"
                "姓名，例如：分配 JC2026-0001 张三 李四。")
    return out


def assignment_announcement(f: dict[str, Any], cap: Cap = None) -> str:
    lines = [team_line(t) for t in f["teams"]]
    if cap is not None and len(lines) > cap:
        lines = [*lines[:cap], f"……另有 {len(lines) - cap} 项检查"]
    return f"【{f['code']}】检查分工：\n" + "\n".join(lines)


def report_due(f: dict[str, Any], cap: Cap = None) -> str:
    late = int(f["late"])
    when = "今天到期" if late <= 0 else f"已逾期 {late} 个工作日"
    return (f"【抽查工作报告催办】任务 {f['code']}「{f['title']}」的抽查工作报告"
            f"（期限 {_deadline(f, 'due_on')}，检查结束后 {f['working_days']} 个工作日内）"
            f"{when}，尚未生成。请尽快生成并归档。")


def publication_due(f: dict[str, Any], cap: Cap = None) -> str:
    what = f"{duties.KIND_LABELS[PublicationKind(f['kind'])]}“{f['title']}”"
    due = _deadline(f, "due_on") if f.get("due_on") else ""
    if f["stage"] == "overdue":
        head = f"【公示已逾期】{what}应于{due}前公示，至今未公示。"
    elif f["stage"] == "due":
        head = f"【公示今日到期】{what}须于今天（{due}）公示。"
    else:
        head = f"【公示即将到期】{what}须于{due}前公示。"
    if f.get("link"):
        return head + "请及时公示，或依法决定不予公示：" + f["link"]
    return head + "请及时在抽查公示窗口公示，完成后在系统中标记已公示。"


def rectification_overdue(f: dict[str, Any], cap: Cap = None) -> str:
    return (f"限期改正指令书逾期提醒：{f['employer']}的整改期限 {_deadline(f, 'deadline')} "
            "已过，尚未回访确认整改。请尽快回访，或转立案处理。")


def certificate_expiry(f: dict[str, Any], cap: Cap = None) -> str:
    who = f"{f['section']}{f['name']}（执法证号 {f['cert_no']}）"
    until = _date(f["valid_until"])
    days_left = int(f["days_left"])
    if days_left < 0:
        return (f"【执法证到期提醒】{who}的行政执法证已于{until}到期，到期后不能参加抽取和检查。"
                "请及时组织换证，并在执法检查人员名录中更新。")
    return (f"【执法证到期提醒】{who}的行政执法证将于{until}到期，还剩 {days_left} 天。"
            "请及时组织换证，并在执法检查人员名录中更新；到期后不能参加抽取和检查。")


def calendar_missing(f: dict[str, Any], cap: Cap = None) -> str:
    year = int(f["year"])
    return (f"【节假日安排待录入】系统尚未收录{year}年法定节假日安排。国务院办公厅公布后，"
            f"请在“节假日安排”中录入{year}年的放假日期和调休上班日期。录入前，计入{year}年"
            "的工作日期限按周一至周五推算，并标明为暂定。")


def employer_upload(f: dict[str, Any], cap: Cap = None) -> str:
    name = f"“{f['file']}”" if f.get("file") else ""
    return (f"【整改材料待审核】{f['employer']}在{f['title']}（{f['number']}）页面上传了整改材料"
            f"{name}。请在检查 {f['code']} 中查看，采纳或说明不予采纳的理由。")


TEXTS: dict[Template, Callable[[dict[str, Any], Cap], str]] = {
    Template.TEXT: text,
    Template.CALLUP_REMINDER: callup_reminder,
    Template.CALLUP_ESCALATION: callup_escalation,
    Template.CALLUP_REPLACED: callup_replaced,
    Template.CALLUP_EXTENDED: callup_extended,
    Template.CALLUP_CHASE: callup_chase,
    Template.CALLUP_WITHDRAWN: callup_withdrawn,
    Template.REPLACEMENT_JOINED: replacement_joined,
    Template.RECUSAL_APPLIED: recusal_applied,
    Template.ORDER_EXHAUSTED: order_exhausted,
    Template.TEAM_FORMED: team_formed,
    Template.ASSIGNMENT_ANNOUNCEMENT: assignment_announcement,
    Template.REPORT_DUE: report_due,
    Template.PUBLICATION_DUE: publication_due,
    Template.RECTIFICATION_OVERDUE: rectification_overdue,
    Template.CERTIFICATE_EXPIRY: certificate_expiry,
    Template.CALENDAR_MISSING: calendar_missing,
    Template.EMPLOYER_UPLOAD: employer_upload,
}
