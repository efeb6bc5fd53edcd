"""The playground (`/dev/`, docs/playground.md): only in development without WeCom; its page's
headers, its refusals, and its messages as WeCom shows them. The whole decline flow against a
real `suiji serve` is in test_playground_serve.py."""

from __future__ import annotations

from typing import Any

import pytest

from notifications.appkeys import INBOUND
from suiji import playground
from suiji.app import create_app
from suiji.playground.standin import Delivery, WeComStandIn
from suiji.playground.views import messages
from suiji.settings import Settings
from tests.fieldworld import World, build_world

pytestmark = pytest.mark.usefixtures("clean_db")


@pytest.fixture
async def world() -> World:
    return await build_world()


@pytest.fixture
async def dev(aiohttp_client: Any, settings: Settings) -> Any:
    app = create_app(settings.model_copy(update={"env": "development"}), manage_db=False)
    return await aiohttp_client(app)


async def test_only_in_development_without_wecom(aiohttp_client: Any, settings: Settings) -> None:
    wecom = {"wecom_corp_id": "ww1234", "wecom_agent_id": 1000002, "wecom_secret": "s" * 20}
    for env, extra in (("test", {}), ("production", {}), ("development", wecom)):
        s = settings.model_copy(update={"env": env, **extra})
        assert not playground.enabled(s)
        client = await aiohttp_client(create_app(s, manage_db=False))
        for path in ("/dev/", "/dev/api/people", "/dev/playground.js"):
            resp = await client.get(path)
            assert resp.status == 404, (env, path)
        page = await (await client.get("/dev/")).text()
        assert "页面不存在" in page  # the site's Chinese 404 page
        assert "演练场" not in await (await client.get("/")).text()
    assert playground.enabled(settings.model_copy(update={"env": "development"}))


async def test_page_is_strict_and_linked_from_the_landing_page(dev: Any, world: World) -> None:
    resp = await dev.get("/dev/")
    assert resp.status == 200
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe" not in csp
    page = await resp.text()
    assert '<script src="/dev/playground.js"' in page and "<script>" not in page
    assert (await dev.get("/dev/playground.js")).status == 200
    landing = await (await dev.get("/")).text()
    assert 'href="/dev/"' in landing and "演练场" in landing
    people = (await (await dev.get("/dev/api/people")).json())["people"]
    member = next(p for p in people if p["userid"] == "u-member")
    assert member["name"] == world.staff["member"].name and "执法检查人员" in member["roles"]


async def test_refuses_what_the_page_would_not_send(dev: Any, world: World) -> None:
    say = {"userid": "u-member", "text": "帮助"}
    resp = await dev.post("/dev/api/say", json=say, headers={"Origin": "https://evil.example"})
    assert resp.status == 403 and (await resp.json())["code"] == "cross_origin"
    resp = await dev.post("/dev/api/say", data="userid=u-member&text=x",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status == 415
    resp = await dev.post("/dev/api/say", json={"userid": "u-member", "text": "长" * 501})
    assert resp.status == 400
    resp = await dev.post("/dev/api/say", json={"userid": "nobody", "text": "帮助"})
    assert resp.status == 404
    resp = await dev.post("/dev/api/click", json={"userid": "u-member", "msgid": "msg-x",
                                                  "key": "accept"})
    assert resp.status == 404 and (await resp.json())["code"] == "not_found"
    resp = await dev.get("/dev/api/messages", params={"userid": "<script>"})
    assert resp.status == 404


async def test_a_chat_text_goes_to_the_callback_signed_and_is_answered(dev: Any,
                                                                        world: World) -> None:
    # A real signed, encrypted callback to our own /wecom/callback: the bot answers 帮助 with its
    # help text, sent through the outbox to the stand-in (this app runs no worker: the answer
    # waits in the outbox, and what the person said is shown).
    resp = await dev.post("/dev/api/say", json={"userid": "u-member", "text": "帮助"})
    assert resp.status == 200, await resp.text()
    # The callback answers once the delivery is kept; the command is applied right after on the
    # process's lanes: wait for them.
    await dev.app[INBOUND].drain()
    from models.outbox import OutboxMessage
    [row] = await OutboxMessage.filter(topic="wecom.message")
    assert row.payload["to"] == ["u-member"] and "接受" in row.payload["facts"]["content"]
    shown = (await (await dev.get("/dev/api/messages", params={"userid": "u-member"})).json())
    assert [m["text"] for m in shown["messages"]] == ["帮助"]


def test_cards_are_shown_as_wecom_shows_them_and_answered_cards_close() -> None:
    standin = WeComStandIn()
    card = {"touser": "a|b", "msgtype": "template_card", "template_card": {
        "card_type": "button_interaction", "source": {"desc": "来源"},
        "main_title": {"title": "<b>标题</b>", "desc": "说明"}, "sub_title_text": "正文",
        "horizontal_content_list": [{"keyname": "编号", "value": "2026-FL-001"}],
        "button_selection": {"question_key": "reason", "title": "事由", "selected_id": "x",
                             "option_list": [{"id": "x", "text": "甲"}]},
        "button_list": [{"text": "接受", "style": 1, "key": "accept"}], "task_id": "t1"}}
    standin.deliveries += [Delivery("m1", card, 1.0, "rc-1"),
                           Delivery("m2", {"touser": "b", "msgtype": "text",
                                           "text": {"content": "你好"}}, 2.0)]
    standin.record_said("a", "接受")
    shown = messages(standin, "a")
    assert [m["kind"] for m in shown] == ["text", "card"]  # newest first: what "a" said, then
    assert shown[0]["from"] == "me"
    c = shown[1]["card"]
    assert c["title"] == "<b>标题</b>"  # as data: the page puts it on screen as text
    assert c["rows"] == [{"key": "编号", "value": "2026-FL-001"}] and c["clickable"]
    assert c["question"]["options"] == [{"id": "x", "text": "甲"}]
    standin.deliveries[0].answered = "已接受"
    assert not messages(standin, "a")[1]["card"]["clickable"]
    other = messages(standin, "b")
    assert [m["kind"] for m in other] == ["text", "card"] and other[0]["text"] == "你好"


async def test_the_standin_keeps_cards_and_their_codes_across_a_restart(tmp_path: Any) -> None:
    import aiohttp

    state = tmp_path / "wecom.json"
    first = await WeComStandIn(state_file=state).start()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(first.url + "/cgi-bin/gettoken", params={
                    "corpid": first.corp_id, "corpsecret": first.secret}) as r:
                token = (await r.json())["access_token"]
            card = {"touser": "a", "msgtype": "template_card", "agentid": first.agent_id,
                    "template_card": {"task_id": "t1", "button_list": []}}
            async with http.post(first.url + "/cgi-bin/message/send",
                                 params={"access_token": token}, json=card) as r:
                code = (await r.json())["response_code"]
    finally:
        await first.close()
    second = await WeComStandIn(state_file=state).start()
    try:
        [kept] = second.delivered_to("a")
        assert kept.response_code == code and kept.answered is None
        async with aiohttp.ClientSession() as http:
            async with http.get(second.url + "/cgi-bin/gettoken", params={
                    "corpid": second.corp_id, "corpsecret": second.secret}) as r:
                token = (await r.json())["access_token"]
            update = {"userids": ["a"], "agentid": second.agent_id, "response_code": code,
                      "button": {"replace_name": "已接受"}}
            async with http.post(second.url + "/cgi-bin/message/update_template_card",
                                 params={"access_token": token}, json=update) as r:
                assert (await r.json())["errcode"] == 0
            async with http.post(second.url + "/cgi-bin/message/send",  # task ids stay used
                                 params={"access_token": token}, json=card) as r:
                assert (await r.json())["errcode"] != 0
        assert second.delivered_to("a")[0].answered == "已接受"
    finally:
        await second.close()


def test_the_serve_banner_names_the_playground_when_it_runs() -> None:
    from suiji.commands.server import banner

    assert "演练场 Playground:          http://127.0.0.1:8080/dev/" in banner(
        "0.0.0.0", 8080, playground=True)  # noqa: S104
    assert "/dev/" not in banner("127.0.0.1", 8080)
