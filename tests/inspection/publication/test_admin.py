"""Publication without a shell (R3, R17): a closed visit owes its result; reviewers list duties by
state, due date and section, publish in one call or withhold with a legal reason; reminders name
the item and link to it."""

from __future__ import annotations

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection.errors import Conflict, Forbidden, NotFound
from inspection.fieldwork import inspections
from inspection.publication import admin, duties
from models.enums import InspectionState, PublicationKind, SectionKind
from models.org import Section, Staff
from models.outbox import OutboxMessage
from models.publication import Publication
from notifications.wecom.render import message_body
from portal import window_data as window
from tests.clockkit import TestClock, beijing
from tests.fieldworld import World, answer_all, build_world

pytestmark = pytest.mark.usefixtures("clean_db")


async def closed_visit(world: World) -> Publication:
    await answer_all(world)
    async with in_transaction():
        await inspections.close(staff=world.staff["member"], inspection_id=world.inspection.id)
    return await Publication.get(kind=PublicationKind.RESULT, object_id=world.inspection.id)


async def test_a_closed_visit_owes_its_result(test_clock: TestClock) -> None:
    world = await build_world(InspectionState.SUBMITTED)
    duty = await closed_visit(world)
    # R3: due 20 working days after the close (Monday 2 November 2026).
    assert duty.due_on == dt.date(2026, 11, 30) and duty.object_type == "inspection"
    assert duty.section_id == world.campaigns[0].section_id  # type: ignore[attr-defined]
    assert "涪陵某建筑有限公司" in duty.title and "JC2026-0001" in duty.title
    assert await window.results() == []  # not on the window until published
    async with in_transaction():
        await admin.publish(staff=world.staff["initiator"], publication_id=duty.id)
    assert [r["code"] for r in await window.results()] == ["JC2026-0001"]
    with pytest.raises(Conflict):
        await admin.publish(staff=world.staff["initiator"], publication_id=duty.id)


async def test_the_list_by_state_due_date_and_section(test_clock: TestClock) -> None:
    world = await build_world(InspectionState.SUBMITTED)
    mine = await closed_visit(world)
    other = await Section.create(code="QT", name="其他监察大队", kind=SectionKind.INITIATING)
    theirs = await Publication.create(kind=PublicationKind.PENALTY, object_type="penalty_decision",
                                      object_id=7, title="他科处罚", section=other,
                                      due_on=dt.date(2026, 10, 30))
    initiator, admin_staff = world.staff["initiator"], world.staff["admin"]
    page = await admin.list_duties(staff=initiator)
    assert [d.id for d in page.items] == [mine.id] and page.total == 1
    page = await admin.list_duties(staff=admin_staff)
    assert [d.id for d in page.items] == [theirs.id, mine.id]  # soonest due first
    overdue = await admin.list_duties(staff=admin_staff, state=admin.DutyState.OVERDUE)
    assert [d.id for d in overdue.items] == [theirs.id]
    assert admin.state_of(theirs, dt.date(2026, 11, 2)) == admin.DutyState.OVERDUE
    by_section = await admin.list_duties(staff=admin_staff, section_id=other.id)
    assert [d.id for d in by_section.items] == [theirs.id]
    due_soon = await admin.list_duties(staff=admin_staff, due_by=dt.date(2026, 11, 1))
    assert [d.id for d in due_soon.items] == [theirs.id]
    with pytest.raises(NotFound):  # another section's duty is not revealed
        await admin.duty_for(staff=initiator, publication_id=theirs.id)
    with pytest.raises(Forbidden):
        await admin.list_duties(staff=world.staff["member"])
    async with in_transaction():
        await admin.withhold(staff=admin_staff, publication_id=mine.id, reason="涉及商业秘密",
                             basis="《政府信息公开条例》第十五条")
    withheld = await admin.list_duties(staff=initiator, state=admin.DutyState.WITHHELD)
    assert [d.withdrawn_reason for d in withheld.items] == ["涉及商业秘密"]
    assert (await Publication.get(id=mine.id)).withdrawn_by_id == admin_staff.id  # type: ignore[attr-defined]


async def test_reminders_name_the_item_and_link_to_it(test_clock: TestClock) -> None:
    world = await build_world(InspectionState.SUBMITTED)
    duty = await closed_visit(world)
    test_clock.set(beijing(2026, 11, 30, 9))
    async with in_transaction():
        await duties.on_publication_due({"publication_id": duty.id, "stage": "due"},
                                        base_url="https://suiji.example.cn/")
    message = await OutboxMessage.get(idempotency_key=f"publication:{duty.id}:remind:due")
    body = message_body(message.payload)  # as the worker sends it
    text = body["text"]["content"]
    assert "涪陵某建筑有限公司抽查结果（JC2026-0001）" in text
    assert f"https://suiji.example.cn/app/#/publication/{duty.id}" in text
    users = set(body["touser"].split("|"))
    section_staff = await Staff.filter(section_id=duty.section_id).values_list(  # type: ignore[attr-defined]
        "wecom_userid", flat=True)
    assert users == set(section_staff)
