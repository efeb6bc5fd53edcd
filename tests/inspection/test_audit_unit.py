"""R21 in a unit of work: a transaction's audit events join the chain at its end, so the chain's
lock covers that tail only and writers on different objects do not wait for each other."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from inspection import audit, audit_heads, clock
from models.audit import AuditEvent
from models.org import Section

pytestmark = pytest.mark.usefixtures("clean_db")


async def _section(code: str) -> Section:
    section = await Section.create(code=code, name=f"科室{code}")
    await audit.record(actor=audit.CLI, action="section.create", obj=section,
                       after=audit.snapshot(section))
    return section


async def test_events_join_the_chain_at_the_end_in_the_order_recorded() -> None:
    async with audit.unit_of_work():
        await _section("A")
        await _section("B")
        await _section("C")
        # Not yet in the table: they are linked as the transaction ends.
        assert await AuditEvent.all().count() == 0
    async with audit.unit_of_work():
        await _section("D")
    events = await AuditEvent.all().order_by("seq")
    assert [e.after["code"] for e in events] == ["A", "B", "C", "D"]
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert await audit.verify_chain() == (4, None)


async def test_a_failed_unit_leaves_no_event() -> None:
    with pytest.raises(RuntimeError):
        async with audit.unit_of_work():
            await _section("A")
            raise RuntimeError("boom")
    assert await AuditEvent.all().count() == 0
    assert await Section.all().count() == 0


async def test_a_nested_unit_that_rolls_back_takes_its_events_with_it() -> None:
    async with audit.unit_of_work():
        await _section("A")
        with pytest.raises(RuntimeError):
            async with audit.unit_of_work():
                await _section("B")
                raise RuntimeError("dry run")
        await _section("C")
    assert [e.after["code"] for e in await AuditEvent.all().order_by("seq")] == ["A", "C"]
    assert sorted(await Section.all().values_list("code", flat=True)) == ["A", "C"]
    assert await audit.verify_chain() == (2, None)


async def test_flush_links_what_the_unit_recorded_so_far() -> None:
    async with audit.unit_of_work():
        await _section("A")
        await audit.flush()
        assert [e.after["code"] for e in await AuditEvent.all()] == ["A"]
        await _section("B")
        with pytest.raises(RuntimeError):
            async with audit.unit_of_work():
                await _section("X")
                await audit.flush()  # linked inside the savepoint, then rolled back with it
                await _section("Y")
                raise RuntimeError("undo")
        await _section("C")
    assert [e.after["code"] for e in await AuditEvent.all().order_by("seq")] == ["A", "B", "C"]
    assert await audit.verify_chain() == (3, None)


async def test_the_head_published_in_a_unit_includes_its_own_events() -> None:
    # `suiji demo` records hundreds of events and publishes the day's head in one unit.
    async with audit.unit_of_work():
        await _section("A")
        await _section("B")
        head = await audit_heads.publish(now=clock.now())
    assert head is not None and head.seq == 2
    last = await AuditEvent.get(seq=2)
    assert head.hash == last.hash and await audit_heads.check([head]) == []


@pytest.mark.postgres_only
async def test_two_writers_record_side_by_side(is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("PostgreSQL's advisory lock; SQLite has one writer at a time anyway")
    # Each unit records, then waits until the other has recorded too. When the chain's lock was
    # taken at the first event and held to the commit, the second writer waited for the first's
    # commit and the first for the second's event: neither finished.
    recorded = {"A": asyncio.Event(), "B": asyncio.Event()}

    async def writer(mine: str, other: str) -> None:
        async with audit.unit_of_work():
            await _section(mine)
            recorded[mine].set()
            await recorded[other].wait()

    async with asyncio.timeout(10):
        await asyncio.gather(writer("A", "B"), writer("B", "A"))
    assert sorted(await AuditEvent.all().values_list("object_id", flat=True)) == sorted(
        str(s) for s in await Section.all().values_list("id", flat=True))
    assert await audit.verify_chain() == (2, None)


@pytest.mark.postgres_only
async def test_concurrent_units_make_one_unbroken_chain(is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("concurrent PostgreSQL transactions")

    async def writer(n: int) -> None:
        async with audit.unit_of_work():
            for k in range(3):
                await _section(f"{n}-{k}")

    await asyncio.gather(*(writer(n) for n in range(12)))
    assert await audit.verify_chain() == (36, None)
    # A unit's events stay together, in the order recorded.
    codes = [e.after["code"] for e in await AuditEvent.all().order_by("seq")]
    for start in range(0, 36, 3):
        n = codes[start].split("-")[0]
        assert codes[start:start + 3] == [f"{n}-0", f"{n}-1", f"{n}-2"]


def test_every_transaction_is_a_unit_of_work() -> None:
    # A bare `in_transaction()` savepoint inside a unit would roll back its rows but leave its
    # events to be linked at the unit's end: the application opens transactions one way only.
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for package in ("inspection", "bot", "notifications", "portal", "miniprogram_api", "suiji",
                        "tools", "models")
        for path in (root / package).rglob("*.py")
        if "in_transaction" in path.read_text(encoding="utf-8")
        and path != root / "inspection" / "audit.py"
    ]
    assert offenders == []
