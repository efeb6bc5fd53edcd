"""The reviewers' side of publication (R3, R13, R17): the list of duties, one-call publish, and
withholding with a legal reason — for the initiating section (its own section's duties) and the
policy-and-regulations section (政策法规科, every duty). Anyone else is refused by role (403);
another section's duty is not found (404).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from inspection import audit, clock
from inspection.errors import Forbidden, NotFound
from inspection.publication import duties
from models.enums import PublicationKind, StaffStatus
from models.org import Staff
from models.publication import Publication


class DutyState(StrEnum):
    PENDING = "pending"  # not yet on the window, not withheld
    OVERDUE = "overdue"  # pending past its due date
    PUBLISHED = "published"
    WITHHELD = "withheld"


STATE_LABELS = {DutyState.PENDING: "待公示", DutyState.OVERDUE: "已逾期",
                DutyState.PUBLISHED: "已公示", DutyState.WITHHELD: "不予公示"}
# Where each kind shows on the public window.
WINDOW_PATHS = {
    PublicationKind.ITEM_LIST: "/public/items", PublicationKind.PLAN: "/public/plans",
    PublicationKind.DRAW: "/public/draws", PublicationKind.RESULT: "/public/results",
    PublicationKind.PENALTY: "/public/penalties", PublicationKind.BLACKLIST: "/public/blacklist",
    PublicationKind.REPORT: "/public/", PublicationKind.CANCELLATION: "/public/cancelled",
    PublicationKind.MAJOR_VIOLATION: "/public/major-violations",
}


@dataclass
class DutyPage:
    items: list[Publication]
    total: int
    page: int
    page_size: int


def require_officer(staff: Staff) -> None:
    if staff.status != StaffStatus.ACTIVE or not (staff.is_initiator or staff.is_admin):
        raise Forbidden("只有发起科室和政策法规科可以办理公示", "publication_officer_only")


def _scope(staff: Staff) -> QuerySet[Publication]:
    if staff.is_admin:
        return Publication.all()
    return Publication.filter(section_id=staff.section_id)


def state_of(duty: Publication, today: dt.date) -> DutyState:
    if duty.withdrawn_at is not None:
        return DutyState.WITHHELD
    if duty.published_at is not None:
        return DutyState.PUBLISHED
    if duty.due_on is not None and duty.due_on < today:
        return DutyState.OVERDUE
    return DutyState.PENDING


def _by_state(query: QuerySet[Publication], state: DutyState, today: dt.date
              ) -> QuerySet[Publication]:
    pending = Q(published_at__isnull=True, withdrawn_at__isnull=True)
    filters = {DutyState.PENDING: pending, DutyState.OVERDUE: pending & Q(due_on__lt=today),
               DutyState.PUBLISHED: Q(published_at__isnull=False, withdrawn_at__isnull=True),
               DutyState.WITHHELD: Q(withdrawn_at__isnull=False)}
    return query.filter(filters[state])


async def list_duties(*, staff: Staff, state: DutyState | None = None,
                      due_by: dt.date | None = None, section_id: int | None = None,
                      kind: PublicationKind | None = None, page: int = 1,
                      page_size: int = 20) -> DutyPage:
    """The caller's duties, soonest due first; `due_by`: due on or before that day."""
    require_officer(staff)
    query = _scope(staff)
    if state is not None:
        query = _by_state(query, state, clock.today())
    if due_by is not None:
        query = query.filter(due_on__lte=due_by)
    if section_id is not None:
        query = query.filter(section_id=section_id)
    if kind is not None:
        query = query.filter(kind=kind)
    total = await query.count()
    rows = await query.order_by("due_on", "id").offset((page - 1) * page_size).limit(page_size)
    return DutyPage(rows, total, page, page_size)


async def duty_for(*, staff: Staff, publication_id: int) -> Publication:
    require_officer(staff)
    duty = await _scope(staff).filter(id=publication_id).first()
    if duty is None:
        raise NotFound("公示任务")
    return duty


async def publish(*, staff: Staff, publication_id: int) -> Publication:
    """One call: the record goes on the window now; reminders stop."""
    duty = await duty_for(staff=staff, publication_id=publication_id)
    return await duties.mark_published(publication_id=duty.id, actor=audit.staff_actor(staff.id))


async def withhold(*, staff: Staff, publication_id: int, reason: str, basis: str) -> Publication:
    """不予公示, with the reason and its legal basis, before the due date."""
    duty = await duty_for(staff=staff, publication_id=publication_id)
    return await duties.withhold(publication_id=duty.id, actor=audit.staff_actor(staff.id),
                                 reason=reason, basis=basis, staff_id=staff.id)


def describe(duty: Publication, today: dt.date) -> dict[str, Any]:
    """What the staff app shows of a duty, links included."""
    state = state_of(duty, today)
    return {"state": state, "state_label": STATE_LABELS[state],
            "kind_label": duties.KIND_LABELS[duty.kind], "app_path": duties.app_path(duty.id),
            "window_path": WINDOW_PATHS[duty.kind]}
