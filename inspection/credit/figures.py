"""A campaign's figures, counted from the raw rows (R19): drawn, inspected, findings by item,
rectified, penalties, declines and substitutions. Used by the report and by the statistics."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from inspection.errors import NotFound
from models.callups import CallUp
from models.campaigns import Campaign
from models.draws import Draw, DrawEntry
from models.enums import (
    CallUpState,
    DrawKind,
    DrawStatus,
    FindingResult,
    InspectionState,
    PenaltyProcedure,
    RectificationState,
)
from models.fieldwork import Finding, Inspection, RectificationOrder
from models.penalties import PenaltyDecision

# An inspection counts as done once its findings are submitted.
DONE_STATES = (InspectionState.SUBMITTED, InspectionState.RECTIFYING, InspectionState.CLOSED)


async def campaign_figures(*, campaign_id: int) -> dict[str, Any]:
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        raise NotFound("抽查任务")
    draw = await Draw.filter(campaign_id=campaign.id, kind=DrawKind.EMPLOYERS).first()
    by_stratum: Counter[str] = Counter()
    if draw is not None and draw.status != DrawStatus.VOIDED:
        for stratum in await DrawEntry.filter(draw_id=draw.id).values_list("stratum", flat=True):
            by_stratum[str(stratum)] += 1

    inspections = await Inspection.filter(campaigns=campaign.id)
    done = [i for i in inspections if i.state in DONE_STATES]
    done_ids = [i.id for i in done]

    items: dict[int, dict[str, Any]] = {}
    violators: set[int] = set()
    for f in await Finding.filter(inspection_id__in=done_ids).select_related(
            "item_version__item").order_by("id"):
        iv = f.item_version
        row = items.setdefault(iv.id, {
            "item_code": iv.item.code, "version": iv.version, "name": iv.name,
            "compliant": 0, "noncompliant": 0, "not_applicable": 0})
        row[FindingResult(f.result).value] += 1
        if f.result == FindingResult.NONCOMPLIANT:
            violators.add(f.inspection_id)

    orders = await RectificationOrder.filter(inspection_id__in=done_ids)
    order_states = Counter(RectificationState(o.state).value for o in orders)
    penalties = await PenaltyDecision.filter(inspection_id__in=done_ids)
    amount = sum((p.amount_yuan or Decimal(0) for p in penalties), Decimal(0))

    callups = await CallUp.filter(campaign_id=campaign.id).order_by("position")
    callup_states = Counter(CallUpState(c.state).value for c in callups)
    declines = [{"position": c.position, "reason": c.reason} for c in callups
                if c.state == CallUpState.DECLINED]

    return {
        "campaign": {"code": campaign.code, "title": campaign.title,
                     "field_start": campaign.field_start.isoformat(),
                     "field_end": campaign.field_end.isoformat()},
        "drawn": {"total": sum(by_stratum.values()), "by_stratum": dict(sorted(by_stratum.items()))},
        "inspections": {"planned": len(inspections), "inspected": len(done),
                        "with_violations": len(violators)},
        "findings_by_item": sorted(items.values(), key=lambda r: (r["item_code"], r["version"])),
        "rectification": {"orders": len(orders),
                          **{s.value: order_states.get(s.value, 0) for s in RectificationState}},
        "penalties": {"count": len(penalties),
                      "general": sum(1 for p in penalties
                                     if p.procedure == PenaltyProcedure.GENERAL),
                      "amount_yuan": str(amount.quantize(Decimal("0.01")))},
        "callups": {"called": len(callups),
                    **{s.value: callup_states.get(s.value, 0) for s in CallUpState},
                    "substitutions": sum(1 for c in callups if c.replaces_id is not None)},
        "declines": declines,
    }
