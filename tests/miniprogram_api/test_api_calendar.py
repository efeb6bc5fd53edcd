"""The working-day calendar over the staff API (政策法规科 only): read a year, enter its State
Council schedule; bad entries are refused per field; provisional deadlines show as such."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from inspection import calendar, clock
from inspection.publication import duties
from models.audit import AuditEvent
from models.enums import FindingResult, InspectionState, PublicationKind
from models.fieldwork import Finding
from models.system import HolidaySchedule
from tests.fieldworld import session_for

PROBLEM = "application/problem+json"
SCHEDULE = {"holidays": ["2099-01-01", "2099-01-02", "2099-01-03"], "workdays": ["2099-01-10"],
            "basis": "国办发明电〔2098〕1号（测试）"}


async def test_enter_and_read_a_year(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    resp = await api.get("/api/v1/calendar/2099", headers=admin)
    assert resp.status == 200
    assert (await resp.json())["known"] is False
    resp = await api.put("/api/v1/calendar/2099", json=SCHEDULE, headers=admin)
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert (body["source"], body["source_label"], body["known"]) == ("bureau", "本局录入", True)
    assert body["workdays"] == ["2099-01-10"] and body["entered_by"] == "管理员"
    assert body["confirmed"] == {"rectification_orders": 0, "publication_duties": 0, "reports": 0,
                                 "blacklist_hearings": 0}
    read = await (await api.get("/api/v1/calendar/2099", headers=admin)).json()
    assert read["holidays"] == SCHEDULE["holidays"] and read["basis"] == SCHEDULE["basis"]
    event = await AuditEvent.get(action="calendar.schedule_set")
    assert event.actor == f"staff:{world.staff['admin'].id}"
    library = await (await api.get("/api/v1/calendar/2026", headers=admin)).json()
    assert library["source"] == "library" and "2026-10-01" in library["holidays"]


async def test_bad_schedules_are_refused_per_field(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    resp = await api.put("/api/v1/calendar/2099", headers=admin, json={
        **SCHEDULE, "workdays": ["2099-01-05", "2099-01-01"]})
    assert resp.status == 422 and resp.content_type == PROBLEM
    errors = {(e["field"], e["code"]) for e in (await resp.json(content_type=PROBLEM))["errors"]}
    assert errors == {("workdays.0", "not_weekend"), ("workdays.1", "both")}
    resp = await api.get("/api/v1/calendar/1999", headers=admin)
    assert resp.status == 422
    assert not await HolidaySchedule.exists()


async def test_only_the_policy_section(api: Any, world: Any) -> None:
    for who in ("initiator", "leader", "member"):
        headers = await session_for(api, world.staff[who])
        resp = await api.put("/api/v1/calendar/2099", json=SCHEDULE, headers=headers)
        assert resp.status == 403
        assert (await resp.json(content_type=PROBLEM))["detail"] == "只有政策法规科可以维护节假日安排"


async def test_an_order_counted_past_the_data_says_provisional_until_confirmed(
        api: Any, world: Any) -> None:
    if calendar.library_covers(clock.today().year + 1):
        pytest.skip("chinesecalendar already knows next year: nothing is provisional")
    world.inspection.state = InspectionState.SUBMITTED
    await world.inspection.save()
    bad = await Finding.create(inspection=world.inspection, item_version=world.items[0],
                               result=FindingResult.NONCOMPLIANT, description="未签劳动合同",
                               recorded_by=world.staff["member"])
    member = await session_for(api, world.staff["member"])
    # Issued today for 250 working days: the count runs into a year nobody has entered yet.
    resp = await api.post(f"/api/v1/inspections/{world.inspection.id}/rectification-orders",
                          headers=member, json={"finding_ids": [bad.id], "requirements": "补签",
                                                "working_days": 250})
    assert resp.status == 201, await resp.text()
    order = await resp.json()
    year = dt.date.fromisoformat(order["deadline"]).year
    assert order["deadline_provisional"] is True and str(year) in order["warnings"][0]
    detail = await (await api.get(f"/api/v1/inspections/{world.inspection.id}",
                                  headers=member)).json()
    assert detail["rectification_orders"][0]["deadline_provisional"] is True
    assert detail["notices"][0]["deadline_provisional"] is True
    page = await api.get("/n/" + order["notice_url"].rsplit("/n/", 1)[1])
    assert "（暂定，待国务院公布节假日安排后确认）" in await page.text()


async def test_duties_counted_past_the_data_say_provisional(
        api: Any, world: Any) -> None:
    async with in_transaction():
        duty = await duties.create_duty(
            kind=PublicationKind.PENALTY, object_type="penalty_decision", object_id=1,
            title="某公司行政处罚决定", section_id=world.campaigns[0].section_id,
            decided_on=dt.date(2099, 1, 1), actor="cli", working_days=3)
    admin = await session_for(api, world.staff["admin"])
    resp = await api.get(f"/api/v1/publications/{duty.id}", headers=admin)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["due_provisional"] is True
    await api.put("/api/v1/calendar/2099", json=SCHEDULE, headers=admin)
    assert (await (await api.get(f"/api/v1/publications/{duty.id}", headers=admin)).json()
            )["due_provisional"] is False
