"""The outbox topic registry: which code handles which topic (docs/outbox.md).

Wiring only. External topics (WeCom) are delivered outside a transaction; every other entry is
an internal `async def handler(payload) -> None` run in one transaction with marking its row
sent. A row whose topic is not here fails with "no handler".
"""

from __future__ import annotations

import functools

from bot.handlers import callup_handlers
from inspection import housekeeping
from inspection.credit import timers as credit_timers
from inspection.fieldwork import evidence, rectification
from inspection.planning import lifecycle
from inspection.publication import duties as publication
from models.kv import KeyValue
from notifications.wecom.client import WeComClient
from notifications.wecom.ratelimit import RateLimiter
from notifications.wecom.topics import MESSAGE, UPDATE_CARD, WeComCardUpdateTopic, WeComMessageTopic
from notifications.worker import Topic


def build_handlers(*, wecom_client: WeComClient | None, kv: KeyValue,
                   public_base_url: str = "",
                   storage: evidence.Storage | None = None) -> dict[str, Topic]:
    """`wecom_client` None: WeCom is not configured and its topics wait in the outbox.
    `public_base_url` roots the staff-app links in cards, messages and reminders. `storage`:
    the evidence store the daily housekeeping sweeps (None: not swept)."""
    client, limiter = wecom_client, None
    if client is not None:
        limiter = RateLimiter(kv, corp_id=client.config.corp_id, agent_id=client.config.agent_id)
    internal: dict[str, Topic] = {
        **callup_handlers(),  # wecom.inbound, call-up reminders and deadlines (R15)
        **credit_timers.handlers(),  # grade effective, blacklist expiry, report chase (R19)
        # R17 deadlines; reminders link to the duty in the staff app.
        publication.TIMER_TOPIC: functools.partial(publication.on_publication_due,
                                                   base_url=public_base_url),
        publication.AUTO_TOPIC: publication.on_publication_auto,  # penalties once effective
        lifecycle.FIELD_END_TOPIC: lifecycle.on_field_window_end,  # in the field → report (R19)
        "timer.rectification_due": rectification.on_rectification_due,  # R22 overdue orders
        # Idempotency purge, item versions superseded (R7), blacklist expiry sweep (R23),
        # orphan files of the evidence store, the audit chain's published head (R21).
        housekeeping.TOPIC: functools.partial(housekeeping.on_daily_housekeeping,
                                              storage=storage),
    }
    return {
        MESSAGE: WeComMessageTopic(client, limiter, public_base_url),
        UPDATE_CARD: WeComCardUpdateTopic(client, limiter),
        **internal,
    }
