"""Who may read credit statistics and integrity files over the staff API (R18, R19): a campaign's
figures go to its leader and its initiating section; the year's figures and an employer's
integrity file to leaders, the initiating section and 政策法规科."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection.access import campaign_for
from inspection.credit import integrity, statistics
from inspection.errors import Forbidden, Problem, ValidationFailed
from models.credit import CreditEvent
from models.enums import CreditEventKind, StaffStatus
from models.org import Staff


def require_credit_reader(staff: Staff) -> None:
    if staff.status != StaffStatus.ACTIVE or not (
            staff.is_leader or staff.is_initiator or staff.is_admin):
        raise Forbidden("只有组长、发起科室和政策法规科可以查看统计和诚信档案", "credit_readers_only")


async def campaign_statistics(*, staff: Staff, campaign_id: int) -> dict[str, Any]:
    campaign = await campaign_for(staff=staff, campaign_id=campaign_id)
    return await statistics.campaign_statistics(campaign_id=campaign.id)


async def year_statistics(*, staff: Staff, year: int) -> dict[str, Any]:
    require_credit_reader(staff)
    if not 2000 <= year <= 2100:
        raise ValidationFailed([Problem("年度无效", field="year")])
    return await statistics.year_statistics(year=year)


async def integrity_file(*, staff: Staff, employer_id: int, start: dt.date | None = None,
                         end: dt.date | None = None) -> integrity.IntegrityFile:
    require_credit_reader(staff)
    return await integrity.integrity_file(employer_id=employer_id, start=start, end=end)


async def record_fact(*, staff: Staff, employer_id: int, kind: CreditEventKind,
                      occurred_on: dt.date, description: str, evidence: str, basis: str,
                      refused: str | None) -> CreditEvent:
    """A fact with no other record (R18); the integrity module checks who may record it."""
    return await integrity.record_fact(employer_id=employer_id, kind=kind,
                                       occurred_on=occurred_on, description=description,
                                       evidence=evidence, basis=basis, staff_id=staff.id,
                                       refused=refused)
