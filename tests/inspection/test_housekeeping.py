"""The daily housekeeping timer: its three jobs (idempotency purge, item versions superseded R7,
blacklist expiry R23), run by the real outbox worker in one transaction; exactly one next run at
02:30 Beijing time; no pile-up after missed days; bootstrapping that adds nothing twice."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from tortoise.transactions import in_transaction

from inspection import clock, housekeeping
from inspection.credit import blacklist
from inspection.items import catalogue as items
from models.employers import BlacklistEntry
from models.enums import BlacklistStatus, ItemVersionStatus, OutboxStatus
from models.items import ItemVersion
from models.kv import MemoryKV
from models.outbox import OutboxMessage
from models.system import IdempotencyRecord
from suiji.handlers import build_handlers
from tests import credit_factories as f
from tests.inspection.items.test_catalogue import FIELDS
from tests.notifications.outbox_helpers import make_worker

pytestmark = pytest.mark.usefixtures("clean_db")

BJ = clock.BEIJING
TOPIC = housekeeping.TOPIC


@pytest.mark.parametrize(("now", "expected"), [
    (dt.datetime(2026, 11, 27, 1, 0, tzinfo=BJ), dt.datetime(2026, 11, 27, 2, 30, tzinfo=BJ)),
    (dt.datetime(2026, 11, 27, 2, 30, tzinfo=BJ), dt.datetime(2026, 11, 28, 2, 30, tzinfo=BJ)),
    (dt.datetime(2026, 11, 27, 23, 59, tzinfo=BJ), dt.datetime(2026, 11, 28, 2, 30, tzinfo=BJ)),
    # 18:00 UTC is 02:00 the next day in Beijing.
    (dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC), dt.datetime(2026, 11, 27, 2, 30, tzinfo=BJ)),
    (dt.datetime(2026, 12, 31, 3, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
     dt.datetime(2027, 1, 1, 2, 30, tzinfo=BJ)),
])
def test_next_run_is_the_next_0230_beijing_time(now: dt.datetime, expected: dt.datetime) -> None:
    run = housekeeping.next_run(now)
    assert run == expected and run.tzinfo == BJ
    assert housekeeping.run_key(run) == f"housekeeping:{expected.date().isoformat()}"


async def pending_runs() -> list[OutboxMessage]:
    return list(await OutboxMessage.filter(topic=TOPIC, status=OutboxStatus.PENDING))


async def test_bootstrap_schedules_one_run_and_a_second_adds_nothing() -> None:
    before = clock.now()
    async with in_transaction():
        row = await housekeeping.ensure_scheduled()
    assert row is not None
    async with in_transaction():
        assert await housekeeping.ensure_scheduled() is None
    [pending] = await pending_runs()
    assert pending.id == row.id and pending.due_at == housekeeping.next_run(before)
    assert pending.idempotency_key == housekeeping.run_key(pending.due_at)
    assert await OutboxMessage.all().count() == 1


async def _due_run(days_ago: int) -> OutboxMessage:
    """A pending run that was due `days_ago` days ago (its worker was down since)."""
    due = housekeeping.next_run(clock.now() - dt.timedelta(days=days_ago + 1))
    async with in_transaction():
        return await housekeeping.schedule_next(now=due - dt.timedelta(minutes=1))


def _worker():
    return make_worker(build_handlers(wecom_client=None, kv=MemoryKV()))


async def _stale_world() -> dict[str, object]:
    """One of each thing the day's run must tidy, and one of each it must leave alone."""
    today = clock.today()
    member = await f.staff(is_inspector=True)
    for key, age in (("old", 8), ("recent", 6)):
        await IdempotencyRecord.create(staff=member, key=key, method="POST", path="/x",
                                       request_hash="h", status=201, body={})
        await IdempotencyRecord.filter(key=key).update(
            created_at=clock.now() - dt.timedelta(days=age))
    # An item amended to take effect yesterday, published before that: version 1 is still
    # marked published (nothing ran since the effective date).
    async with in_transaction():
        v1 = await items.create_item(actor="cli", code="LD-09", fields=FIELDS)
        await items.publish_version(actor="cli", version_id=v1.id,
                                    today=today - dt.timedelta(days=30))
        v2 = await items.amend_item(actor="cli", item_id=v1.item_id, reason="条例修订",
                                    changes={"content": "检查劳动合同签订及履行情况"},
                                    effective_from=today - dt.timedelta(days=1))
        await items.publish_version(actor="cli", version_id=v2.id,
                                    today=today - dt.timedelta(days=20))
    assert (await ItemVersion.get(id=v1.id)).status == ItemVersionStatus.PUBLISHED
    # A listing whose three-year term ended last week, and one still in force.
    officer = await f.staff(is_initiator=True)
    entries = []
    for decided in (today - dt.timedelta(days=3 * 366 + 7), today - dt.timedelta(days=30)):
        noticed = decided - dt.timedelta(days=20)
        emp = await f.employer()
        async with in_transaction():
            entry = await blacklist.give_notice(employer_id=emp.id, cause="拖欠农民工工资",
                                                basis="《保障农民工工资支付条例》",
                                                noticed_on=noticed, staff_id=officer.id,
                                                today=noticed)
            entries.append(await blacklist.decide(entry_id=entry.id, staff_id=officer.id,
                                                  listed=True, decided_on=decided,
                                                  today=decided))
    # Its own expiry timer lost (the daily sweep is the safety net).
    await OutboxMessage.filter(topic=blacklist.EXPIRY_TOPIC).delete()
    return {"v1": v1, "v2": v2, "ended": entries[0], "running": entries[1]}


async def test_the_daily_run_does_its_three_jobs_and_schedules_exactly_one_next() -> None:
    world = await _stale_world()
    await _due_run(days_ago=0)
    worker = _worker()
    assert await worker.run_once() == 1

    assert await IdempotencyRecord.all().values_list("key", flat=True) == ["recent"]
    assert (await ItemVersion.get(id=world["v1"].id)).status == ItemVersionStatus.SUPERSEDED
    assert (await ItemVersion.get(id=world["v2"].id)).status == ItemVersionStatus.PUBLISHED
    ended, running = world["ended"], world["running"]
    assert (await BlacklistEntry.get(id=ended.id)).status == BlacklistStatus.EXPIRED
    assert (await BlacklistEntry.get(id=running.id)).status == BlacklistStatus.IN_FORCE

    rows = await OutboxMessage.filter(topic=TOPIC).order_by("id")
    assert [r.status for r in rows] == [OutboxStatus.SENT, OutboxStatus.PENDING]
    following = rows[1]
    assert following.due_at == housekeeping.next_run(clock.now())
    assert following.due_at > clock.now()
    assert await worker.run_once() == 0  # not due before tomorrow 02:30


async def test_missed_days_run_once_and_schedule_one_next() -> None:
    await _due_run(days_ago=3)  # the machine was down for three days
    worker = _worker()
    assert await worker.run_once() == 1
    [following] = await pending_runs()
    assert following.due_at == housekeeping.next_run(clock.now())
    assert await OutboxMessage.filter(topic=TOPIC).count() == 2


async def test_two_chains_collapse_into_one() -> None:
    # E.g. two processes bootstrapped on either side of 02:30: two runs, one next row.
    await _due_run(days_ago=2)
    await _due_run(days_ago=1)
    worker = _worker()
    assert await worker.run_once() == 2
    assert len(await pending_runs()) == 1
    async with in_transaction():
        assert await housekeeping.ensure_scheduled() is None


async def test_a_failing_job_rolls_the_run_back_and_retries_it(monkeypatch) -> None:
    world = await _stale_world()
    row = await _due_run(days_ago=0)

    async def broken(**kw: object) -> int:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(items, "supersede_due", broken)
    assert await _worker().run_once() == 1
    again = await OutboxMessage.get(id=row.id)
    assert again.status == OutboxStatus.PENDING and again.attempts == 1
    assert "database hiccup" in again.last_error
    # One transaction: the purge that ran before the failure is undone, no next run exists.
    assert await IdempotencyRecord.all().count() == 2
    assert (await BlacklistEntry.get(id=world["ended"].id)).status == BlacklistStatus.IN_FORCE
    assert [r.id for r in await pending_runs()] == [row.id]


async def test_purge_compares_in_the_database_zone() -> None:
    # 7 days and 1 hour old is purged, 6 days 23 hours is kept, whatever zone `now` is in —
    # on SQLite a UTC cutoff compared as text would be 8 hours off.
    member = await f.staff(is_inspector=True)
    now = dt.datetime.now(dt.UTC)
    for key, age in (("purged", dt.timedelta(days=7, hours=1)),
                     ("kept", dt.timedelta(days=6, hours=23))):
        await IdempotencyRecord.create(staff=member, key=key, method="POST", path="/x",
                                       request_hash="h", status=201, body={})
        await IdempotencyRecord.filter(key=key).update(created_at=clock.db_time(now - age))
    assert await housekeeping.purge_idempotency_records(now=now) == 1
    assert await IdempotencyRecord.all().values_list("key", flat=True) == ["kept"]
