"""Who may see and change an inspection: role, ownership and confidentiality, checked on every
access.

A member of staff who has nothing to do with an inspection gets "not found" (its existence is not
revealed); one who may see it but not do the thing asked gets "forbidden".

R14, the one rule for a confidential campaign's employers (`sees_employers`): its initiating
section knows them from the draw; everyone else — its leader, the inspectors, other campaigns'
teams on a shared visit (R20), the chat, WeCom messages and the papers handed to employers —
only once its team is formed. Every route that lists or shows which employers a campaign inspects
(an inspection and its items, the campaign's inspections, the draw's roster, "my inspections", the
chat's 任务 and 名单, the call-up card, a notice's list of checks) asks this function. The public
window waits longer still: for the team and the field window (`inspection.draw.records.is_open`).
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


def initiates(staff: Staff, campaign: Campaign) -> bool:
    """Is `staff` an active member of the campaign's initiating section?"""
    return (staff.status == StaffStatus.ACTIVE and staff.is_initiator
            and staff.section_id == campaign.section_id)


def sees_employers(campaign: Campaign, *, staff: Staff | None) -> bool:
    """R14: may `staff` learn, now, which employers `campaign` inspects (and its items at them)?
    `staff=None` asks for anyone but its initiating section: the chat, WeCom messages, a paper.
    Not confidential: yes. Confidential: its initiating section always, others once its team is
    formed (DESIGN.md: confidential campaigns name no employer before the team is formed)."""
    if not campaign.confidential or campaign.team_formed_at is not None:
        return True
    return staff is not None and initiates(staff, campaign)


async def visible_campaigns(*, staff: Staff | None, inspection: Inspection) -> list[Campaign]:
    """The campaigns a visit serves (R20) that `staff` may know it serves, by id."""
    campaigns = await Campaign.filter(inspections__id=inspection.id).order_by("id")
    return [c for c in campaigns if sees_employers(c, staff=staff)]


async def relations(*, staff: Staff, inspection: Inspection) -> set[str]:
    """How `staff` relates to `inspection`: member, leader, initiator (any of them). A relation
    through a campaign the reader may not yet know serves this visit (R14) does not count, and a
    visit none of whose campaigns the reader may know is unrelated."""
    out: set[str] = set()
    if staff.status != StaffStatus.ACTIVE:
        return out
    campaigns = await visible_campaigns(staff=staff, inspection=inspection)
    if not campaigns:
        return out
    if await InspectionMember.exists(inspection_id=inspection.id, staff_id=staff.id):
        out.add("member")
    if any(c.leader_id == staff.id for c in campaigns):
        out.add("leader")
    if any(initiates(staff, c) for c in campaigns):
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
