"""The outbox worker: delivery, retries, limits, internal handlers, held rows, stop."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter

import pytest

from inspection import audit, clock
from inspection.errors import Conflict
from models.audit import AuditEvent
from models.enums import OutboxStatus
from models.outbox import OutboxMessage
from notifications.wecom.client import TASK_ID_EXISTS
from notifications.worker import GiveUp, WorkerOptions, retry_delay
from suiji.playground.standin import SEND, UPDATE
from tests.notifications.outbox_helpers import (
    drain,
    enqueue,
    eventually,
    make_worker,
    none_pending,
    text,
    wecom_handlers,
)

pytestmark = pytest.mark.usefixtures("clean_db")


def contents(standin) -> Counter[str]:
    return Counter(d.body["text"]["content"] for d in standin.deliveries
                   if d.body["msgtype"] == "text")


async def test_delivers_and_stores_the_answer(wecom_standin, wecom_client, kv):
    row = await enqueue("wecom.message", text("zhangsan", "请于明日前答复"), "m-1")
    worker = make_worker(wecom_handlers(wecom_client, kv))
    assert await worker.run_once() == 1
    await row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.attempts == 1 and row.sent_at is not None
    assert row.result["msgid"] == wecom_standin.deliveries[0].msgid
    body = wecom_standin.deliveries[0].body
    assert body["agentid"] == wecom_standin.agent_id and body["enable_duplicate_check"] == 1
    assert body["text"]["content"] == "请于明日前答复"


async def test_payload_cannot_choose_the_app(wecom_standin, wecom_client, kv):
    await enqueue("wecom.message", {**text("zhangsan", "x"), "agentid": 999}, "m-1")
    await make_worker(wecom_handlers(wecom_client, kv)).run_once()
    assert wecom_standin.deliveries[0].body["agentid"] == wecom_standin.agent_id


async def test_half_the_calls_fail_nothing_lost_nothing_twice(wecom_standin, wecom_client, kv):
    wecom_standin.fail(0.5, modes=("http500", "busy", "freq", "concurrency", "lost"), seed=3)
    for i in range(40):
        await enqueue("wecom.message", text(f"user{i % 7}", f"call-up {i}"), f"m-{i}")
    await drain(make_worker(wecom_handlers(wecom_client, kv)))
    assert contents(wecom_standin) == Counter({f"call-up {i}": 1 for i in range(40)})
    rows = await OutboxMessage.all()
    assert {r.status for r in rows} == {OutboxStatus.SENT}
    assert any(r.attempts > 1 for r in rows)  # there were retries
    # Answers lost after delivery were resent and absorbed by WeCom's duplicate check.
    lost = sum(1 for c in wecom_standin.calls_to(SEND) if c.status == 500 and c.answer is None)
    assert lost > 0 and wecom_standin.duplicates_absorbed > 0


async def test_per_member_limit_holds_messages_to_the_next_window(wecom_standin, wecom_client,
                                                                  kv):
    for i in range(33):
        await enqueue("wecom.message", text("zhangsan", f"n{i}"), f"m-{i}")
    await enqueue("wecom.message", text("lisi", "other"), "m-lisi")
    worker = make_worker(wecom_handlers(wecom_client, kv))
    for _ in range(5):
        await worker.run_once()
    assert len(wecom_standin.delivered_to("zhangsan")) == 30
    assert len(wecom_standin.delivered_to("lisi")) == 1
    held = await OutboxMessage.filter(status=OutboxStatus.PENDING)
    assert len(held) == 3
    for row in held:  # re-scheduled to the next minute, not dropped, no attempt used
        assert row.attempts == 0 and "30/min" in row.last_error
        assert row.due_at > clock.now()
        # at the start of the next minute (plus the moment the worker took to write it)
        assert row.due_at.second == 0 and row.due_at - clock.now() <= dt.timedelta(seconds=60)


async def test_back_off_on_45009_pauses_the_app(wecom_standin, wecom_client, kv):
    await enqueue("wecom.message", text("zhangsan", "a"), "m-a")
    wecom_standin.fail_next("freq")
    worker = make_worker(wecom_handlers(wecom_client, kv))
    await worker.run_once()
    row = await OutboxMessage.get(idempotency_key="m-a")
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert "45009" in row.last_error
    # While the app is paused, new rows are held without calling WeCom or using attempts.
    await enqueue("wecom.message", text("lisi", "b"), "m-b")
    calls = len(wecom_standin.calls_to(SEND))
    await worker.run_once()
    b = await OutboxMessage.get(idempotency_key="m-b")
    if b.status == OutboxStatus.PENDING:
        assert b.attempts == 0 and "slow down" in b.last_error
        assert len(wecom_standin.calls_to(SEND)) == calls
    await drain(worker)
    assert contents(wecom_standin) == Counter({"a": 1, "b": 1})


async def test_card_update_with_a_used_code_gives_up_at_once(wecom_standin, wecom_client, kv):
    code = wecom_standin.issue_response_code("zhangsan")
    body = {"userids": ["zhangsan"], "response_code": code, "button": {"replace_name": "已接受"}}
    await enqueue("wecom.update_card", body, "u-1")
    await enqueue("wecom.update_card", body, "u-2")  # the same code again: WeCom refuses
    await drain(make_worker(wecom_handlers(wecom_client, kv)))
    one, two = await OutboxMessage.filter(topic="wecom.update_card").order_by("id")
    assert one.status == OutboxStatus.SENT
    assert two.status == OutboxStatus.FAILED and "response_code" in two.last_error
    assert len(wecom_standin.calls_to(UPDATE)) == 2  # no retry of a final answer
    assert len(wecom_standin.card_updates) == 1
    assert await AuditEvent.filter(action="outbox.failed", object_id=str(two.id)).exists()


async def test_reused_card_task_id_counts_as_delivered(wecom_standin, wecom_client, kv):
    card = {"touser": "zhangsan", "msgtype": "template_card", "template_card": {
        "card_type": "button_interaction", "task_id": "callup-7-zhangsan",
        "main_title": {"title": "执法检查人员抽取通知"},
        "button_list": [{"text": "接受", "key": "accept"}]}}
    await enqueue("wecom.message", card, "c-1")
    worker = make_worker(wecom_handlers(wecom_client, kv))
    await worker.run_once()
    # A crash after WeCom accepted the card but before the row was marked, and more than the
    # duplicate-check interval later: the resend differs (we force it) and WeCom refuses it.
    row = await OutboxMessage.get(idempotency_key="c-1")
    await OutboxMessage.filter(id=row.id).update(status=OutboxStatus.PENDING,
                                                 payload={**card, "safe": 1})
    await worker.run_once()
    await row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.result["already_delivered"] is True
    assert wecom_standin.calls_to(SEND)[-1].answer["errcode"] == TASK_ID_EXISTS
    assert len(wecom_standin.deliveries) == 1


async def test_gives_up_after_the_attempt_budget(wecom_standin, wecom_client, kv):
    wecom_standin.fail(1.0, modes=("http500",))
    await enqueue("wecom.message", text("zhangsan", "x"), "m-1")
    options = WorkerOptions(poll_interval=0.01, max_attempts=3, retry_base=0.01, retry_cap=0.01)
    await drain(make_worker(wecom_handlers(wecom_client, kv), options=options))
    row = await OutboxMessage.get(idempotency_key="m-1")
    assert row.status == OutboxStatus.FAILED and row.attempts == 3
    assert row.last_error.startswith("gave up after 3 attempts") and "HTTP 500" in row.last_error


async def test_bad_payload_fails_without_calling_wecom(wecom_standin, wecom_client, kv):
    await enqueue("wecom.message", {"touser": "zhangsan"}, "m-1")
    await make_worker(wecom_handlers(wecom_client, kv)).run_once()
    row = await OutboxMessage.get(idempotency_key="m-1")
    assert row.status == OutboxStatus.FAILED
    assert row.last_error == "cannot render: payload has neither template nor msgtype"
    assert wecom_standin.calls == []


async def test_unknown_topic_fails_with_no_handler(kv):
    await enqueue("timer.nobody_handles_this", {}, "t-1")
    await make_worker({}).run_once()
    row = await OutboxMessage.get(idempotency_key="t-1")
    assert row.status == OutboxStatus.FAILED and row.last_error == "no handler"


async def test_future_rows_wait_for_their_time(kv):
    seen = []

    async def handler(payload):
        seen.append(payload["n"])

    await enqueue("timer.test", {"n": 1}, "t-1", due_at=clock.now() + dt.timedelta(hours=1))
    assert await make_worker({"timer.test": handler}).run_once() == 0
    assert seen == []


async def test_internal_handler_runs_once_with_its_row(kv):
    calls = []

    async def handler(payload):
        calls.append(payload["n"])
        await audit.record(actor="system", action="timer.fired", object_type="test",
                           object_id=payload["n"])
        if len(calls) == 1:
            raise RuntimeError("database hiccup")  # rolls back the audit event too

    await enqueue("timer.test", {"n": 5}, "t-1")
    await drain(make_worker({"timer.test": handler}))
    assert calls == [5, 5]
    assert await AuditEvent.filter(action="timer.fired").count() == 1
    row = await OutboxMessage.get(idempotency_key="t-1")
    assert row.status == OutboxStatus.SENT and row.attempts == 2
    assert "database hiccup" not in row.last_error  # cleared on success


async def test_internal_handler_refused_by_the_domain_fails(kv):
    async def handler(payload):
        raise Conflict("callup_closed", "该抽调已结束")

    async def give_up(payload):
        raise GiveUp("nothing to do")

    await enqueue("timer.a", {}, "t-a")
    await enqueue("timer.b", {}, "t-b")
    await drain(make_worker({"timer.a": handler, "timer.b": give_up}))
    a = await OutboxMessage.get(idempotency_key="t-a")
    b = await OutboxMessage.get(idempotency_key="t-b")
    assert a.status == b.status == OutboxStatus.FAILED
    assert a.last_error == "callup_closed: 该抽调已结束" and b.last_error == "nothing to do"


async def test_without_wecom_messages_stay_pending_and_are_logged_once(kv, caplog):
    caplog.set_level(logging.WARNING, logger="notifications.worker")
    ran = []

    async def handler(payload):
        ran.append(1)

    await enqueue("wecom.message", text("zhangsan", "您已被抽中"), "m-1")
    await enqueue("timer.test", {}, "t-1")
    worker = make_worker({**wecom_handlers(None, kv), "timer.test": handler})
    for _ in range(3):
        await worker.run_once()
    row = await OutboxMessage.get(idempotency_key="m-1")
    assert row.status == OutboxStatus.PENDING and row.attempts == 0 and row.locked_by == ""
    assert ran == [1]  # internal topics still run
    held = [r for r in caplog.records if r.getMessage() == "outbox: not configured, row held"]
    assert len(held) == 1
    assert held[0].touser == "zhangsan" and held[0].preview == "您已被抽中"


async def test_wake_up_sends_at_once(wecom_standin, wecom_client, kv):
    wake = asyncio.Event()
    slow_poll = WorkerOptions(poll_interval=30, retry_base=0.01)
    worker = make_worker(wecom_handlers(wecom_client, kv), options=slow_poll, wake=wake)
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.1)
    await enqueue("wecom.message", text("zhangsan", "wake"), "m-1")
    wake.set()
    await eventually(lambda: wecom_standin.deliveries, within=2)
    worker.stop()
    await asyncio.wait_for(task, 2)


async def test_stop_finishes_the_row_in_hand_and_releases_the_rest(wecom_standin, wecom_client,
                                                                    kv):
    wecom_standin.latency = 0.2
    for i in range(5):
        await enqueue("wecom.message", text("zhangsan", f"s{i}"), f"m-{i}")
    worker = make_worker(wecom_handlers(wecom_client, kv))
    task = asyncio.create_task(worker.run())
    await eventually(lambda: wecom_standin.calls_to(SEND))
    worker.stop()
    await asyncio.wait_for(task, 5)
    rows = await OutboxMessage.all().order_by("id")
    assert rows[0].status == OutboxStatus.SENT
    rest = [r for r in rows if r.status == OutboxStatus.PENDING]
    assert rest and all(r.locked_until is None for r in rest)
    assert len(wecom_standin.deliveries) == 5 - len(rest)


def test_retry_schedule_grows_and_is_capped():
    import random

    options = WorkerOptions()
    rng = random.Random(1)
    delays = [retry_delay(n, options, rng) for n in range(1, 13)]
    assert 22 <= delays[0] <= 38
    assert all(d <= options.retry_cap * 1.25 for d in delays)
    assert delays[5] > delays[2] > delays[0]
    assert 8 * 3600 < sum(delays[:11]) < 24 * 3600  # ~ half a day to a day before giving up


@pytest.mark.postgres_only
async def test_two_workers_share_the_rows_without_overlap(is_postgres, wecom_standin,
                                                          wecom_client, kv):
    if not is_postgres:
        pytest.skip("row locks need PostgreSQL")
    wecom_standin.fail(0.5, modes=("http500", "busy", "lost"), seed=11)
    wecom_standin.latency = 0.005
    for i in range(120):
        await enqueue("wecom.message", text(f"user{i % 40}", f"row {i}"), f"m-{i}")
    handlers = wecom_handlers(wecom_client, kv)
    one, two = make_worker(handlers, name="one", seed=1), make_worker(handlers, name="two", seed=2)
    tasks = [asyncio.create_task(w.run()) for w in (one, two)]
    try:
        await eventually(none_pending, within=60)
    finally:
        one.stop()
        two.stop()
        await asyncio.gather(*tasks)
    assert contents(wecom_standin) == Counter({f"row {i}": 1 for i in range(120)})
    assert one.delivered > 0 and two.delivered > 0
    assert one.delivered + two.delivered == 120


@pytest.mark.postgres_only
async def test_two_workers_run_each_internal_row_exactly_once(is_postgres, kv):
    if not is_postgres:
        pytest.skip("row locks need PostgreSQL")
    seen: list[int] = []

    async def handler(payload):
        await asyncio.sleep(0.001)
        seen.append(payload["n"])

    for i in range(200):
        await enqueue("timer.test", {"n": i}, f"t-{i}")
    # Short leases: rows are re-claimable while their handler still runs elsewhere.
    short = WorkerOptions(batch=5, lease=0.001, poll_interval=0.01)
    workers = [make_worker({"timer.test": handler}, name=f"w{i}", options=short, seed=i)
               for i in range(4)]
    await drain(*workers)
    assert sorted(seen) == list(range(200))


async def test_used_code_on_a_retry_counts_as_applied(wecom_standin, wecom_client, kv):
    # The first attempt updated the card but its answer was lost; the retry finds the code used.
    code = wecom_standin.issue_response_code("zhangsan")
    body = {"userids": ["zhangsan"], "response_code": code, "button": {"replace_name": "已接受"}}
    await wecom_client.update_template_card(body)
    await enqueue("wecom.update_card", body, "u-retry")
    await OutboxMessage.filter(idempotency_key="u-retry").update(attempts=1)
    await drain(make_worker(wecom_handlers(wecom_client, kv)))
    row = await OutboxMessage.get(idempotency_key="u-retry")
    assert row.status == OutboxStatus.SENT and row.result.get("already_applied") is True
    assert len(wecom_standin.card_updates) == 1


async def test_deliver_now_sends_the_named_rows_that_are_due_and_free(wecom_standin, wecom_client,
                                                                      kv):
    handlers = wecom_handlers(wecom_client, kv)
    mine = await enqueue("wecom.message", text("zhangsan", "mine"), "m-1")
    later = await enqueue("wecom.message", text("zhangsan", "later"), "m-2",
                          due_at=clock.now() + dt.timedelta(hours=1))
    await enqueue("wecom.message", text("lisi", "not named"), "m-3")
    sent_before = await enqueue("wecom.message", text("wangwu", "held"), "m-4")
    assert await make_worker(handlers, name="loop").run_once() == 3  # the loop had them all
    assert contents(wecom_standin) == Counter({"mine": 1, "not named": 1, "held": 1})

    # Named rows still pending: due and under nobody's lease are sent; the rest are left alone.
    again = await enqueue("wecom.message", text("zhangsan", "again"), "m-5")
    leased = await enqueue("wecom.message", text("wangwu", "leased"), "m-6")
    await OutboxMessage.filter(id=leased.id).update(
        locked_by="elsewhere", locked_until=clock.now() + dt.timedelta(minutes=2))
    now = make_worker(handlers, name="now")
    assert await now.deliver_now([mine.id, later.id, again.id, leased.id, sent_before.id]) == 1
    assert contents(wecom_standin)["again"] == 1 and contents(wecom_standin)["leased"] == 0
    assert (await OutboxMessage.get(id=again.id)).status == OutboxStatus.SENT
    assert (await OutboxMessage.get(id=later.id)).status == OutboxStatus.PENDING
    assert (await OutboxMessage.get(id=leased.id)).locked_by == "elsewhere"
    assert await now.deliver_now([]) == 0
