"""Outbound WeCom messages from the domain, with the confidentiality rule enforced in one place.

The domain says what to tell whom as facts: an outbox row names a `Template`, the recipients and
plain JSON data; `notifications/wecom` words and lays it out when the worker sends it. This module
is the only way the domain (and an adapter's chat reply) writes such a row.

R14: a confidential campaign's employers stay secret until its team is formed. Code that gathers
facts gets the flag from `reveal_employers`; `send` refuses, as a last line, any facts of such a
campaign that still contain a drawn employer's name or credit code, and the worker checks the
rendered message again with `names_drawn_employer` before it goes out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from inspection import outbox
from inspection.access import sees_employers
from inspection.errors import DomainError
from models.campaigns import Campaign
from models.draws import DrawEntry
from models.employers import Employer
from models.enums import DrawKind
from models.fieldwork import Inspection
from models.outbox import OutboxMessage

TOPIC_MESSAGE = "wecom.message"
TOPIC_UPDATE_CARD = "wecom.update_card"


class Template(StrEnum):
    """What an outbox row asks `notifications/wecom` to render; each has its facts (below)."""

    TEXT = "text"  # {content}: an adapter's already-worded chat reply
    CALLUP_CARD = "callup_card"  # {task_id, code, title, items, field_start, field_end,
    #   leader, note, deadline, employers (None while secret)}
    CALLUP_REMINDER = "callup_reminder"  # {code, title, deadline}
    CALLUP_ESCALATION = "callup_escalation"  # {code, name, deadline}
    CALLUP_REPLACED = "callup_replaced"  # {code}
    CALLUP_EXTENDED = "callup_extended"  # {code, deadline}
    CALLUP_CHASE = "callup_chase"  # {code, title, deadline}
    CALLUP_WITHDRAWN = "callup_withdrawn"  # {code, name, reason, visits, called}
    REPLACEMENT_JOINED = "replacement_joined"  # {code, name, short}
    RECUSAL_APPLIED = "recusal_applied"  # {code, name, left, begun, ended, called}
    ORDER_EXHAUSTED = "order_exhausted"  # {code, title, missing}
    TEAM_FORMED = "team_formed"  # {code, title, members, employers, for_leader}
    ASSIGNMENT_CARD = "assignment_card"  # {campaign_id, code, fingerprint, teams}
    ASSIGNMENT_ANNOUNCEMENT = "assignment_announcement"  # {code, teams}
    REPORT_DUE = "report_due"  # {code, title, due_on, provisional, working_days, late}
    PUBLICATION_DUE = "publication_due"  # {kind, title, due_on, provisional, stage, link}
    RECTIFICATION_OVERDUE = "rectification_overdue"  # {employer, deadline, provisional}
    CERTIFICATE_EXPIRY = "certificate_expiry"  # {section, name, cert_no, valid_until, days_left}
    CALENDAR_MISSING = "calendar_missing"  # {year}
    EMPLOYER_UPLOAD = "employer_upload"  # {employer, title, number, file, code, inspection_id}
    # Card updates ("wecom.update_card"): the clicked card's buttons become one grey label.
    CALLUP_ANSWERED = "callup_answered"  # {state}
    ASSIGNMENT_CONFIRMED = "assignment_confirmed"  # {}


UPDATE_TEMPLATES = frozenset({Template.CALLUP_ANSWERED, Template.ASSIGNMENT_CONFIRMED})


class ConfidentialityBreach(DomainError):
    def __init__(self) -> None:
        super().__init__("r14_confidential",
                         "本次抽查有保密要求，检查组组成前消息不得出现被检查单位", [], 500)


def reveal_employers(campaign: Campaign) -> bool:
    """May messages about this campaign name its employers? (R14, the one rule of
    `inspection.access.sees_employers`, for readers other than its initiating section)"""
    return sees_employers(campaign, staff=None)


async def campaign_employers(campaign_id: int) -> list[Employer]:
    """The campaign's drawn employers: from the employer draw and from its inspections."""
    ids = set(await DrawEntry.filter(
        draw__campaign_id=campaign_id, draw__kind=DrawKind.EMPLOYERS, employer_id__isnull=False,
    ).values_list("employer_id", flat=True))
    ids |= set(await Inspection.filter(campaigns__id=campaign_id)
               .values_list("employer_id", flat=True))
    return await Employer.filter(id__in=ids).order_by("uscc") if ids else []


def _strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included (not its JSON text, which escapes quotes)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


async def names_drawn_employer(campaign: Campaign, content: Any) -> bool:
    """Does `content` (facts, or a rendered WeCom body) name one of the campaign's drawn
    employers while they must stay secret? (R14)"""
    if reveal_employers(campaign):
        return False
    texts = list(_strings(content))
    for emp in await campaign_employers(campaign.id):
        marks = [m for m in (emp.name, emp.uscc) if m]
        if any(m in t for m in marks for t in texts):
            return True
    return False


async def _enqueue(*, topic: str, campaign: Campaign | None, payload: dict[str, Any],
                   key: str, due_at: dt.datetime | None) -> OutboxMessage:
    if campaign is not None:
        if await names_drawn_employer(campaign, payload["facts"]):
            raise ConfidentialityBreach()
        payload["campaign_id"] = campaign.id
    return await outbox.enqueue(topic=topic, payload=payload, key=key, due_at=due_at)


async def send(*, template: Template, to: list[str], facts: dict[str, Any], key: str,
               campaign: Campaign | None = None,
               due_at: dt.datetime | None = None) -> OutboxMessage | None:
    """Queue a message to these WeCom users (none with a userid: nothing is queued)."""
    if template in UPDATE_TEMPLATES:
        raise ValueError(f"{template} updates a card: use update_card")
    users = sorted({u for u in to if u})
    if not users:
        return None
    payload: dict[str, Any] = {"template": str(template), "to": users, "facts": facts}
    return await _enqueue(topic=TOPIC_MESSAGE, campaign=campaign, payload=payload, key=key,
                          due_at=due_at)


async def send_text(*, to: list[str], content: str, key: str,
                    campaign: Campaign | None = None) -> OutboxMessage | None:
    """Queue text an adapter has already worded (a chat reply); the domain sends facts."""
    return await send(template=Template.TEXT, to=to, facts={"content": content}, key=key,
                      campaign=campaign)


async def update_card(*, campaign: Campaign, userid: str, response_code: str,
                      template: Template, facts: dict[str, Any],
                      key: str) -> OutboxMessage | None:
    """Turn a clicked card's buttons into one grey label showing the answer."""
    if template not in UPDATE_TEMPLATES:
        raise ValueError(f"{template} is not a card update")
    if not response_code or not userid:
        return None
    payload: dict[str, Any] = {"template": str(template), "to": [userid],
                               "response_code": response_code, "facts": facts}
    return await _enqueue(topic=TOPIC_UPDATE_CARD, campaign=campaign, payload=payload, key=key,
                          due_at=None)
