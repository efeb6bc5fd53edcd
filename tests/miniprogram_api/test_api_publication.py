"""Publication without a shell, over the staff API (R3, R13, R17)."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from inspection.publication import duties
from models.enums import InspectionState
from models.outbox import OutboxMessage
from tests.clockkit import TestClock, beijing
from tests.fieldworld import World, answer_all, login


async def test_the_year_s_plans_are_published_together(api: Any, world: World) -> None:
    initiator = await login(api, world.staff["initiator"])
    resp = await api.post("/api/v1/plans/2027/publish", headers=initiator)
    assert resp.status == 409 and (await resp.json())["code"] == "no_plans"
    resp = await api.post("/api/v1/plans", json={"year": 2027, "needs": "工资支付专项 30 户"},
                          headers=initiator)
    assert resp.status == 201
    listed = await (await api.get("/api/v1/plans?year=2027&all_sections=true",
                                  headers=initiator)).json()
    assert [p["status"] for p in listed["items"]] == ["submitted"]
    resp = await api.post("/api/v1/plans/2027/publish", headers=initiator)
    body = await resp.json()
    assert resp.status == 200 and [p["status"] for p in body["items"]] == ["published"]
    page = await api.get("/public/plans")
    assert "工资支付专项 30 户" in await page.text()
    member = await login(api, world.staff["member"])
    resp = await api.post("/api/v1/plans/2027/publish", headers=member)
    assert resp.status == 403 and (await resp.json())["code"] == "initiator_only"


async def test_penalty_published_by_itself_unless_withheld(api: Any, world: World,
                                                           test_clock: TestClock) -> None:
    world.inspection.state = InspectionState.SUBMITTED
    await world.inspection.save()
    leader = await login(api, world.staff["leader"])
    initiator = await login(api, world.staff["initiator"])
    url = f"/api/v1/inspections/{world.inspection.id}/penalties"
    body = {"number": "涪人社监罚〔2026〕3号", "procedure": "general", "cause": "未签劳动合同",
            "basis": "《劳动合同法》第八十二条", "result": "罚款 2000 元",
            "decided_on": "2026-11-02", "effective_on": "2026-11-06"}
    resp = await api.post(url, json=body, headers=leader)
    created = await resp.json()
    assert resp.status == 201, created
    assert created["publication_due_on"] == "2026-11-30"
    assert created["publication_auto_at"].startswith("2026-11-06T00:00:00")
    pid = created["publication_id"]

    page = await (await api.get("/api/v1/publications?state=pending", headers=initiator)).json()
    assert [d["id"] for d in page["items"]] == [pid]
    duty = page["items"][0]
    assert duty["app_path"] == f"/app/#/publication/{pid}"
    assert duty["window_path"] == "/public/penalties" and duty["state_label"] == "待公示"
    resp = await api.post(f"/api/v1/publications/{pid}/withhold", json={"reason": "涉及个人隐私"},
                          headers=initiator)
    assert resp.status == 422 and (await resp.json())["errors"][0]["field"] == "basis"
    resp = await api.post(f"/api/v1/publications/{pid}/withhold", headers=initiator, json={
        "reason": "涉及个人隐私", "basis": "《政府信息公开条例》第十五条"})
    assert resp.status == 200 and (await resp.json())["state"] == "withheld"
    test_clock.set(beijing(2026, 11, 6, 0, 5))
    timer = await OutboxMessage.get(idempotency_key=duties.timer_key(pid, "auto"))
    async with in_transaction():
        await duties.on_publication_auto(timer.payload)
    assert "涪人社监罚〔2026〕3号" not in await (await api.get("/public/penalties")).text()
    resp = await api.post(f"/api/v1/publications/{pid}/publish", headers=initiator)
    assert resp.status == 409 and (await resp.json())["code"] == "publication_withdrawn"


async def test_a_result_is_published_in_one_call(api: Any, world: World) -> None:
    world.inspection.state = InspectionState.SUBMITTED
    await world.inspection.save()
    await answer_all(world)
    member = await login(api, world.staff["member"])
    admin = await login(api, world.staff["admin"])
    resp = await api.post(f"/api/v1/inspections/{world.inspection.id}/close", headers=member)
    assert resp.status == 200
    page = await (await api.get("/api/v1/publications?kind=result", headers=admin)).json()
    assert page["total"] == 1
    pid = page["items"][0]["id"]
    assert "JC2026-0001" not in await (await api.get("/public/results")).text()
    resp = await api.post(f"/api/v1/publications/{pid}/publish", headers=admin)
    assert resp.status == 200 and (await resp.json())["state"] == "published"
    assert "JC2026-0001" in await (await api.get("/public/results")).text()
    other = await login(api, world.staff["outsider"])
    resp = await api.get(f"/api/v1/publications/{pid}", headers=other)
    assert resp.status == 403 and (await resp.json())["code"] == "publication_officer_only"
