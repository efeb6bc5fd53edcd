"""Template cards (pure functions returning WeCom `template_card` bodies).

Whether employers may be named is the caller's flag (`inspection.messages.reveal_employers`, R14).
"""

from __future__ import annotations

from typing import Any

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


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def callup_card(*, touser: str, task_id: str, code: str, title: str, items: list[str],
                window: str, leader: str, note: str, deadline: str,
                employers: list[str] | None) -> dict[str, Any]:
    """The call-up card (R15). `employers` is None when they must stay secret (R14)."""
    rows = [
        {"keyname": "抽查编号", "value": code},
        {"keyname": "检查时间", "value": window},
        {"keyname": "组长", "value": leader or "待定"},
        {"keyname": "答复期限", "value": deadline},
    ]
    if employers is not None:
        rows.append({"keyname": "被检查单位", "value": _clip("、".join(employers) or "—", 60)})
    desc = "抽查事项：" + ("；".join(items) or "—")
    if note:
        desc += "\n保密要求：" + note
    return {
        "touser": touser,
        "msgtype": "template_card",
        "template_card": {
            "card_type": "button_interaction",
            "source": {"desc": "双随机抽查 执法检查人员召集"},
            "main_title": {"title": _clip(title, 36), "desc": "您已被随机抽取为执法检查人员"},
            "sub_title_text": _clip(desc, 200),
            "horizontal_content_list": rows[:6],
            "button_selection": {
                "question_key": REASON_QUESTION,
                "title": "无法参加的事由",
                "option_list": [{"id": k, "text": v} for k, v in REASONS.items()],
                "selected_id": OTHER,
            },
            "button_list": [
                {"text": "接受", "style": 1, "key": ACCEPT},
                {"text": "因公务无法参加", "style": 2, "key": DECLINE},
            ],
            "task_id": task_id,
        },
    }


def assignment_card(*, touser: str, task_id: str, code: str, lines: list[str],
                    confirm_key: str) -> dict[str, Any]:
    """The 自动分配 proposal for the leader to confirm; changes go by 分配 commands."""
    return {
        "touser": touser,
        "msgtype": "template_card",
        "template_card": {
            "card_type": "button_interaction",
            "source": {"desc": "双随机抽查 检查分工"},
            "main_title": {"title": f"{code} 自动分配方案", "desc": "请确认，或用“分配”命令调整"},
            "sub_title_text": _clip("\n".join(lines), 500),
            "button_list": [{"text": "确认分配", "style": 1, "key": confirm_key}],
            "task_id": task_id,
        },
    }
