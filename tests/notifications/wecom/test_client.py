"""The outbound WeCom client against the stand-in: token cache, refresh, errors."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest

from notifications.wecom.client import TRANSPORT_ERROR, WeComClient, WeComError
from notifications.wecom.config import WeComConfig
from suiji.playground.standin import GETTOKEN, SEND


def _config(standin, **changes) -> WeComConfig:
    base = {"corp_id": standin.corp_id, "agent_id": standin.agent_id,
            "secret": standin.secret, "api_base": standin.url}
    return WeComConfig(**{**base, **changes})


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as s:
        yield s


async def test_token_is_cached_and_shared_between_clients(wecom_standin, kv, session):
    one = WeComClient(session, _config(wecom_standin), kv)
    two = WeComClient(session, _config(wecom_standin), kv)  # another process, same KV
    assert await one.get_token() == await two.get_token()
    await one.send_message({"touser": "zhangsan", "msgtype": "text", "text": {"content": "a"}})
    await two.send_message({"touser": "lisi", "msgtype": "text", "text": {"content": "b"}})
    assert wecom_standin.gettoken_calls == 1


class CountingKV:
    """The shared cache, counting the token reads (each a round trip to Redis)."""

    def __init__(self, kv) -> None:
        self.kv, self.token_reads = kv, 0

    def __getattr__(self, name):
        return getattr(self.kv, name)

    async def get(self, key):
        self.token_reads += key.startswith("wecom:token:")
        return await self.kv.get(key)


async def test_a_process_keeps_its_copy_of_the_token_for_a_while(wecom_standin, kv, session):
    counting = CountingKV(kv)
    client = WeComClient(session, _config(wecom_standin), counting)
    await client.send_message({"touser": "a", "msgtype": "text", "text": {"content": "0"}})
    fetched = counting.token_reads  # the miss, and the check again under the refresh lock
    for i in range(1, 5):
        await client.send_message({"touser": "a", "msgtype": "text", "text": {"content": str(i)}})
    assert counting.token_reads == fetched and wecom_standin.gettoken_calls == 1
    brief = WeComClient(session, _config(wecom_standin), counting, local_token_seconds=0.0)
    await brief.get_token()
    await brief.get_token()
    assert counting.token_reads == fetched + 2  # without a copy, every call reads the cache


async def test_a_token_rejected_in_one_process_is_dropped_from_its_copy(wecom_standin, kv,
                                                                       session):
    one = WeComClient(session, _config(wecom_standin), kv)
    two = WeComClient(session, _config(wecom_standin), kv)
    await one.send_message({"touser": "a", "msgtype": "text", "text": {"content": "1"}})
    await two.send_message({"touser": "a", "msgtype": "text", "text": {"content": "2"}})
    wecom_standin.expire_tokens()
    await one.send_message({"touser": "a", "msgtype": "text", "text": {"content": "3"}})
    # `two` still holds the old token: WeCom rejects it once, then it takes the fresh one that
    # `one` stored, without fetching another.
    await two.send_message({"touser": "a", "msgtype": "text", "text": {"content": "4"}})
    assert wecom_standin.gettoken_calls == 2
    assert len(wecom_standin.deliveries) == 4


async def test_ten_concurrent_first_calls_fetch_one_token(wecom_standin, kv, session):
    wecom_standin.latency = 0.05  # make the refresh slow enough for everyone to pile up
    clients = [WeComClient(session, _config(wecom_standin), kv) for _ in range(10)]
    tokens = await asyncio.gather(*(c.get_token() for c in clients))
    assert len(set(tokens)) == 1
    assert wecom_standin.gettoken_calls == 1


async def test_expired_token_is_refetched_and_the_call_retried_once(wecom_standin, kv, session):
    client = WeComClient(session, _config(wecom_standin), kv)
    await client.send_message({"touser": "zhangsan", "msgtype": "text", "text": {"content": "1"}})
    wecom_standin.expire_tokens()
    answer = await client.send_message(
        {"touser": "zhangsan", "msgtype": "text", "text": {"content": "2"}})
    assert answer["msgid"]
    assert wecom_standin.gettoken_calls == 2
    statuses = [(c.path, (c.answer or {}).get("errcode")) for c in wecom_standin.calls]
    assert statuses == [(GETTOKEN, 0), (SEND, 0), (SEND, 42001), (GETTOKEN, 0), (SEND, 0)]
    assert len(wecom_standin.deliveries) == 2


async def test_send_adds_agentid_and_duplicate_check(wecom_standin, kv, session):
    client = WeComClient(session, _config(wecom_standin), kv)
    body = {"touser": "zhangsan", "msgtype": "markdown", "markdown": {"content": "**抽查**"}}
    first = await client.send_message(body)
    again = await client.send_message(body)
    sent = wecom_standin.calls_to(SEND)[0].body
    assert sent["agentid"] == wecom_standin.agent_id
    assert sent["enable_duplicate_check"] == 1 and sent["duplicate_check_interval"] == 1800
    assert "agentid" not in body  # the caller's dict is not changed
    # WeCom absorbs the repeat: one delivery, the same msgid.
    assert first["msgid"] == again["msgid"]
    assert len(wecom_standin.deliveries) == 1 and wecom_standin.duplicates_absorbed == 1


async def test_template_card_and_update(wecom_standin, kv, session):
    client = WeComClient(session, _config(wecom_standin), kv)
    card = {"touser": "zhangsan", "msgtype": "template_card", "template_card": {
        "card_type": "button_interaction", "task_id": "callup-1-zhangsan",
        "main_title": {"title": "抽查事项执法检查人员抽取通知"},
        "button_list": [{"text": "接受", "key": "accept"},
                        {"text": "因公务无法参加", "key": "decline"}]}}
    answer = await client.send_message(card)
    assert answer["response_code"]
    await client.update_template_card({"userids": ["zhangsan"],
                                       "response_code": answer["response_code"],
                                       "button": {"replace_name": "已接受"}})
    assert wecom_standin.card_updates[0]["button"] == {"replace_name": "已接受"}
    with pytest.raises(WeComError) as err:  # single use
        await client.update_template_card({"userids": ["zhangsan"],
                                           "response_code": answer["response_code"],
                                           "button": {"replace_name": "已接受"}})
    assert not err.value.retryable


async def test_jscode2session(wecom_standin, kv, session):
    client = WeComClient(session, _config(wecom_standin), kv)
    wecom_standin.register_js_code("js-123", "wangwu")
    got = await client.jscode2session("js-123")
    assert got["userid"] == "wangwu" and got["corpid"] == wecom_standin.corp_id
    with pytest.raises(WeComError) as err:
        await client.jscode2session("js-123")  # codes are single use
    assert err.value.errcode == 40029


@pytest.mark.parametrize(("mode", "code", "retryable"), [
    ("http500", TRANSPORT_ERROR, True), ("busy", -1, True), ("freq", 45009, True),
    ("concurrency", 45033, True)])
async def test_failures_are_typed(wecom_standin, kv, session, mode, code, retryable):
    client = WeComClient(session, _config(wecom_standin), kv)
    wecom_standin.fail_next(mode)
    with pytest.raises(WeComError) as err:
        await client.send_message({"touser": "a", "msgtype": "text", "text": {"content": "x"}})
    assert err.value.errcode == code and err.value.retryable is retryable


async def test_wrong_secret_is_not_retryable_and_never_logged(wecom_standin, kv, session,
                                                              caplog):
    caplog.set_level(logging.DEBUG)
    client = WeComClient(session, _config(wecom_standin, secret="wrong-secret-xyz"), kv)
    with pytest.raises(WeComError) as err:
        await client.get_token()
    assert err.value.errcode == 40001 and not err.value.retryable
    assert "wrong-secret-xyz" not in str(err.value)
    assert "wrong-secret-xyz" not in caplog.text


async def test_timeout_hides_the_url_with_the_token(wecom_standin, kv, session, caplog):
    client = WeComClient(session, _config(wecom_standin), kv, timeout=0.2)
    token = await client.get_token()
    wecom_standin.latency = 1.0
    with pytest.raises(WeComError) as err:
        await client.send_message({"touser": "a", "msgtype": "text", "text": {"content": "x"}})
    assert err.value.errcode == TRANSPORT_ERROR and err.value.retryable
    assert token not in str(err.value) and token not in caplog.text
    assert wecom_standin.secret not in caplog.text


async def test_unreachable_server_is_a_retryable_transport_error(kv, session, wecom_standin):
    client = WeComClient(session, _config(wecom_standin, api_base="http://127.0.0.1:1"), kv)
    with pytest.raises(WeComError) as err:
        await client.get_token()
    assert err.value.errcode == TRANSPORT_ERROR and err.value.retryable
