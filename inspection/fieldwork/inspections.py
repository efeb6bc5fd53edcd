"""Fieldwork (R20, R1): one visit per employer covering every item of every campaign it was drawn
in; check-in, a finding per item, confirmation by the team, submission and closing.

State machine of `Inspection.state` (anything else is refused with 409 `illegal_transition`):
  planned --(team of two or more)--> assigned --check-in--> checked_in --submit--> submitted
  submitted --rectification order--> rectifying --all orders settled, close--> closed
  submitted --no open problem, close--> closed
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tortoise import connections
from tortoise.expressions import Q

from inspection import audit
from inspection.access import Need, inspection_for, sees_employers, visible_campaigns
from inspection.clock import now
from inspection.errors import Conflict, Problem, ValidationFailed
from inspection.publication import triggers
from models.campaigns import Campaign, CampaignItem
from models.employers import Employer
from models.enums import (
    FindingResult,
    InspectionState,
    ItemVersionStatus,
    RectificationState,
)
from models.fieldwork import Evidence, Finding, Inspection, InspectionMember, RectificationOrder
from models.notices import Notice
from models.org import Conflict as Recusal
from models.org import Staff
from models.penalties import PenaltyDecision

MIN_TEAM = 2  # 行政执法两人以上 (R16 team; at least two inspectors on every visit)

STATE_LABELS = {
    InspectionState.PLANNED: "待组队", InspectionState.ASSIGNED: "待检查",
    InspectionState.CHECKED_IN: "检查中", InspectionState.SUBMITTED: "已提交",
    InspectionState.RECTIFYING: "整改中", InspectionState.CLOSED: "已办结",
}


def illegal(state: InspectionState, reason: str) -> Conflict:
    return Conflict("illegal_transition", f"检查当前状态为“{STATE_LABELS[state]}”，{reason}")


@dataclass
class Page:
    # Plain rows (id, code, state, window_start, window_end, employer_*): the most frequent
    # request of the mini-program builds no model instances.
    items: list[dict[str, Any]]
    total: int
    page: int
    page_size: int


_LIST_COLUMNS = (
    "i.id, i.code, i.state, i.window_start, i.window_end, e.id AS employer_id, "
    "e.name AS employer_name, e.uscc AS employer_uscc, e.township AS employer_township")


async def list_inspections(*, staff: Staff, scope_campaign_id: int | None = None,
                           state: InspectionState | None = None,
                           window_from: dt.date | None = None, window_to: dt.date | None = None,
                           page: int = 1, page_size: int = 20) -> Page:
    """The caller's own inspections (as team member), or one campaign's (caller checked before).

    The mini-program's most frequent request, so written as one SQL statement (the page and,
    by a window count, the total): building it through the ORM cost more CPU than running it.
    """
    conn = connections.get("default")
    pg = conn.capabilities.dialect == "postgres"
    values: list[Any] = []

    def param(value: Any) -> str:
        values.append(value)
        return f"${len(values)}" if pg else "?"

    # Only placeholders are ever interpolated into the SQL; every value goes in `values`.
    if scope_campaign_id is None:
        scope = "SELECT inspection_id FROM inspection_member WHERE staff_id = "
        where = [f"i.id IN ({scope}{param(staff.id)})"]
        # R14 (`access.sees_employers`, in SQL): a visit shows only if the reader may know one of
        # the campaigns it serves.
        seen = "NOT c.confidential OR c.team_formed_at IS NOT NULL"
        if staff.is_initiator:
            seen += f" OR c.section_id = {param(staff.section_id)}"
        where.append("EXISTS (SELECT 1 FROM inspection_campaign ic JOIN campaign c ON "  # noqa: S608
                     f"c.id = ic.campaign_id WHERE ic.inspection_id = i.id AND ({seen}))")
    else:
        campaign = await Campaign.get(id=scope_campaign_id)
        if not sees_employers(campaign, staff=staff):  # R14: not yet, for this reader
            return Page([], 0, page, page_size)
        scope = "SELECT inspection_id FROM inspection_campaign WHERE campaign_id = "
        where = [f"i.id IN ({scope}{param(scope_campaign_id)})"]
    if state is not None:
        where.append(f"i.state = {param(state.value)}")
    if window_from is not None:
        where.append(f"i.window_end >= {param(window_from if pg else window_from.isoformat())}")
    if window_to is not None:
        where.append(f"i.window_start <= {param(window_to if pg else window_to.isoformat())}")
    condition = " AND ".join(where)
    base = "FROM inspection i JOIN employer e ON e.id = i.employer_id WHERE " + condition
    filters = list(values)
    sql = (f"SELECT {_LIST_COLUMNS}, COUNT(*) OVER () AS full_count {base} "
           f"ORDER BY i.window_start, i.id LIMIT {param(page_size)} "
           f"OFFSET {param((page - 1) * page_size)}")
    rows = await conn.execute_query_dict(sql, values)
    if rows:
        total = int(rows[0]["full_count"])
    else:  # past the last page: the window count had no row to ride on
        counted = await conn.execute_query_dict(
            f"SELECT COUNT(*) AS n {base}", filters)
        total = int(counted[0]["n"])
    return Page(rows, total, page, page_size)


async def items_of(inspection: Inspection, *, campaigns: list[Campaign] | None = None
                   ) -> list[Any]:
    """All item versions of all the inspection's campaigns (or of `campaigns` among them: those
    a reader may know of, R14), each once (R20 one visit)."""
    query = CampaignItem.filter(campaign__inspections__id=inspection.id)
    if campaigns is not None:
        query = query.filter(campaign_id__in=[c.id for c in campaigns])
    links = await query.prefetch_related("item_version__item").order_by("item_version_id")
    seen: dict[int, Any] = {}
    for link in links:
        seen.setdefault(link.item_version_id, link.item_version)
    return list(seen.values())


async def detail(*, staff: Staff, inspection_id: int) -> dict[str, Any]:
    inspection = await inspection_for(staff=staff, inspection_id=inspection_id, need=Need.READ)
    employer = await Employer.get(id=inspection.employer_id)
    # R14: a campaign sharing this visit (R20) shows, with its items, only to those entitled.
    campaigns = await visible_campaigns(staff=staff, inspection=inspection)
    items = await items_of(inspection, campaigns=campaigns)
    shown = {iv.id for iv in items}
    members = await InspectionMember.filter(inspection_id=inspection.id).prefetch_related(
        "staff").order_by("id")
    findings = [f for f in await Finding.filter(inspection_id=inspection.id).order_by("id")
                if f.item_version_id in shown]
    kept = {f.id for f in findings}
    evidence = [e for e in await Evidence.filter(inspection_id=inspection.id).order_by("id")
                if e.finding_id is None or e.finding_id in kept]
    orders = await RectificationOrder.filter(inspection_id=inspection.id).prefetch_related(
        "findings", "follow_ups").order_by("id")
    notices = await Notice.filter(Q(inspection_id=inspection.id) | Q(
        rectification_order__inspection_id=inspection.id)).order_by("issued_on", "id")
    penalties = await PenaltyDecision.filter(inspection_id=inspection.id).order_by("id")
    return {
        "inspection": inspection, "employer": employer, "campaigns": campaigns,
        "items": items, "members": members, "findings": findings,
        "evidence": evidence, "orders": orders, "notices": notices, "penalties": penalties,
    }


async def check_in(*, staff: Staff, inspection_id: int, lat: float | None, lng: float | None,
                   note: str = "") -> Inspection:
    inspection = await inspection_for(staff=staff, inspection_id=inspection_id,
                                      need=Need.WORK, lock=True)
    if inspection.state != InspectionState.ASSIGNED:
        raise illegal(inspection.state, "不能签到（只有组队完成、尚未签到的检查可以签到）")
    # R15: a conflict registered after the assignment still keeps the inspector out.
    if await Recusal.filter(staff_id=staff.id, employer_id=inspection.employer_id).exists():
        raise Conflict("conflict_of_interest", "您与该单位存在回避情形，不能签到；请联系组长调整检查组。")
    # R1: no check starts on an item that is not (or no longer) on the published list.
    unlisted = [iv for iv in await items_of(inspection)
                if iv.status not in (ItemVersionStatus.PUBLISHED, ItemVersionStatus.SUPERSEDED)]
    if unlisted:
        names = "、".join(iv.name for iv in unlisted[:5])
        raise Conflict("items_not_published",
                       f"以下抽查事项不在已公布的抽查事项清单上，不能开始检查：{names}")
    before = audit.snapshot(inspection, ["state", "checkin_at"])
    inspection.state = InspectionState.CHECKED_IN
    inspection.checkin_at = now()
    inspection.checkin_lat, inspection.checkin_lng, inspection.checkin_note = lat, lng, note
    await inspection.save()
    await audit.record(actor=audit.staff_actor(staff.id), action="inspection.check_in",
                       obj=inspection, before=before, after=audit.snapshot(
                           inspection, ["state", "checkin_at", "checkin_lat", "checkin_lng"]))
    return inspection


async def record_finding(*, staff: Staff, inspection_id: int, item_version_id: int,
                         result: FindingResult, description: str, basis: str) -> Finding:
    inspection = await inspection_for(staff=staff, inspection_id=inspection_id,
                                      need=Need.WORK, lock=True)
    if inspection.state != InspectionState.CHECKED_IN:
        raise illegal(inspection.state, "不能记录检查结果（须先签到，提交后不能修改）")
    mine = await visible_campaigns(staff=staff, inspection=inspection)
    if item_version_id not in {iv.id for iv in await items_of(inspection, campaigns=mine)}:
        # R1: only items on the published list that this inspection's campaigns check; R14:
        # and of a campaign the inspector may know serves this visit.
        raise ValidationFailed([Problem("该抽查事项不属于本次检查", field="item_version_id",
                                        code="item_not_in_inspection")])
    if result == FindingResult.NONCOMPLIANT and not description.strip():
        raise ValidationFailed([Problem("检查结果为“不符合”时须填写问题描述", field="description",
                                        code="description_required")])
    finding = await Finding.get_or_none(inspection_id=inspection.id, item_version_id=item_version_id)
    before = audit.snapshot(finding) if finding else None
    if finding is None:
        finding = await Finding.create(inspection_id=inspection.id, item_version_id=item_version_id,
                                       result=result, description=description, basis=basis,
                                       recorded_by_id=staff.id)
    else:
        finding.result, finding.description, finding.basis = result, description, basis
        finding.recorded_by_id = staff.id
        await finding.save()
    # A changed finding needs the team's sign-off again.
    await InspectionMember.filter(inspection_id=inspection.id).update(confirmed_at=None)
    await audit.record(actor=audit.staff_actor(staff.id), action="finding.record", obj=finding,
                       before=before, after=audit.snapshot(finding))
    return finding


async def _missing_items(inspection: Inspection, staff: Staff) -> list[Any]:
    """Items without a finding. R14: only those of campaigns `staff` may know are named; items of
    a confidential campaign sharing the visit (R20) whose team is not formed yet keep the visit
    open without being named."""
    done = set(await Finding.filter(inspection_id=inspection.id).values_list(
        "item_version_id", flat=True))
    missing = [iv for iv in await items_of(inspection) if iv.id not in done]
    if not missing:
        return []
    mine = {iv.id for iv in await items_of(
        inspection, campaigns=await visible_campaigns(staff=staff, inspection=inspection))}
    named = [iv for iv in missing if iv.id in mine]
    if not named:
        raise Conflict("findings_waiting", "本次检查尚有事项待其他检查组组成后办理，暂不能确认、提交或办结")
    return named


async def confirm(*, staff: Staff, inspection_id: int) -> InspectionMember:
    inspection = await inspection_for(staff=staff, inspection_id=inspection_id,
                                      need=Need.WORK, lock=True)
    if inspection.state != InspectionState.CHECKED_IN:
        raise illegal(inspection.state, "不能确认检查结果")
    missing = await _missing_items(inspection, staff)
    if missing:
        names = "、".join(iv.name for iv in missing[:5])
        raise Conflict("findings_incomplete", f"还有 {len(missing)} 个抽查事项未记录检查结果：{names}")
    member = await InspectionMember.get(inspection_id=inspection.id, staff_id=staff.id)
    if member.confirmed_at is None:
        member.confirmed_at = now()
        await member.save()
        await audit.record(actor=audit.staff_actor(staff.id), action="inspection.confirm",
                           obj=member, after={"confirmed_at": member.confirmed_at})
    return member


async def submit(*, staff: Staff, inspection_id: int, summary: str = "") -> Inspection:
    inspection = await inspection_for(staff=staff, inspection_id=inspection_id,
                                      need=Need.WORK, lock=True)
    if inspection.state != InspectionState.CHECKED_IN:
        raise illegal(inspection.state, "不能提交")
    missing = await _missing_items(inspection, staff)
    if missing:
        raise Conflict("findings_incomplete", f"还有 {len(missing)} 个抽查事项未记录检查结果")
    confirmed = await InspectionMember.filter(inspection_id=inspection.id,
                                              confirmed_at__isnull=False).count()
    if confirmed < MIN_TEAM:
        raise Conflict("confirmations_missing",
                       f"须至少 {MIN_TEAM} 名检查组执法检查人员确认检查结果，目前 {confirmed} 名")
    before = audit.snapshot(inspection, ["state", "submitted_at", "summary"])
    inspection.state = InspectionState.SUBMITTED
    inspection.submitted_at = now()
    inspection.summary = summary
    await inspection.save()
    await audit.record(actor=audit.staff_actor(staff.id), action="inspection.submit",
                       obj=inspection, before=before,
                       after=audit.snapshot(inspection, ["state", "submitted_at", "summary"]))
    return inspection


async def close(*, staff: Staff, inspection_id: int) -> Inspection:
    inspection = await inspection_for(staff=staff, inspection_id=inspection_id,
                                      need=Need.WORK, lock=True)
    if inspection.state not in (InspectionState.SUBMITTED, InspectionState.RECTIFYING):
        raise illegal(inspection.state, "不能办结（须先提交）")
    missing = await _missing_items(inspection, staff)
    if missing:
        names = "、".join(iv.name for iv in missing[:5])
        raise Conflict("findings_incomplete",
                       f"还有 {len(missing)} 个抽查事项没有检查结果，不能办结：{names}")
    open_orders = await RectificationOrder.filter(inspection_id=inspection.id,
                                                  state=RectificationState.OPEN).count()
    if open_orders:
        raise Conflict("rectification_open", f"还有 {open_orders} 份限期改正指令书未整改完毕或转立案")
    ordered = set(await Finding.filter(inspection_id=inspection.id,
                                       rectification_orders__id__isnull=False).values_list(
                                           "id", flat=True))
    unhandled = await Finding.filter(inspection_id=inspection.id,
                                     result=FindingResult.NONCOMPLIANT).exclude(
                                         id__in=list(ordered) or [0]).count()
    penalties = await PenaltyDecision.filter(inspection_id=inspection.id).count()
    if unhandled and not penalties:
        # R22: every problem found is followed up: an order (and 回访) or a penalty decision.
        raise Conflict("problems_unhandled",
                       f"有 {unhandled} 项“不符合”尚未下达限期改正指令书或作出处罚决定")
    before = audit.snapshot(inspection, ["state", "closed_at"])
    inspection.state = InspectionState.CLOSED
    inspection.closed_at = now()
    await inspection.save()
    employer = await Employer.get(id=inspection.employer_id)
    visit_day = (inspection.checkin_at or inspection.closed_at).date()
    if employer.last_inspected_on is None or employer.last_inspected_on < visit_day:
        employer.last_inspected_on = visit_day  # feeds the draw's frequency rules (R11)
        await employer.save(update_fields=["last_inspected_on"])
    await audit.record(actor=audit.staff_actor(staff.id), action="inspection.close", obj=inspection,
                       before=before, after=audit.snapshot(inspection, ["state", "closed_at"]))
    await triggers.result_of_closed_visit(inspection=inspection,  # R3
                                          actor=audit.staff_actor(staff.id))
    return inspection
