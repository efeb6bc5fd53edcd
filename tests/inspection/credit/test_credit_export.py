"""The credit-platform feed (R18): keyed by USCC, incremental by cursor, JSON and CSV round-trip."""

import datetime as dt
import json

import pytest
from tortoise.transactions import in_transaction

from inspection.credit import export, integrity, ledger
from inspection.errors import ValidationFailed
from models.credit import CreditEvent
from models.enums import CreditEventKind, RectificationState
from tests import credit_factories as f

pytestmark = pytest.mark.usefixtures("clean_db")


async def _world():
    emp = await f.employer(name='=重庆"引号",逗号\n换行公司')  # a formula to a spreadsheet
    other = await f.employer()
    inspector = await f.staff(is_inspector=True)
    ins = await f.inspection(emp, submitted_on=dt.date(2026, 5, 6))
    await f.finding(ins, await f.item_version(), inspector)
    await f.order(ins, inspector, state=RectificationState.RECTIFIED, closed_on=dt.date(2026, 5, 20))
    await f.penalty(other, decided_on=dt.date(2026, 6, 2))
    async with in_transaction():
        await f.reviewed(await integrity.record_fact(
            employer_id=other.id, kind=CreditEventKind.OBSTRUCTION,
            occurred_on=dt.date(2026, 6, 1), description="拒绝提供工资台账",
            evidence="现场检查笔录", basis="《劳动保障监察条例》第三十条",
            staff_id=inspector.id, today=dt.date(2026, 6, 3)))
    return emp, other


async def test_round_trip_json_and_csv():
    emp, other = await _world()
    async with in_transaction():
        batch = await export.fetch(since=0, actor="cli")
    assert [r.kind for r in batch.records] == ["obstruction", "violation", "penalty", "rectified"]
    assert {r.uscc for r in batch.records} == {emp.uscc, other.uscc}
    assert all("recorded_by" not in r.detail for r in batch.records)
    assert export.parse_json(export.to_json(batch)) == batch.records
    text = export.to_csv(batch)
    assert text.startswith("\ufeff") and "'=重庆" in text  # BOM; the name's "=" made inert
    assert export.parse_csv(text) == batch.records
    assert json.loads(export.to_json(batch))["next_cursor"] == batch.records[-1].id


async def test_incremental_cursor_and_idempotent_sync():
    emp, _other = await _world()
    async with in_transaction():
        first = await export.fetch(since=0, limit=3, actor="cli")
    assert (len(first.records), first.more) == (3, True)
    async with in_transaction():
        second = await export.fetch(since=first.next_cursor, limit=3, actor="cli")
    assert (len(second.records), second.more) == (1, False)
    async with in_transaction():
        empty = await export.fetch(since=second.next_cursor, actor="cli")
    assert (empty.records, empty.next_cursor) == ([], second.next_cursor)
    assert await CreditEvent.all().count() == 4  # syncing again adds nothing
    # A new fact appears after the cursor, and only it.
    await f.penalty(emp, decided_on=dt.date(2026, 7, 1))
    async with in_transaction():
        third = await export.fetch(since=second.next_cursor, actor="cli")
    assert [(r.kind, r.uscc) for r in third.records] == [("penalty", emp.uscc)]
    all_ids = [r.id for b in (first, second, third) for r in b.records]
    assert all_ids == sorted(set(all_ids))


async def test_sync_is_audited_once_per_change():
    await _world()
    async with in_transaction():
        assert await ledger.sync(actor="cli") == 3
    async with in_transaction():
        assert await ledger.sync(actor="cli") == 0


def test_bad_parameters():
    with pytest.raises(ValidationFailed) as exc:
        export.check_params(since="-1", limit="0")
    assert {p.field for p in exc.value.problems} == {"since", "limit"}
    with pytest.raises(ValueError):
        export.parse_csv("a,b\n1,2\n")
