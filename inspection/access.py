"""Who may see and change an inspection: role and ownership, checked on every access.

A member of staff who has nothing to do with an inspection gets "not found" (its existence is not
revealed); one who may see it but not do the thing asked gets "forbidden".
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import connections

from inspection.errors import Forbidden, NotFound
from models.campaigns import Campaign
from models.enums import StaffStatus
from models.fieldwork import Inspection, InspectionMember
from models.org import Staff


class Need(StrEnum):
    READ = "read"  # any relation to the inspection
    WORK = "work"  # fieldwork: only the team's inspectors
    MANAGE = "manage"  # the campaign's leader (组长, R16) or its initiating section


_STAFF_BY_ID = "SELECT * FROM staff WHERE id = ?"
_STAFF_BY_ID_PG = "SELECT * FROM staff WHERE id = $1"


async def staff_by_id(*, staff_id: int) -> Staff | None:
    """One member of staff, as the ORM would load it. Every API request starts here, and building
    this query through the ORM cost more CPU than PostgreSQL spent answering it."""
    conn = connections.get("default")
    sql = _STAFF_BY_ID_PG if conn.capabilities.dialect == "postgres" else _STAFF_BY_ID
    rows = await conn.execute_query_dict(sql, [staff_id])
    return Staff._init_from_db(**rows[0]) if rows else None


async def relations(*, staff: Staff, inspection: Inspection) -> set[str]:
    """How `staff` relates to `inspection`: member, leader, initiator (any of them)."""
    out: set[str] = set()
    if staff.status != StaffStatus.ACTIVE:
        return out
    if await InspectionMember.exists(inspection_id=inspection.id, staff_id=staff.id):
        out.add("member")
    campaigns = await Campaign.filter(inspections__id=inspection.id).values_list(
        "leader_id", "section_id")
    if any(leader == staff.id for leader, _ in campaigns):
        out.add("leader")
    if staff.is_initiator and any(section == staff.section_id
                                   for _, section in campaigns):
        out.add("initiator")
    return out


async def inspection_for(*, staff: Staff, inspection_id: int, need: Need,
                         lock: bool = False) -> Inspection:
    query = Inspection.filter(id=inspection_id)
    if lock:
        query = query.select_for_update()
    inspection = await query.first()
    if inspection is None:
        raise NotFound("检查")
    rel = await relations(staff=staff, inspection=inspection)
    if not rel:
        raise NotFound("检查")
    if need == Need.WORK and "member" not in rel:
        raise Forbidden("只有本检查组的执法检查人员可以办理此项", code="not_team_member")
    if need == Need.MANAGE and not rel & {"leader", "initiator"}:
        raise Forbidden("只有本次抽查的组长或发起科室可以办理此项", code="not_campaign_manager")
    return inspection


async def campaign_for(*, staff: Staff, campaign_id: int) -> Campaign:
    """A campaign its leader or its initiating section may manage; others: not found."""
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None or staff.status != StaffStatus.ACTIVE:
        raise NotFound("抽查任务")
    if campaign.leader_id == staff.id:
        return campaign
    if staff.is_initiator and campaign.section_id == staff.section_id:
        return campaign
    raise NotFound("抽查任务")
