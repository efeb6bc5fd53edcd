"""The credit package's outbox timers, for the worker's handler registry (suiji/handlers.py).

Each handler is `async def handler(payload: dict) -> None`, run by the outbox worker inside the
transaction that marks the row sent, so it runs exactly once per row; each is also idempotent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from inspection.credit import blacklist, grading, reports

Handler = Callable[[dict[str, object]], Awaitable[None]]


def handlers() -> dict[str, Handler]:
    return {
        grading.TIMER_TOPIC: grading.on_grade_effective,  # "timer.grade_effective"
        reports.DUE_TOPIC: reports.on_report_due,  # "timer.report_due"
        blacklist.EXPIRY_TOPIC: blacklist.on_blacklist_expiry,  # "timer.blacklist_expiry"
    }
