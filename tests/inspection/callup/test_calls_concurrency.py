"""Simultaneous declines on PostgreSQL: each replacement called exactly once, in order (R15)."""

from __future__ import annotations

import asyncio

import pytest
from tortoise.transactions import in_transaction

from inspection.callup import calls as callup
from models.callups import CallUp
from models.enums import CallUpState
from tests import factories as f

pytestmark = [pytest.mark.postgres_only, pytest.mark.usefixtures("clean_db")]


async def test_concurrent_declines_call_each_next_once(is_postgres):
    if not is_postgres:
        pytest.skip("select_for_update is a no-op on SQLite")
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, 11)]
    c = await f.campaign(needed=4)
    await f.inspector_draw(c, order)
    async with in_transaction():
        called = await callup.start_callup(campaign_id=c.id, now=f.NOW, actor="cli")

    async def decline(x: CallUp) -> None:
        async with in_transaction():
            await callup.decline(callup_id=x.id, staff_id=x.staff_id, reason="公务会议",
                                 now=f.NOW, actor="wecom:x")

    await asyncio.gather(*(decline(x) for x in called))
    rows = await CallUp.filter(campaign_id=c.id).order_by("position")
    assert [r.position for r in rows] == list(range(1, 9))
    assert [r.state for r in rows[4:]] == [CallUpState.CALLED] * 4
    assert len({r.staff_id for r in rows}) == 8
