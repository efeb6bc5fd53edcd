"""Rectification orders (R22): working-day deadlines, follow-ups, escalation, overdue chase."""

from __future__ import annotations

import datetime as dt

import pytest

from inspection.errors import Conflict, Forbidden, ValidationFailed
from inspection.fieldwork import rectification as rect
from models.enums import (
    FindingResult,
    FollowUpResult,
    InspectionState,
    OutboxStatus,
    RectificationState,
)
from models.fieldwork import Finding
from models.outbox import OutboxMessage
from models.system import CalendarOverride
from tests.fieldworld import World, build_world
from tests.notices_fixtures import ISSUER
from tests.wecom_rows import body, content

pytestmark = pytest.mark.usefixtures("clean_db")


@pytest.fixture
async def world() -> World:
    world = await build_world(InspectionState.SUBMITTED)
    for n, iv in enumerate(world.items):
        await Finding.create(inspection=world.inspection, item_version=iv,
                             result=FindingResult.NONCOMPLIANT if n == 0
                             else FindingResult.COMPLIANT,
                             description="未签劳动合同" if n == 0 else "",
                             recorded_by=world.staff["member"])
    return world


async def _issue(world: World, days: int = 10) -> tuple:
    bad = await Finding.get(inspection_id=world.inspection.id, result=FindingResult.NONCOMPLIANT)
    return await rect.issue_order(staff=world.staff["member"], inspection_id=world.inspection.id,
                                  finding_ids=[bad.id], requirements="补签", working_days=days, issuer=ISSUER,
                                  issued_on=dt.date(2025, 9, 26))


async def test_deadline_in_working_days_skips_national_day(world: World) -> None:
    order, warnings = await _issue(world, 4)
    # 2025-09-26 (Fri) + 4 working days: 09-28 (an adjusted working Sunday), 09-29, 09-30, then
    # the National Day holiday 10-01..08, so the 4th is 10-09.
    assert order.deadline == dt.date(2025, 10, 9) and warnings == []
    await world.inspection.refresh_from_db()
    assert world.inspection.state == InspectionState.RECTIFYING
    timer = await OutboxMessage.get(idempotency_key=f"rectification-due:{order.id}")
    assert timer.topic == rect.DUE_TOPIC and timer.due_at.date() == dt.date(2025, 10, 10)


async def test_local_override_moves_the_deadline(world: World) -> None:
    await CalendarOverride.create(day=dt.date(2025, 10, 9), is_workday=False, reason="区里停电")
    order, _ = await _issue(world, 4)
    assert order.deadline == dt.date(2025, 10, 10)


async def test_only_noncompliant_findings(world: World) -> None:
    good = await Finding.get(inspection_id=world.inspection.id, item_version_id=world.items[1].id)
    with pytest.raises(ValidationFailed) as exc:
        await rect.issue_order(staff=world.staff["member"], inspection_id=world.inspection.id,
                               finding_ids=[good.id], requirements="x", working_days=5,
                               issuer=ISSUER)
    assert exc.value.problems[0].code == "finding_compliant"


async def test_follow_ups_until_rectified(world: World) -> None:
    order, _ = await _issue(world)
    me = world.staff["member"]
    await rect.record_follow_up(staff=me, order_id=order.id, visited_on=dt.date(2025, 10, 9),
                                result=FollowUpResult.PARTIAL, note="部分补签")
    await order.refresh_from_db()
    assert order.state == RectificationState.OPEN
    await rect.record_follow_up(staff=me, order_id=order.id, visited_on=dt.date(2025, 10, 15),
                                result=FollowUpResult.RECTIFIED, note="")
    await order.refresh_from_db()
    assert order.state == RectificationState.RECTIFIED and order.closed_on == dt.date(2025, 10, 15)
    timer = await OutboxMessage.get(idempotency_key=f"rectification-due:{order.id}")
    assert timer.status == OutboxStatus.CANCELLED
    with pytest.raises(Conflict):
        await rect.escalate(staff=me, order_id=order.id, reason="x")


async def test_follow_up_date_checked_and_leader_cannot_record(world: World) -> None:
    order, _ = await _issue(world)
    with pytest.raises(ValidationFailed):
        await rect.record_follow_up(staff=world.staff["member"], order_id=order.id,
                                    visited_on=dt.date(2025, 9, 1),
                                    result=FollowUpResult.RECTIFIED, note="")
    with pytest.raises(Forbidden):
        await rect.record_follow_up(staff=world.staff["leader"], order_id=order.id,
                                    visited_on=dt.date(2025, 10, 1),
                                    result=FollowUpResult.RECTIFIED, note="")


async def test_overdue_chase_reminds_team_and_leader(world: World) -> None:
    order, _ = await _issue(world)
    await rect.on_rectification_due({"order_id": order.id})
    messages = await OutboxMessage.filter(topic="wecom.message").order_by("id")
    assert {body(m)["touser"] for m in messages} == {"u-member", "u-member2", "u-leader"}
    assert "逾期" in content(messages[0])
    await rect.on_rectification_due({"order_id": order.id})  # a retried timer sends nothing twice
    assert await OutboxMessage.filter(topic="wecom.message").count() == 3


async def test_no_chase_after_escalation(world: World) -> None:
    order, _ = await _issue(world)
    await rect.escalate(staff=world.staff["member"], order_id=order.id, reason="拒不改正")
    await rect.on_rectification_due({"order_id": order.id})
    assert not await OutboxMessage.filter(topic="wecom.message").exists()
