"""The two WeCom outbox topics (contract in docs/outbox.md).

"wecom.message": payload = `{"template", "to", "facts", "campaign_id"?}`, rendered into the body
of `message/send` when it is sent (or, from before templates, that body itself).
"wecom.update_card": payload = `{"template", "to", "response_code", "facts", "campaign_id"?}`,
rendered into the body of `message/update_template_card` (or, from before, that body).
Either way the app (`agentid`) is ours to choose, never the payload's.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from inspection.messages import ConfidentialityBreach
from models.outbox import OutboxMessage
from notifications.wecom import render
from notifications.wecom.client import (
    RESPONSE_CODE_USED,
    TASK_ID_EXISTS,
    WeComClient,
    WeComError,
)
from notifications.wecom.ratelimit import RateLimiter
from notifications.worker import External, GiveUp, Retry

log = logging.getLogger(__name__)

MESSAGE = "wecom.message"
UPDATE_CARD = "wecom.update_card"
# Answer fields worth keeping in OutboxMessage.result.
_KEEP = ("msgid", "response_code", "invaliduser", "invalidparty", "invalidtag",
         "unlicenseduser")


async def _body(row: OutboxMessage,
                build: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
    """Render the row, check R14 on what was rendered, and drop any `agentid`."""
    if not isinstance(row.payload, dict):
        raise GiveUp("payload is not a JSON object")
    try:
        body = build(row.payload)
        await render.check_confidential(row.payload, body)
    except render.RenderError as exc:
        raise GiveUp(f"cannot render: {exc}") from None
    except ConfidentialityBreach as exc:
        log.error("wecom: refused a message naming a confidential campaign's employer",
                  extra={"outbox_id": row.id})
        raise GiveUp(f"{exc.code}: {exc.message}") from None
    return {k: v for k, v in body.items() if k != "agentid"}


def _retry_or_give_up(exc: WeComError) -> Exception:
    return Retry(str(exc)) if exc.retryable else GiveUp(str(exc))


class _WeComTopic(External):
    def __init__(self, client: WeComClient | None, limiter: RateLimiter | None,
                 base_url: str = "") -> None:
        self.client = client
        self.limiter = limiter
        self.available = client is not None
        self.base_url = base_url  # roots the links into the staff app

    async def _check_pause(self) -> None:
        if self.limiter is not None:
            paused = await self.limiter.app_paused_for()
            if paused > 0:
                raise Retry("WeCom asked us to slow down (app paused)", delay=paused,
                            counts=False)

    async def _throttled(self, exc: WeComError) -> None:
        if exc.throttled and self.limiter is not None:
            await self.limiter.pause_app(exc.errcode)


class WeComMessageTopic(_WeComTopic):
    async def deliver(self, row: OutboxMessage) -> dict[str, Any]:
        body = await _body(row, functools.partial(render.message_body, base_url=self.base_url))
        if not isinstance(body.get("msgtype"), str):
            raise GiveUp("payload has no msgtype")
        assert self.client is not None
        await self._check_pause()
        if self.limiter is not None:
            wait = await self.limiter.reserve(RateLimiter.members(body))
            if wait > 0:
                # WeCom would silently drop it: hold it to the member's next window instead.
                raise Retry("per-member limit (30/min, 1000/h) reached", delay=wait,
                            counts=False)
        try:
            answer = await self.client.send_message(body)
        except WeComError as exc:
            if exc.errcode == TASK_ID_EXISTS and body.get("msgtype") == "template_card":
                # Our task_ids are unique per row, so the card went out on an earlier attempt
                # whose answer we lost (crash or timeout after WeCom accepted it).
                log.warning("wecom: card task_id already used; counting it as delivered",
                            extra={"outbox_id": row.id})
                return {"already_delivered": True, "errcode": exc.errcode}
            await self._throttled(exc)
            raise _retry_or_give_up(exc) from None
        return {k: answer[k] for k in _KEEP if k in answer and answer[k] not in ("", None)}

    def describe(self, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            body = render.message_body(payload, base_url=self.base_url)
        except render.RenderError as exc:
            return {"template": payload.get("template"), "to": payload.get("to"),
                    "error": str(exc)}
        msgtype = body.get("msgtype")
        out: dict[str, Any] = {"touser": body.get("touser"), "msgtype": msgtype}
        inner = body.get(msgtype) if isinstance(msgtype, str) else None
        if isinstance(inner, dict):
            text = inner.get("content") or inner.get("title") or (
                inner.get("main_title", {}) or {}).get("title")
            if isinstance(text, str):
                out["preview"] = text[:200]
        return out


class WeComCardUpdateTopic(_WeComTopic):
    async def deliver(self, row: OutboxMessage) -> dict[str, Any]:
        body = await _body(row, render.update_body)
        if not isinstance(body.get("response_code"), str):
            raise GiveUp("payload has no response_code")
        assert self.client is not None
        await self._check_pause()
        try:
            answer = await self.client.update_template_card(body)
        except WeComError as exc:
            if exc.errcode == RESPONSE_CODE_USED and row.attempts > 0:
                # Each code belongs to one row, so on a retry "already used" means an earlier
                # attempt updated the card and its answer was lost (crash or timeout).
                log.warning("wecom: response_code already used on a retry; counting it as "
                            "applied", extra={"outbox_id": row.id})
                return {"already_applied": True, "errcode": exc.errcode}
            await self._throttled(exc)
            # A used or expired (72 h) response_code is a final answer: WeCom will not take it.
            raise _retry_or_give_up(exc) from None
        return {k: answer[k] for k in ("invaliduser",) if answer.get(k)}

    def describe(self, payload: dict[str, Any]) -> dict[str, Any]:
        return {"userids": payload.get("userids", payload.get("to"))}
