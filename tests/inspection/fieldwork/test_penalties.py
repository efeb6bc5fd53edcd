"""Penalty decisions; general-procedure ones owe a publication within 20 working days (R17)."""

from __future__ import annotations

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection import clock
from inspection.errors import Conflict, Forbidden, ValidationFailed
from inspection.fieldwork import penalties
from inspection.publication import duties as publication_mod
from models.audit import AuditEvent
from models.enums import InspectionState, PenaltyProcedure, PublicationKind
from models.outbox import OutboxMessage
from models.publication import Publication
from portal import window_data as window
from tests.clockkit import TestClock, beijing
from tests.fieldworld import build_world

pytestmark = pytest.mark.usefixtures("clean_db")


async def _record(world, staff_key: str = "leader", number: str = "涪人社罚〔2026〕1号",
                  procedure: PenaltyProcedure = PenaltyProcedure.GENERAL,
                  decided_on: dt.date = dt.date(2025, 9, 26),
                  effective_on: dt.date | None = None):
    return await penalties.record_decision(
        staff=world.staff[staff_key], inspection_id=world.inspection.id, number=number,
        procedure=procedure, cause="拖欠工资", basis="《劳动保障监察条例》第二十六条",
        result="罚款 5000 元", decided_on=decided_on, effective_on=effective_on)


async def test_general_procedure_is_due_for_publication() -> None:
    world = await build_world(InspectionState.SUBMITTED)
    decision, publication, warnings = await _record(world)
    assert publication is not None and publication.kind == PublicationKind.PENALTY
    # 20 working days after 2025-09-26 across the National Day holiday.
    assert publication.due_on == dt.date(2025, 10, 30) and warnings == []
    assert publication.object_id == decision.id


async def test_simple_procedure_is_not_published() -> None:
    world = await build_world(InspectionState.SUBMITTED)
    _, publication, _ = await _record(world, procedure=PenaltyProcedure.SIMPLE)
    assert publication is None and not await Publication.exists()


async def test_rules() -> None:
    world = await build_world(InspectionState.CHECKED_IN)
    with pytest.raises(ValidationFailed):
        await _record(world)
    world.inspection.state = InspectionState.SUBMITTED
    await world.inspection.save()
    with pytest.raises(Forbidden):
        await _record(world, "member")
    await _record(world, "initiator")
    with pytest.raises(ValidationFailed) as exc:
        await _record(world)
    assert exc.value.problems[0].code == "number_taken"


async def test_general_procedure_duty_gets_its_reminders() -> None:
    # R17: the duty is created through inspection.publication.create_duty, so its reminder timers
    # (before, due, overdue) are in the outbox with it; decided today so none is in the past.
    world = await build_world(InspectionState.SUBMITTED)
    _, publication, _ = await penalties.record_decision(
        staff=world.staff["leader"], inspection_id=world.inspection.id, number="涪人社罚〔2026〕9号",
        procedure=PenaltyProcedure.GENERAL, cause="拖欠工资", basis="第二十六条", result="罚款",
        decided_on=clock.today())
    assert publication is not None
    keys = set(await OutboxMessage.filter(idempotency_key__startswith=f"publication:{publication.id}:")
               .values_list("idempotency_key", flat=True))
    # The reminders, and the timer that publishes it once in effect (today: due at once).
    assert keys == {publication_mod.timer_key(publication.id, s)
                    for s in (*publication_mod.STAGES, "auto")}
    assert await AuditEvent.filter(action="publication.duty_created",
                                   object_id=str(publication.id)).exists()


async def test_a_general_decision_goes_on_the_window_once_in_effect(
        test_clock: TestClock) -> None:
    world = await build_world(InspectionState.SUBMITTED)
    with pytest.raises(ValidationFailed) as early:
        await _record(world, effective_on=dt.date(2025, 9, 25))
    assert early.value.problems[0].code == "bad_effective_date"
    decision, duty, _ = await _record(world, decided_on=dt.date(2026, 11, 2),
                                      effective_on=dt.date(2026, 11, 9))
    assert duty is not None and decision.effective_on == dt.date(2026, 11, 9)
    timer = await OutboxMessage.get(idempotency_key=publication_mod.timer_key(duty.id, "auto"))
    assert timer.due_at == beijing(2026, 11, 9, 0) == duty.auto_publish_at
    assert await window.penalties() == []  # not before it takes effect
    test_clock.set(beijing(2026, 11, 9, 0, 1))
    async with in_transaction():
        await publication_mod.on_publication_auto(timer.payload)
    shown = await window.penalties()
    assert [row["number"] for row in shown] == [decision.number]
    assert {"party", "cause", "basis", "result"} <= set(shown[0])  # R17
    event = await AuditEvent.get(action="publication.published", object_id=str(duty.id))
    assert event.actor == "system"


async def test_a_reviewer_withholds_a_decision_before_its_due_date(
        test_clock: TestClock) -> None:
    world = await build_world(InspectionState.SUBMITTED)
    _, duty, _ = await _record(world, decided_on=dt.date(2026, 11, 2),
                               effective_on=dt.date(2026, 11, 5))
    assert duty is not None
    with pytest.raises(ValidationFailed) as bare:
        await publication_mod.withhold(publication_id=duty.id, actor="staff:1", reason="隐私",
                                       basis="")
    assert bare.value.problems[0].field == "basis"
    async with in_transaction():
        await publication_mod.withhold(publication_id=duty.id, actor="staff:1",
                                       reason="涉及未成年人个人隐私",
                                       basis="《政府信息公开条例》第十五条", staff_id=1)
    test_clock.set(beijing(2026, 11, 5, 8))
    async with in_transaction():
        await publication_mod.on_publication_auto({"publication_id": duty.id})
    await duty.refresh_from_db()
    assert duty.published_at is None and duty.withdrawn_basis.startswith("《政府信息公开条例》")
    assert await window.penalties() == []
    _, late, _ = await _record(world, number="涪人社罚〔2026〕2号", decided_on=dt.date(2026, 11, 2))
    assert late is not None and late.due_on == dt.date(2026, 11, 30)
    test_clock.set(beijing(2026, 12, 1))
    with pytest.raises(Conflict) as too_late:
        await publication_mod.withhold(publication_id=late.id, actor="staff:1", reason="理由",
                                       basis="依据")
    assert too_late.value.code == "withhold_too_late"
