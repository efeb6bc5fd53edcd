"""Voiding a draw (R15): the one place a draw is marked void, whether its own record is voided
(`protocol.void_draw`) or its campaign is cancelled while its commitment awaits the reveal
(`planning.campaigns.cancel_campaign`). Depends on models only, so planning can use it without
importing the draw protocol (which depends on planning)."""

from __future__ import annotations

import datetime as dt

from inspection import audit, clock
from models.campaigns import Campaign
from models.draws import Draw
from models.enums import DrawStatus, PublicationKind
from models.publication import Publication


def field_opens_at(campaign: Campaign) -> dt.datetime:
    """The start of the field window, midnight Beijing time: when a confidential record opens."""
    return dt.datetime.combine(campaign.field_start, dt.time(), clock.BEIJING)


async def mark_void(draw: Draw, campaign: Campaign, *, reason: str, actor: str) -> None:
    """Void `draw` with its reason, published and audited. Its record then shows the secret, so
    anyone can check the commitment was honest though nothing is drawn (R15)."""
    before = {"status": draw.status.value}
    draw.status, draw.voided_at, draw.void_reason = DrawStatus.VOIDED, clock.now(), reason
    await draw.save()
    pub = await Publication.get(kind=PublicationKind.DRAW, object_type="draw", object_id=draw.id)
    if pub.visible_from is None:
        # R14: a confidential campaign's record still waits for its field window.
        pub.visible_from = field_opens_at(campaign) if campaign.confidential else draw.voided_at
        await pub.save()
    await audit.record(actor=actor, action="draw.void", obj=draw, before=before,
                       after={"status": "voided", "reason": reason})


async def void_pending(campaign: Campaign, *, reason: str, actor: str) -> int:
    """Void the campaign's draws committed but not revealed (its cancellation): a commitment
    left open for ever would read as a draw still to come. Revealed draws keep their result."""
    pending = await Draw.filter(campaign_id=campaign.id, status=DrawStatus.COMMITTED) \
        .select_for_update().order_by("id")
    for draw in pending:
        await mark_void(draw, campaign, reason=reason, actor=actor)
    return len(pending)
