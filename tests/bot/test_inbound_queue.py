"""Callbacks acknowledged once kept, applied right after, recovered when left pending, applied
once (issue 16, item 16; docs/callup.md "The callback")."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from bot import inbound
from bot.parse import parse_message
from inspection import clock
from inspection.callup import calls as callup
from models.audit import AuditEvent
from models.callups import CallUp
from models.enums import CallUpState, ReceiptState
from models.outbox import OutboxMessage
from models.system import InboundReceipt
from notifications.appkeys import INBOUND, INBOUND_KEEPER
from suiji.app import create_app
from tests import factories as f
from tests.wecom_callbacks import AES_KEY, CORP_ID, TOKEN, signed, text_xml

pytestmark = pytest.mark.usefixtures("clean_db")
URL = "/wecom/callback"


@pytest.fixture
async def client(aiohttp_client, settings):
    s = settings.model_copy(update={"wecom_token": TOKEN, "wecom_aes_key": AES_KEY,
                                    "wecom_corp_id": CORP_ID})
    return await aiohttp_client(create_app(s, manage_db=False))


async def called_three():
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, 6)]
    c = await f.campaign(needed=3, leader=leader)
    await f.inspector_draw(c, order)
    async with in_transaction():
        return await callup.start_callup(campaign_id=c.id, now=f.NOW, actor="cli")


async def accepted() -> int:
    return await AuditEvent.filter(action="callup.accept").count()


async def test_a_callback_is_answered_before_it_is_applied(client, monkeypatch):
    """WeCom's answer waits for the insert of the receipt only: a command held up (here: until
    the test lets it go; in a burst: a busy campaign row) no longer holds up the answer."""
    called = await called_three()
    gate = asyncio.Event()
    apply = inbound.apply

    async def held(receipt_id):
        await gate.wait()
        return await apply(receipt_id)

    monkeypatch.setattr(inbound, "apply", held)
    params, body = signed(text_xml("insp1", "接受"))
    async with asyncio.timeout(2):  # the old route held the answer for its 3-second budget
        resp = await client.post(URL, params=params, data=body.encode())
    assert resp.status == 200 and await resp.text() == ""
    receipt = await InboundReceipt.get()
    assert receipt.state == ReceiptState.PENDING and receipt.payload["content"] == "接受"
    assert (await CallUp.get(id=called[0].id)).state == CallUpState.CALLED
    gate.set()
    await client.app[INBOUND].drain()
    assert (await CallUp.get(id=called[0].id)).state == CallUpState.ACCEPTED
    receipt = await InboundReceipt.get()
    assert receipt.state == ReceiptState.DONE and receipt.payload is None  # nothing kept longer
    assert await OutboxMessage.filter(topic="wecom.update_card").count() == 0  # a text, no card
    assert await accepted() == 1


async def test_a_receipt_left_pending_by_a_dead_process_is_applied_once(client):
    called = await called_three()
    # What a process killed (kill -9) right after answering WeCom leaves behind.
    msg = parse_message(text_xml("insp1", "接受"))
    dead = await inbound.keep(msg, received_at=clock.now() - dt.timedelta(minutes=2))
    # A delivery a live process has just kept is its own, not the sweep's.
    fresh = await inbound.keep(parse_message(text_xml("insp2", "接受")), received_at=clock.now())
    queue = client.app[INBOUND]
    await queue.sweep()
    await queue.drain()
    assert (await InboundReceipt.get(id=dead)).state == ReceiptState.DONE
    assert (await InboundReceipt.get(id=fresh)).state == ReceiptState.PENDING
    assert (await CallUp.get(id=called[0].id)).state == CallUpState.ACCEPTED
    # the answer counts from when it was received
    assert (await CallUp.get(id=called[0].id)).answered_at < clock.now() - dt.timedelta(minutes=1)
    # a second sweep, another process's, or the queue it was submitted to: nothing more
    await queue.sweep()
    await queue.drain()
    assert await inbound.apply(dead) is False
    assert await accepted() == 1
    assert await OutboxMessage.filter(idempotency_key__startswith="reply:").count() == 1


async def test_concurrent_duplicate_deliveries_apply_once(client):
    called = await called_three()
    params, body = signed(text_xml("insp2", "公务 参加区政府专项检查"))
    answers = await asyncio.gather(*(client.post(URL, params=params, data=body.encode())
                                     for _ in range(8)))
    assert [r.status for r in answers] == [200] * 8
    await client.app[INBOUND].drain()
    assert await InboundReceipt.all().count() == 1
    assert (await CallUp.get(id=called[1].id)).state == CallUpState.DECLINED
    assert await AuditEvent.filter(action="callup.decline").count() == 1
    assert await CallUp.filter(replaces_id=called[1].id).count() == 1  # one replacement called


async def test_a_burst_is_kept_in_groups_each_delivery_applied_once(client):
    """Deliveries arriving while an insert is on its way share the next insert; duplicates in
    one group (WeCom's retry racing the first delivery) are stored and applied once."""
    await called_three()
    texts = [signed(text_xml(f"user{i}", "帮助", msg_id=f"m{i}")) for i in range(12)]
    posts = [*texts, texts[0], texts[5], texts[5]]
    keeper = client.app[INBOUND_KEEPER]
    answers = await asyncio.gather(*(client.post(URL, params=params, data=body.encode())
                                     for params, body in posts))
    assert [r.status for r in answers] == [200] * len(posts)
    assert keeper.writes < len(posts)  # grouped: fewer inserts than deliveries
    await client.app[INBOUND].drain()
    receipts = await InboundReceipt.all()
    assert len(receipts) == 12 and {r.state for r in receipts} == {ReceiptState.DONE}
    replies = await OutboxMessage.filter(idempotency_key__startswith="reply:")
    assert sorted(r.payload["to"][0] for r in replies) == sorted(f"user{i}" for i in range(12))


async def test_keeping_a_group_returns_each_delivery_its_receipt_or_none():
    first, second = (parse_message(text_xml(u, "帮助", msg_id=f"x-{u}")) for u in ("a", "b"))
    ids = await inbound.keep_group([(first, clock.now()), (second, clock.now()),
                                    (first, clock.now())])
    stored = {r.id: r.payload["from_user"] for r in await InboundReceipt.all()}
    assert ids[2] is None and stored == {ids[0]: "a", ids[1]: "b"}
    assert await inbound.keep_group([(second, clock.now())]) == [None]  # stored before


async def test_a_failing_receipt_is_retried_then_given_up(client, monkeypatch):
    await called_three()

    async def broken(msg, *, now):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(inbound.commands, "dispatch", broken)
    params, body = signed(text_xml("insp1", "接受"))
    assert (await client.post(URL, params=params, data=body.encode())).status == 200
    queue = client.app[INBOUND]
    await queue.drain()
    receipt = await InboundReceipt.get()
    assert (receipt.state, receipt.attempts) == (ReceiptState.PENDING, 1)
    assert "database hiccup" in receipt.last_error
    await InboundReceipt.filter(id=receipt.id).update(
        created_at=clock.db_time(clock.now() - dt.timedelta(minutes=5)))
    for _ in range(inbound.MAX_ATTEMPTS - 1):
        await queue.sweep()
        await queue.drain()
    receipt = await InboundReceipt.get()
    assert (receipt.state, receipt.attempts) == (ReceiptState.FAILED, inbound.MAX_ATTEMPTS)
    assert await inbound.left_pending() == []


@pytest.mark.postgres_only
async def test_two_processes_taking_one_receipt_apply_it_once(is_postgres, monkeypatch):
    """Two claims of one pending receipt at the same moment (the owner's queue and another
    process's sweep): FOR UPDATE SKIP LOCKED lets one apply it; the other skips it."""
    if not is_postgres:
        pytest.skip("row locks need PostgreSQL")
    called = await called_three()
    dispatch = inbound.commands.dispatch

    async def slow(msg, *, now):
        await asyncio.sleep(0.3)  # both claims overlap
        return await dispatch(msg, now=now)

    monkeypatch.setattr(inbound.commands, "dispatch", slow)
    rid = await inbound.keep(parse_message(text_xml("insp3", "接受")), received_at=clock.now())
    assert rid is not None
    results = await asyncio.gather(inbound.apply(rid), inbound.apply(rid), inbound.apply(rid))
    assert sorted(results) == [False, False, True]
    assert (await CallUp.get(id=called[2].id)).state == CallUpState.ACCEPTED
    assert await accepted() == 1


async def test_housekeeping_forgets_old_receipts_but_not_pending_ones():
    from inspection import housekeeping

    old = clock.now() - dt.timedelta(days=4)
    done = await inbound.keep(parse_message(text_xml("a", "帮助")), received_at=old)
    waiting = await inbound.keep(parse_message(text_xml("b", "帮助")), received_at=old)
    await InboundReceipt.filter(id=done).update(state=ReceiptState.DONE)
    assert await housekeeping.purge_inbound_receipts(now=clock.now()) == 1
    assert [r.id for r in await InboundReceipt.all()] == [waiting]
