"""A stand-in WeCom server: a real aiohttp server on 127.0.0.1, for the tests, the benchmarks and
the playground (`suiji serve` in development without WeCom, docs/playground.md).

It implements what Suiji calls — gettoken, message/send, message/update_template_card,
miniprogram/jscode2session — with WeCom's checks (corp id and secret, access token, agent id,
`enable_duplicate_check`, unique template-card `task_id`, single-use response codes), records
every call, and can be told to fail (HTTP 500, errcode -1, 45009, ...) deterministically.

Error codes for the cases WeCom documents poorly are the stand-in's own (TASK_ID_EXISTS comes
from the client so both sides agree; RESPONSE_CODE_INVALID is only ever treated as "final").
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import secrets
import socket
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from notifications.wecom.client import RESPONSE_CODE_USED, TASK_ID_EXISTS

log = logging.getLogger(__name__)

RESPONSE_CODE_INVALID = RESPONSE_CODE_USED
SEND = "/cgi-bin/message/send"
UPDATE = "/cgi-bin/message/update_template_card"
GETTOKEN = "/cgi-bin/gettoken"
JSCODE = "/cgi-bin/miniprogram/jscode2session"
# Failure modes: what a failing call answers.
#   http500: HTTP 500, nothing done        busy: errcode -1         freq: errcode 45009
#   concurrency: errcode 45033             lost: done, then HTTP 500 (the answer is lost)
MODES = ("http500", "busy", "freq", "concurrency", "lost")


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    at: float
    answer: dict[str, Any] | None = None
    status: int = 200


@dataclass
class Delivery:
    msgid: str
    body: dict[str, Any]
    at: float
    # A template card's single-use response code (what a click on it carries back) and, once the
    # card was updated with it, the grey label that replaced its buttons.
    response_code: str | None = None
    answered: str | None = None


@dataclass
class Said:
    """What a member sent to the app (a chat text, a card click), as the playground sent it."""

    userid: str
    text: str
    at: float


# The playground keeps at most this many messages (and as many said) across restarts.
KEEP = 2000


@dataclass
class WeComStandIn:
    corp_id: str = "ww-standin-corp"
    secret: str = "standin-secret-value"  # noqa: S105 (the tests' stand-in; the playground sets a random one)
    agent_id: int = 1000002
    expires_in: int = 7200
    seed: int = 1
    latency: float = 0.0
    # Where the playground keeps what was delivered across restarts (None: in memory only).
    state_file: Path | None = None

    calls: list[Call] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    card_updates: list[dict[str, Any]] = field(default_factory=list)
    said: list[Said] = field(default_factory=list)
    duplicates_absorbed: int = 0
    gettoken_calls: int = 0

    def __post_init__(self) -> None:
        self._tokens: set[str] = set()
        self._recent: dict[str, tuple[str, float]] = {}  # canonical body -> (msgid, at)
        self._task_ids: set[str] = set()
        self._response_codes: dict[str, str] = {}  # code -> userid
        self._js_codes: dict[str, str] = {}
        self._fail_rate = 0.0
        self._fail_modes: tuple[str, ...] = ()
        self._fail_paths: tuple[str, ...] = ()
        self._fail_next: list[str] = []
        self._rng = random.Random(self.seed)
        self._runner: web.AppRunner | None = None
        self.url = ""

    # --- control (called by tests) -----------------------------------------------------------

    def fail(self, rate: float, modes: tuple[str, ...] = ("http500", "busy", "freq"),
             paths: tuple[str, ...] = (SEND, UPDATE), seed: int | None = None) -> None:
        """Fail `rate` of calls to `paths`, picking a mode from `modes`, deterministically."""
        assert all(m in MODES for m in modes)
        self._fail_rate, self._fail_modes, self._fail_paths = rate, modes, paths
        if seed is not None:
            self._rng = random.Random(seed)

    def fail_next(self, *modes: str) -> None:
        self._fail_next.extend(modes)

    def expire_tokens(self) -> None:
        """Every token issued so far now answers 42001 (expired)."""
        self._tokens.clear()

    def register_js_code(self, code: str, userid: str) -> None:
        self._js_codes[code] = userid

    def issue_response_code(self, userid: str) -> str:
        """A response_code as a card click would carry it (single use)."""
        code = "rc-" + secrets.token_hex(8)
        self._response_codes[code] = userid
        return code

    def delivered_to(self, userid: str) -> list[Delivery]:
        return [d for d in self.deliveries
                if userid in str(d.body.get("touser", "")).split("|")]

    def delivery(self, msgid: str) -> Delivery | None:
        return next((d for d in self.deliveries if d.msgid == msgid), None)

    def record_said(self, userid: str, text: str) -> None:
        self.said.append(Said(userid, text, time.time()))
        self._save()

    # --- state across restarts (the playground) ------------------------------------------------

    def _load(self) -> None:
        if self.state_file is None or not self.state_file.is_file():
            return
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
            self.deliveries = [Delivery(**d) for d in data["deliveries"]]
            self.said = [Said(**s) for s in data["said"]]
            self._task_ids = set(data["task_ids"])
            self._response_codes = dict(data["response_codes"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("stand-in state not read, starting empty", extra={"reason": str(exc)})

    def _save(self) -> None:
        if self.state_file is None:
            return
        self.deliveries, self.said = self.deliveries[-KEEP:], self.said[-KEEP:]
        data = {"deliveries": [asdict(d) for d in self.deliveries],
                "said": [asdict(s) for s in self.said], "task_ids": sorted(self._task_ids),
                "response_codes": self._response_codes}
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.state_file)

    def calls_to(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]

    # --- server --------------------------------------------------------------------------------

    async def start(self, sock: socket.socket | None = None) -> WeComStandIn:
        """Listen on `sock` (already bound) or on a free port of 127.0.0.1."""
        self._load()
        app = web.Application()
        app.router.add_get(GETTOKEN, self._gettoken)
        app.router.add_post(SEND, self._send)
        app.router.add_post(UPDATE, self._update)
        app.router.add_get(JSCODE, self._jscode)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site: web.BaseSite = (web.SockSite(self._runner, sock) if sock is not None
                              else web.TCPSite(self._runner, "127.0.0.1", 0))
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _record(self, request: web.Request) -> Call:
        body: Any = None
        if request.method == "POST":
            raw = await request.read()
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode(errors="replace")
        call = Call(request.method, request.path, dict(request.query), body, time.time())
        self.calls.append(call)
        if self.latency:
            await asyncio.sleep(self.latency)
        return call

    @staticmethod
    def _answer(call: Call, data: dict[str, Any], status: int = 200) -> web.Response:
        call.answer, call.status = data, status
        return web.json_response(data, status=status)

    def _pick_failure(self, path: str) -> str | None:
        if self._fail_next and path in (SEND, UPDATE):
            return self._fail_next.pop(0)
        if path in self._fail_paths and self._fail_rate and self._rng.random() < self._fail_rate:
            return self._rng.choice(self._fail_modes)
        return None

    def _failure(self, call: Call, mode: str) -> web.Response:
        if mode in ("http500", "lost"):
            call.status = 500
            return web.Response(status=500, text="internal error")
        code = {"busy": -1, "freq": 45009, "concurrency": 45033}[mode]
        return self._answer(call, {"errcode": code, "errmsg": f"stand-in failure {mode}"})

    def _token_problem(self, call: Call) -> web.Response | None:
        token = call.query.get("access_token")
        if not token:
            return self._answer(call, {"errcode": 41001, "errmsg": "access_token missing"})
        if token not in self._tokens:
            code = 42001 if token.startswith("tok-") else 40014
            return self._answer(call, {"errcode": code, "errmsg": "access_token expired"})
        return None

    async def _gettoken(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        self.gettoken_calls += 1
        if call.query.get("corpid") != self.corp_id:
            return self._answer(call, {"errcode": 40013, "errmsg": "invalid corpid"})
        if call.query.get("corpsecret") != self.secret:
            return self._answer(call, {"errcode": 40001, "errmsg": "invalid credential"})
        token = "tok-" + secrets.token_hex(12)
        self._tokens.add(token)
        return self._answer(call, {"errcode": 0, "errmsg": "ok", "access_token": token,
                                   "expires_in": self.expires_in})

    async def _send(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        problem = self._token_problem(call)
        if problem is not None:
            return problem
        body = call.body
        if not isinstance(body, dict) or body.get("agentid") != self.agent_id:
            return self._answer(call, {"errcode": 40056, "errmsg": "invalid agentid"})
        if not isinstance(body.get("msgtype"), str) or body["msgtype"] not in body:
            return self._answer(call, {"errcode": 40008, "errmsg": "invalid message type"})
        mode = self._pick_failure(SEND)
        if mode is not None and mode != "lost":
            return self._failure(call, mode)
        now = time.time()
        check = {k: v for k, v in body.items()
                 if k not in ("enable_duplicate_check", "duplicate_check_interval")}
        canonical = json.dumps(check, sort_keys=True, ensure_ascii=False)
        if body.get("enable_duplicate_check") == 1:
            interval = float(body.get("duplicate_check_interval", 1800))
            seen = self._recent.get(canonical)
            if seen is not None and now - seen[1] < interval:
                # WeCom drops a repeat within the interval and does not deliver it again.
                self.duplicates_absorbed += 1
                return self._answer(call, {"errcode": 0, "errmsg": "ok", "msgid": seen[0]})
        answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}
        response_code = None
        if body["msgtype"] == "template_card":
            task_id = (body.get("template_card") or {}).get("task_id")
            if task_id:
                if task_id in self._task_ids:
                    return self._answer(call, {"errcode": TASK_ID_EXISTS,
                                               "errmsg": "task_id already exists"})
                self._task_ids.add(task_id)
            response_code = answer["response_code"] = self.issue_response_code(
                str(body.get("touser", "")))
        msgid = "msg-" + secrets.token_hex(10)
        answer["msgid"] = msgid
        self._recent[canonical] = (msgid, now)
        self.deliveries.append(Delivery(msgid, body, now, response_code))
        self._save()
        if mode == "lost":
            return self._failure(call, mode)
        return self._answer(call, answer)

    async def _update(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        problem = self._token_problem(call)
        if problem is not None:
            return problem
        body = call.body
        if not isinstance(body, dict) or body.get("agentid") != self.agent_id:
            return self._answer(call, {"errcode": 40056, "errmsg": "invalid agentid"})
        mode = self._pick_failure(UPDATE)
        if mode is not None and mode != "lost":
            return self._failure(call, mode)
        code = body.get("response_code")
        if code not in self._response_codes:
            return self._answer(call, {"errcode": RESPONSE_CODE_INVALID,
                                       "errmsg": "invalid or used response_code"})
        del self._response_codes[code]  # single use
        self.card_updates.append(body)
        replaced = (body.get("button") or {}).get("replace_name")
        for d in self.deliveries:
            if d.response_code == code:
                d.answered = str(replaced or "已处理")
        self._save()
        if mode == "lost":
            return self._failure(call, mode)
        return self._answer(call, {"errcode": 0, "errmsg": "ok", "invaliduser": []})

    async def _jscode(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        problem = self._token_problem(call)
        if problem is not None:
            return problem
        userid = self._js_codes.pop(call.query.get("js_code", ""), None)
        if userid is None or call.query.get("grant_type") != "authorization_code":
            return self._answer(call, {"errcode": 40029, "errmsg": "invalid code"})
        return self._answer(call, {"errcode": 0, "errmsg": "ok", "userid": userid,
                                   "session_key": secrets.token_hex(8), "corpid": self.corp_id})
