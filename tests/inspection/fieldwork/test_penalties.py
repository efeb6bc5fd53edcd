"""Penalty decisions; general-procedure ones owe a publication within 20 working days (R17)."""

from __future__ import annotations

import datetime as dt

import pytest

from inspection import clock
from inspection.errors import Forbidden, ValidationFailed
from inspection.fieldwork import penalties
from inspection.publication import duties as publication_mod
from models.audit import AuditEvent
from models.enums import InspectionState, PenaltyProcedure, PublicationKind
from models.outbox import OutboxMessage
from models.publication import Publication
from tests.fieldworld import build_world


async def _record(world, staff_key: str = "leader", number: str = "涪人社罚〔2026〕1号",
                  procedure: PenaltyProcedure = PenaltyProcedure.GENERAL):
    return await penalties.record_decision(
        staff=world.staff[staff_key], inspection_id=world.inspection.id, number=number,
        procedure=procedure, cause="拖欠工资", basis="《劳动保障监察条例》第二十六条",
        result="罚款 5000 元", decided_on=dt.date(2025, 9, 26))


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
    assert keys == {publication_mod.timer_key(publication.id, s) for s in publication_mod.STAGES}
    assert await AuditEvent.filter(action="publication.duty_created",
                                   object_id=str(publication.id)).exists()
