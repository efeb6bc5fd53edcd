"""A campaign's end over the staff API (R19, R16): field work ended by the leader, the report
generated, downloaded and approved, the leader replaced, an in-field campaign cancelled."""

from __future__ import annotations

from typing import Any

from models.campaigns import Campaign
from models.enums import CampaignState, InspectionState
from tests.clockkit import TestClock, beijing
from tests.fieldworld import World, login


async def test_leader_ends_field_work_and_the_section_approves_the_report(
        api: Any, world: World, test_clock: TestClock) -> None:
    test_clock.set(beijing(2026, 11, 20, 10))
    campaign = world.campaigns[0]
    campaign.state = CampaignState.IN_FIELD
    await campaign.save()
    leader = await login(api, world.staff["leader"])
    initiator = await login(api, world.staff["initiator"])
    base = f"/api/v1/campaigns/{campaign.id}"

    resp = await api.post(base + "/report", headers=initiator)
    assert resp.status == 409 and (await resp.json())["code"] == "fieldwork_not_ended"
    resp = await api.get(base + "/report/xlsx", headers=leader)  # the figures so far
    assert resp.status == 200 and resp.content_type.endswith("spreadsheetml.sheet")
    assert "2026-FL-001-report.xlsx" in resp.headers["Content-Disposition"]

    resp = await api.post(base + "/finish-fieldwork", headers=leader)
    problem = await resp.json()
    assert resp.status == 409 and problem["code"] == "visits_not_submitted"
    assert "1 户" in problem["detail"]
    resp = await api.post(base + "/finish-fieldwork", headers=initiator)
    assert resp.status == 403 and (await resp.json())["code"] == "not_leader"
    world.inspection.state = InspectionState.SUBMITTED
    await world.inspection.save()
    resp = await api.post(base + "/finish-fieldwork", headers=leader)
    assert resp.status == 200 and (await resp.json())["state"] == "reporting"

    report = await (await api.get(base + "/report", headers=leader)).json()
    # R19: 10 working days after Friday 20 November 2026.
    assert report["status"] == "due" and report["due_on"] == "2026-12-04"
    resp = await api.post(base + "/report", headers=leader)
    assert resp.status == 200 and (await resp.json())["status"] == "generated"
    resp = await api.post(base + "/report/approve", json={"note": "同意归档"}, headers=leader)
    assert resp.status == 403 and (await resp.json())["code"] == "initiator_only"
    resp = await api.post(base + "/report/approve", json={"note": "同意归档"}, headers=initiator)
    body = await resp.json()
    assert resp.status == 200 and body["status"] == "archived"
    assert body["campaign_state"] == "closed" and body["approval_note"] == "同意归档"
    resp = await api.get(base + "/report/pdf", headers=leader)
    assert resp.status == 200 and (await resp.read()).startswith(b"%PDF")


async def test_report_refused_before_field_work(api: Any, world: World) -> None:
    initiator = await login(api, world.staff["initiator"])
    for path in ("/report/pdf", "/report/xlsx"):
        resp = await api.get(f"/api/v1/campaigns/{world.campaigns[1].id}{path}", headers=initiator)
        problem = await resp.json()
        assert resp.status == 409 and problem["code"] == "campaign_not_reportable"
        assert "尚未开始实地检查" in problem["detail"]


async def test_leader_replaced_and_in_field_campaign_cancelled(api: Any, world: World) -> None:
    campaign = world.campaigns[0]
    campaign.state = CampaignState.IN_FIELD
    await campaign.save()
    initiator = await login(api, world.staff["initiator"])
    base = f"/api/v1/campaigns/{campaign.id}"
    new = world.staff["other_leader"]
    resp = await api.post(base + "/leader", json={"leader_id": new.id, "reason": ""},
                          headers=initiator)
    assert resp.status == 422 and (await resp.json())["errors"][0]["field"] == "reason"
    resp = await api.post(base + "/leader", json={"leader_id": new.id, "reason": "原组长病休"},
                          headers=initiator)
    assert resp.status == 200 and (await resp.json())["leader_id"] == new.id
    # The former leader no longer sees the campaign; the new one does.
    old = await login(api, world.staff["leader"])
    assert (await api.get(base, headers=old)).status == 404
    assert (await api.get(base, headers=await login(api, new))).status == 200

    resp = await api.post(base + "/cancel", json={"reason": "上级部署专项行动"},
                          headers=initiator)
    body = await resp.json()
    assert resp.status == 200 and body["state"] == "cancelled"
    assert body["cancel_reason"] == "上级部署专项行动"
    assert (await Campaign.get(id=campaign.id)).closed_at is not None
