"""Processing one inbound message: one transaction for the change and its answer.

Used by the callback route (within WeCom's 5 seconds) and by the worker's "wecom.inbound"
handler (when the route had to hand the work over).
"""

from __future__ import annotations

import hashlib
import logging

from tortoise.transactions import in_transaction

from bot import commands
from bot.parse import Inbound
from inspection import clock, messages
from inspection.errors import DomainError
from models.system import InboundReceipt

log = logging.getLogger(__name__)


def reply_key(msg: Inbound) -> str:
    return "reply:" + hashlib.sha256(msg.dedup_key.encode()).hexdigest()[:40]


def receipt_key(msg: Inbound) -> str:
    return hashlib.sha256(msg.dedup_key.encode()).hexdigest()


async def _first_time(msg: Inbound) -> bool:
    """Claim the delivery inside the caller's transaction; False if it was applied before."""
    key = receipt_key(msg)
    if await InboundReceipt.exists(key=key):
        return False
    await InboundReceipt.create(key=key)
    return True


def _error_text(exc: DomainError) -> str:
    details = [p.message for p in exc.problems if p.message not in exc.message]
    return "；".join([exc.message, *details])


async def process(msg: Inbound) -> None:
    """Apply the message; on a domain error roll back and answer with its reason instead."""
    now = clock.now()
    try:
        async with in_transaction():
            # Redis de-duplicates first; this record survives a Redis that lost its keys.
            if not await _first_time(msg):
                log.info("inbound replayed, ignored", extra={"from_user": msg.from_user})
                return
            reply = await commands.dispatch(msg, now=now)
            if reply:
                await messages.send_text(to=[msg.from_user], content=reply, key=reply_key(msg))
        return
    except DomainError as exc:
        log.info("inbound refused", extra={"code": exc.code, "from_user": msg.from_user})
        text = _error_text(exc)
    async with in_transaction():
        if await _first_time(msg):  # the refusal is this delivery's answer: once
            await messages.send_text(to=[msg.from_user], content=text, key=reply_key(msg))
