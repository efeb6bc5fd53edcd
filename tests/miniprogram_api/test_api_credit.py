"""Credit figures over the staff API (R18, R19): a campaign's statistics for its leader and
initiating section, the year's and an employer's integrity file for leaders and admins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection import clock
from inspection.calendar import add_working_days
from inspection.credit import blacklist
from models.audit import AuditEvent
from models.credit import GradeAssessment
from models.enums import FindingResult, Grade, InspectionState
from models.fieldwork import Finding
from tests.fieldworld import session_for

PROBLEM = "application/problem+json"


async def test_statistics_and_integrity_file(api: Any, world: Any) -> None:
    world.inspection.state = InspectionState.CLOSED
    await world.inspection.save()
    await Finding.create(inspection=world.inspection, item_version=world.items[0],
                         result=FindingResult.NONCOMPLIANT, description="未签合同",
                         recorded_by=world.staff["member"])
    leader = await session_for(api, world.staff["leader"])
    resp = await api.get(f"/api/v1/campaigns/{world.campaigns[0].id}/statistics", headers=leader)
    assert resp.status == 200, await resp.text()
    figures = (await resp.json())["figures"]
    assert figures["inspections"]["with_violations"] == 1
    resp = await api.get(f"/api/v1/campaigns/{world.other_campaign.id}/statistics",
                         headers=leader)
    assert resp.status == 404  # another leader's campaign

    resp = await api.get("/api/v1/statistics/2026", headers=leader)
    assert resp.status == 200, await resp.text()
    resp = await api.get("/api/v1/statistics/1999", headers=leader)
    assert resp.status == 422
    member = await session_for(api, world.staff["member"])
    resp = await api.get("/api/v1/statistics/2026", headers=member)
    assert resp.status == 403

    resp = await api.get(f"/api/v1/employers/{world.employer.id}/integrity-file", headers=leader)
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["uscc"] == world.employer.uscc
    assert any(f["source_type"] == "finding" for f in body["facts"])


async def test_record_a_fact(api: Any, world: Any) -> None:
    member = await session_for(api, world.staff["member"])
    url = f"/api/v1/employers/{world.employer.id}/credit-facts"
    fact = {"kind": "obstruction", "occurred_on": "2026-01-05", "description": "拒绝提供工资台账",
            "evidence": "询问笔录2026-01", "basis": "《劳动保障监察条例》第三十条"}
    resp = await api.post(url, json={**fact, "kind": "penalty"}, headers=member)
    assert resp.status == 422  # penalties come from their decisions, never typed in (R18)
    resp = await api.post(url, json=fact, headers=member)
    assert resp.status == 201, await resp.text()
    filed = await resp.json()
    assert filed["pending_review"] and filed["id"] is None  # grade-C weight: a second person
    admin = await session_for(api, world.staff["admin"])
    resp = await api.post(f"/api/v1/credit-fact-reviews/{filed['review_id']}/decision",
                          json={"approve": True}, headers=admin)
    assert resp.status == 200, await resp.text()
    assert await AuditEvent.filter(action="credit.fact.propose").exists()  # R21
    assert await AuditEvent.filter(action="credit.fact.approve").exists()
    wage = {**fact, "kind": "wage_arrears", "description": "拖欠工资"}
    resp = await api.post(url, json=wage, headers=member)
    assert resp.status == 201 and not (await resp.json())["pending_review"]
    assert await AuditEvent.filter(action="credit.fact.record").exists()
    leader = await session_for(api, world.staff["leader"])
    body = await (await api.get(f"/api/v1/employers/{world.employer.id}/integrity-file",
                                headers=leader)).json()
    assert any(f["kind"] == "obstruction" for f in body["facts"])


async def test_blacklist_notice_decide_withdraw(api: Any, world: Any) -> None:
    initiator = await session_for(api, world.staff["initiator"])
    noticed = (clock.today() - dt.timedelta(days=60)).isoformat()
    url = f"/api/v1/employers/{world.employer.id}/blacklist"
    body = {"cause": "拖欠农民工工资", "basis": "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条",
            "noticed_on": noticed, "legal_rep": "张某"}
    resp = await api.post(url, json=body, headers=initiator)
    assert resp.status == 201, await resp.text()
    entry = await resp.json()
    assert entry["status"] == "noticed"
    resp = await api.post(f"/api/v1/blacklist/{entry['id']}/decision", headers=initiator,
                          json={"listed": True, "decided_on": clock.today().isoformat()})
    assert resp.status == 200, await resp.text()
    listed = await resp.json()
    assert listed["status"] == "in_force" and listed["term_end"]
    resp = await api.post(f"/api/v1/blacklist/{entry['id']}/removal", headers=initiator,
                          json={"removed_on": clock.today().isoformat(),
                                "arrears_paid_on": noticed, "pledge": "承诺守法经营"})
    problem = await resp.json()
    # R23: six months on the list from the day the arrears were paid.
    assert resp.status == 409 and problem["code"] == "too_early"
    member = await session_for(api, world.staff["member"])
    assert (await api.post(url, json=body, headers=member)).status == 403
    # 谁执法、谁认定: the policy section does not decide on the list.
    admin = await session_for(api, world.staff["admin"])
    resp = await api.post(url, json=body, headers=admin)
    assert resp.status == 403 and (await resp.json())["code"] == "enforcing_section_only"


async def test_grade_review_by_the_policy_section(api: Any, world: Any) -> None:
    assessment = await GradeAssessment.create(employer=world.employer, year=2025,
                                              proposed=Grade.B)
    admin = await session_for(api, world.staff["admin"])
    listed = await (await api.get("/api/v1/grade-assessments?status=proposed",
                                  headers=admin)).json()
    assert [a["id"] for a in listed["items"]] == [assessment.id]
    resp = await api.post(f"/api/v1/grade-assessments/{assessment.id}/review", headers=admin,
                          json={"confirm": True,
                                "effective_from": (clock.today() + dt.timedelta(days=1)).isoformat()})
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["status"] == "confirmed"
    leader = await session_for(api, world.staff["leader"])
    assert (await api.get("/api/v1/grade-assessments", headers=leader)).status == 403


async def test_blacklist_cases_with_their_deadlines(api: Any, world: Any) -> None:
    """The desk's guided sequence reads the cases and each step's legal deadline from the server
    (人社部令第45号): the statement window, the first day a decision may be made, the term and the
    earliest early removal; the party is found by its exact USCC. The enforcing section and
    政策法规科 read; a leader or an inspector is refused."""
    initiator = await session_for(api, world.staff["initiator"])
    found = await api.get("/api/v1/blacklist/party", params={"uscc": world.employer.uscc.lower()},
                          headers=initiator)
    assert found.status == 200, await found.text()
    party = await found.json()
    assert party["employer_id"] == world.employer.id and party["open_entry"] is None
    noticed = clock.today() - dt.timedelta(days=30)
    resp = await api.post(f"/api/v1/employers/{world.employer.id}/blacklist", headers=initiator,
                          json={"cause": "拖欠农民工工资", "basis": "第五条",
                                "noticed_on": noticed.isoformat(), "legal_rep": "张某"})
    assert resp.status == 201, await resp.text()
    entry = await resp.json()
    assert entry["employer_name"] == world.employer.name and entry["legal_rep"] == "张某"
    hearing = dt.date.fromisoformat(entry["hearing_until"])
    assert hearing == (await add_working_days(noticed, 5)).day  # five working days
    assert entry["decide_from"] == (hearing + dt.timedelta(days=1)).isoformat()
    assert entry["term_end"] is None and entry["earliest_removal"] is None
    again = await (await api.get("/api/v1/blacklist/party", params={"uscc": world.employer.uscc},
                                 headers=initiator)).json()
    assert again["open_entry"]["id"] == entry["id"]
    decided = clock.today()
    resp = await api.post(f"/api/v1/blacklist/{entry['id']}/decision", headers=initiator,
                          json={"listed": True, "decided_on": decided.isoformat()})
    listed = await resp.json()
    assert listed["term_end"] == blacklist.term_end(decided).isoformat()
    assert listed["earliest_removal"] == blacklist.add_months(decided, 6).isoformat()
    admin = await session_for(api, world.staff["admin"])
    rows = (await (await api.get("/api/v1/blacklist?status=in_force", headers=admin)).json())["items"]
    assert [r["id"] for r in rows] == [entry["id"]] and rows[0]["status"] == "in_force"
    assert (await (await api.get("/api/v1/blacklist?status=noticed", headers=admin)).json()
            )["items"] == []
    bad = await api.get("/api/v1/blacklist/party", params={"uscc": "91500102MA7D10000X"},
                        headers=initiator)
    problem = await bad.json()
    assert bad.status == 422 and problem["errors"][0]["field"] == "uscc"
    assert "统一社会信用代码" in problem["errors"][0]["message"]
    too_long = await api.get("/api/v1/blacklist/party", params={"uscc": "9" * 20},
                             headers=initiator)  # once a 500 (found by the fuzz test)
    assert too_long.status == 422
    assert (await too_long.json())["errors"][0]["message"] == "统一社会信用代码长度应为18位，实为20位"
    for role in ("leader", "member"):
        refused = await api.get("/api/v1/blacklist", headers=await session_for(
            api, world.staff[role]))
        assert refused.status == 403 and refused.content_type == PROBLEM
        assert (await refused.json())["code"] == "blacklist_readers_only"
