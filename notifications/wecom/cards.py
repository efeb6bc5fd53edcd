"""Template cards (WeCom `button_interaction`) from the domain's facts, and the card protocol.

The protocol — the buttons' keys, the duty drop-down and the 确认分配 key — is defined here once:
the renderer writes it into the cards and `bot/` reads the clicks with the same constants.
Field limits are WeCom's (its card documentation); `LIMITS` is what we clip to.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection import clock
from inspection.callup import states
from models.enums import CallUpState

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

LIMITS = {
    "main_title.title": 36,
    "main_title.desc": 44,
    "sub_title_text": 200,  # the call-up card
    "assignment.sub_title_text": 500,  # the proposal lists every inspection
    "horizontal_content_list": 6,  # rows
    "horizontal.keyname": 5,
    "horizontal.value": 60,
    "button.text": 10,
    "replace_name": 10,
}

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


def _button_card(to: str, *, source: str, title: str, desc: str, text: str, text_limit: int,
                 buttons: list[dict[str, Any]], task_id: str, **extra: Any) -> dict[str, Any]:
    """A `button_interaction` template card, clipped to WeCom's limits."""
    return {
        "touser": to,
        "msgtype": "template_card",
        "template_card": {
            "card_type": "button_interaction",
            "source": {"desc": source},
            "main_title": {"title": clip(title, LIMITS["main_title.title"]),
                           "desc": clip(desc, LIMITS["main_title.desc"])},
            "sub_title_text": clip(text, text_limit),
            **extra,
            "button_list": buttons,
            "task_id": task_id,
        },
    }


def callup_card(to: str, facts: dict[str, Any]) -> dict[str, Any]:
    """The call-up card (R15). `employers` is None while they must stay secret (R14)."""
    window = f"{facts['field_start']} 至 {facts['field_end']}"
    deadline = clock.short_time(dt.datetime.fromisoformat(facts["deadline"]))
    rows = [("抽查编号", facts["code"]), ("检查时间", window),
            ("组长", facts["leader"] or "待定"), ("答复期限", deadline)]
    if facts.get("employers") is not None:
        rows.append(("被检查单位", "、".join(facts["employers"]) or "—"))
    text = "抽查事项：" + ("；".join(facts["items"]) or "—")
    if facts.get("note"):
        text += "\n保密要求：" + facts["note"]
    return _button_card(
        to, source="双随机抽查 执法检查人员召集", title=facts["title"],
        desc="您已被随机抽取为执法检查人员", text=text, text_limit=LIMITS["sub_title_text"],
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


def assignment_card(to: str, facts: dict[str, Any]) -> dict[str, Any]:
    """The 自动分配 proposal for the leader to confirm; changes go by 分配 commands."""
    cid, fingerprint = facts["campaign_id"], facts["fingerprint"]
    return _button_card(
        to, source="双随机抽查 检查分工", title=f"{facts['code']} 自动分配方案",
        desc="请确认，或用“分配”命令调整", text="\n".join(team_line(t) for t in facts["teams"]),
        text_limit=LIMITS["assignment.sub_title_text"],
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
