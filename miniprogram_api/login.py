"""Login from the WeCom mini-program: `wx.qy.login` gives a code, the server exchanges it at
`cgi-bin/miniprogram/jscode2session` for the userid, maps it to a member of staff and issues a
session. WeCom's `session_key` never leaves the server.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp

from inspection.errors import NotFound
from miniprogram_api import schemas as s
from miniprogram_api import sessions
from miniprogram_api.framework import Call, Route
from miniprogram_api.problems import ApiError
from miniprogram_api.views import roles_of
from models.enums import StaffStatus
from models.org import Staff
from notifications.appkeys import HTTP, LOGIN_EXCHANGE, WECOM, LoginExchange
from notifications.client_ip import client_ip

log = logging.getLogger(__name__)

LOGIN_RATE = 20  # attempts per client address per minute
T = TypeVar("T")


class WeComLoginError(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"jscode2session errcode={errcode} errmsg={errmsg}")
        self.errcode = errcode


async def jscode2session(*, http: aiohttp.ClientSession, api_base: str, access_token: str,
                         code: str) -> tuple[str, str]:
    """Exchange a mini-program login code; returns (userid, session_key)."""
    url = f"{api_base.rstrip('/')}/cgi-bin/miniprogram/jscode2session"
    params = {"access_token": access_token, "js_code": code, "grant_type": "authorization_code"}
    async with http.get(url, params=params, timeout=aiohttp.ClientTimeout(total=10)) as resp:
        resp.raise_for_status()
        data = await resp.json(content_type=None)
    errcode = int(data.get("errcode", 0) or 0)
    if errcode != 0 or not data.get("userid") or not data.get("session_key"):
        # An external (non-staff) user has no userid; treat it like a bad code.
        raise WeComLoginError(errcode or -1, str(data.get("errmsg", "no userid")))
    return str(data["userid"]), str(data["session_key"])


def _exchange(call: Call) -> LoginExchange | None:
    """By default the app's own access token, shared through the WeCom client's cache."""
    override = call.app.get(LOGIN_EXCHANGE)
    if override is not None:
        return override
    client = call.app.get(WECOM)
    return LoginExchange(client.get_token, client.config.api_base) if client else None


async def check_login_rate(call: Call) -> None:
    remote = client_ip(call.request, call.config.trusted_proxies)
    if await call.kv.incr(f"mp:login-rate:{remote}", ttl=60) > LOGIN_RATE:
        raise ApiError(429, "too_many_attempts", "登录尝试过于频繁，请一分钟后再试")


WeComExchange = Callable[[aiohttp.ClientSession, str, str], Awaitable[T]]


async def ask_wecom(call: Call, exchange: WeComExchange[T], *, reopen: str) -> T:
    """One login call to WeCom with the app's token (`exchange(http, api_base, token)`), after
    the rate check: no WeCom 503, WeCom unreachable 502, a code WeCom refuses 401 telling the
    user to `reopen` the app."""
    await check_login_rate(call)
    client = _exchange(call)
    if client is None:
        raise ApiError(503, "wecom_unavailable", "企业微信未配置，暂不能登录")
    try:
        return await exchange(call.app[HTTP], client.api_base, await client.token())
    except WeComLoginError as exc:
        log.info("login refused by WeCom", extra={"errcode": exc.errcode})
        raise ApiError(401, "login_failed", f"登录凭证无效或已过期，请{reopen}") from None
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("WeCom unreachable at login", extra={"error": type(exc).__name__})
        raise ApiError(502, "wecom_unreachable", "暂时无法连接企业微信，请稍后重试") from None


async def active_staff(userid: str) -> Staff | None:
    staff = await Staff.get_or_none(wecom_userid=userid)
    return staff if staff is not None and staff.status == StaffStatus.ACTIVE else None


async def session_for(call: Call, staff: Staff, userid: str, session_key: str) -> s.LoginOut:
    """The session every login path ends in (mini-program, WeCom OAuth, development)."""
    await staff.fetch_related("section")
    token = await sessions.create(call.kv, secret_key=call.config.secret_key,
                                  staff_id=staff.id, userid=userid, session_key=session_key)
    return s.LoginOut(token=token, expires_in=sessions.IDLE_TTL, staff=_staff_out(staff))


async def login(call: Call[s.LoginIn, None]) -> s.LoginOut:
    userid, session_key = await ask_wecom(call, lambda http, api_base, token: jscode2session(
        http=http, api_base=api_base, access_token=token, code=call.body.code),
        reopen="重新进入小程序")
    staff = await active_staff(userid)
    if staff is None:
        raise ApiError(403, "not_staff", "您不在本局在岗人员名单中，不能使用本小程序")
    return await session_for(call, staff, userid, session_key)


def _staff_out(staff: Staff) -> s.StaffOut:
    return s.StaffOut(id=staff.id, name=staff.name, section=staff.section.name,
                      roles=roles_of(staff))


async def logout(call: Call[None, None]) -> None:
    assert call.session is not None
    await sessions.revoke(call.kv, call.session)


async def me(call: Call[None, None]) -> s.StaffOut:
    staff = await Staff.get_or_none(id=call.me.id).prefetch_related("section")
    if staff is None:
        raise NotFound("人员")
    return _staff_out(staff)


def routes() -> list[Route]:
    return [
        Route("POST", "/auth/login", "login", "用企业微信小程序登录 code 换取会话", "auth",
              "anyone", login, s.LoginOut, body=s.LoginIn, auth=False, transaction=False,
              errors=(401, 403, 429, 502, 503)),
        Route("POST", "/auth/logout", "logout", "退出登录（使当前会话失效）", "auth",
              "any staff", logout, None, status=204, transaction=False),
        Route("GET", "/me", "me", "当前登录人员及其角色", "auth", "any staff", me, s.StaffOut),
    ]

