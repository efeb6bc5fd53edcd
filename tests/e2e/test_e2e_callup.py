"""Issue 4 "done when", in one process: draw → cards at a stand-in WeCom → decline → next card.

The app runs its own outbox worker (`run_worker=True`) against the stand-in (a real aiohttp
server); callbacks are AES-encrypted and signed exactly as WeCom does (tests/wecom_callbacks.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from inspection import audit, clock
from models.audit import AuditEvent
from models.callups import CallUp
from models.enums import CallUpState, OutboxStatus
from models.outbox import OutboxMessage
from notifications.appkeys import INBOUND, OUTBOX_WAKE, OUTBOX_WORKERS
from suiji.app import create_app
from suiji.playground.standin import UPDATE, WeComStandIn
from tests.e2e.e2e_kit import cards, drawn_campaign, response_code, texts_to
from tests.notifications.outbox_helpers import eventually
from tests.wecom_callbacks import AES_KEY, CORP_ID, TOKEN, card_event_xml, signed, text_xml

URL = "/wecom/callback"


@pytest.fixture
async def standin() -> AsyncIterator[WeComStandIn]:
    # The callbacks are built for CORP_ID, so the stand-in plays that corp.
    s = await WeComStandIn(corp_id=CORP_ID).start()
    yield s
    await s.close()


@pytest.fixture
async def client(aiohttp_client, settings, standin):
    app_settings = settings.model_copy(update={
        "wecom_corp_id": CORP_ID, "wecom_agent_id": standin.agent_id,
        "wecom_secret": standin.secret, "wecom_api_base": standin.url,
        "wecom_token": TOKEN, "wecom_aes_key": AES_KEY})
    return await aiohttp_client(create_app(app_settings, manage_db=False, run_worker=True))


async def post(client, inner: str, **kw):
    """Deliver, then wait until the process applied what it kept (the answer comes first)."""
    params, body = signed(inner, **kw)
    resp = await client.post(URL, params=params, data=body.encode())
    await client.app[INBOUND].drain()
    return resp


async def db_state() -> tuple[int, int, list[str]]:
    calls = [c.state.value for c in await CallUp.all().order_by("id")]
    return await AuditEvent.all().count(), await OutboxMessage.all().count(), calls


# long: one end-to-end scenario, read as the story it tells.
async def test_draw_cards_decline_next_card_progress_and_audit(client, standin):
    campaign, order, leader = await drawn_campaign(inspectors=8, needed=3)
    client.app[OUTBOX_WAKE].wake()  # the reveal committed outside a request
    await eventually(lambda: len(cards(standin)) == 3)
    first = cards(standin)
    # R15: cards to the first N drawn inspectors, in draw order
    assert sorted(c["touser"] for c in first) == sorted(s.wecom_userid for s in order[:3])
    declined = order[1]
    card = next(c for c in first if c["touser"] == declined.wecom_userid)
    task_id = card["template_card"]["task_id"]
    code = response_code(standin, task_id)

    click = card_event_xml(declined.wecom_userid, task_id=task_id, key="decline",
                           response_code=code, reason="meeting")
    params, body = signed(click)
    resp = await client.post(URL, params=params, data=body.encode())
    assert resp.status == 200
    await eventually(lambda: len(cards(standin)) == 4 and standin.card_updates)
    await asyncio.sleep(0.3)  # anything extra would have arrived by now
    assert [c["touser"] for c in cards(standin)[3:]] == [order[3].wecom_userid]
    assert len(standin.card_updates) == 1
    update = standin.card_updates[0]
    assert update["response_code"] == code
    assert update["button"] == {"replace_name": "因公务无法参加"}
    replacement = await CallUp.get(staff_id=order[3].id, campaign_id=campaign.id)
    assert replacement.state == CallUpState.CALLED
    assert (await replacement.replaces).staff_id == declined.id  # type: ignore[union-attr]

    # the leader's 进度 shows all of it
    resp = await post(client, text_xml(leader.wecom_userid, "进度"))
    assert resp.status == 200
    await eventually(lambda: texts_to(standin, leader.wecom_userid))
    progress = texts_to(standin, leader.wecom_userid)[-1]
    assert f"{declined.name}：参加重要会议" in progress
    for waiting in (order[0], order[2], order[3]):
        assert waiting.name in progress
    assert "已接受 0 人" in progress

    # every step is in the audit chain, and the chain holds
    count, brk = await audit.verify_chain()
    assert brk is None and count == await AuditEvent.all().count()
    actions = {e.action for e in await AuditEvent.all()}
    assert actions >= {"draw.commit", "draw.reveal", "campaign.drawn", "campaign.callup_started",
                       "callup.call", "callup.decline"}

    # forged, replayed and malformed callbacks change nothing, here or at the stand-in
    before, seen = await db_state(), len(standin.calls)
    replay = await client.post(URL, params=params, data=body.encode())  # WeCom's retry / replay
    assert replay.status == 200
    forged = signed(card_event_xml(order[0].wecom_userid, task_id="x", key="accept",
                                   response_code="r"), token="not-the-token")
    other_corp = signed(text_xml(order[0].wecom_userid, "接受"), receive_id="wwotherc0rp0000000")
    for bad_params, bad_body in (forged, other_corp):
        r = await client.post(URL, params=bad_params, data=bad_body.encode())
        assert r.status == 403
    broken = signed("<xml><Nothing/></xml>")
    assert (await client.post(URL, params=broken[0], data=broken[1].encode())).status == 400
    assert (await client.post(URL, params=params, data=b"<xml><Encrypt>")).status == 400
    tampered = dict(params, msg_signature="0" * 40)
    assert (await client.post(URL, params=tampered, data=body.encode())).status == 403
    await asyncio.sleep(0.5)
    assert await db_state() == before
    assert len(standin.calls) == seen and len(standin.calls_to(UPDATE)) == 1


async def test_the_lane_that_applied_a_decline_sends_its_cards_itself(client, standin):
    # Issue 16, item 16: decline -> next card without waiting for an outbox loop's turn. The
    # loop is stopped once the first cards are out: what follows can only come from the lane.
    campaign, order, _ = await drawn_campaign(inspectors=6, needed=2)
    client.app[OUTBOX_WAKE].wake()
    await eventually(lambda: len(cards(standin)) == 2)
    pool = client.app[OUTBOX_WORKERS]
    for loop in pool.workers:
        loop.stop()
    await asyncio.sleep(0.5)  # the loop sees its stop between idle waits
    declined = order[0]
    task_id = next(c for c in cards(standin)
                   if c["touser"] == declined.wecom_userid)["template_card"]["task_id"]
    click = card_event_xml(declined.wecom_userid, task_id=task_id, key="decline",
                           response_code=response_code(standin, task_id), reason="meeting")
    before = max(await OutboxMessage.all().values_list("id", flat=True))
    resp = await post(client, click)
    assert resp.status == 200
    # Already at the stand-in when the lane is done: nobody else was sending.
    assert [c["touser"] for c in cards(standin)[2:]] == [order[2].wecom_userid]
    assert len(standin.card_updates) == 1
    due = await OutboxMessage.filter(id__gt=before, due_at__lte=clock.now()).values_list(
        "topic", "status", "locked_by")
    assert {t for t, _, _ in due} >= {"wecom.message", "wecom.update_card"}
    assert all(s == OutboxStatus.SENT and by.endswith(":now") for _, s, by in due), due
    assert (await CallUp.get(staff_id=order[2].id, campaign_id=campaign.id)).state == \
        CallUpState.CALLED
