"""R20 one visit: the inspections that follow an employer draw.

An employer drawn by two campaigns whose field windows overlap gets one inspection covering both
campaigns' items (原则上一次性完成, no repeated inspection): the later campaign joins the open
inspection instead of creating another. Written in bulk, because a draw may yield thousands.
"""

from __future__ import annotations

from typing import Any

from tortoise import connections

from inspection import audit
from models.campaigns import Campaign
from models.draws import Draw, DrawEntry
from models.enums import InspectionState
from models.fieldwork import Inspection


def inspection_code(campaign: Campaign, n: int) -> str:
    return f"JC{campaign.field_start.year}-{campaign.id:04d}-{n:04d}"


async def _link(pairs: list[tuple[int, int]]) -> None:
    if not pairs:
        return
    conn = connections.get("default")
    marks = "$1, $2" if conn.capabilities.dialect == "postgres" else "?, ?"
    await conn.execute_many(
        f"INSERT INTO inspection_campaign (inspection_id, campaign_id) VALUES ({marks})",  # noqa: S608
        [list(p) for p in pairs])


async def plan_visits(*, campaign: Campaign, draw: Draw, entries: list[DrawEntry],
                      actor: str) -> dict[str, Any]:
    """Create or extend one Inspection per drawn employer (R20). Returns what was done."""
    employer_ids = [e.employer_id for e in entries]  # type: ignore[attr-defined]
    open_rows = await Inspection.filter(
        employer_id__in=employer_ids, window_start__lte=campaign.field_end,
        window_end__gte=campaign.field_start,
    ).exclude(state=InspectionState.CLOSED).order_by("id").values_list("id", "employer_id", "code")
    merged: dict[int, tuple[int, str]] = {}
    for iid, eid, code in open_rows:
        merged.setdefault(eid, (iid, code))  # the oldest open visit absorbs the new campaign
    new = [Inspection(code=inspection_code(campaign, n), employer_id=eid,
                      window_start=campaign.field_start, window_end=campaign.field_end)
           for n, eid in enumerate((e for e in employer_ids if e not in merged), start=1)]
    await Inspection.bulk_create(new, batch_size=1000)
    created = dict(await Inspection.filter(code__in=[i.code for i in new])
                   .values_list("employer_id", "id")) if new else {}
    pairs = [(iid, campaign.id) for iid, _ in merged.values()]
    pairs += [(iid, campaign.id) for iid in created.values()]
    await _link(pairs)
    keys = {e.employer_id: e.key for e in entries}  # type: ignore[attr-defined]
    summary = {"campaign": campaign.code,
               "created": sorted(i.code for i in new),
               "merged": sorted(f"{code}:{keys[eid]}" for eid, (_, code) in merged.items())}
    await audit.record(actor=actor, action="inspections.plan", obj=draw, after=summary)
    return summary
