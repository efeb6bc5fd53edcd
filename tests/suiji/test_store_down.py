"""Redis unreachable: every entrance that needs it answers 503 problem+json with Retry-After and
changes nothing, instead of a 500 with a traceback (sessions and login limits live in Redis).
The WeCom callback does not need Redis (its de-duplication is the receipt in the database): it
keeps taking deliveries."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from models.audit import AuditEvent
from models.outbox import OutboxMessage
from models.system import InboundReceipt
from notifications.appkeys import INBOUND
from suiji.app import create_app
from tests.e2e.processes import free_port
from tests.fieldworld import build_world
from tests.wecom_callbacks import AES_KEY, CORP_ID, TOKEN, signed, text_xml


@pytest.fixture
async def down(aiohttp_client: Any, settings: Any) -> Any:
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    broken = settings.model_copy(update={"redis_url": dead, "wecom_token": TOKEN,
                                         "wecom_aes_key": AES_KEY, "wecom_corp_id": CORP_ID})
    return await aiohttp_client(create_app(broken, manage_db=False))


async def counts() -> tuple[int, int]:
    return await AuditEvent.all().count(), await OutboxMessage.all().count()


async def test_every_entrance_answers_503_and_changes_nothing(down: Any, caplog: Any) -> None:
    await build_world()
    before = await counts()
    requests = [
        ("GET", "/api/v1/me", {"headers": {"Authorization": "Bearer 1." + "a" * 43}}),
        ("POST", "/api/v1/auth/login", {"json": {"code": "code-u-member"}}),
        ("GET", "/public/", {}),
        ("GET", "/n/" + "A" * 22, {}),
        ("POST", "/n/" + "A" * 22 + "/ack", {"data": {"code": "ABC123"}}),
    ]
    caplog.set_level(logging.WARNING)
    for method, path, kwargs in requests:
        resp = await down.request(method, path, **kwargs)
        assert resp.status == 503, (path, await resp.text())
        assert resp.content_type == "application/problem+json"
        assert resp.headers["Retry-After"] == "5"
        assert (await resp.json())["code"] == "store_unavailable"
    assert await counts() == before
    logged = [r for r in caplog.records if "store unavailable" in r.getMessage()]
    assert len(logged) == len(requests) and all(r.exc_info is None for r in logged)


async def test_the_callback_keeps_taking_deliveries(down: Any) -> None:
    await build_world()
    params, body = signed(text_xml("u-member", "帮助"))
    resp = await down.post("/wecom/callback", params=params, data=body.encode())
    assert resp.status == 200, await resp.text()
    await down.app[INBOUND].drain()
    assert [r.state.value for r in await InboundReceipt.all()] == ["done"]
    assert await OutboxMessage.filter(topic="wecom.message").count() == 1  # the answer, queued
