"""The desk (issue 14) in a real browser: Debian's Chromium at 1280×900, driven by playwright-core
(webapp/e2e/desk-*.mjs), against a real `suiji serve` on PostgreSQL + Redis with the demo data.
One server for the whole desk, to keep the run short; each scenario is its own script and its
result is checked on the server. Screenshots are kept under test-artifacts/webapp/desk-*.png."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from tortoise.functions import Count

from inspection import clock
from inspection.credit import integrity
from inspection.planning import campaigns as campaign_rules
from inspection.planning import sampling
from inspection.rosters.uscc import make_uscc
from models.audit import AuditEvent
from models.campaigns import Campaign
from models.credit import CreditFactReview, GradeAssessment
from models.draws import Draw, DrawEntry, DrawStratum
from models.employers import Employer
from models.enums import (
    AssessmentStatus,
    CreditEventKind,
    DrawKind,
    DrawStatus,
    EmployerStatus,
    Grade,
    ReviewState,
)
from models.org import Staff
from suiji.demo.draws import DONE_CODE
from suiji.settings import Settings
from tests.e2e.processes import ROOT, base_env, free_port, serve, spawn
from tests.webapp.stage import ARTIFACTS, Stage, close, require_webapp, run_node

ADMIN = "刘建国"  # the demo's 政策法规科
INITIATOR = "qinzhigang"  # 秦志刚, the demo's 发起科室 (劳动保障监察支队)


@pytest.fixture
async def desk(settings: Settings) -> AsyncIterator[Stage]:
    if not settings.database_url.startswith("postgres") or not settings.redis_url:
        pytest.skip("the browser tests run against PostgreSQL + Redis (./test.sh's second pass)")
    require_webapp()
    for old in ARTIFACTS.glob("desk-*.png"):  # this run's screenshots only
        old.unlink()
    port = free_port()
    environ = {**base_env(settings), "SUIJI_ENV": "development",
               "SUIJI_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
               # The ceremony in the test is held at once (R10's wait is tested elsewhere).
               "SUIJI_DRAW_MIN_REVEAL_DELAY_MINUTES": "0"}
    demo = await spawn(environ, "demo", output=True)
    _, err = await asyncio.wait_for(demo.communicate(), 180)
    assert demo.returncode == 0, err.decode()[-2000:]
    proc, base = await serve(environ, port=port)
    stage = Stage(base, proc, aiohttp.ClientSession())
    yield stage
    await close(stage)


async def roster_upload(stage: Stage, tmp_path: Path) -> None:
    """Done-when: an employer sheet with one bad row, the error against it, fixed, applied."""
    good = make_uscc("91500102MA7D1000"[:17].ljust(17, "0"))
    right = make_uscc("91500102MA7D2000"[:17].ljust(17, "0"))
    wrong = right[:-1] + ("0" if right[-1] != "0" else "1")
    sheet = tmp_path / "用人单位.csv"
    sheet.write_text("统一社会信用代码,单位名称,乡镇街道,所属行业,职工人数,诚信等级\n"
                     f"{good},重庆涪陵新材料有限公司,荔枝街道,制造业,120,B\n"
                     f"{wrong},涪陵区桥南物流有限公司,江北街道,交通运输业,45,A\n", encoding="utf-8")
    before = await Employer.all().count()
    out = await run_node("desk-rosters.mjs", base=stage.base, plan={
        "admin": ADMIN, "sheet": str(sheet), "bad_row": 3, "bad_field": "统一社会信用代码",
        "fix": right})
    assert out["problems"] == []
    assert out["bad_rows"] == 1 and "校验位错误" in out["bad_row_text"], out
    assert "1 行有误" in out["refusal"]
    assert "2条新增" in out["ready"].replace(" ", "").replace("\n", "")
    assert "新增 2 条" in out["applied"]
    assert out["download_magic"] == "PK" and out["download_name"].endswith(".xlsx")
    assert await Employer.all().count() == before + 2
    assert await Employer.filter(uscc=right, name="涪陵区桥南物流有限公司").exists()
    assert await AuditEvent.filter(action="employer.create").count() >= 2


async def _wizard_plan(stage: Stage, code: str) -> dict[str, Any]:
    """What the initiator types into the wizard: two items in force, a township that narrows the
    candidates, and a candidate of that township to leave out (found by the commit's own scan)."""
    options = await stage.call("GET", "/campaigns/form-options", INITIATOR)
    leader = next(x for x in options["leaders"] if x["name"] == "冉光明")
    start = clock.today() + dt.timedelta(days=14)  # the wizard's default window
    townships = await Employer.filter(status=EmployerStatus.ACTIVE).exclude(township="") \
        .group_by("township").annotate(n=Count("id")).order_by("-n").values_list("township", "n")
    township = str(townships[0][0])
    sample = await sampling.employer_candidates(
        field_start=start, rules=sampling.parse_rules({"filters": {"townships": [township]}}),
        item_version_ids=[])
    stratum = next(s for s in ("B", "C", "A", "ungraded") if sample.candidates.get(s))
    left_out = await Employer.get(uscc=sample.candidates[stratum][0])
    return {"initiator": "秦志刚", "code": code, "title": "2026年冬季劳动用工专项抽查",
            "purpose": "检查劳动合同签订和工资支付情况", "use_of_results": "记入用人单位劳动保障守法诚信档案",
            "items": [i["name"] for i in options["items"][:2]], "township": township,
            "exclude": {"query": left_out.name, "name": left_out.name, "uscc": left_out.uscc,
                        "stratum": stratum, "reason": "已列入区欠薪专项整治，另行检查"},
            "leader_label": f"{leader['name']}（{leader['section']}）", "leader_id": leader["id"]}


async def _names_in_order(draw: Draw) -> list[str]:
    rel = "employer__name" if draw.kind == DrawKind.EMPLOYERS else "staff__name"
    names = []
    for stratum in await DrawStratum.filter(draw_id=draw.id).order_by("id"):
        names += await DrawEntry.filter(draw_id=draw.id, stratum=stratum.stratum).order_by(
            "position").values_list(rel, flat=True)
    return [str(n) for n in names]


async def _wizard_held(out: dict[str, Any], plan: dict[str, Any],
                       campaign: Campaign) -> dict[str, int]:
    """What the wizard showed and saved; returns the live count per stratum it showed last."""
    # The wizard: the plan as typed, the live count moved by the rule change and the exclusion,
    # the missing reason refused against its row, the approval by the initiating section.
    assert out["campaign_id"] == campaign.id and campaign.leader_id == plan["leader_id"]
    assert campaign.rules["filters"] == {"townships": [plan["township"]]}
    left = plan["exclude"]
    assert campaign.rules["exclusions"] == [{"uscc": left["uscc"], "reason": left["reason"]}]
    assert out["exclude_error"] == "请写明不列入的理由" and out["rules_step_marked"]
    assert out["counts_township"]["total"] < out["counts_before"]["total"]
    assert out["counts_after"][left["stratum"]] == out["counts_township"][left["stratum"]] - 1
    assert left["name"] in out["exclusion_row"]
    assert out["listed_state"] == "已批准"
    assert "个工作日" in out["working_days"]
    # The live count is the API's count for the saved plan (asked before the commit) …
    api_count = out["api_preview"]
    shown = {k: v for k, v in out["counts_after"].items() if k != "total"}
    assert shown == {s["stratum"]: s["candidates"] for s in api_count["employers"]}
    assert out["counts_after"]["total"] == api_count["candidates_total"]
    assert int(out["summary_draw"]) == api_count["draw_total"] == campaign.employers_needed
    return shown


async def _recomputes(stage: Stage, d: Draw, tmp_path: Path) -> None:
    async with stage.http.get(f"{stage.base}/public/draws/{d.id}.json") as resp:
        assert resp.status == 200
        record = tmp_path / f"draw-{d.id}.json"
        record.write_text(json.dumps(await resp.json(), ensure_ascii=False), encoding="utf-8")
    check = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "tools" / "verify_draw.py"), str(record),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    said, err = await check.communicate()
    assert check.returncode == 0, said.decode() + err.decode()
    assert "全部一致" in said.decode()


async def draw_ceremony(stage: Stage, tmp_path: Path) -> None:
    """R10, R15: commit, entropy with source and date, reveal before named witnesses, the
    projector; the published records then recompute with tools/verify_draw.py."""
    code = "2026-FL-301"
    witnesses = ["区纪委监委派驻纪检监察组 刘芳", "企业代表 陈建国"]
    day = clock.today()
    plan = await _wizard_plan(stage, code)
    out = await run_node("desk-draw.mjs", base=stage.base, plan={
        **plan, "source": "福彩3D 2026322期", "value": "3 1 7", "date": day.isoformat(),
        "witnesses": witnesses})
    assert out["problems"] == []
    campaign = await Campaign.get(code=code)
    shown = await _wizard_held(out, plan, campaign)
    left = plan["exclude"]
    entropy = f"福彩3D 2026322期 3 1 7（{day.year}年{day.month}月{day.day}日）"
    assert out["entropy_text"] == out["projector_entropy"] == entropy
    draws = {d.kind: d for d in await Draw.filter(campaign_id=campaign.id)}
    assert {d.status for d in draws.values()} == {DrawStatus.REVEALED}
    # … and what the commit froze.
    frozen = {s.stratum: s.candidate_count
              for s in await DrawStratum.filter(draw_id=draws[DrawKind.EMPLOYERS].id)}
    assert frozen == shown
    assert {"key": left["uscc"], "stratum": left["stratum"], "reason": "plan_exclusion",
            "detail": left["reason"]} in draws[DrawKind.EMPLOYERS].exclusions
    for d in draws.values():
        assert d.public_entropy == entropy and d.witnesses == "、".join(witnesses)
        assert any(d.commitment[:8] in c for c in out["commitments"])
    assert out["employers"] == await _names_in_order(draws[DrawKind.EMPLOYERS])
    assert out["inspectors"] == await _names_in_order(draws[DrawKind.INSPECTORS])
    assert out["appearing"] < len(out["employers"]) + len(out["inspectors"])  # one by one
    assert out["qr"] == f"{stage.base}/public/draws/{draws[DrawKind.EMPLOYERS].id}"
    await campaign.refresh_from_db()
    assert out["field_state"] == campaign_rules.LABELS[campaign.state] == "召集中"
    labels = set(campaign_rules.LABELS.values())
    assert out["field_states"] and set(out["field_states"]) <= labels, out["field_states"]
    for d in draws.values():  # anyone can recompute the published record
        await _recomputes(stage, d, tmp_path)


async def grade_review(stage: Stage) -> None:
    """人社部规〔2016〕1号: the year's A-grade proposals confirmed at once (one request, each
    audited), one proposal with facts changed with a reason."""
    year = clock.today().year - 1
    pending_a = set(await GradeAssessment.filter(
        year=year, status=AssessmentStatus.PROPOSED, proposed=Grade.A).values_list("id", flat=True))
    assert len(pending_a) > 100, "the demo proposes a year's grades"
    audited = await AuditEvent.filter(action="grade.confirm").count()
    reason = "该案件经行政复议已撤销，不应计入"
    out = await run_node("desk-grades.mjs", base=stage.base, plan={
        "admin": ADMIN, "year": year, "reason": reason})
    assert out["problems"] == []
    assert out["selected"] == len(pending_a) and set(out["selected_ids"]) == pending_a
    assert f"确认 {len(pending_a)} 项" in out["confirmed_text"]
    assert await GradeAssessment.filter(id__in=pending_a,
                                        status=AssessmentStatus.CONFIRMED).count() == len(pending_a)
    assert await AuditEvent.filter(action="grade.confirm").count() == audited + len(pending_a) + 1
    changed = await GradeAssessment.get(id=out["changed_id"])
    assert changed.status == AssessmentStatus.CONFIRMED and changed.review_note == reason
    assert changed.confirmed == Grade(out["new_grade"]) != changed.proposed
    assert out["facts"] and reason in out["changed_row"]


async def statistics(stage: Stage) -> None:
    """Done-when: the numbers on the statistics screens equal the API's figures."""
    year = clock.today().year
    campaign = await Campaign.get(code=DONE_CODE)
    out = await run_node("desk-stats.mjs", base=stage.base, plan={
        "user": "冉光明", "year": year, "campaign_id": campaign.id})
    assert out["problems"] == []
    y = (await stage.call("GET", f"/statistics/{year}", "ranguangming"))["figures"]
    assert out["year_tiles"] == {
        "抽查任务": y["campaigns"]["count"], "计划检查单位": y["inspections"]["planned"],
        "已完成检查": y["inspections"]["inspected"], "发现违法": y["inspections"]["with_violations"],
        "限期改正": y["rectification"]["orders"], "行政处罚": y["penalties"]["count"],
        "列入黑名单": y["blacklist"]["listed_in_year"],
        "事项覆盖": (await stage.call("GET", f"/coverage/{year}", "ranguangming"))["covered"]}
    assert out["year_inspections"] == {"计划检查": y["inspections"]["planned"],
                                       "已完成检查": y["inspections"]["inspected"],
                                       "发现违法": y["inspections"]["with_violations"]}
    assert out["year_grades"] == {"A级": y["grades_now"]["A"], "B级": y["grades_now"]["B"],
                                  "C级": y["grades_now"]["C"], "未评级": y["grades_now"]["none"]}
    c = (await stage.call("GET", f"/campaigns/{campaign.id}/statistics", "ranguangming"))["figures"]
    assert out["campaign_tiles"] == {
        "抽中单位": c["drawn"]["total"], "已完成检查": c["inspections"]["inspected"],
        "发现违法": c["inspections"]["with_violations"], "限期改正": c["rectification"]["orders"],
        "行政处罚": c["penalties"]["count"], "召集检查人员": c["callups"]["called"]}
    assert sum(out["campaign_strata"].values()) == c["drawn"]["total"] > 0


async def four_eyes(stage: Stage) -> None:
    """Issue 16: a criminal fact waits for 政策法规科 and enters the file when agreed; a role change
    proposed by one admin is refused to the proposer and takes effect when another approves."""
    recorder = await Staff.get(wecom_userid=INITIATOR)
    employer = await Employer.all().order_by("id").first()
    assert employer is not None
    filed = await integrity.record_fact(
        employer_id=employer.id, kind=CreditEventKind.CRIMINAL, occurred_on=clock.today(),
        description="拒不支付劳动报酬，经移送司法机关追究刑事责任", evidence="（2026）渝0102刑初18号判决书",
        basis="《刑法》第二百七十六条之一", staff_id=recorder.id)
    assert isinstance(filed, CreditFactReview)
    person = await Staff.get(wecom_userid="wanglei")
    assert not person.is_leader
    out = await run_node("desk-reviews.mjs", base=stage.base, plan={
        "admin": ADMIN, "second": "谭晓燕", "employer": employer.name, "person": person.name})
    assert out["problems"] == []
    assert "须由提出调整的人以外" in out["own_refusal"]
    await filed.refresh_from_db()
    assert filed.state == ReviewState.APPROVED and filed.event_id is not None
    await person.refresh_from_db()
    assert person.is_leader and person.is_inspector
    assert await AuditEvent.filter(action="staff.role_change.approve").exists()


async def test_the_desk(desk: Stage, tmp_path: Path) -> None:
    await four_eyes(desk)
    await roster_upload(desk, tmp_path)
    await draw_ceremony(desk, tmp_path)
    await grade_review(desk)
    await statistics(desk)
