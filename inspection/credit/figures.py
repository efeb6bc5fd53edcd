"""A campaign's figures, counted from the raw rows (R19): what was checked, who was drawn and
called, what was found item by item, and what was done about it. Used by the report and by the
statistics; stored with the report, so they say what the report said.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from inspection.errors import NotFound
from models.callups import CallUp
from models.campaigns import Campaign, CampaignItem
from models.draws import Draw, DrawEntry
from models.enums import (
    CallUpState,
    CampaignKind,
    DrawKind,
    DrawStatus,
    FindingResult,
    InspectionState,
    NoticeKind,
    NoticeStatus,
    PenaltyProcedure,
    RectificationState,
)
from models.fieldwork import Finding, Inspection, RectificationOrder
from models.notices import Notice
from models.penalties import PenaltyDecision

# An inspection counts as done once its findings are submitted.
DONE_STATES = (InspectionState.SUBMITTED, InspectionState.RECTIFYING, InspectionState.CLOSED)
MAX_EXAMPLES = 3  # problems quoted per item in "发现的主要问题"


async def _campaign(campaign_id: int) -> Campaign:
    campaign = await Campaign.get_or_none(id=campaign_id).select_related("section", "leader")
    if campaign is None:
        raise NotFound("抽查任务")
    return campaign


def _about(campaign: Campaign) -> dict[str, Any]:
    return {"code": campaign.code, "title": campaign.title,
            "planned": campaign.kind == CampaignKind.PLANNED,
            "purpose": campaign.purpose, "method": campaign.method,
            "section": campaign.section.name,
            "leader": campaign.leader.name if campaign.leader else "",
            "field_start": campaign.field_start.isoformat(),
            "field_end": campaign.field_end.isoformat(),
            "employers_needed": campaign.employers_needed,
            "inspectors_needed": campaign.inspectors_needed}


async def _items(campaign: Campaign) -> list[dict[str, Any]]:
    rows = await CampaignItem.filter(campaign_id=campaign.id).select_related(
        "item_version__item").order_by("item_version__item__code")
    return [{"item_code": r.item_version.item.code, "version": r.item_version.version,
             "name": r.item_version.name} for r in rows]


async def _drawn(campaign: Campaign) -> dict[str, Any]:
    draw = await Draw.filter(campaign_id=campaign.id, kind=DrawKind.EMPLOYERS).first()
    by_stratum: Counter[str] = Counter()
    if draw is not None and draw.status != DrawStatus.VOIDED:
        for stratum in await DrawEntry.filter(draw_id=draw.id).values_list("stratum", flat=True):
            by_stratum[str(stratum)] += 1
    return {"total": sum(by_stratum.values()), "by_stratum": dict(sorted(by_stratum.items()))}


async def _findings(done_ids: list[int]) -> tuple[list[dict[str, Any]], set[int]]:
    items: dict[int, dict[str, Any]] = {}
    violators: set[int] = set()
    for f in await Finding.filter(inspection_id__in=done_ids).select_related(
            "item_version__item").order_by("id"):
        iv = f.item_version
        row = items.setdefault(iv.id, {
            "item_code": iv.item.code, "version": iv.version, "name": iv.name,
            "compliant": 0, "noncompliant": 0, "not_applicable": 0, "examples": []})
        row[FindingResult(f.result).value] += 1
        if f.result == FindingResult.NONCOMPLIANT:
            violators.add(f.inspection_id)
            text = f.description.strip().rstrip("。；;")
            if text and text not in row["examples"] and len(row["examples"]) < MAX_EXAMPLES:
                row["examples"].append(text)
    return sorted(items.values(), key=lambda r: (r["item_code"], r["version"])), violators


async def _callups(campaign: Campaign) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Call-ups sent (`called`: every card, whatever became of it), by outcome, and each one."""
    callups = await CallUp.filter(campaign_id=campaign.id).select_related("staff").order_by(
        "position")
    names = {c.id: c.staff.name for c in callups}
    states = Counter(CallUpState(c.state).value for c in callups)
    counts = {"called": len(callups), "waiting": states.get(CallUpState.CALLED.value, 0),
              **{s.value: states.get(s.value, 0) for s in CallUpState if s != CallUpState.CALLED},
              "substitutions": sum(1 for c in callups if c.replaces_id is not None)}
    rows = [{"position": c.position, "name": c.staff.name, "state": CallUpState(c.state).value,
             "reason": c.reason,
             "replaces": names.get(c.replaces_id, "") if c.replaces_id is not None else ""}
            for c in callups]
    return counts, rows


async def _notices(done_ids: list[int]) -> dict[str, int]:
    kinds = await Notice.filter(inspection_id__in=done_ids, status=NoticeStatus.ISSUED
                                ).values_list("kind", flat=True)
    counted = Counter(NoticeKind(str(k)).value for k in kinds)
    return dict(sorted(counted.items()))


async def campaign_figures(*, campaign_id: int) -> dict[str, Any]:
    campaign = await _campaign(campaign_id)
    inspections = await Inspection.filter(campaigns=campaign.id)
    done_ids = [i.id for i in inspections if i.state in DONE_STATES]
    by_item, violators = await _findings(done_ids)
    orders = await RectificationOrder.filter(inspection_id__in=done_ids)
    order_states = Counter(RectificationState(o.state).value for o in orders)
    penalties = await PenaltyDecision.filter(inspection_id__in=done_ids)
    amount = sum((p.amount_yuan or Decimal(0) for p in penalties), Decimal(0))
    callups, callup_rows = await _callups(campaign)
    return {
        "campaign": _about(campaign),
        "items": await _items(campaign),
        "drawn": await _drawn(campaign),
        "inspections": {"planned": len(inspections), "inspected": len(done_ids),
                        "with_violations": len(violators)},
        "findings_by_item": by_item,
        "rectification": {"orders": len(orders),
                          **{s.value: order_states.get(s.value, 0) for s in RectificationState}},
        "penalties": {"count": len(penalties),
                      "general": sum(1 for p in penalties
                                     if p.procedure == PenaltyProcedure.GENERAL),
                      "amount_yuan": str(amount.quantize(Decimal("0.01")))},
        "notices": await _notices(done_ids),
        "callups": callups,
        "callup_list": callup_rows,
        "declines": [{"position": r["position"], "name": r["name"], "reason": r["reason"]}
                     for r in callup_rows if r["state"] == CallUpState.DECLINED.value],
    }
