"""Fieldwork state machine, R1 items, R20 one visit, team rules, close rules (R22)."""

from __future__ import annotations

import pytest

from inspection.errors import Conflict, Forbidden, NotFound, ValidationFailed
from inspection.fieldwork import inspections as fw
from models.audit import AuditEvent
from models.enums import FindingResult, InspectionState
from models.fieldwork import InspectionMember
from models.items import Item, ItemVersion
from tests.fieldworld import World, build_world

pytestmark = pytest.mark.usefixtures("clean_db")


@pytest.fixture
async def world() -> World:
    return await build_world()


async def _all_findings(world: World, result: FindingResult = FindingResult.COMPLIANT) -> None:
    for iv in world.items:
        await fw.record_finding(staff=world.staff["member"], inspection_id=world.inspection.id,
                                item_version_id=iv.id, result=result, description="问题",
                                basis="")


async def test_items_of_all_campaigns_merged_once(world: World) -> None:  # R20
    d = await fw.detail(staff=world.staff["member"], inspection_id=world.inspection.id)
    assert [iv.id for iv in d["items"]] == [iv.id for iv in world.items]


async def test_check_in_only_once_and_only_by_team(world: World) -> None:
    with pytest.raises(Forbidden):
        await fw.check_in(staff=world.staff["leader"], inspection_id=world.inspection.id,
                          lat=None, lng=None)
    with pytest.raises(NotFound):
        await fw.check_in(staff=world.staff["outsider"], inspection_id=world.inspection.id,
                          lat=None, lng=None)
    inspection = await fw.check_in(staff=world.staff["member"],
                                   inspection_id=world.inspection.id, lat=29.7, lng=107.4)
    assert inspection.state == InspectionState.CHECKED_IN and inspection.checkin_at
    with pytest.raises(Conflict) as exc:
        await fw.check_in(staff=world.staff["member"], inspection_id=world.inspection.id,
                          lat=None, lng=None)
    assert exc.value.code == "illegal_transition" and "检查中" in exc.value.message
    assert await AuditEvent.filter(action="inspection.check_in").count() == 1


async def test_finding_only_for_the_inspections_items(world: World) -> None:  # R1
    await fw.check_in(staff=world.staff["member"], inspection_id=world.inspection.id,
                      lat=None, lng=None)
    stray = await ItemVersion.create(item=await Item.create(code="X-1"), version=1, name="其他",
                                     basis="b", subject="s", content="c", method="m")
    with pytest.raises(ValidationFailed) as exc:
        await fw.record_finding(staff=world.staff["member"], inspection_id=world.inspection.id,
                                item_version_id=stray.id, result=FindingResult.COMPLIANT,
                                description="", basis="")
    assert exc.value.problems[0].code == "item_not_in_inspection"
    with pytest.raises(ValidationFailed):
        await fw.record_finding(staff=world.staff["member"], inspection_id=world.inspection.id,
                                item_version_id=world.items[0].id,
                                result=FindingResult.NONCOMPLIANT, description=" ", basis="")


async def test_findings_before_check_in_refused(world: World) -> None:
    with pytest.raises(Conflict):
        await _all_findings(world)


async def test_submit_needs_all_findings_and_two_confirmations(world: World) -> None:
    me, partner = world.staff["member"], world.staff["member2"]
    iid = world.inspection.id
    await fw.check_in(staff=me, inspection_id=iid, lat=None, lng=None)
    with pytest.raises(Conflict) as exc:
        await fw.confirm(staff=me, inspection_id=iid)
    assert exc.value.code == "findings_incomplete"
    await _all_findings(world)
    await fw.confirm(staff=me, inspection_id=iid)
    await fw.confirm(staff=partner, inspection_id=iid)
    # A changed finding needs everyone's sign-off again.
    await fw.record_finding(staff=me, inspection_id=iid, item_version_id=world.items[0].id,
                            result=FindingResult.NOT_APPLICABLE, description="", basis="")
    assert not await InspectionMember.filter(inspection_id=iid,
                                             confirmed_at__isnull=False).exists()
    with pytest.raises(Conflict) as exc:
        await fw.submit(staff=me, inspection_id=iid)
    assert exc.value.code == "confirmations_missing"
    await fw.confirm(staff=me, inspection_id=iid)
    await fw.confirm(staff=partner, inspection_id=iid)
    assert (await fw.submit(staff=me, inspection_id=iid)).state == InspectionState.SUBMITTED
    with pytest.raises(Conflict):  # submitted findings are frozen
        await _all_findings(world)


async def test_close_refuses_unhandled_violations(world: World) -> None:
    me, partner, iid = world.staff["member"], world.staff["member2"], world.inspection.id
    await fw.check_in(staff=me, inspection_id=iid, lat=None, lng=None)
    await _all_findings(world, FindingResult.NONCOMPLIANT)
    await fw.confirm(staff=me, inspection_id=iid)
    await fw.confirm(staff=partner, inspection_id=iid)
    await fw.submit(staff=me, inspection_id=iid)
    with pytest.raises(Conflict) as exc:
        await fw.close(staff=me, inspection_id=iid)
    assert exc.value.code == "problems_unhandled"


async def test_close_compliant_inspection_updates_employer(world: World) -> None:
    me, partner, iid = world.staff["member"], world.staff["member2"], world.inspection.id
    await fw.check_in(staff=me, inspection_id=iid, lat=None, lng=None)
    await _all_findings(world)
    await fw.confirm(staff=me, inspection_id=iid)
    await fw.confirm(staff=partner, inspection_id=iid)
    await fw.submit(staff=me, inspection_id=iid)
    assert (await fw.close(staff=me, inspection_id=iid)).state == InspectionState.CLOSED
    await world.employer.refresh_from_db()
    assert world.employer.last_inspected_on is not None


async def test_list_is_paged_and_own_only(world: World) -> None:
    page = await fw.list_inspections(staff=world.staff["member"], page_size=1)
    assert page.total == 1 and len(page.items) == 1
    assert (await fw.list_inspections(staff=world.staff["outsider"])).total == 0
    assert (await fw.list_inspections(staff=world.staff["member"],
                                      state=InspectionState.CLOSED)).total == 0


async def test_total_counts_every_page(world: World) -> None:
    from models.fieldwork import Inspection

    for n in range(4):
        extra = await Inspection.create(code=f"JC2026-01{n}", employer=world.employer,
                                        window_start=world.inspection.window_start,
                                        window_end=world.inspection.window_end)
        await extra.campaigns.add(world.campaigns[0])  # every visit serves a campaign (R20)
        await InspectionMember.create(inspection=extra, staff=world.staff["member"])
    me = world.staff["member"]
    pages = [await fw.list_inspections(staff=me, page=p, page_size=2) for p in (1, 2, 3, 4)]
    assert [p.total for p in pages] == [5, 5, 5, 5]
    assert [len(p.items) for p in pages] == [2, 2, 1, 0]
    assert len({i["id"] for p in pages for i in p.items}) == 5


async def test_no_check_in_on_a_withdrawn_item(world: World) -> None:  # R1
    from models.enums import ItemVersionStatus

    world.items[2].status = ItemVersionStatus.WITHDRAWN
    await world.items[2].save()
    with pytest.raises(Conflict) as exc:
        await fw.check_in(staff=world.staff["member"], inspection_id=world.inspection.id,
                          lat=None, lng=None)
    assert exc.value.code == "items_not_published" and "抽查事项3" in exc.value.message


async def test_list_filters_by_window(world: World) -> None:
    import datetime as dt

    me = world.staff["member"]  # the inspection's window is 2026-11-02 .. 2026-12-02
    assert (await fw.list_inspections(staff=me, window_from=dt.date(2026, 12, 2))).total == 1
    assert (await fw.list_inspections(staff=me, window_from=dt.date(2026, 12, 3))).total == 0
    assert (await fw.list_inspections(staff=me, window_to=dt.date(2026, 11, 2))).total == 1
    assert (await fw.list_inspections(staff=me, window_to=dt.date(2026, 11, 1))).total == 0
    page = await fw.list_inspections(staff=me, state=InspectionState.ASSIGNED,
                                     window_from=dt.date(2026, 11, 1))
    row = page.items[0]
    assert row["employer_name"] == "涪陵某建筑有限公司" and row["code"] == "JC2026-0001"
    assert (await fw.list_inspections(staff=me, scope_campaign_id=world.campaigns[1].id)).total == 1
