"""R20 one visit: a later campaign joins an employer's open visit only while its findings are not
yet submitted; otherwise a new visit is planned. A visit cannot close with an item unanswered."""

from __future__ import annotations

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection.errors import Conflict
from inspection.fieldwork import inspections as fw
from inspection.fieldwork import visits
from models.campaigns import CampaignItem
from models.enums import CampaignState, FindingResult, InspectionState
from models.fieldwork import Finding, Inspection
from models.items import Item, ItemVersion
from tests import credit_factories as f
from tests.fieldworld import World, build_world

pytestmark = pytest.mark.usefixtures("clean_db")

START = dt.date(2026, 11, 2)


@pytest.mark.parametrize(("state", "merged"), [
    (InspectionState.PLANNED, True), (InspectionState.ASSIGNED, True),
    (InspectionState.CHECKED_IN, True), (InspectionState.SUBMITTED, False),
    (InspectionState.RECTIFYING, False), (InspectionState.CLOSED, False)])
async def test_only_a_visit_not_yet_submitted_takes_the_new_campaign(
        state: InspectionState, merged: bool) -> None:
    first = await f.campaign(state=CampaignState.IN_FIELD, field_end=START + dt.timedelta(days=20))
    employer = await f.employer()
    old = await f.inspection(employer, first, state=state,
                             submitted_on=START + dt.timedelta(days=10))
    second = await f.campaign(state=CampaignState.APPROVED,
                              field_end=START + dt.timedelta(days=25))
    draw = await f.employer_draw(second, {"B": [employer]})
    async with in_transaction():
        summary = await visits.plan_visits(campaign=second, draw=draw,
                                           drawn={employer.id: employer.uscc}, actor="cli")
    visits_now = await Inspection.filter(employer=employer).order_by("id")
    if merged:
        assert [v.id for v in visits_now] == [old.id] and summary["created"] == []
        assert {c.id for c in await old.campaigns.all()} == {first.id, second.id}
    else:
        assert len(visits_now) == 2 and summary["merged"] == []
        assert [c.id for c in await old.campaigns.all()] == [first.id]
        assert [c.id for c in await visits_now[1].campaigns.all()] == [second.id]
        assert visits_now[1].state == InspectionState.PLANNED


@pytest.fixture
async def world() -> World:
    return await build_world(InspectionState.SUBMITTED)


async def test_a_visit_cannot_close_while_an_item_has_no_finding(world: World) -> None:
    for iv in world.items:
        await Finding.create(inspection=world.inspection, item_version=iv,
                             result=FindingResult.COMPLIANT, recorded_by=world.staff["member"])
    # An item added to one of the visit's campaigns after the findings were submitted.
    late = await ItemVersion.create(item=await Item.create(code="LB-09"), version=1,
                                    name="新增事项", basis="依据", subject="主体", content="内容",
                                    method="方式")
    await CampaignItem.create(campaign=world.campaigns[0], item_version=late)
    with pytest.raises(Conflict) as exc:
        await fw.close(staff=world.staff["member"], inspection_id=world.inspection.id)
    assert exc.value.code == "findings_incomplete" and "新增事项" in exc.value.message
    await CampaignItem.filter(item_version=late).delete()
    closed = await fw.close(staff=world.staff["member"], inspection_id=world.inspection.id)
    assert closed.state == InspectionState.CLOSED
