"""重大劳动保障违法行为社会公布 over the staff API and on the window (人社部令第29号)."""

from __future__ import annotations

from typing import Any

from tests.clockkit import TestClock, beijing
from tests.fieldworld import World, login


async def test_recorded_then_published_with_its_quarter(api: Any, world: World,
                                                        test_clock: TestClock) -> None:
    initiator = await login(api, world.staff["initiator"])
    admin = await login(api, world.staff["admin"])
    url = f"/api/v1/employers/{world.employer.id}/major-violations"
    case = {"category": "social_insurance", "facts": "未为 35 名职工缴纳社会保险费",
            "handling": "责令限期缴纳，已移交征收机构", "decided_on": "2026-10-20"}
    resp = await api.post(url, json=case, headers=initiator)
    problem = await resp.json()
    # The roster lacks the legal representative the order has published.
    assert resp.status == 422 and problem["errors"][0]["field"] == "legal_rep"
    resp = await api.post(url, json=case, headers=admin)
    assert resp.status == 403
    resp = await api.post(url, json=case | {"legal_rep": "周某"}, headers=initiator)
    body = await resp.json()
    assert resp.status == 201, body
    assert (body["year"], body["quarter"]) == (2026, 4) and body["address"] == "涪陵区某路1号"
    assert body["category_label"].startswith("不依法参加社会保险")
    listed = await (await api.get("/api/v1/major-violations?year=2026", headers=admin)).json()
    assert [c["id"] for c in listed["items"]] == [body["id"]]

    page = await (await api.get("/api/v1/publications?kind=major_violation",
                                headers=initiator)).json()
    [duty] = page["items"]
    assert duty["title"] == "2026年第4季度重大劳动保障违法行为社会公布"
    assert duty["window_path"] == "/public/major-violations"
    resp = await api.post(f"/api/v1/publications/{duty['id']}/publish", headers=initiator)
    assert resp.status == 409 and "尚未结束" in (await resp.json())["detail"]
    test_clock.set(beijing(2027, 1, 4, 10))
    resp = await api.post(f"/api/v1/publications/{duty['id']}/publish", headers=initiator)
    assert resp.status == 200, await resp.text()
    html = await (await api.get("/public/major-violations")).text()
    assert "未为 35 名职工缴纳社会保险费" in html and "周某" in html
