"""Outbox topics the call-up owns, for the worker (wired in suiji/handlers.py at merge).

Each handler gets the row's payload and runs inside the worker's transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.inbound import process_now
from bot.parse import Inbound
from inspection import clock
from inspection.callup import leader as callup_leader

Handler = Callable[[dict[str, Any]], Awaitable[None]]


async def inbound(payload: dict[str, Any]) -> None:
    """A callback an earlier version handed to the outbox: keep and apply it now, once."""
    await process_now(Inbound.from_payload(payload))


async def reminder(payload: dict[str, Any]) -> None:
    await callup_leader.remind(callup_id=int(payload["callup_id"]),
                               deadline=str(payload["deadline"]), now=clock.now())


async def deadline(payload: dict[str, Any]) -> None:
    await callup_leader.deadline_passed(callup_id=int(payload["callup_id"]),
                                        deadline=str(payload["deadline"]), now=clock.now())


def callup_handlers() -> dict[str, Handler]:
    return {
        "wecom.inbound": inbound,
        "timer.callup_reminder": reminder,
        "timer.callup_deadline": deadline,
    }
