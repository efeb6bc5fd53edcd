"""Listing campaigns and annual plans (R13, R14): each caller sees exactly the campaigns a single
GET would show them (their own as leader, their section's as initiator), filtered and paged; the
annual plans are the initiating section's own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection.planning import plans
from models.campaigns import Campaign
from models.enums import CampaignState, SectionKind
from models.org import Section, Staff
from tests.fieldworld import World, session_for

PROBLEM = "application/problem+json"
URL = "/api/v1/campaigns"


async def _codes(api: Any, headers: dict[str, str], **query: Any) -> tuple[list[str], int]:
    resp = await api.get(URL, params=query, headers=headers)
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    return [c["code"] for c in body["items"]], body["total"]


async def test_each_caller_sees_what_a_single_get_shows(api: Any, world: World) -> None:
    initiator = await session_for(api, world.staff["initiator"])
    codes, total = await _codes(api, initiator)
    # Newest field work first; the other section's campaign is not theirs (404 on a single GET).
    assert (codes, total) == (["2026-FL-002", "2026-FL-001"], 2)
    other_id = world.other_campaign.id
    assert (await api.get(f"{URL}/{other_id}", headers=initiator)).status == 404

    leader_codes, _ = await _codes(api, await session_for(api, world.staff["leader"]))
    assert sorted(leader_codes) == ["2026-FL-001", "2026-FL-002"]
    other_codes, _ = await _codes(api, await session_for(api, world.staff["other_leader"]))
    assert other_codes == ["2026-FL-009"]
    for role in ("member", "outsider", "admin"):
        assert await _codes(api, await session_for(api, world.staff[role])) == ([], 0)
    resp = await api.get(URL)
    assert resp.status == 401


async def test_summary_fields(api: Any, world: World) -> None:
    resp = await api.get(URL, params={"q": "FL-001"},
                         headers=await session_for(api, world.staff["leader"]))
    [row] = (await resp.json())["items"]
    c = world.campaigns[0]
    assert row == {"id": c.id, "code": "2026-FL-001", "title": "抽查任务1", "kind": "planned",
                   "state": "draft", "state_label": "草稿", "field_start": "2026-11-02",
                   "field_end": "2026-12-02",
                   "section_id": c.section_id, "section": "劳动保障监察支队",
                   "leader_id": world.staff["leader"].id, "leader": "王组长"}


async def test_filters_and_paging(api: Any, world: World) -> None:
    initiator = await session_for(api, world.staff["initiator"])
    section = await Section.get(code="JCZD")
    start = dt.date(2025, 3, 1)
    for n in range(25):
        await Campaign.create(code=f"2025-FL-{n:03d}", title=f"工资支付专项{n}", section=section,
                              field_start=start + dt.timedelta(days=n),
                              field_end=start + dt.timedelta(days=n + 10),
                              state=CampaignState.CLOSED if n % 2 else CampaignState.APPROVED)
    # A window from December 2024 into January 2025 belongs to both years.
    await Campaign.create(code="2024-FL-050", title="跨年专项", section=section,
                          field_start=dt.date(2024, 12, 20), field_end=dt.date(2025, 1, 10))

    codes, total = await _codes(api, initiator, year=2025, page_size=10)
    assert total == 26 and len(codes) == 10 and codes[0] == "2025-FL-024"
    codes, total = await _codes(api, initiator, year=2025, page_size=10, page=3)
    assert total == 26 and codes[-1] == "2024-FL-050" and len(codes) == 6
    # Past the last page: no rows, the total still right.
    assert await _codes(api, initiator, year=2025, page_size=10, page=4) == ([], 26)
    assert (await _codes(api, initiator, year=2024))[0] == ["2024-FL-050"]
    assert (await _codes(api, initiator, year=2026))[1] == 2

    codes, total = await _codes(api, initiator, year=2025, state="approved", page_size=100)
    assert total == 13 and all(int(c[-3:]) % 2 == 0 for c in codes if c.startswith("2025"))
    assert (await _codes(api, initiator, q="跨年"))[0] == ["2024-FL-050"]
    assert (await _codes(api, initiator, q="fl-00"))[1] == 12  # code, any case: 2025-FL-00x + 2
    # LIKE wildcards in q are plain characters.
    assert await _codes(api, initiator, q="%") == ([], 0)
    assert await _codes(api, initiator, q="_") == ([], 0)


async def test_bad_query_names_the_field(api: Any, world: World) -> None:
    headers = await session_for(api, world.staff["initiator"])
    for query, field in (({"state": "finished"}, "state"), ({"year": "1999"}, "year"),
                         ({"page": "0"}, "page"), ({"page_size": "101"}, "page_size"),
                         ({"q": "x" * 65}, "q"), ({"q": "a\x00"}, "q"),
                         ({"sort": "code"}, "sort")):
        resp = await api.get(URL, params=query, headers=headers)
        assert resp.status == 422, query
        errors = (await resp.json(content_type=PROBLEM))["errors"]
        assert [e["field"] for e in errors] == [field], query
        assert errors[0]["message"]  # in Chinese, e.g. 不能小于 2000


async def test_plans_of_the_own_section(api: Any, world: World) -> None:
    initiator = await session_for(api, world.staff["initiator"])
    assert (await api.post("/api/v1/plans", json={"year": 2026, "needs": "工资支付专项"},
                           headers=initiator)).status == 201
    await plans.submit_plan(year=2027, section_id=world.staff["initiator"].section_id,
                            needs="劳动合同专项", actor="test",
                            at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    business = await Section.create(code="YWK2", name="养老保险科", kind=SectionKind.BUSINESS)
    await plans.submit_plan(year=2026, section_id=business.id, needs="他科需求", actor="test")
    other_initiator = await Staff.create(name="他科发起人", wecom_userid="u-oi", section=business,
                                         is_initiator=True)

    resp = await api.get("/api/v1/plans", headers=initiator)
    assert resp.status == 200, await resp.text()
    items = (await resp.json())["items"]
    assert [(p["year"], p["needs"]) for p in items] == [(2027, "劳动合同专项"), (2026, "工资支付专项")]
    assert items[0]["section"] == "劳动保障监察支队" and items[0]["status"] == "submitted"
    assert items[0]["late"] is False
    resp = await api.get("/api/v1/plans", params={"year": "2026"}, headers=initiator)
    assert [p["needs"] for p in (await resp.json())["items"]] == ["工资支付专项"]
    resp = await api.get("/api/v1/plans", headers=await session_for(api, other_initiator))
    assert [p["needs"] for p in (await resp.json())["items"]] == ["他科需求"]

    resp = await api.get("/api/v1/plans", params={"year": "20x6"}, headers=initiator)
    assert resp.status == 422
    assert (await resp.json(content_type=PROBLEM))["errors"][0]["field"] == "year"
    for role in ("leader", "member", "admin"):
        resp = await api.get("/api/v1/plans", headers=await session_for(api, world.staff[role]))
        assert resp.status == 403, role
        assert (await resp.json(content_type=PROBLEM))["code"] == "initiator_only"
