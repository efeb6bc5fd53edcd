"""Issue 4 item 8 on PostgreSQL: two `suiji serve` and two `suiji worker` processes, one database,
one Redis, a stand-in WeCom failing half of its calls, every callback sent to both servers,
simultaneous declines, one worker killed mid-run — each replacement carded exactly once and in
draw order, nothing lost, nothing delivered twice (R15)."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from collections.abc import AsyncIterator

import aiohttp
import pytest

from inspection import audit
from models.callups import CallUp
from models.enums import CallUpState, OutboxStatus
from models.outbox import OutboxMessage
from suiji.playground.standin import WeComStandIn
from tests.e2e.e2e_kit import cards, click_code, drawn_campaign, texts_to
from tests.e2e.processes import WORKER_ARGS, env, serve, spawn, stop
from tests.notifications.outbox_helpers import eventually
from tests.wecom_callbacks import CORP_ID, card_event_xml, signed, text_xml

# Several app processes each, with deadlines: on one xdist worker, one such test at a time
# (two at once would starve each other of a 2-core machine's CPU).
pytestmark = [pytest.mark.postgres_only, pytest.mark.xdist_group("app-processes")]


@pytest.fixture
async def standin() -> AsyncIterator[WeComStandIn]:
    s = await WeComStandIn(corp_id=CORP_ID, seed=11, latency=0.005).start()
    yield s
    await s.close()


async def to_both(http: aiohttp.ClientSession, bases: list[str], inner: str) -> list[int]:
    """One callback, delivered to every server at once (WeCom's retry landing elsewhere)."""
    params, body = signed(inner)

    async def one(base: str) -> int:
        async with http.post(f"{base}/wecom/callback", params=params, data=body.encode()) as r:
            return r.status
    return list(await asyncio.gather(*(one(b) for b in bases)))


async def declines(http, bases, standin, people) -> None:
    clicks = []
    for s in people:
        card = next(c for c in cards(standin) if c["touser"] == s.wecom_userid)
        clicks.append(card_event_xml(s.wecom_userid, task_id=card["template_card"]["task_id"],
                                     key="decline", response_code=click_code(standin, s.wecom_userid),
                                     reason="case"))
    statuses = await asyncio.gather(*(to_both(http, bases, c) for c in clicks))
    assert all(st == 200 for pair in statuses for st in pair), statuses


async def all_sent() -> bool:
    """Every WeCom row is final: sent, or (a card update whose answer was "lost") refused by
    WeCom on the retry because its single-use response_code was already spent."""
    return not await OutboxMessage.filter(
        status__not_in=[OutboxStatus.SENT, OutboxStatus.FAILED], topic__startswith="wecom."
    ).exists()


# long: one end-to-end scenario, read as the story it tells.
async def test_two_servers_two_workers_duplicates_races_failures_and_a_kill(
        is_postgres, settings, standin):
    if not is_postgres or not settings.redis_url:
        pytest.skip("several processes on one database need PostgreSQL and Redis")
    campaign, order, leader = await drawn_campaign(inspectors=12, needed=4)
    standin.fail(0.5, modes=("http500", "busy", "lost"), seed=3)
    environ = env(settings, standin)
    procs: list[asyncio.subprocess.Process] = []
    try:
        bases = []
        for _ in range(2):
            proc, base = await serve(environ, "--no-worker")
            procs.append(proc)
            bases.append(base)
        doomed = await spawn(environ, *WORKER_ARGS)
        survivor = await spawn(environ, *WORKER_ARGS)
        procs += [doomed, survivor]
        await eventually(lambda: len(cards(standin)) == 4, within=20)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            # three of the four decline at the same moment, each click reaching both servers
            await declines(http, bases, standin, order[:3])
            await eventually(lambda: len(cards(standin)) >= 5, within=20)
            doomed.send_signal(signal.SIGKILL)  # mid-run: its leased rows must not be lost
            await doomed.wait()
            await eventually(lambda: len(cards(standin)) == 7, within=20)
            # two of the replacements decline at once too
            await declines(http, bases, standin, order[4:6])
            await eventually(lambda: len(cards(standin)) == 9, within=20)
            statuses = await to_both(http, bases, text_xml(leader.wecom_userid, "进度"))
            assert statuses == [200, 200]
            await eventually(lambda: texts_to(standin, leader.wecom_userid), within=20)
            try:
                await eventually(all_sent, within=20)
            except TimeoutError:
                left = await OutboxMessage.filter(status__not_in=[OutboxStatus.SENT,
                                                                  OutboxStatus.FAILED],
                                                  topic__startswith="wecom.")
                raise AssertionError([(m.topic, m.status, m.attempts, m.last_error, m.payload)
                                      for m in left]) from None
            await asyncio.sleep(0.5)  # a doubled send would have arrived by now
    finally:
        await stop(procs)
    assert doomed.returncode == -signal.SIGKILL and survivor.returncode == 0

    # every card exactly once, to the first 9 in draw order, each its own task_id
    delivered = cards(standin)
    assert Counter(c["template_card"]["task_id"] for c in delivered).most_common(1)[0][1] == 1
    assert sorted(c["touser"] for c in delivered) == sorted(s.wecom_userid for s in order[:9])
    # replacements were called strictly in draw order, one per decline
    calls = await CallUp.filter(campaign_id=campaign.id).order_by("position")
    assert [c.staff_id for c in calls] == [s.id for s in order[:9]]
    replaced = [c.replaces_id for c in calls if c.replaces_id is not None]
    assert len(replaced) == len(set(replaced)) == 5
    assert [c.state for c in calls] == [CallUpState.DECLINED] * 3 + [CallUpState.CALLED] \
        + [CallUpState.DECLINED] * 2 + [CallUpState.CALLED] * 3
    # no text delivered twice (duplicated callbacks, "lost" answers, the kill)
    bodies = Counter((d.body["touser"], d.body["text"]["content"]) for d in standin.deliveries
                     if d.body.get("msgtype") == "text")
    assert bodies and max(bodies.values()) == 1
    assert len(texts_to(standin, leader.wecom_userid)) == 1
    # each declined card updated exactly once
    assert len(standin.card_updates) == 5
    assert {u["userids"][0] for u in standin.card_updates} == \
        {s.wecom_userid for s in order[:3] + order[4:6]}
    failed = await OutboxMessage.filter(status=OutboxStatus.FAILED, topic__startswith="wecom.")
    spent = {u["response_code"] for u in standin.card_updates}
    for m in failed:  # only the "lost" updates: done at WeCom, the retry refused as used
        assert m.topic == "wecom.update_card" and "40156" in (m.last_error or "")
        assert m.payload["response_code"] in spent
    count, brk = await audit.verify_chain()
    assert brk is None and count > 0
    check = await spawn(environ, "audit", "verify", output=True)  # what the bureau runs
    out, err = await asyncio.wait_for(check.communicate(), 30)
    assert check.returncode == 0 and f"共 {count} 条事件" in out.decode(), err.decode()[-2000:]
