"""Outbox rows as WeCom will receive them: rendered by the worker's own renderers
(`notifications/wecom/render.py`), so tests read the words and cards people get."""

from __future__ import annotations

from typing import Any

from inspection.messages import TOPIC_MESSAGE, TOPIC_UPDATE_CARD
from models.outbox import OutboxMessage
from notifications.wecom import render


def body(row: OutboxMessage) -> dict[str, Any]:
    """The request body the worker would send for this row."""
    if row.topic == TOPIC_UPDATE_CARD:
        return render.update_body(row.payload)
    assert row.topic == TOPIC_MESSAGE, row.topic
    return render.message_body(row.payload)


def content(row: OutboxMessage) -> str:
    """A text message's words."""
    sent = body(row)
    assert sent["msgtype"] == "text", sent["msgtype"]
    return str(sent["text"]["content"])


def to(row: OutboxMessage) -> set[str]:
    return set(row.payload["to"])


async def messages(**filters: Any) -> list[OutboxMessage]:
    return list(await OutboxMessage.filter(topic=TOPIC_MESSAGE, **filters).order_by("id"))


async def cards(**filters: Any) -> list[dict[str, Any]]:
    """Template cards queued, rendered, oldest first."""
    return [b for b in map(body, await messages(**filters)) if b["msgtype"] == "template_card"]


async def texts_to(userid: str) -> list[str]:
    """Texts queued for `userid`, oldest first."""
    return [content(m) for m in await messages()
            if userid in m.payload["to"] and body(m)["msgtype"] == "text"]


async def last_text_to(userid: str) -> str:
    found = await texts_to(userid)
    assert found, f"no text for {userid}"
    return found[-1]
