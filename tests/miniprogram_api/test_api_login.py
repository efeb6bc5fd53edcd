"""Login through a stand-in WeCom, sessions in the key-value store, logout and revocation."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import pytest

from miniprogram_api import sessions
from miniprogram_api.login import WeComLoginError, jscode2session
from models.enums import StaffStatus
from notifications.appkeys import CONFIG, KV
from suiji.app import create_app
from tests.fieldworld import WECOM_TOKEN, World, login

pytestmark = pytest.mark.usefixtures("clean_db")


async def test_login_issues_a_session_and_keeps_session_key(api: Any, world: World,
                                                            caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    resp = await api.post("/api/v1/auth/login", json={"code": "code-u-leader"})
    text = await resp.text()
    assert resp.status == 200, text
    body = await resp.json()
    assert "SECRET-SESSION-KEY" not in text and "session_key" not in text
    assert body["staff"]["roles"] == ["leader", "inspector"] and body["expires_in"] == 43200
    assert len(body["token"]) >= 43  # 256 random bits
    me = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert (await me.json())["name"] == "王组长"
    assert "SECRET-SESSION-KEY" not in caplog.text
    # Stored server-side, encrypted; readable only with the secret key.
    kv = api.app[KV]
    session = await sessions.authenticate(kv, body["token"])
    assert session is not None
    raw = await kv.get(session.key)
    assert raw is not None and "SECRET-SESSION-KEY" not in raw and body["token"] not in raw
    secret = api.app[CONFIG].secret_key
    assert await sessions.session_key_of(kv, secret_key=secret, session=session) == \
        "SECRET-SESSION-KEY-code-u-leader"


@pytest.mark.parametrize("code,status,problem", [
    ("bogus", 401, "login_failed"), ("code-u-nobody", 403, "not_staff"), ("", 422, None)])
async def test_login_refusals(api: Any, world: World, code: str, status: int,
                              problem: str | None) -> None:
    resp = await api.post("/api/v1/auth/login", json={"code": code})
    assert resp.status == status
    if problem:
        assert (await resp.json())["code"] == problem


async def test_login_without_wecom_is_unavailable(aiohttp_client: Any, settings: Any,
                                                  world: World) -> None:
    api = await aiohttp_client(create_app(settings, manage_db=False))
    resp = await api.post("/api/v1/auth/login", json={"code": "code-u-member"})
    assert resp.status == 503 and (await resp.json())["code"] == "wecom_unavailable"


async def test_login_rate_limited(api: Any, world: World) -> None:
    statuses = [(await api.post("/api/v1/auth/login", json={"code": "bogus"})).status
                for _ in range(22)]
    assert statuses[:20] == [401] * 20 and statuses[-1] == 429


async def test_logout_revokes_only_that_session(api: Any, world: World) -> None:
    first = await login(api, world.staff["member"])
    second = await login(api, world.staff["member"])
    assert (await api.post("/api/v1/auth/logout", headers=first)).status == 204
    assert (await api.get("/api/v1/me", headers=first)).status == 401
    assert (await api.get("/api/v1/me", headers=second)).status == 200


async def test_suspension_ends_every_session(api: Any, world: World) -> None:
    member = world.staff["member"]
    a, b = await login(api, member), await login(api, member)
    member.status = StaffStatus.SUSPENDED
    await member.save()
    resp = await api.get("/api/v1/me", headers=a)
    assert resp.status == 401 and resp.headers["WWW-Authenticate"] == "Bearer"
    member.status = StaffStatus.ACTIVE
    await member.save()
    # Revoked together, even after reinstatement: they must log in again.
    assert (await api.get("/api/v1/me", headers=b)).status == 401
    assert (await api.get("/api/v1/me", headers=await login(api, member))).status == 200


async def test_revoke_all(api: Any, world: World) -> None:
    headers = await login(api, world.staff["member"])
    await sessions.revoke_all(api.app[KV], world.staff["member"].id)
    assert (await api.get("/api/v1/me", headers=headers)).status == 401


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer nope", "Basic abc", "Bearer " + "x" * 500])
async def test_bad_credentials(api: Any, header: str) -> None:
    resp = await api.get("/api/v1/inspections", headers={"Authorization": header} if header else {})
    assert resp.status == 401 and resp.content_type == "application/problem+json"


async def test_jscode2session_against_stand_in(wecom_server: Any) -> None:
    base = str(wecom_server.make_url("")).rstrip("/")
    async with aiohttp.ClientSession() as http:
        assert await jscode2session(http=http, api_base=base, access_token=WECOM_TOKEN,
                                    code="code-u-x") == ("u-x", "SECRET-SESSION-KEY-code-u-x")
        with pytest.raises(WeComLoginError):
            await jscode2session(http=http, api_base=base, access_token="wrong", code="code-u-x")


async def test_rate_limit_is_per_phone_behind_nginx(api: Any, world: World) -> None:
    for _ in range(21):
        await api.post("/api/v1/auth/login", json={"code": "bogus"},
                       headers={"X-Real-IP": "10.0.0.1"})
    blocked = await api.post("/api/v1/auth/login", json={"code": "bogus"},
                             headers={"X-Real-IP": "10.0.0.1"})
    assert blocked.status == 429
    other_phone = await api.post("/api/v1/auth/login", json={"code": "code-u-member"},
                                 headers={"X-Real-IP": "10.0.0.2"})
    assert other_phone.status == 200


async def test_a_forwarded_header_does_not_dodge_the_login_limit(aiohttp_client: Any,
                                                                 settings: Any) -> None:
    # Here the test client is a direct, untrusted peer: its proxy headers name nobody.
    direct = settings.model_copy(update={"trusted_proxies": "10.0.0.0/8"})
    api = await aiohttp_client(create_app(direct, manage_db=False))
    statuses = [(await api.post("/api/v1/auth/login", json={"code": "bogus"}, headers={
        "X-Forwarded-For": f"198.51.100.{i}", "X-Real-IP": f"203.0.113.{i}"})).status
        for i in range(21)]
    assert statuses[-1] == 429 and 429 not in statuses[:20]
