"""From an outbox row to the WeCom request body, at send time (docs/outbox.md).

A row of "wecom.message" or "wecom.update_card" carries `{"template", "to", "facts"}` (and
`campaign_id`, `response_code`): the renderers in `cards.py` and `texts.py` word it now. Rows
written before templates existed carry the finished body (`msgtype`, or `response_code` without
`template`) and are sent as they are. With the public base URL, a message about something the
staff app shows links to that screen (`links.py`): a card by its `card_action`, a text by a
link at its end. `check_confidential` is R14's last line: whatever a
renderer produced, a confidential campaign's message naming a drawn employer before its team is
formed is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspection import messages
from inspection.messages import Template
from models.campaigns import Campaign
from notifications.wecom import cards, fit, links
from notifications.wecom.texts import TEXT_BYTES, TEXTS, clip_bytes

CARDS: dict[Template, Callable[..., dict[str, Any]]] = {
    Template.CALLUP_CARD: cards.callup_card,
    Template.ASSIGNMENT_CARD: cards.assignment_card,
}
UPDATES: dict[Template, Callable[[dict[str, Any]], str]] = {
    Template.CALLUP_ANSWERED: cards.callup_answered,
    Template.ASSIGNMENT_CONFIRMED: cards.assignment_confirmed,
}


class RenderError(Exception):
    """The row cannot become a WeCom message (unknown template, facts missing)."""


def _template(payload: dict[str, Any], known: dict[Template, Any]) -> Template:
    try:
        template = Template(payload["template"])
    except (KeyError, ValueError):
        raise RenderError(f"unknown template {payload.get('template')!r}") from None
    if template not in known:
        raise RenderError(f"template {template} does not belong to this topic")
    return template


def _recipients(payload: dict[str, Any]) -> list[str]:
    to = payload.get("to")
    if not isinstance(to, list) or not to or not all(isinstance(u, str) and u for u in to):
        raise RenderError("no recipients")
    return to


def _facts(payload: dict[str, Any]) -> dict[str, Any]:
    facts = payload.get("facts")
    if not isinstance(facts, dict):
        raise RenderError("facts are not an object")
    return facts


LINK_TEXT = "在应用中查看"
# Ever fewer entries of each list until a text fits (None: all of them).
CAPS: tuple[int | None, ...] = (None, 30, 20, 10, 5, 3, 1, 0)


def _fits(text: str, budget: int) -> bool:
    return len(text.encode()) <= budget


def fit_text(template: Template, facts: dict[str, Any], budget: int) -> str:
    """The text of `template` within `budget` bytes: every list whole if it fits, else the first
    entries of each and a word that the whole list is in the app. A worded reply (`text`) keeps
    its first whole lines. Only a text that still cannot fit (one long fact) is clipped."""
    render = TEXTS[template]
    if template == Template.TEXT:
        room = budget - len(fit.MORE_IN_APP.encode())
        lines, cut = fit.fit_lines(str(facts["content"]).split("\n"),
                                   lambda t: _fits(t, room), unit="行")
        return lines + fit.MORE_IN_APP if cut else lines
    whole = render(facts, None)
    if _fits(whole, budget):
        return whole
    room = budget - len(fit.MORE_IN_APP.encode())
    text = whole
    for cap in CAPS[1:]:
        text = render(facts, cap)
        if _fits(text, room):
            return text + fit.MORE_IN_APP
    return clip_bytes(text, budget)


def message_body(payload: dict[str, Any], *, base_url: str = "") -> dict[str, Any]:
    """The `message/send` body (without agentid) for a "wecom.message" row; `base_url` (the
    public base URL) roots its link into the staff app: a card opens its screen, a text ends
    with the link, and a card whose list was shortened ends with it too."""
    if "template" not in payload:
        if "msgtype" in payload:
            return payload  # a row from before templates: already a WeCom body
        raise RenderError("payload has neither template nor msgtype")
    template = _template(payload, {**CARDS, **TEXTS})
    touser, facts = "|".join(_recipients(payload)), _facts(payload)
    try:
        url = links.link(template, payload, base_url)
        if template in CARDS:
            body = CARDS[template](touser, facts, more=url)
            if url:
                body["template_card"]["card_action"] = {"type": 1, "url": url}
            return body
        # WeCom's text messages take <a href> links (its "发送应用消息" example does).
        anchor = f'\n<a href="{url}">{LINK_TEXT}</a>' if url else ""
        content = fit_text(template, facts, TEXT_BYTES - len(anchor.encode())) + anchor
    except (KeyError, TypeError, ValueError) as exc:
        raise RenderError(f"{template}: facts do not fit ({type(exc).__name__}: {exc})") from None
    return {"touser": touser, "msgtype": "text", "text": {"content": content}}


def update_body(payload: dict[str, Any]) -> dict[str, Any]:
    """The `message/update_template_card` body (without agentid) for a card update row."""
    if "template" not in payload:
        if "response_code" in payload:
            return payload  # a row from before templates: already a WeCom body
        raise RenderError("payload has neither template nor response_code")
    template = _template(payload, UPDATES)
    code = payload.get("response_code")
    if not isinstance(code, str) or not code:
        raise RenderError("no response_code")
    try:
        label = UPDATES[template](_facts(payload))
    except (KeyError, TypeError, ValueError) as exc:
        raise RenderError(f"{template}: facts do not fit ({type(exc).__name__}: {exc})") from None
    return cards.update(_recipients(payload), code, label)


async def check_confidential(payload: dict[str, Any], body: dict[str, Any]) -> None:
    """Raise `ConfidentialityBreach` if the rendered body names a drawn employer of a
    confidential campaign whose team is not formed yet (R14)."""
    campaign_id = payload.get("campaign_id")
    if not isinstance(campaign_id, int):
        return
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is not None and await messages.names_drawn_employer(campaign, body):
        raise messages.ConfidentialityBreach()
