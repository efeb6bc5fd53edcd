"""Issue 16 item 16, bounded: a burst of call-up answers into two `suiji serve` processes on
PostgreSQL + Redis, every delivery sent to both (WeCom's retry landing on the other process),
concurrently. Counts in the database, not timings: every answer applied, none twice (R15).
The full 2,000-in-a-minute run with its timings is benchmarks/burst.py."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import aiohttp
import pytest
from tortoise.transactions import in_transaction

from inspection.callup import calls as callup
from models.audit import AuditEvent
from models.callups import CallUp
from models.enums import CallUpState, ReceiptState
from models.outbox import OutboxMessage
from models.system import InboundReceipt
from suiji.playground.standin import WeComStandIn
from tests import factories as f
from tests.e2e.processes import env, serve, stop
from tests.notifications.outbox_helpers import eventually
from tests.wecom_callbacks import CORP_ID, card_event_xml, signed

pytestmark = [pytest.mark.postgres_only, pytest.mark.xdist_group("app-processes")]

CALLED, SPARE, DECLINES = 150, 40, 30


async def campaign_called() -> list[CallUp]:
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(CALLED + SPARE)]
    c = await f.campaign(needed=CALLED, leader=leader)
    await f.inspector_draw(c, order)
    async with in_transaction():
        await callup.start_callup(campaign_id=c.id, now=f.NOW, actor="cli")
    return list(await CallUp.filter(campaign_id=c.id).order_by("position")
                .prefetch_related("staff"))


# long: one load scenario, set-up, burst and the counts that prove it, read top to bottom.
async def test_a_burst_into_two_processes_is_applied_once_each(is_postgres, settings):
    if not is_postgres or not settings.redis_url:
        pytest.skip("two processes on one database need PostgreSQL and Redis")
    called = await campaign_called()
    declining = {c.id for c in random.Random(5).sample(called, DECLINES)}
    clicks = [card_event_xml(c.staff.wecom_userid, task_id=c.task_id,
                             key="decline" if c.id in declining else "accept",
                             response_code=f"RC-{c.id}",
                             reason="meeting" if c.id in declining else None)
              for c in called]
    # No outbox worker runs: the answers' cards and texts stay in the outbox, to be counted.
    standin = await WeComStandIn(corp_id=CORP_ID).start()
    environ = env(settings, standin)
    procs: list[asyncio.subprocess.Process] = []
    try:
        bases = []
        for _ in range(2):
            proc, base = await serve(environ, "--no-worker")
            procs.append(proc)
            bases.append(base)
        deliveries = [(signed(inner), base) for inner in clicks for base in bases]
        random.Random(7).shuffle(deliveries)
        pending = list(deliveries)
        statuses: Counter[int] = Counter()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            async def client() -> None:
                while pending:
                    (params, body), base = pending.pop()
                    async with http.post(f"{base}/wecom/callback", params=params,
                                         data=body.encode()) as r:
                        statuses[r.status] += 1

            await asyncio.gather(*(client() for _ in range(20)))
        assert statuses == {200: 2 * CALLED}

        async def all_done() -> bool:
            return not await InboundReceipt.filter(state=ReceiptState.PENDING).exists()

        await eventually(all_done, within=60)
    finally:
        await stop(procs)
        await standin.close()
    assert all(p.returncode == 0 for p in procs)

    # none lost: one receipt per answer, every one applied
    assert await InboundReceipt.filter(state=ReceiptState.DONE).count() == CALLED
    assert await InboundReceipt.all().count() == CALLED
    # none twice: each answer recorded once, each decline replaced once, each card updated once
    assert await AuditEvent.filter(action="callup.accept").count() == CALLED - DECLINES
    assert await AuditEvent.filter(action="callup.decline").count() == DECLINES
    states = Counter(c.state for c in await CallUp.filter(position__lte=CALLED))
    assert states == {CallUpState.ACCEPTED: CALLED - DECLINES, CallUpState.DECLINED: DECLINES}
    replacements = await CallUp.filter(replaces_id__not_isnull=True)
    assert len(replacements) == len({r.replaces_id for r in replacements}) == DECLINES
    assert {r.replaces_id for r in replacements} == declining
    # called strictly in draw order (R15)
    assert sorted(r.position for r in replacements) == list(range(CALLED + 1,
                                                                  CALLED + DECLINES + 1))
    updates = await OutboxMessage.filter(topic="wecom.update_card")
    assert sorted(u.payload["response_code"] for u in updates) == \
        sorted(f"RC-{c.id}" for c in called)
