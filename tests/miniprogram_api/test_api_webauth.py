"""Login to the staff app: WeCom OAuth (snsapi_base → getuserinfo → the usual session), and the
development login that exists only with SUIJI_ENV=development (404 anywhere else)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from models.enums import StaffStatus
from notifications.appkeys import CONFIG, KV
from suiji.app import create_app
from tests.fieldworld import World


@pytest.fixture
async def dev_api(aiohttp_client: Any, settings: Any) -> Any:
    app = create_app(settings.model_copy(update={"env": "development"}), manage_db=False)
    return await aiohttp_client(app)


async def test_development_login_does_not_exist_elsewhere(api: Any, world: World) -> None:
    # The suite runs with SUIJI_ENV=test; production is the same code path (env != development).
    assert (await api.get("/api/v1/auth/dev-users")).status == 404
    resp = await api.post("/api/v1/auth/dev-login", json={"userid": "u-member"})
    assert resp.status == 404 and (await resp.json())["code"] == "not_found"


async def test_development_login_lists_and_logs_in(dev_api: Any, world: World) -> None:
    users = (await (await dev_api.get("/api/v1/auth/dev-users")).json())["items"]
    by_id = {u["userid"]: u for u in users}
    assert by_id["u-leader"]["roles"] == ["leader", "inspector"]
    assert by_id["u-member"]["name"] == world.staff["member"].name
    resp = await dev_api.post("/api/v1/auth/dev-login", json={"userid": "u-member"})
    assert resp.status == 200
    body = await resp.json()
    assert body["staff"]["id"] == world.staff["member"].id
    me = await dev_api.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert (await me.json())["name"] == world.staff["member"].name


async def test_development_login_refuses_who_is_not_active_staff(dev_api: Any, world: World) -> None:
    member = world.staff["member"]
    member.status = StaffStatus.SUSPENDED
    await member.save()
    users = (await (await dev_api.get("/api/v1/auth/dev-users")).json())["items"]
    assert "u-member" not in {u["userid"] for u in users}
    for userid in ("u-member", "nobody"):
        resp = await dev_api.post("/api/v1/auth/dev-login", json={"userid": userid})
        assert resp.status == 403 and (await resp.json())["code"] == "not_staff"


async def test_oauth_url_is_wecoms_snsapi_base_link_back_to_the_app(
        api: Any, aiohttp_client: Any, settings: Any) -> None:
    resp = await api.get("/api/v1/auth/wecom-oauth", params={"state": "abc123"})
    assert resp.status == 503 and (await resp.json())["code"] == "wecom_unavailable"
    wecom = {"wecom_corp_id": "wwcorp", "wecom_agent_id": 1000002, "wecom_secret": "secret"}
    api = await aiohttp_client(create_app(settings.model_copy(update=wecom), manage_db=False))
    url = (await (await api.get("/api/v1/auth/wecom-oauth", params={"state": "abc123"})).json())["url"]
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == \
        "https://open.weixin.qq.com/connect/oauth2/authorize"
    assert parts.fragment == "wechat_redirect"
    query = parse_qs(parts.query)
    assert query == {"appid": ["wwcorp"], "redirect_uri": [api.app[CONFIG].public_base_url + "/app/"],
                     "response_type": ["code"], "scope": ["snsapi_base"], "state": ["abc123"],
                     "agentid": ["1000002"]}
    assert "redirect_uri=http%3A%2F%2F" in parts.query  # URL-encoded, as WeCom requires
    for bad in ("", "a-b", "x" * 129):
        assert (await api.get("/api/v1/auth/wecom-oauth", params={"state": bad})).status == 422


async def test_oauth_code_logs_a_member_in(api: Any, world: World) -> None:
    resp = await api.post("/api/v1/auth/wecom-oauth", json={"code": "oauth-u-leader"})
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["staff"]["roles"] == ["leader", "inspector"]
    me = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status == 200


@pytest.mark.parametrize("code,status,problem", [
    ("bogus", 401, "login_failed"), ("oauth-outsider", 403, "not_staff"),
    ("oauth-u-nobody", 403, "not_staff")])
async def test_oauth_refusals(api: Any, world: World, code: str, status: int,
                              problem: str) -> None:
    resp = await api.post("/api/v1/auth/wecom-oauth", json={"code": code})
    assert resp.status == status and (await resp.json())["code"] == problem


async def test_oauth_without_wecom_and_rate_limit(api: Any, world: World, aiohttp_client: Any,
                                                  settings: Any) -> None:
    statuses = [(await api.post("/api/v1/auth/wecom-oauth", json={"code": "bogus"})).status
                for _ in range(21)]
    assert statuses[:20] == [401] * 20 and statuses[-1] == 429  # the login's own bucket
    bare = await aiohttp_client(create_app(settings, manage_db=False))  # no WeCom app
    await bare.app[KV].delete("mp:login-rate:127.0.0.1")  # with Redis the bucket is shared
    resp = await bare.post("/api/v1/auth/wecom-oauth", json={"code": "oauth-u-member"})
    assert resp.status == 503 and (await resp.json())["code"] == "wecom_unavailable"
