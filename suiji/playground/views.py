"""What `/dev/` shows: the demo staff, and each person's messages as WeCom would show them.

The stand-in keeps WeCom's request bodies as sent; here they become plain structures (a card's
source, titles, rows, drop-down and buttons; a text) that the page puts on screen as text only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection import clock
from models.enums import StaffStatus
from models.org import Staff
from suiji.playground.standin import Delivery, Said, WeComStandIn

ROLES = (("is_inspector", "执法检查人员"), ("is_leader", "检查组组长"),
         ("is_initiator", "发起科室"), ("is_admin", "政策法规科"))
SHOWN = 60  # the newest messages of one person


def when(at: float) -> str:
    return clock.short_time(dt.datetime.fromtimestamp(at, tz=dt.UTC))


def _open_card(d: Delivery) -> bool:
    return d.body.get("msgtype") == "template_card" and d.answered is None


async def people(standin: WeComStandIn) -> list[dict[str, Any]]:
    """Active staff with a role: those with a card waiting for their answer first, then
    inspectors, leaders, initiators, the 政策法规科."""
    staff = await Staff.filter(status=StaffStatus.ACTIVE).prefetch_related("section").order_by(
        "-is_inspector", "-is_leader", "-is_initiator", "-is_admin", "id")
    waiting = {u for d in standin.deliveries if _open_card(d)
               for u in str(d.body.get("touser", "")).split("|")}
    out = []
    for p in staff:
        roles = [word for flag, word in ROLES if getattr(p, flag)]
        if roles:
            out.append({"userid": p.wecom_userid, "name": p.name, "section": p.section.name,
                        "roles": roles, "waiting": p.wecom_userid in waiting})
    return sorted(out, key=lambda p: not p["waiting"])  # stable: the role order stays


def _card(d: Delivery) -> dict[str, Any]:
    card = d.body.get("template_card") or {}
    selection = card.get("button_selection")
    question = None
    if isinstance(selection, dict):
        question = {"title": str(selection.get("title", "")),
                    "selected": str(selection.get("selected_id", "")),
                    "options": [{"id": str(o.get("id", "")), "text": str(o.get("text", ""))}
                                for o in selection.get("option_list") or []]}
    links = [{"title": str(j.get("title", "")), "url": str(j.get("url", ""))}
             for j in card.get("jump_list") or []]
    action = card.get("card_action") or {}
    return {
        "source": str((card.get("source") or {}).get("desc", "")),
        "title": str((card.get("main_title") or {}).get("title", "")),
        "desc": str((card.get("main_title") or {}).get("desc", "")),
        "text": str(card.get("sub_title_text", "")),
        "rows": [{"key": str(r.get("keyname", "")), "value": str(r.get("value", ""))}
                 for r in card.get("horizontal_content_list") or []],
        "question": question,
        "buttons": [{"text": str(b.get("text", "")), "key": str(b.get("key", "")),
                     "primary": b.get("style") == 1} for b in card.get("button_list") or []],
        "links": links, "open": str(action.get("url", "")) if action.get("type") == 1 else "",
        "answered": d.answered, "clickable": d.response_code is not None and d.answered is None,
    }


def _message(d: Delivery) -> dict[str, Any]:
    kind = str(d.body.get("msgtype", ""))
    shown: dict[str, Any] = {"id": d.msgid, "at": d.at, "when": when(d.at), "from": "app"}
    if kind == "template_card":
        return {**shown, "kind": "card", "card": _card(d)}
    content = d.body.get(kind) or {}
    text = content.get("content") if isinstance(content, dict) else None
    return {**shown, "kind": "text", "text": str(text if text is not None else "（不支持显示的消息）")}


def _said(s: Said, n: int) -> dict[str, Any]:
    return {"id": f"said-{n}", "at": s.at, "when": when(s.at), "from": "me", "kind": "text",
            "text": s.text}


def messages(standin: WeComStandIn, userid: str) -> list[dict[str, Any]]:
    """What reached `userid` and what they sent, newest first."""
    rows = [_message(d) for d in standin.delivered_to(userid)]
    rows += [_said(s, n) for n, s in enumerate(standin.said) if s.userid == userid]
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows[:SHOWN]
