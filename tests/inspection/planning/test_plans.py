"""Annual plans (R13): late submissions are accepted, flagged and warned about."""

from __future__ import annotations

import datetime as dt

import pytest

from inspection.errors import Conflict, ValidationFailed
from inspection.planning import plans
from models.audit import AuditEvent
from models.enums import PlanStatus, SectionKind
from models.org import Section
from models.publication import Publication
from tests.drawkit import make_world

pytestmark = pytest.mark.usefixtures("clean_db")

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
    with pytest.raises(Conflict) as none:
        await plans.publish_plans(year=2026, actor="cli")
    assert none.value.code == "no_plans"
    other = await Section.create(code="YWK", name="劳动关系科", kind=SectionKind.BUSINESS)
    await plans.submit_plan(year=2026, section_id=world.section.id, needs="a", actor="cli")
    await plans.submit_plan(year=2026, section_id=other.id, needs="b", actor="cli")
    published = await plans.publish_plans(year=2026, actor="staff:1")
    assert len(published) == 2  # R13: every section's plan, together
    duties = await Publication.filter(kind="plan").order_by("id")
    assert [d.published_at is not None for d in duties] == [True, True]
    assert await AuditEvent.filter(action="plan.publish", actor="staff:1").count() == 2
    with pytest.raises(Conflict):
        await plans.submit_plan(year=2026, section_id=world.section.id, needs="b", actor="cli")
    assert (await world.section.plans.all())[0].status == PlanStatus.PUBLISHED
    with pytest.raises(Conflict) as again:
        await plans.publish_plans(year=2026, actor="cli")
    assert again.value.code == "plans_published"


async def test_needs_required():
    world = await make_world()
    with pytest.raises(ValidationFailed):
        await plans.submit_plan(year=2026, section_id=world.section.id, needs=" ", actor="cli")
