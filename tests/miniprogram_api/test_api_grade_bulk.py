"""Grade review at the desk (issue 14, 人社部规〔2016〕1号): the year's proposals with the clauses
and facts behind each, and many confirmed at once — one transaction (all or none), each row
audited as a single review is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection import clock
from inspection.credit import fact_reviews, grading, integrity
from inspection.rosters.uscc import make_uscc
from models.audit import AuditEvent
from models.credit import GradeAssessment
from models.employers import Employer
from models.enums import AssessmentStatus, CreditEventKind, Grade
from tests.fieldworld import session_for

PROBLEM = "application/problem+json"


async def _proposals(world: Any) -> list[GradeAssessment]:
    others = [await Employer.create(uscc=make_uscc(f"91500102MA6U2000{n}"), name=f"涪陵{n}号公司")
              for n in range(3)]
    filed = await integrity.record_fact(
        employer_id=others[0].id, kind=CreditEventKind.OBSTRUCTION,
        occurred_on=dt.date(2025, 9, 8), description="拒绝检查人员进入车间", evidence="检查笔录",
        basis="《劳动保障监察条例》第三十条", staff_id=world.staff["initiator"].id,
        today=dt.date(2026, 1, 5))
    await fact_reviews.decide(staff=world.staff["admin"], review_id=filed.id, approve=True,
                              note="")  # a second person confirms it (issue 16)
    return await grading.propose(year=2025, actor="cli", today=dt.date(2026, 1, 5))


async def test_the_list_carries_the_clauses_and_facts(api: Any, world: Any) -> None:
    rows = await _proposals(world)
    admin = await session_for(api, world.staff["admin"])
    out = await (await api.get("/api/v1/grade-assessments?year=2025", headers=admin)).json()
    assert out["total"] == len(rows) == len(out["items"])
    obstructing = next(a for a in out["items"] if a["employer_name"] == "涪陵0号公司")
    assert obstructing["proposed"] == "C" and obstructing["current_grade"] == "none"
    clause = obstructing["clauses"][0]
    assert clause["citation"] and clause["facts"][0]["summary"]
    assert clause["facts"][0]["occurred_on"] == "2025-09-08"


async def test_many_confirmed_at_once_each_audited(api: Any, world: Any) -> None:
    rows = await _proposals(world)
    admin = await session_for(api, world.staff["admin"])
    today = clock.today().isoformat()
    before = await AuditEvent.filter(action="grade.confirm").count()
    resp = await api.post("/api/v1/grade-assessments/confirm", headers=admin, json={
        "assessment_ids": [a.id for a in rows], "effective_from": today, "note": "年度评价"})
    assert resp.status == 200, await resp.text()
    out = await resp.json()
    assert {a["status"] for a in out["items"]} == {"confirmed"} and out["total"] == len(rows)
    assert await AuditEvent.filter(action="grade.confirm").count() == before + len(rows)
    c = next(a for a in rows if a.proposed == Grade.C)
    employer = await Employer.get(id=c.employer_id)
    assert employer.grade == Grade.C  # in force today


async def test_all_or_none(api: Any, world: Any) -> None:
    rows = await _proposals(world)
    admin = await session_for(api, world.staff["admin"])
    day = (clock.today() + dt.timedelta(days=1)).isoformat()
    done = rows[0]
    resp = await api.post(f"/api/v1/grade-assessments/{done.id}/review", headers=admin,
                          json={"confirm": True, "effective_from": day})
    assert resp.status == 200
    resp = await api.post("/api/v1/grade-assessments/confirm", headers=admin, json={
        "assessment_ids": [a.id for a in rows], "effective_from": day})
    assert resp.status == 409
    body = await resp.json(content_type=PROBLEM)
    assert "未确认任何一项" in body["detail"] and "已审核" in body["errors"][0]["message"]
    assert await GradeAssessment.filter(status=AssessmentStatus.CONFIRMED).count() == 1
    resp = await api.post("/api/v1/grade-assessments/confirm", headers=admin, json={
        "assessment_ids": [a.id for a in rows[1:]], "effective_from": "2020-01-01"})
    assert resp.status == 422  # a date in the past refuses the lot
    assert await GradeAssessment.filter(status=AssessmentStatus.CONFIRMED).count() == 1
