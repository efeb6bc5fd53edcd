"""The outbound WeCom API client, on aiohttp.

One access token per app (corp id + agent id) is cached in the key-value store and shared by
every process; one process at a time refreshes it (a short KV lock), the others wait for the
new value instead of stampeding `gettoken`, which WeCom rate-limits. The secret and the token
never reach a log line or an exception message: URLs carrying them are not echoed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from typing import Any

import aiohttp

from models.kv import KeyValue
from notifications.wecom.config import WeComConfig

log = logging.getLogger(__name__)

# Token invalid / expired / expired (other flavour): refetch the token and retry once.
TOKEN_ERRORS = frozenset({40014, 42001, 42007})
# System busy, frequency limit, concurrency limit: try again later (app-level back-off).
THROTTLE_ERRORS = frozenset({-1, 45009, 45033})
# Our own codes for failures that never reached WeCom's answer (timeout, connection, HTTP 5xx).
TRANSPORT_ERROR = -900
BAD_RESPONSE = -901
# A template card `task_id` already used by this app. NOTE: the live code is not documented
# where we could check it; the stand-in answers this one. A reused task_id means the card went
# out on an earlier attempt (see docs/outbox.md), so the worker treats it as delivered.
TASK_ID_EXISTS = 40155
# The response_code of a card click was already used (or expired): it is good for one update.
RESPONSE_CODE_USED = 40156

# Refresh this long before WeCom's own expiry so a token never dies mid-request.
TOKEN_SAFETY_MARGIN = 300.0
LOCK_TTL = 15.0
# A process keeps the token it read from the shared cache this long, so a call costs no round
# trip to the cache. Well inside TOKEN_SAFETY_MARGIN, so a copy never outlives the token at
# WeCom; a token WeCom rejects before that is dropped here as there (`_invalidate`).
LOCAL_TOKEN_SECONDS = 60.0


class WeComError(Exception):
    """An error answer from WeCom (or the way to it). `retryable`: worth trying again later."""

    def __init__(self, errcode: int, errmsg: str, *, http_status: int | None = None) -> None:
        super().__init__(f"WeCom errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg
        self.http_status = http_status

    @property
    def retryable(self) -> bool:
        return self.errcode in THROTTLE_ERRORS or self.errcode in TOKEN_ERRORS or self.errcode in (
            TRANSPORT_ERROR, BAD_RESPONSE)

    @property
    def throttled(self) -> bool:
        return self.errcode in THROTTLE_ERRORS


class WeComClient:
    """Typed calls to the WeCom server API. One per process, over a shared ClientSession."""

    def __init__(self, session: aiohttp.ClientSession, config: WeComConfig, kv: KeyValue, *,
                 timeout: float = 10.0, token_wait: float = 20.0,
                 local_token_seconds: float = LOCAL_TOKEN_SECONDS) -> None:
        self._session = session
        self._config = config
        self._kv = kv
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._token_wait = token_wait
        self._token_key = f"wecom:token:{config.corp_id}:{config.agent_id}"
        self._lock_key = f"wecom:token-lock:{config.corp_id}:{config.agent_id}"
        self._local_seconds = local_token_seconds
        self._local: tuple[str, float] | None = None  # (token, until: time.monotonic())

    @property
    def config(self) -> WeComConfig:
        return self._config

    # --- transport -------------------------------------------------------------------------

    async def _request(self, method: str, path: str, *, params: dict[str, str],
                       body: dict[str, Any] | None = None) -> dict[str, Any]:
        url = self._config.api_base.rstrip("/") + path
        try:
            async with self._session.request(method, url, params=params, json=body,
                                             timeout=self._timeout) as resp:
                raw = await resp.read()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            # The exception text can carry the URL with the token in it: keep only its type.
            raise WeComError(TRANSPORT_ERROR, f"{type(exc).__name__} calling {path}") from None
        if status >= 500:
            raise WeComError(TRANSPORT_ERROR, f"HTTP {status} from {path}", http_status=status)
        try:
            data = json.loads(raw)
        except ValueError:
            raise WeComError(BAD_RESPONSE, f"HTTP {status}, not JSON, from {path}",
                             http_status=status) from None
        if not isinstance(data, dict):
            raise WeComError(BAD_RESPONSE, f"unexpected answer from {path}", http_status=status)
        code = int(data.get("errcode", 0) or 0)
        if code != 0:
            raise WeComError(code, str(data.get("errmsg", ""))[:200], http_status=status)
        return data

    # --- access token ----------------------------------------------------------------------

    async def _fetch_token(self) -> tuple[str, float]:
        data = await self._request("GET", "/cgi-bin/gettoken", params={
            "corpid": self._config.corp_id, "corpsecret": self._config.secret})
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise WeComError(BAD_RESPONSE, "gettoken answered without access_token")
        expires_in = float(data.get("expires_in") or 7200)
        return token, expires_in

    async def get_token(self) -> str:
        """The app's access token: this process's recent copy, else the shared cache's, fetched
        by one process when missing."""
        if self._local is not None and self._local[1] > time.monotonic():
            return self._local[0]
        token = await self._shared_token()
        self._local = (token, time.monotonic() + self._local_seconds)
        return token

    async def _shared_token(self) -> str:
        cached = await self._kv.get(self._token_key)
        if cached:
            return cached
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._token_wait
        while True:
            owner = secrets.token_hex(8)
            if await self._kv.set_if_absent(self._lock_key, owner, ttl=LOCK_TTL):
                try:
                    # Someone may have refreshed between our miss and taking the lock.
                    cached = await self._kv.get(self._token_key)
                    if cached:
                        return cached
                    token, expires_in = await self._fetch_token()
                    ttl = max(expires_in - TOKEN_SAFETY_MARGIN, min(expires_in, 60.0))
                    await self._kv.set(self._token_key, token, ttl=ttl)
                    log.info("wecom: access token refreshed",
                             extra={"agent_id": self._config.agent_id, "ttl": ttl})
                    return token
                finally:
                    await self._kv.delete_if_equals(self._lock_key, owner)
            # Another process is refreshing: wait for its result rather than call gettoken too.
            await asyncio.sleep(0.05)
            cached = await self._kv.get(self._token_key)
            if cached:
                return cached
            if loop.time() > deadline:
                raise WeComError(TRANSPORT_ERROR, "timed out waiting for the token refresh")

    async def _invalidate(self, token: str) -> None:
        # Only drop the token we used: another process may already have stored a fresh one.
        if self._local is not None and self._local[0] == token:
            self._local = None
        await self._kv.delete_if_equals(self._token_key, token)

    async def _call(self, method: str, path: str, *, params: dict[str, str] | None = None,
                    body: dict[str, Any] | None = None) -> dict[str, Any]:
        for attempt in (1, 2):
            token = await self.get_token()
            try:
                return await self._request(method, path, params={**(params or {}),
                                                                 "access_token": token}, body=body)
            except WeComError as exc:
                if exc.errcode in TOKEN_ERRORS and attempt == 1:
                    log.info("wecom: token rejected, refetching", extra={"errcode": exc.errcode})
                    await self._invalidate(token)
                    continue
                raise
        raise AssertionError("unreachable")

    # --- API -------------------------------------------------------------------------------

    def _with_agent(self, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "agentid": self._config.agent_id}

    async def send_message(self, body: dict[str, Any], *,
                           duplicate_check_interval: int = 1800) -> dict[str, Any]:
        """`message/send` (text, markdown, textcard, template_card, ...); `body` without agentid.

        WeCom's own duplicate check is always on, so a resend after a crash is dropped by WeCom.
        Returns the answer: msgid, response_code (cards), invaliduser/invalidparty/invalidtag.
        """
        payload = {**self._with_agent(body), "enable_duplicate_check": 1,
                   "duplicate_check_interval": duplicate_check_interval}
        return await self._call("POST", "/cgi-bin/message/send", body=payload)

    async def update_template_card(self, body: dict[str, Any]) -> dict[str, Any]:
        """`message/update_template_card` with a click's single-use response_code."""
        return await self._call("POST", "/cgi-bin/message/update_template_card",
                                body=self._with_agent(body))

    async def jscode2session(self, code: str) -> dict[str, str]:
        """Mini-program login (self-built app): a `wx.qy.login` code → userid, session_key, corpid."""
        data = await self._call("GET", "/cgi-bin/miniprogram/jscode2session",
                                params={"js_code": code, "grant_type": "authorization_code"})
        userid = data.get("userid")
        if not isinstance(userid, str) or not userid:
            raise WeComError(BAD_RESPONSE, "jscode2session answered without userid")
        return {"userid": userid, "session_key": str(data.get("session_key", "")),
                "corpid": str(data.get("corpid", ""))}
