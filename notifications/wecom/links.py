"""Where a WeCom message leads in the staff app: the screen it is about (`/app/#/…`).

The call-up card opens the inspector's call-ups, the 自动分配 card the whole proposal, a
leader's escalation the campaign's progress, an overdue order its follow-up screen, an employer's
upload the visit's list of uploads to review, a certificate or calendar reminder the admins' desk
screen. The app
keeps the screen through login (WeCom OAuth inside WeCom), so the user lands on it. Paths name
ids only, never an employer (R14: a confidential campaign's messages name none before its team
is formed). The routes are webapp/src/router/routes.ts's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspection.messages import Template

APP = "/app/#"
CALLUPS = "/callups"
MY_INSPECTIONS = "/inspections"


def _campaign(payload: dict[str, Any]) -> str | None:
    cid = payload.get("campaign_id")
    return f"/campaigns/{cid}" if isinstance(cid, int) else None


def _proposal(payload: dict[str, Any]) -> str | None:
    cid = payload["facts"].get("campaign_id")
    return f"/campaigns/{cid}/proposal" if isinstance(cid, int) else None


def _assign_if(key: str) -> Callable[[dict[str, Any]], str | None]:
    """The campaign's 分配 screen when the message asks the leader to fill a team, else the
    campaign."""
    def screen(payload: dict[str, Any]) -> str | None:
        campaign = _campaign(payload)
        return f"{campaign}/assign" if campaign and payload["facts"].get(key) else campaign
    return screen


def _team_formed(payload: dict[str, Any]) -> str | None:
    return _campaign(payload) if payload["facts"].get("for_leader") else MY_INSPECTIONS


def _uploads(payload: dict[str, Any]) -> str | None:
    inspection = payload["facts"].get("inspection_id")
    return f"/inspections/{inspection}/uploads" if isinstance(inspection, int) else MY_INSPECTIONS


def _order(payload: dict[str, Any]) -> str | None:
    facts = payload["facts"]
    inspection, order = facts.get("inspection_id"), facts.get("order_id")
    if isinstance(inspection, int) and isinstance(order, int):
        return f"/inspections/{inspection}/orders/{order}"
    return MY_INSPECTIONS


SCREENS: dict[Template, Callable[[dict[str, Any]], str | None]] = {
    Template.CALLUP_CARD: lambda _: CALLUPS,
    Template.CALLUP_REMINDER: lambda _: CALLUPS,
    Template.CALLUP_EXTENDED: lambda _: CALLUPS,
    Template.CALLUP_CHASE: lambda _: CALLUPS,
    Template.CALLUP_ESCALATION: _campaign,
    Template.CALLUP_WITHDRAWN: _campaign,
    Template.REPLACEMENT_JOINED: _assign_if("short"),
    Template.RECUSAL_APPLIED: _assign_if("left"),
    Template.ORDER_EXHAUSTED: _campaign,
    Template.TEAM_FORMED: _team_formed,
    Template.ASSIGNMENT_CARD: _proposal,
    Template.ASSIGNMENT_ANNOUNCEMENT: lambda _: MY_INSPECTIONS,
    Template.RECTIFICATION_OVERDUE: _order,
    Template.EMPLOYER_UPLOAD: _uploads,
    # Both go to 政策法规科's admins, whose desk has the screen to act on them.
    Template.CERTIFICATE_EXPIRY: lambda _: "/desk/certificates",
    Template.CALENDAR_MISSING: lambda _: "/desk/calendar",
}


def app_url(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}{APP}{path}"


def link(template: Template, payload: dict[str, Any], base_url: str) -> str | None:
    """The absolute URL of the screen this message is about, or None (no base URL, or a message
    with nothing to open)."""
    screen = SCREENS.get(template)
    path = screen(payload) if screen is not None and base_url else None
    return app_url(base_url, path) if path else None
