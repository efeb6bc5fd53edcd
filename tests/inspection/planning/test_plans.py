"""Annual plans (R13): late submissions are accepted, flagged and warned about."""

from __future__ import annotations

import datetime as dt

import pytest

from inspection.errors import Conflict, ValidationFailed
from inspection.planning import plans
from models.audit import AuditEvent
from models.enums import PlanStatus
from models.publication import Publication
from tests.drawkit import make_world

BJ = dt.timezone(dt.timedelta(hours=8))


async def test_on_time_and_late_plans():
    world = await make_world()
    on_time = await plans.submit_plan(year=2026, section_id=world.section.id, needs="工资支付 20 户",
                                      actor="staff:1", at=dt.datetime(2026, 6, 30, 23, 59, tzinfo=BJ))
    assert not on_time.plan.late and on_time.warnings == []
    # 1 July 00:30 Beijing is still 30 June in UTC: the deadline is the bureau's day.
    late = await plans.submit_plan(year=2026, section_id=world.section.id, needs="加 10 户",
                                   actor="staff:1", at=dt.datetime(2026, 7, 1, 0, 30, tzinfo=BJ))
    assert late.plan.late and "逾期" in late.warnings[0]
    event = await AuditEvent.filter(action="plan.submit").order_by("-seq").first()
    assert event is not None and event.after["warnings"] == late.warnings


async def test_publish_together_then_frozen():
    world = await make_world()
    await plans.submit_plan(year=2026, section_id=world.section.id, needs="a", actor="cli")
    assert await plans.publish_plans(year=2026, actor="cli") == 1
    assert await Publication.filter(kind="plan").count() == 1
    with pytest.raises(Conflict):
        await plans.submit_plan(year=2026, section_id=world.section.id, needs="b", actor="cli")
    assert (await world.section.plans.all())[0].status == PlanStatus.PUBLISHED


async def test_needs_required():
    world = await make_world()
    with pytest.raises(ValidationFailed):
        await plans.submit_plan(year=2026, section_id=world.section.id, needs=" ", actor="cli")
