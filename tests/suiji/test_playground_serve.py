"""Issue 15's "done when", over HTTP: after the demo, a real `suiji serve` in development runs the
playground; acting as an inspector with a pending call-up card, `/dev/` declines it with a reason
(a real signed callback), and the next inspector in draw order gets a card in the stand-in,
visible through `/dev/`'s own API."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from models.callups import CallUp
from models.draws import DrawEntry
from models.enums import CallUpState, DrawKind
from suiji.settings import Settings
from tests.e2e.processes import base_env, free_port, serve, spawn, stop

pytestmark = [pytest.mark.usefixtures("clean_db"), pytest.mark.xdist_group("app-processes")]


async def eventually(check: Callable[[], Awaitable[Any]], within: float) -> Any:
    """`check()`'s first true value, asked every 0.2 s (each asks the server) for `within` s."""
    async with asyncio.timeout(within):
        while True:
            value = await check()
            if value:
                return value
            await asyncio.sleep(0.2)


async def _json(http: aiohttp.ClientSession, url: str, **kw: Any) -> Any:
    async with http.get(url, **kw) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def _open_card(http: aiohttp.ClientSession, base: str, userid: str) -> dict[str, Any] | None:
    shown = await _json(http, f"{base}/dev/api/messages", params={"userid": userid})
    return next((m for m in shown["messages"] if m["kind"] == "card" and m["card"]["clickable"]),
                None)


async def test_declining_in_the_playground_calls_the_next_inspector(settings: Settings) -> None:
    port = free_port()
    environ = {**base_env(settings), "SUIJI_ENV": "development",
               "SUIJI_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    demo = await spawn(environ, "demo", output=True)
    _, err = await asyncio.wait_for(demo.communicate(), 180)
    assert demo.returncode == 0, err.decode()[-2000:]
    proc, base = await serve(environ, port=port)
    try:
        async with aiohttp.ClientSession() as http:
            await _decline_and_see_the_next_card(http, base)
    finally:
        await stop([proc])


async def _decline_and_see_the_next_card(http: aiohttp.ClientSession, base: str) -> None:
    async def waiting() -> list[dict[str, Any]]:
        people = (await _json(http, f"{base}/dev/api/people"))["people"]
        return [p for p in people if p["waiting"] and "执法检查人员" in p["roles"]]

    # The held call-up cards reach the stand-in once serve's worker runs.
    inspector = (await eventually(waiting, within=60))[0]
    card = await _open_card(http, base, inspector["userid"])
    assert card is not None and card["card"]["source"] == "双随机抽查 执法检查人员召集"
    declined = await CallUp.get(staff__wecom_userid=inspector["userid"],
                                state=CallUpState.CALLED).prefetch_related("campaign")
    entries = await DrawEntry.filter(draw__campaign_id=declined.campaign_id,
                                     draw__kind=DrawKind.INSPECTORS, staff_id__isnull=False
                                     ).order_by("stratum", "position")
    before = {c.staff_id for c in await CallUp.filter(campaign_id=declined.campaign_id)}
    uncalled = [e.staff_id for e in entries if e.staff_id not in before]

    async with http.post(f"{base}/dev/api/click", json={
            "userid": inspector["userid"], "msgid": card["id"], "key": "decline",
            "reason": "meeting"}) as resp:
        assert resp.status == 200, await resp.text()

    async def replacement() -> CallUp | None:
        return await CallUp.get_or_none(replaces_id=declined.id).prefetch_related("staff")

    new = await eventually(replacement, within=30)
    await declined.refresh_from_db()
    assert declined.state == CallUpState.DECLINED and declined.reason == "参加重要会议"
    # Next in draw order: the entries passed over on the way are recorded as skipped.
    added = await CallUp.filter(campaign_id=declined.campaign_id).exclude(
        staff_id__in=before).order_by("position")
    assert [c.staff_id for c in added] == uncalled[:len(added)]
    assert [c.state for c in added[:-1]] == [CallUpState.SKIPPED] * (len(added) - 1)
    assert added[-1].id == new.id and new.state == CallUpState.CALLED

    async def next_card() -> dict[str, Any] | None:
        return await _open_card(http, base, new.staff.wecom_userid)

    arrived = await eventually(next_card, within=30)
    rows = {r["key"]: r["value"] for r in arrived["card"]["rows"]}
    assert rows["抽查编号"] == declined.campaign.code
    assert [b["text"] for b in arrived["card"]["buttons"]] == ["接受", "因公务无法参加"]

    async def closed() -> bool:
        shown = await _json(http, f"{base}/dev/api/messages",
                            params={"userid": inspector["userid"]})
        cards = [m for m in shown["messages"] if m["id"] == card["id"]]
        return bool(cards and cards[0]["card"]["answered"] == "因公务无法参加")

    await eventually(closed, within=30)  # the clicked card's buttons became its answer
    shown = await _json(http, f"{base}/dev/api/messages", params={"userid": inspector["userid"]})
    assert shown["messages"][0]["from"] == "me" and "参加重要会议" in shown["messages"][0]["text"]
