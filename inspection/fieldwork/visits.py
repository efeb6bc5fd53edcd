"""R20 one visit: the inspections that follow an employer draw.

An employer drawn by two campaigns whose field windows overlap gets one inspection covering both
campaigns' items (原则上一次性完成, no repeated inspection): the later campaign joins the open
inspection instead of creating another — as long as its findings are not yet submitted; a visit
already submitted, rectifying or closed is never reopened, and a new one is planned. Written in bulk, because a draw may yield thousands.
"""

from __future__ import annotations

from typing import Any

from inspection import audit, bulk
from models.campaigns import Campaign
from models.draws import Draw
from models.enums import InspectionState
from models.fieldwork import Inspection


def inspection_code(campaign: Campaign, n: int) -> str:
    return f"JC{campaign.field_start.year}-{campaign.id:04d}-{n:04d}"


async def plan_visits(*, campaign: Campaign, draw: Draw, drawn: dict[int, str],
                      actor: str) -> dict[str, Any]:
    """Create or extend one Inspection per drawn employer (R20). `drawn`: employer id -> USCC."""
    employer_ids = list(drawn)
    open_rows = await Inspection.filter(
        employer_id__in=employer_ids, window_start__lte=campaign.field_end,
        window_end__gte=campaign.field_start,
        # Only a visit not yet submitted can take more items: a submitted or rectifying one has
        # its findings signed off, so the new campaign gets a visit of its own.
        state__in=[InspectionState.PLANNED, InspectionState.ASSIGNED, InspectionState.CHECKED_IN],
    ).order_by("id").values_list("id", "employer_id", "code")
    merged: dict[int, tuple[int, str]] = {}
    for iid, eid, code in open_rows:
        merged.setdefault(eid, (iid, code))  # the oldest open visit absorbs the new campaign
    new = [(inspection_code(campaign, n), eid, InspectionState.PLANNED.value,
            campaign.field_start, campaign.field_end, "", "")
           for n, eid in enumerate((e for e in employer_ids if e not in merged), start=1)]
    await bulk.insert("inspection", ["code", "employer_id", "state", "window_start", "window_end",
                                     "checkin_note", "summary"], new)
    created = dict(await Inspection.filter(code__in=[row[0] for row in new])
                   .values_list("employer_id", "id")) if new else {}
    pairs = [(iid, campaign.id) for iid, _ in merged.values()]
    pairs += [(iid, campaign.id) for iid in created.values()]
    await bulk.insert("inspection_campaign", ["inspection_id", "campaign_id"], pairs,
                      timestamps=False)
    summary = {"campaign": campaign.code,
               "created": sorted(row[0] for row in new),
               "merged": sorted(f"{code}:{drawn[eid]}" for eid, (_, code) in merged.items())}
    await audit.record(actor=actor, action="inspections.plan", obj=draw, after=summary)
    return summary


async def withdraw_visits(*, campaign: Campaign, actor: str,
                          states: tuple[InspectionState, ...] = (InspectionState.PLANNED,)
                          ) -> dict[str, Any]:
    """A cancelled campaign (or a voided employer draw) takes back its visits not yet started:
    a visit shared with another campaign (R20) only loses this campaign; one of its own is
    deleted. Visits under way, and visits whose employer already holds a notice, are left alone
    to be finished and closed as usual."""
    planned = await Inspection.filter(campaigns=campaign.id, state__in=states,
                                      notices__id__isnull=True).prefetch_related("campaigns")
    dropped, unlinked = [], []
    for visit in planned:
        if len(visit.campaigns) > 1:
            await visit.campaigns.remove(campaign)
            unlinked.append(visit.code)
        else:
            await visit.delete()
            dropped.append(visit.code)
    summary = {"campaign": campaign.code, "deleted": sorted(dropped),
               "unlinked": sorted(unlinked)}
    if dropped or unlinked:
        await audit.record(actor=actor, action="inspections.withdraw", obj=campaign,
                           after=summary)
    return summary
