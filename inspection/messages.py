"""Outbound WeCom messages from the domain, with the confidentiality rule enforced in one place.

R14: a confidential campaign's employers stay secret until its team is formed. Builders get the
flag from `reveal_employers`, and `send` refuses, as a last line, any payload of such a campaign
that still contains a drawn employer's name or credit code.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from inspection import outbox
from inspection.errors import DomainError
from models.campaigns import Campaign
from models.draws import DrawEntry
from models.employers import Employer
from models.enums import DrawKind
from models.fieldwork import Inspection
from models.outbox import OutboxMessage

TOPIC_MESSAGE = "wecom.message"
TOPIC_UPDATE_CARD = "wecom.update_card"


class ConfidentialityBreach(DomainError):
    def __init__(self) -> None:
        super().__init__("r14_confidential",
                         "本次抽查有保密要求，检查组组成前消息不得出现被检查单位", [], 500)


def reveal_employers(campaign: Campaign) -> bool:
    """May messages about this campaign name its employers? (R14)"""
    return not campaign.confidential or campaign.team_formed_at is not None


async def campaign_employers(campaign_id: int) -> list[Employer]:
    """The campaign's drawn employers: from the employer draw and from its inspections."""
    ids = set(await DrawEntry.filter(
        draw__campaign_id=campaign_id, draw__kind=DrawKind.EMPLOYERS, employer_id__isnull=False,
    ).values_list("employer_id", flat=True))
    ids |= set(await Inspection.filter(campaigns__id=campaign_id)
               .values_list("employer_id", flat=True))
    return await Employer.filter(id__in=ids).order_by("uscc") if ids else []


async def _guard(campaign: Campaign, payload: dict[str, Any]) -> None:
    if reveal_employers(campaign):
        return
    text = json.dumps(payload, ensure_ascii=False)
    for emp in await campaign_employers(campaign.id):
        if (emp.name and emp.name in text) or emp.uscc in text:
            raise ConfidentialityBreach()


async def send(*, campaign: Campaign | None, payload: dict[str, Any], key: str,
               due_at: dt.datetime | None = None,
               topic: str = TOPIC_MESSAGE) -> OutboxMessage:
    """Queue a WeCom message (`message/send` body without agentid)."""
    if campaign is not None:
        await _guard(campaign, payload)
    return await outbox.enqueue(topic=topic, payload=payload, key=key, due_at=due_at)


async def send_text(*, to: list[str], content: str, key: str,
                    campaign: Campaign | None = None) -> OutboxMessage | None:
    users = sorted({u for u in to if u})
    if not users:
        return None
    payload = {"touser": "|".join(users), "msgtype": "text", "text": {"content": content}}
    return await send(campaign=campaign, payload=payload, key=key)


async def update_card(*, campaign: Campaign, userid: str, response_code: str,
                      replace_name: str, key: str) -> OutboxMessage | None:
    """Turn a clicked card's buttons into one grey label showing the answer."""
    if not response_code:
        return None
    payload = {"userids": [userid], "response_code": response_code,
               "button": {"replace_name": replace_name}}
    return await send(campaign=campaign, payload=payload, key=key, topic=TOPIC_UPDATE_CARD)
