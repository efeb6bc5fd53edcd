"""`/dev/`: the playground's page and its JSON (development without WeCom only; see
`suiji.playground`). Registered only when the playground runs, so anywhere else `/dev/` is the
site's 404 page.

A click or a chat text goes to our own `/wecom/callback` over HTTP, built, encrypted and signed
as WeCom does (`callbacks.py`), so the bot sees exactly what it sees in production. Only a
same-origin JSON POST is taken (a form on another site cannot send one); bodies are small and
checked; the page builds its screen with text nodes only (no HTML from data).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from models.enums import StaffStatus
from models.org import Staff
from notifications.appkeys import HTTP
from notifications.problems import problem
from notifications.wecom import cards
from suiji.playground import PATH, callbacks, views
from suiji.playground.wiring import Playground

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
CSP = "; ".join([
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
])
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
FILES = {"": ("index.html", "text/html"), "playground.js": ("playground.js", "text/javascript"),
         "playground.css": ("playground.css", "text/css")}
MAX_BODY = 4096
MAX_TEXT = 500


async def _static(request: web.Request) -> web.Response:
    name, ctype = FILES[request.match_info.get("name", "")]
    body = (STATIC / name).read_text(encoding="utf-8")
    return web.Response(text=body, content_type=ctype, charset="utf-8", headers=HEADERS)


def _answer(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, headers=HEADERS,
                             dumps=lambda v: json.dumps(v, ensure_ascii=False))


async def _person(userid: str) -> Staff | None:
    if not userid or len(userid) > 64:
        return None
    return await Staff.get_or_none(wecom_userid=userid, status=StaffStatus.ACTIVE)


async def _body(request: web.Request) -> dict[str, Any] | web.Response:
    """A same-origin JSON object of at most MAX_BODY bytes, or the refusal."""
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.host}":
        return problem(403, "cross_origin", "只接受本页面发出的操作")
    if request.content_type != "application/json":
        return problem(415, "not_json", "请以 JSON 提交")
    if request.content_length is None or request.content_length > MAX_BODY:
        return problem(413, "too_large", "提交的内容过大")
    try:
        data = json.loads(await request.read())
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return problem(400, "malformed", "提交的内容格式错误")
    return data


class Handlers:
    def __init__(self, playground: Playground) -> None:
        self.pg = playground

    async def people(self, request: web.Request) -> web.Response:
        return _answer({"people": await views.people(self.pg.standin)})

    async def messages(self, request: web.Request) -> web.Response:
        staff = await _person(request.query.get("userid", ""))
        if staff is None:
            return problem(404, "not_found", "没有这位人员")
        return _answer({"userid": staff.wecom_userid, "name": staff.name,
                        "messages": views.messages(self.pg.standin, staff.wecom_userid)})

    async def _deliver(self, request: web.Request, inner: str) -> web.Response:
        """POST the callback to our own server, at the address this request came in on."""
        host, port = request.transport.get_extra_info("sockname")[:2]  # type: ignore[union-attr]
        host = f"[{host}]" if ":" in host else host
        params, body = callbacks.signed(self.pg.keys, inner)
        try:
            async with request.app[HTTP].post(
                    f"http://{host}:{port}/wecom/callback", params=params, data=body.encode(),
                    headers={"Content-Type": "text/xml"},
                    timeout=aiohttp.ClientTimeout(total=10)) as resp:
                status = resp.status
        except (aiohttp.ClientError, TimeoutError):
            log.warning("playground: the callback could not be delivered")
            return problem(502, "callback_failed", "消息未能送达，请重试")
        if status != 200:
            return problem(502, "callback_refused", f"回调被拒绝（状态 {status}）")
        return _answer({"sent": True})

    async def say(self, request: web.Request) -> web.Response:
        data = await _body(request)
        if isinstance(data, web.Response):
            return data
        staff = await _person(str(data.get("userid", "")))
        text = str(data.get("text", "")).strip()
        if staff is None:
            return problem(404, "not_found", "没有这位人员")
        if not text or len(text) > MAX_TEXT:
            return problem(400, "bad_text", f"请输入 1 至 {MAX_TEXT} 个字")
        self.pg.standin.record_said(staff.wecom_userid, text)
        return await self._deliver(request, callbacks.text_xml(
            self.pg.keys, staff.wecom_userid, text))

    async def click(self, request: web.Request) -> web.Response:
        data = await _body(request)
        if isinstance(data, web.Response):
            return data
        staff = await _person(str(data.get("userid", "")))
        if staff is None:
            return problem(404, "not_found", "没有这位人员")
        d = self.pg.standin.delivery(str(data.get("msgid", "")))
        if d is None or staff.wecom_userid not in str(d.body.get("touser", "")).split("|"):
            return problem(404, "not_found", "没有这张卡片")
        card = d.body.get("template_card") or {}
        button = next((b for b in card.get("button_list") or []
                       if b.get("key") == data.get("key")), None)
        if button is None or d.response_code is None or d.answered is not None:
            return problem(409, "card_closed", "这张卡片已处理，不能再点击")
        reason = self._reason(card, data.get("reason"))
        said = f"点击了“{button.get('text', '')}”" + (
            f"（事由：{cards.REASONS.get(reason, reason)}）" if reason and button.get(
                "key") == cards.DECLINE else "")
        self.pg.standin.record_said(staff.wecom_userid, said)
        return await self._deliver(request, callbacks.card_event_xml(
            self.pg.keys, staff.wecom_userid, task_id=str(card.get("task_id", "")),
            key=str(button["key"]), response_code=d.response_code, reason=reason))

    @staticmethod
    def _reason(card: dict[str, Any], chosen: Any) -> str | None:
        """The drop-down's choice, if the card has one and it is among its options."""
        selection = card.get("button_selection")
        if not isinstance(selection, dict):
            return None
        ids = [str(o.get("id")) for o in selection.get("option_list") or []]
        return str(chosen) if str(chosen) in ids else str(selection.get("selected_id") or "")


def setup(app: web.Application, playground: Playground) -> None:
    h = Handlers(playground)
    app.router.add_get(PATH, _static)
    app.router.add_get(PATH + "{name:playground\\.(?:js|css)}", _static)
    app.router.add_get(PATH + "api/people", h.people)
    app.router.add_get(PATH + "api/messages", h.messages)
    app.router.add_post(PATH + "api/say", h.say)
    app.router.add_post(PATH + "api/click", h.click)
