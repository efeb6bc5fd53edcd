"""The outbox topic registry: which code handles which topic (docs/outbox.md).

Wiring only. External topics (WeCom) are delivered outside a transaction; every other entry is
an internal `async def handler(payload) -> None` run in one transaction with marking its row
sent. A row whose topic is not here fails with "no handler".
"""

from __future__ import annotations

from bot.handlers import callup_handlers
from inspection import housekeeping
from inspection.credit import timers as credit_timers
from inspection.fieldwork import rectification
from inspection.publication import duties as publication
from notifications.runtime import Runtime
from notifications.wecom.ratelimit import RateLimiter
from notifications.wecom.topics import MESSAGE, UPDATE_CARD, WeComCardUpdateTopic, WeComMessageTopic
from notifications.worker import Topic


def build_handlers(runtime: Runtime) -> dict[str, Topic]:
    limiter = None
    if runtime.wecom is not None:
        limiter = RateLimiter(runtime.kv, corp_id=runtime.wecom.corp_id,
                              agent_id=runtime.wecom.agent_id)
    client = runtime.wecom_client
    internal: dict[str, Topic] = {
        **callup_handlers(),  # wecom.inbound, call-up reminders and deadlines (R15)
        **credit_timers.handlers(),  # grade effective, blacklist expiry, report chase (R19)
        "timer.publication_due": publication.on_publication_due,  # R17 deadlines
        "timer.rectification_due": rectification.on_rectification_due,  # R22 overdue orders
        # Idempotency purge, item versions superseded (R7), blacklist expiry sweep (R23).
        housekeeping.TOPIC: housekeeping.on_daily_housekeeping,
    }
    return {
        MESSAGE: WeComMessageTopic(client, limiter),
        UPDATE_CARD: WeComCardUpdateTopic(client, limiter),
        **internal,
    }
