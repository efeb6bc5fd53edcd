"""`GET/POST /wecom/callback`: WeCom's URL check and its messages and events.

Order of checks, each refusing before any change: configured (503), size (413, before the body
is read whole), well-formed envelope (400), signature and corp id (403), well-formed message (400).
Then the delivery is kept: ONE insert of its receipt with the decrypted message, whose unique key
is the de-duplication (WeCom retries when it gets no answer within 5 seconds). WeCom gets its
empty 200 right after; the process's task queue applies the message in its own transaction
(`bot.inbound`, `notifications.taskqueue`). If the insert fails, WeCom gets a 500 and retries.
"""

from __future__ import annotations

import logging
import time

from aiohttp import web

from bot.crypto import CallbackCrypto, CallbackMalformed, CallbackRejected
from bot.parse import MAX_BODY, parse_envelope, parse_message
from inspection import clock
from notifications.appkeys import CONFIG, INBOUND_KEEPER
from notifications.problems import problem

log = logging.getLogger(__name__)

# A signed callback is accepted this long around its timestamp (the signature covers it), so a
# captured one cannot be replayed later; WeCom's retries come within a few minutes.
TIMESTAMP_WINDOW = 300


def wall_clock() -> float:
    """Seconds since the epoch, as WeCom's timestamps count (tests replaying a captured
    delivery set it back to the capture's time)."""
    return time.time()


def _params(request: web.Request, *names: str) -> list[str] | None:
    values = [request.query.get(n, "") for n in names]
    return values if all(values) and all(len(v) <= 1024 for v in values) else None


async def verify_url(request: web.Request, crypto: CallbackCrypto | None) -> web.Response:
    if crypto is None:
        return problem(503, "callback_not_configured", "企业微信回调未配置")
    params = _params(request, "msg_signature", "timestamp", "nonce", "echostr")
    if params is None:
        return problem(400, "malformed", "缺少回调参数")
    sig, ts, nonce, echostr = params
    try:
        plain = crypto.verify_url(msg_signature=sig, timestamp=ts, nonce=nonce, echostr=echostr)
    except CallbackRejected:
        log.warning("wecom url check refused")
        return problem(403, "bad_signature", "签名校验失败")
    return web.Response(text=plain)


async def _read_limited(request: web.Request) -> bytes | None:
    if request.content_length is not None and request.content_length > MAX_BODY:
        return None
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.read(16 * 1024):  # read() may return a partial chunk
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def receive(request: web.Request, crypto: CallbackCrypto | None) -> web.Response:
    if crypto is None:
        return problem(503, "callback_not_configured", "企业微信回调未配置")
    params = _params(request, "msg_signature", "timestamp", "nonce")
    if params is None:
        return problem(400, "malformed", "缺少回调参数")
    body = await _read_limited(request)
    if body is None:
        return problem(413, "too_large", "请求体过大")
    sig, ts, nonce = params
    if not ts.isdigit() or abs(wall_clock() - int(ts)) > TIMESTAMP_WINDOW:
        log.warning("wecom callback refused", extra={"reason": "timestamp outside the window"})
        return problem(403, "stale_timestamp", "回调时间戳超出允许范围")
    try:
        envelope = parse_envelope(body.decode("utf-8"))
        if envelope.to_user and envelope.to_user != crypto.corp_id:
            raise CallbackRejected("wrong corp id")
        msg = parse_message(crypto.decrypt(msg_signature=sig, timestamp=ts, nonce=nonce,
                                           encrypt=envelope.encrypt))
        if msg.to_user and msg.to_user != crypto.corp_id:
            raise CallbackRejected("wrong corp id")
    except UnicodeDecodeError:
        return problem(400, "malformed", "请求体不是 UTF-8")
    except CallbackMalformed as exc:
        log.warning("wecom callback malformed", extra={"reason": str(exc)})
        return problem(400, "malformed", "回调内容格式错误")
    except CallbackRejected as exc:
        log.warning("wecom callback refused", extra={"reason": str(exc)})
        return problem(403, "bad_signature", "签名或企业校验失败")
    try:
        # Stored (with the deliveries that arrived meanwhile) and handed to the lanes; a retry or
        # replay of a delivery already kept stores nothing and is answered the same.
        await request.app[INBOUND_KEEPER].add((msg, clock.now()))
    except Exception:
        log.exception("inbound could not be kept; WeCom will retry")
        return problem(500, "unavailable", "暂时无法处理，请稍后重试")
    return web.Response(text="")


def setup(app: web.Application) -> None:
    config = app[CONFIG].callback
    # None: the callback is not configured and answers 503.
    crypto = CallbackCrypto(config) if config is not None else None

    async def get(request: web.Request) -> web.Response:
        return await verify_url(request, crypto)

    async def post(request: web.Request) -> web.Response:
        return await receive(request, crypto)

    app.router.add_get("/wecom/callback", get)
    app.router.add_post("/wecom/callback", post)
