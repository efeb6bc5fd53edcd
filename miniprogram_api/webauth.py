"""Login to the staff app (webapp/, issue 13). Inside WeCom by OAuth (snsapi_base): the app asks
for WeCom's authorize URL, WeCom returns the phone to /app/?code=…&state=…, and the code is
exchanged at `cgi-bin/auth/getuserinfo` for the member's userid (docs/webapp.md records what we
relied on in WeCom's documentation). In development only (SUIJI_ENV=development): a list of
demo staff members and a login as one of them; elsewhere both answer 404, as unknown paths do.
Every path ends in the same session as the mini-program's login.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated
from urllib.parse import quote, urlencode

import aiohttp
from pydantic import BaseModel, Field, StringConstraints

from miniprogram_api import schemas as s
from miniprogram_api.framework import Call, Route
from miniprogram_api.login import WeComLoginError, active_staff, ask_wecom, session_for
from miniprogram_api.problems import ApiError
from miniprogram_api.views import roles_of
from models.enums import StaffStatus
from models.org import Staff

log = logging.getLogger(__name__)

AUTHORIZE = "https://open.weixin.qq.com/connect/oauth2/authorize"
APP_PATH = "/app/"
_STATE = re.compile(r"^[A-Za-z0-9]{1,128}$")  # WeCom: a-zA-Z0-9, at most 128 bytes


class AuthorizeQuery(s.Request):
    state: Annotated[str, StringConstraints(pattern=_STATE.pattern)] = Field(
        description="客户端生成的随机值，WeCom 原样带回，用于防止跨站请求伪造")


class AuthorizeOut(BaseModel):
    url: str = Field(description="企业微信网页授权链接（snsapi_base），回到 /app/")


class OAuthIn(s.Request):
    code: Annotated[str, StringConstraints(min_length=1, max_length=512, strip_whitespace=True)] = \
        Field(description="企业微信网页授权返回的 code（一次有效，5 分钟内）")


class DevUser(BaseModel):
    userid: str
    name: str
    section: str
    roles: list[str]


class DevUserList(BaseModel):
    items: list[DevUser]


class DevLoginIn(s.Request):
    userid: Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]


async def getuserinfo(*, http: aiohttp.ClientSession, api_base: str, access_token: str,
                      code: str) -> str | None:
    """The member's userid for an OAuth code; None for someone outside the organisation."""
    url = f"{api_base.rstrip('/')}/cgi-bin/auth/getuserinfo"
    params = {"access_token": access_token, "code": code}
    async with http.get(url, params=params, timeout=aiohttp.ClientTimeout(total=10)) as resp:
        resp.raise_for_status()
        data = await resp.json(content_type=None)
    errcode = int(data.get("errcode", 0) or 0)
    if errcode != 0:
        raise WeComLoginError(errcode, str(data.get("errmsg", "")))
    userid = data.get("userid")  # non-members get openid / external_userid instead
    return str(userid) if userid else None


async def authorize_url(call: Call[None, AuthorizeQuery]) -> AuthorizeOut:
    wecom = call.config.wecom
    if wecom is None:
        raise ApiError(503, "wecom_unavailable", "企业微信未配置，暂不能登录")
    redirect = call.config.public_base_url.rstrip("/") + APP_PATH
    query = urlencode({"appid": wecom.corp_id, "redirect_uri": redirect, "response_type": "code",
                       "scope": "snsapi_base", "state": call.query.state,
                       "agentid": wecom.agent_id}, quote_via=quote)
    return AuthorizeOut(url=f"{AUTHORIZE}?{query}#wechat_redirect")


async def oauth_login(call: Call[OAuthIn, None]) -> s.LoginOut:
    userid = await ask_wecom(call, lambda http, api_base, token: getuserinfo(
        http=http, api_base=api_base, access_token=token, code=call.body.code),
        reopen="从企业微信重新打开应用")
    staff = await active_staff(userid) if userid else None
    if staff is None:
        raise ApiError(403, "not_staff", "您不在本局在岗人员名单中，不能使用本应用")
    return await session_for(call, staff, userid or "", session_key="")


def _development_only(call: Call) -> None:
    if call.config.env != "development":
        raise ApiError(404, "not_found", "不存在或无权查看")


async def dev_users(call: Call[None, None]) -> DevUserList:
    _development_only(call)
    return await dev_user_list()


async def dev_user_list() -> DevUserList:
    """The active staff with a role, as the development login lists them (also carried in the
    staff app's index.html in development, suiji/webapp.py)."""
    staff = await Staff.filter(status=StaffStatus.ACTIVE).prefetch_related("section").order_by(
        "-is_inspector", "-is_leader", "-is_initiator", "-is_admin", "id")
    return DevUserList(items=[DevUser(userid=p.wecom_userid, name=p.name, section=p.section.name,
                                      roles=roles_of(p)) for p in staff if roles_of(p)])


async def dev_login(call: Call[DevLoginIn, None]) -> s.LoginOut:
    _development_only(call)
    staff = await active_staff(call.body.userid)
    if staff is None:
        raise ApiError(403, "not_staff", "该用户不在在岗人员名单中")
    return await session_for(call, staff, staff.wecom_userid, session_key="")


def routes() -> list[Route]:
    dev = "anyone, development only (404 in any other SUIJI_ENV)"
    return [
        Route("GET", "/auth/wecom-oauth", "getWeComOAuthUrl", "企业微信网页授权链接（员工应用登录第一步）",
              "auth", "anyone", authorize_url, AuthorizeOut, query=AuthorizeQuery, auth=False,
              errors=(503,)),
        Route("POST", "/auth/wecom-oauth", "loginWithWeComOAuth",
              "用企业微信网页授权 code 换取会话（员工应用）", "auth", "anyone", oauth_login,
              s.LoginOut, body=OAuthIn, auth=False, transaction=False,
              errors=(401, 403, 429, 502, 503)),
        Route("GET", "/auth/dev-users", "listDevUsers", "演示用户列表（仅开发环境）", "auth", dev,
              dev_users, DevUserList, auth=False, errors=(404,)),
        Route("POST", "/auth/dev-login", "devLogin", "以演示用户登录（仅开发环境）", "auth", dev,
              dev_login, s.LoginOut, body=DevLoginIn, auth=False, transaction=False,
              errors=(403, 404)),
    ]
