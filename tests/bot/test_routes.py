"""`/wecom/callback` end to end: signed as WeCom signs, through the app factory."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from tortoise.transactions import in_transaction

from bot.parse import parse_message
from inspection import audit
from inspection.callup import calls as callup
from models.audit import AuditEvent
from models.callups import CallUp
from models.enums import CallUpState
from models.outbox import OutboxMessage
from models.system import InboundReceipt
from notifications.appkeys import INBOUND
from suiji.app import create_app
from tests import factories as f
from tests.wecom_callbacks import AES_KEY, CORP_ID, TOKEN, card_event_xml, signed, text_xml
from tests.wecom_rows import body, cards, content

VECTORS = json.loads((Path(__file__).parent / "tencent_vectors.json").read_text())
URL = "/wecom/callback"


@pytest.fixture
def wecom_settings(settings):
    return settings.model_copy(update={"wecom_token": TOKEN, "wecom_aes_key": AES_KEY,
                                       "wecom_corp_id": CORP_ID})


@pytest.fixture
async def client(aiohttp_client, wecom_settings):
    return await aiohttp_client(create_app(wecom_settings, manage_db=False))


async def state() -> tuple[int, int, list[str]]:
    calls = [c.state.value for c in await CallUp.all().order_by("id")]
    return await AuditEvent.all().count(), await OutboxMessage.all().count(), calls


async def test_not_configured_answers_503(aiohttp_client, settings):
    client = await aiohttp_client(create_app(settings, manage_db=False))
    resp = await client.get(URL, params={"msg_signature": "a", "timestamp": "1", "nonce": "2",
                                         "echostr": "x"})
    assert resp.status == 503
    assert resp.content_type == "application/problem+json"


async def test_url_check_with_tencent_vector(client):
    v = VECTORS["verify"]
    resp = await client.get(URL, params={k: v[k] for k in ("msg_signature", "timestamp",
                                                           "nonce", "echostr")})
    assert resp.status == 200
    assert await resp.text() == "1288432023552776189"


async def test_post_with_tencent_vector(client, monkeypatch):
    p = VECTORS["post"]
    monkeypatch.setattr("bot.routes.wall_clock", lambda: float(p["timestamp"]))  # captured then
    params = {k: p[k] for k in ("msg_signature", "timestamp", "nonce")}
    resp = await client.post(URL, params=params, data=p["body"].encode())
    assert resp.status == 200 and await resp.text() == ""
    await client.app[INBOUND].drain()
    reply = await OutboxMessage.get(topic="wecom.message")
    assert body(reply)["touser"] == "ChenJiaShun"
    assert "不在本系统人员名录" in content(reply)


async def flow():
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, 6)]
    c = await f.campaign(needed=3, leader=leader)
    await f.inspector_draw(c, order)
    async with in_transaction():
        called = await callup.start_callup(campaign_id=c.id, now=f.NOW, actor="cli")
    return c, leader, order, called


async def post(client, inner: str, **kw):
    """Deliver, then wait until the process applied what it kept (the answer comes first)."""
    params, body = signed(inner, **kw)
    resp = await client.post(URL, params=params, data=body.encode())
    await client.app[INBOUND].drain()
    return resp


async def test_done_when_flow(client):
    """The issue's "done when": N cards, one decline → one new card, update, 进度, audit chain."""
    _, _, _, called = await flow()
    click = card_event_xml("insp2", task_id=called[1].task_id, key="decline",
                           response_code="RC-insp2", reason="meeting")
    resp = await post(client, click)
    assert resp.status == 200
    assert [c["touser"] for c in await cards()] == ["insp1", "insp2", "insp3", "insp4"]
    update = body(await OutboxMessage.get(topic="wecom.update_card"))
    assert update["response_code"] == "RC-insp2"
    assert update["button"] == {"replace_name": "因公务无法参加"}
    # the retry WeCom sends when our answer was late is swallowed
    before = await state()
    resp = await post(client, click)
    assert resp.status == 200 and await state() == before
    # the leader's 进度 shows all of it
    resp = await post(client, text_xml("liu", "进度"))
    assert resp.status == 200
    reply = (await OutboxMessage.filter(topic="wecom.message").order_by("-id").first())
    text = content(reply)
    assert body(reply)["touser"] == "liu"
    assert "检查员2：参加重要会议" in text and "检查员4" in text and "已接受 0 人" in text
    count, brk = await audit.verify_chain()
    assert brk is None and count == await AuditEvent.all().count()
    assert {e.action for e in await AuditEvent.all()} >= {"callup.call", "callup.decline"}


async def test_text_decline_and_accept(client):
    _, _, _, called = await flow()
    await post(client, text_xml("insp1", "接受"))
    await post(client, text_xml("insp3", "公务 区里开会"))
    assert (await CallUp.get(id=called[0].id)).state == CallUpState.ACCEPTED
    declined = await CallUp.get(id=called[2].id)
    assert declined.state == CallUpState.DECLINED and declined.reason == "区里开会"
    assert await CallUp.filter(state=CallUpState.CALLED).count() == 2


async def test_decline_click_without_reason_waits_for_text(client):
    _, _, _, called = await flow()
    await post(client, card_event_xml("insp1", task_id=called[0].task_id, key="decline",
                                      response_code="RC-1", reason="other"))
    assert (await CallUp.get(id=called[0].id)).state == CallUpState.CALLED
    ask = await OutboxMessage.filter(topic="wecom.message").order_by("-id").first()
    assert "请回复事由，例如：" in content(ask)
    await post(client, text_xml("insp1", "参加市局执法培训"))
    done = await CallUp.get(id=called[0].id)
    assert done.state == CallUpState.DECLINED and done.reason == "参加市局执法培训"
    update = await OutboxMessage.get(topic="wecom.update_card")
    assert body(update)["response_code"] == "RC-1"


async def test_non_leader_is_refused(client):
    await flow()
    before = await state()
    await post(client, text_xml("insp1", "递补 检查员2"))
    reply = await OutboxMessage.filter(topic="wecom.message").order_by("-id").first()
    assert body(reply)["touser"] == "insp1"
    assert "不是任何召集中或实施中抽查任务的组长" in content(reply)
    assert (await state())[2] == before[2]


async def test_unknown_command_gets_help(client):
    await flow()
    await post(client, text_xml("liu", "你好"))
    reply = await OutboxMessage.filter(topic="wecom.message").order_by("-id").first()
    assert "未能识别" in content(reply)
    assert "自动分配" in content(reply)


@pytest.mark.parametrize("case", ["forged", "wrong_corp", "wrong_corp_outer", "malformed",
                                  "bomb", "oversized", "missing_params", "bad_inner", "stale",
                                  "future"])
async def test_bad_callbacks_change_nothing(client, case):
    _, _, _, called = await flow()
    click = card_event_xml("insp1", task_id=called[0].task_id, key="accept", response_code="R")
    before = await state()
    if case == "forged":
        params, body = signed(click, token="not-the-token")
        expected = 403
    elif case == "wrong_corp":
        params, body = signed(click, receive_id="wwotherc0rp0000000")
        expected = 403
    elif case == "wrong_corp_outer":
        params, body = signed(click, to_user="wwotherc0rp0000000")
        expected = 403
    elif case == "malformed":
        params, body = signed(click)
        body = body[:-10]
        expected = 400
    elif case == "bomb":
        params, _ = signed(click)
        body = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><xml><Encrypt>&b;</Encrypt></xml>')
        expected = 400
    elif case == "oversized":
        params, body = signed(click)
        body = body.replace("<AgentID>", "<Pad>" + "x" * 70_000 + "</Pad><AgentID>")
        expected = 413
    elif case == "missing_params":
        params, body = signed(click)
        params.pop("nonce")
        expected = 400
    elif case in ("stale", "future"):  # a captured delivery replayed later, or a forged clock
        params, body = signed(click, at=time.time() + (-301 if case == "stale" else 301))
        expected = 403
    else:  # signed with our key, but the decrypted body is not a WeCom message
        params, body = signed("<xml><Nothing/></xml>")
        expected = 400
    resp = await client.post(URL, params=params, data=body.encode())
    assert resp.status == expected, await resp.text()
    assert await state() == before


async def test_a_replay_after_redis_lost_its_keys_does_nothing(client):
    """The de-duplication record is in the database, not in Redis (whose Compose service keeps
    nothing on disk): a replay of a leader's command after Redis restarted empty does nothing."""
    await flow()
    chase = text_xml("liu", "催办 检查员1", msg_id="4711")  # each 催办 nudges again: not idempotent
    params, body_ = signed(chase)
    assert (await client.post(URL, params=params, data=body_.encode())).status == 200
    await client.app[INBOUND].drain()
    assert await AuditEvent.filter(action="callup.chase").count() == 1
    before = await state()
    assert (await client.post(URL, params=params, data=body_.encode())).status == 200
    await client.app[INBOUND].drain()
    assert await state() == before
    assert await InboundReceipt.all().count() == 1


async def test_a_callback_handed_to_the_outbox_by_an_earlier_version_is_applied_once(client):
    from bot import handlers

    _, _, _, called = await flow()
    payload = parse_message(text_xml("insp1", "接受", msg_id="777")).to_payload()
    # the worker's handler finishes the job, once
    async with in_transaction():
        await handlers.callup_handlers()["wecom.inbound"](payload)
    async with in_transaction():
        await handlers.callup_handlers()["wecom.inbound"](payload)
    assert (await CallUp.get(id=called[0].id)).state == CallUpState.ACCEPTED
    assert await AuditEvent.filter(action="callup.accept").count() == 1


async def test_oversized_chunked_body_refused(client):
    await flow()
    before = await state()

    async def chunks():
        for _ in range(10):
            yield b"<xml>" + b"x" * 10_000

    params, _ = signed(text_xml("insp1", "接受"))
    resp = await client.post(URL, params=params, data=chunks())
    assert resp.status == 413
    assert await state() == before


async def test_body_in_many_small_chunks_accepted(client):
    _, _, _, called = await flow()
    params, body = signed(text_xml("insp1", "接受"))
    raw = body.encode()

    async def chunks():
        for i in range(0, len(raw), 100):
            yield raw[i:i + 100]

    resp = await client.post(URL, params=params, data=chunks())
    assert resp.status == 200
    await client.app[INBOUND].drain()
    assert (await CallUp.get(id=called[0].id)).state == CallUpState.ACCEPTED
