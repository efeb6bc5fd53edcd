"""Issue 4 item 7: `suiji demo` with WeCom configured leaves a campaign at the call-up stage, and a
`suiji worker` pointed at a stand-in WeCom delivers its cards."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from models.callups import CallUp
from models.enums import CallUpState, CampaignState, OutboxStatus
from models.outbox import OutboxMessage
from suiji.playground.standin import WeComStandIn
from tests.e2e.e2e_kit import cards
from tests.e2e.processes import WORKER_ARGS, env, spawn, stop
from tests.notifications.outbox_helpers import eventually
from tests.wecom_callbacks import CORP_ID
from tests.wecom_rows import body


@pytest.fixture
async def standin() -> AsyncIterator[WeComStandIn]:
    s = await WeComStandIn(corp_id=CORP_ID).start()
    yield s
    await s.close()


async def test_demo_cards_reach_the_standin(settings, standin):
    environ = env(settings, standin)
    demo = await spawn(environ, "demo", output=True)
    try:
        out, err = await asyncio.wait_for(demo.communicate(), 120)
    finally:
        await stop([demo])
    assert demo.returncode == 0, err.decode()[-2000:]
    assert "演示数据已就绪" in out.decode()
    called = await CallUp.filter(state=CallUpState.CALLED,
                                 campaign__state=CampaignState.CALLING_UP).prefetch_related("staff")
    assert called, "the demo left no campaign calling up"
    queued = await OutboxMessage.filter(topic="wecom.message", status=OutboxStatus.PENDING)
    assert sum(body(m)["msgtype"] == "template_card" for m in queued) == len(called)
    assert standin.deliveries == []  # nothing is sent until a worker runs

    worker = await spawn(environ, *WORKER_ARGS)
    try:
        await eventually(lambda: len(cards(standin)) >= len(called), within=30)
        await asyncio.sleep(0.3)
    finally:
        await stop([worker])
    assert sorted(c["touser"] for c in cards(standin)) == \
        sorted(c.staff.wecom_userid for c in called)
