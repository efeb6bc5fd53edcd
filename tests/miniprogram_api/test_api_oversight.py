"""The coverage view (R4) and the expiring certificates (R8) over the staff API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection import clock
from models.enums import CampaignState
from tests.fieldworld import session_for

PROBLEM = "application/problem+json"


async def test_coverage_of_the_year(api: Any, world: Any) -> None:
    for n, c in enumerate(world.campaigns):
        c.state = CampaignState.IN_FIELD if n == 0 else CampaignState.APPROVED
        await c.save()
    for iv in world.items:
        iv.published_at, iv.effective_from = clock.now(), dt.date(2026, 1, 1)
        await iv.save()
    admin = await session_for(api, world.staff["admin"])
    resp = await api.get("/api/v1/coverage/2026", headers=admin)
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert (body["total"], body["covered"]) == (3, 2)
    got = {i["code"]: (i["covered"], [c["code"] for c in i["campaigns"]], i["employers"])
           for i in body["items"]}
    assert got == {"LB-01": (True, ["2026-FL-001"], 1), "LB-02": (True, ["2026-FL-001"], 1),
                   "LB-03": (False, [], 0)}  # the second campaign has not drawn yet
    initiator = await session_for(api, world.staff["initiator"])
    assert (await api.get("/api/v1/coverage/2026", headers=initiator)).status == 200
    member = await session_for(api, world.staff["member"])
    resp = await api.get("/api/v1/coverage/2026", headers=member)
    assert resp.status == 403 and resp.content_type == PROBLEM


async def test_expiring_certificates(api: Any, world: Any) -> None:
    today = clock.today()
    world.staff["member"].cert_valid_until = today + dt.timedelta(days=20)
    world.staff["outsider"].cert_valid_until = today - dt.timedelta(days=2)
    world.staff["leader"].cert_valid_until = today + dt.timedelta(days=90)
    for key in ("member", "outsider", "leader"):
        await world.staff[key].save()
    admin = await session_for(api, world.staff["admin"])
    body = await (await api.get("/api/v1/certificates/expiring", headers=admin)).json()
    assert body["within_days"] == 60
    assert [(i["name"], i["days_left"], i["expired"]) for i in body["items"]] == [
        ("钱检查", -2, True), ("张检查", 20, False)]
    wide = await (await api.get("/api/v1/certificates/expiring?within_days=90",
                                headers=admin)).json()
    assert [i["name"] for i in wide["items"]] == ["钱检查", "张检查", "王组长"]
    resp = await api.get("/api/v1/certificates/expiring?within_days=-1", headers=admin)
    assert resp.status == 422
    member = await session_for(api, world.staff["member"])
    assert (await api.get("/api/v1/certificates/expiring", headers=member)).status == 403
