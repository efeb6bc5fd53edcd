"""Template cards (WeCom `button_interaction`) from the domain's facts, and the card protocol.

The protocol — the buttons' keys, the duty drop-down and the 确认分配 key — is defined here once:
the renderer writes it into the cards and `bot/` reads the clicks with the same constants.
Field limits are WeCom's (`LIMITS`, sources in docs/callup.md): a list that does not fit keeps its
first whole entries and the card ends with a link (`jump_list`) to the staff app, where the whole
list is; only a single text (a title, a note) is ever clipped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection import clock
from inspection.callup import states
from models.enums import CallUpState
from notifications.wecom import fit

ACCEPT = "accept"
DECLINE = "decline"
REASON_QUESTION = "reason"
# Common official duties offered on the card; "other" asks for the 事由 by text.
REASONS: dict[str, str] = {
    "meeting": "参加重要会议",
    "duty": "值班值守",
    "trip": "公务出差",
    "case": "办理其他案件",
    "training": "参加培训",
    "other": "其他公务（请回复事由）",
}
OTHER = "other"
_CONFIRM = "assign"  # 确认分配's key: assign:<campaign id>:<proposal fingerprint>

# WeCom's "发送应用消息" (template_card), characters unless named: what each field may hold.
LIMITS = {
    "source.desc": 20,
    "main_title.title": 36,
    "main_title.desc": 44,
    "sub_title_text": 160,
    "horizontal_content_list": 6,  # rows
    "horizontal.keyname": 5,
    "horizontal.value": 30,
    "jump_list": 3,  # entries
    "jump.title": 18,
    "button_list": 6,  # buttons
    "button.text": 10,
    "option_list": 10,  # options of the drop-down
    "option.text": 16,
    "task_id.bytes": 128,
    # Not given by WeCom for `update_template_card`'s button.replace_name: we keep a button's.
    "replace_name": 10,
}
MORE_TITLE = "在应用中查看完整内容"  # the jump_list link of a card whose list was shortened

# What the clicked card's buttons turn into (`message/update_template_card`).
ANSWERED = {str(s): states.STATE_LABELS[s] for s in (CallUpState.ACCEPTED, CallUpState.DECLINED)}
CONFIRMED = "已确认分配"


def confirm_key(campaign_id: int, fingerprint: str) -> str:
    return f"{_CONFIRM}:{campaign_id}:{fingerprint}"


def parse_confirm_key(key: str) -> tuple[str, str] | None:
    """(campaign id as text, fingerprint) of a 确认分配 click, or None for any other key."""
    if not key.startswith(_CONFIRM + ":"):
        return None
    _, cid, fingerprint = [*key.split(":"), "", ""][:3]
    return cid, fingerprint


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rows(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"keyname": k, "value": clip(v, LIMITS["horizontal.value"])}
            for k, v in pairs][: LIMITS["horizontal_content_list"]]


def _button_card(to: str, *, source: str, title: str, desc: str, text: str,
                 buttons: list[dict[str, Any]], task_id: str, more: str | None = None,
                 **extra: Any) -> dict[str, Any]:
    """A `button_interaction` template card within WeCom's limits; `more`: the staff app's
    address of what did not fit, linked at the card's end."""
    card: dict[str, Any] = {
        "card_type": "button_interaction",
        "source": {"desc": clip(source, LIMITS["source.desc"])},
        "main_title": {"title": clip(title, LIMITS["main_title.title"]),
                       "desc": clip(desc, LIMITS["main_title.desc"])},
        "sub_title_text": clip(text, LIMITS["sub_title_text"]),
        **extra,
        "button_list": buttons,
        "task_id": task_id,
    }
    if more:
        card["jump_list"] = [{"type": 1, "title": MORE_TITLE, "url": more}]
    return {"touser": to, "msgtype": "template_card", "template_card": card}


def _callup_text(facts: dict[str, Any]) -> tuple[str, bool]:
    """抽查事项 (whole items that fit) and the 保密要求, within the card's text."""
    room = LIMITS["sub_title_text"]
    note = f"\n保密要求：{facts['note']}" if facts.get("note") else ""
    if len("抽查事项：") + len(note) > room // 2:  # a long note leaves room for the items
        note = clip(note, room // 2)
    items, cut = fit.fit_names(facts["items"], room - len("抽查事项：") - len(note), sep="；")
    return f"抽查事项：{items or '—'}{note}", cut or note.endswith("…")


def callup_card(to: str, facts: dict[str, Any], *, more: str | None = None) -> dict[str, Any]:
    """The call-up card (R15). `employers` is None while they must stay secret (R14); `more`:
    where the staff app shows the whole call-up, linked when a list did not fit."""
    due = dt.datetime.fromisoformat(facts["deadline"])
    window = fit.span(facts["field_start"], facts["field_end"],
                      near=due.astimezone(clock.BEIJING).date())
    rows = [("抽查编号", facts["code"]), ("检查时间", window), ("组长", facts["leader"] or "待定"),
            ("答复期限", clock.short_time(due))]
    cut = False
    if facts.get("employers") is not None:
        employers, cut = fit.fit_names(facts["employers"], LIMITS["horizontal.value"], unit="家")
        rows.append(("被检查单位", employers or "—"))
    text, text_cut = _callup_text(facts)
    return _button_card(
        to, source="双随机抽查 执法检查人员召集", title=facts["title"],
        desc="您已被随机抽取为执法检查人员", text=text,
        more=more if cut or text_cut else None,
        horizontal_content_list=_rows(rows),
        button_selection={
            "question_key": REASON_QUESTION,
            "title": "无法参加的事由",
            "option_list": [{"id": k, "text": v} for k, v in REASONS.items()],
            "selected_id": OTHER,
        },
        buttons=[{"text": "接受", "style": 1, "key": ACCEPT},
                 {"text": "因公务无法参加", "style": 2, "key": DECLINE}],
        task_id=facts["task_id"])


def team_line(team: dict[str, Any]) -> str:
    """One inspection of a plan: `检查编号 单位：姓名、姓名` (the card, the announcement)."""
    return f"{team['code']} {team['employer']}：{'、'.join(team['names'])}"


def assignment_card(to: str, facts: dict[str, Any], *, more: str | None = None
                    ) -> dict[str, Any]:
    """The 自动分配 proposal for the leader to confirm; changes go by 分配 commands. The card
    lists the inspections that fit; `more` links the whole proposal in the staff app."""
    cid, fingerprint = facts["campaign_id"], facts["fingerprint"]
    text, cut = fit.fit_lines([team_line(t) for t in facts["teams"]],
                              lambda t: len(t) <= LIMITS["sub_title_text"], unit="项检查")
    return _button_card(
        to, source="双随机抽查 检查分工", title=f"{facts['code']} 自动分配方案",
        desc="请确认，或用“分配”命令调整", text=text, more=more if cut else None,
        buttons=[{"text": "确认分配", "style": 1, "key": confirm_key(cid, fingerprint)}],
        task_id=f"assign-{cid}-{fingerprint}")


def update(to: list[str], response_code: str, replace_name: str) -> dict[str, Any]:
    """`message/update_template_card`: the clicked card's buttons become one grey label."""
    return {"userids": to, "response_code": response_code,
            "button": {"replace_name": clip(replace_name, LIMITS["replace_name"])}}


def callup_answered(facts: dict[str, Any]) -> str:
    return ANSWERED[facts["state"]]


def assignment_confirmed(facts: dict[str, Any]) -> str:
    return CONFIRMED
