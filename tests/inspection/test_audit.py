"""R21: every change leaves a chained audit event; any edit, deletion or reordering is found."""

from tortoise import connections
from tortoise.transactions import in_transaction

from inspection import audit
from models.audit import AuditEvent
from models.org import Section


async def _three_events() -> None:
    for i in range(3):
        async with in_transaction():
            section = await Section.create(code=f"S{i}", name=f"科室{i}")
            await audit.record(actor="cli", action="section.create", obj=section,
                               after=audit.snapshot(section))


async def test_chain_verifies():
    await _three_events()
    count, brk = await audit.verify_chain()
    assert (count, brk) == (3, None)
    events = await AuditEvent.all().order_by("seq")
    assert events[0].prev_hash == audit.GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].after["name"] == "科室2"


async def test_event_rolls_back_with_its_change():
    try:
        async with in_transaction():
            section = await Section.create(code="X", name="回滚")
            await audit.record(actor="cli", action="section.create", obj=section)
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert await AuditEvent.all().count() == 0
    assert await Section.all().count() == 0


async def test_edited_event_is_found():
    await _three_events()
    ev = await AuditEvent.get(seq=2)
    await connections.get("default").execute_query(
        "UPDATE audit_event SET actor = 'staff:99' WHERE id = " + str(ev.id))
    count, brk = await audit.verify_chain()
    assert count == 1 and brk is not None and brk.seq == 2


async def test_deleted_event_is_found():
    await _three_events()
    await AuditEvent.filter(seq=2).delete()
    count, brk = await audit.verify_chain()
    assert count == 1 and brk is not None and brk.seq == 3


async def test_reordered_events_are_found():
    await _three_events()
    # Swap the contents of events 1 and 2 (keeping their positions).
    one, two = await AuditEvent.get(seq=1), await AuditEvent.get(seq=2)
    await AuditEvent.filter(id=one.id).update(seq=-1)
    await AuditEvent.filter(id=two.id).update(seq=1)
    await AuditEvent.filter(id=one.id).update(seq=2)
    count, brk = await audit.verify_chain()
    assert count == 0 and brk is not None and brk.seq == 1
