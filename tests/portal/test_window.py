import datetime as dt
import json

import pytest

from models.campaigns import AnnualPlan, Campaign
from models.credit import MajorViolation
from models.employers import BlacklistEntry, Employer
from models.enums import (
    BlacklistStatus,
    CampaignState,
    FindingResult,
    InspectionState,
    ItemVersionStatus,
    MajorViolationCategory,
    PenaltyProcedure,
    PlanStatus,
    PublicationKind,
)
from models.fieldwork import Finding, Inspection
from models.items import Item, ItemVersion
from models.penalties import PenaltyDecision
from models.publication import Publication
from suiji.app import create_app
from tests.notices_fixtures import make_world

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(create_app(settings, manage_db=False))


async def make_public_world() -> dict:
    w = await make_world(items=False)
    item = await Item.create(code="SX-001")
    await ItemVersion.create(item=item, version=1, name="劳动合同订立情况", basis="《劳动合同法》",
                                  subject="区人力社保局", content="书面劳动合同", method="现场检查",
                                  status=ItemVersionStatus.SUPERSEDED, published_at=NOW,
                                  effective_from=dt.date(2025, 1, 1))
    v2 = await ItemVersion.create(item=item, version=2, name="劳动合同订立情况", basis="《劳动合同法》第十条",
                                  subject="区人力社保局", content="书面劳动合同及台账", method="现场检查",
                                  status=ItemVersionStatus.PUBLISHED, published_at=NOW,
                                  effective_from=dt.date(2026, 1, 1), reason="法规修订")
    await ItemVersion.create(item=item, version=3, name="草稿事项", basis="-", subject="-",
                             content="-", method="-", status=ItemVersionStatus.DRAFT)
    await AnnualPlan.create(year=2026, section=w["section"], needs="抽查建筑业企业30家",
                            submitted_at=NOW, status=PlanStatus.PUBLISHED, published_at=NOW)
    await AnnualPlan.create(year=2027, section=w["section"], needs="未公示的计划", submitted_at=NOW)
    insp = w["inspection"]
    insp.state, insp.closed_at = InspectionState.CLOSED, NOW
    await insp.save()
    await Finding.create(inspection=insp, item_version=v2, result=FindingResult.NONCOMPLIANT,
                         description="3人未签合同", recorded_by=w["staff"])
    secret_emp = await Employer.create(uscc="91500102MA5U7SEC9X", name="保密抽查单位")
    secret = await Inspection.create(code="JC2026-0099", employer=secret_emp,
                                     state=InspectionState.CLOSED, closed_at=NOW,
                                     window_start=dt.date(2026, 9, 1), window_end=dt.date(2026, 9, 30))
    await Publication.create(kind=PublicationKind.RESULT, object_type="inspection",
                             object_id=secret.id, title="保密", published_at=NOW,
                             visible_from=NOW + dt.timedelta(days=30))
    general = await PenaltyDecision.create(
        number="涪人社监罚〔2026〕第3号", employer=w["employer"], procedure=PenaltyProcedure.GENERAL,
        cause="未按规定订立书面劳动合同", basis="《劳动合同法》第八十二条", result="罚款人民币五千元",
        decided_on=dt.date(2026, 9, 30))
    await PenaltyDecision.create(number="简易-1", employer=w["employer"],
                                 procedure=PenaltyProcedure.SIMPLE, cause="简易程序案由",
                                 basis="-", result="警告", decided_on=dt.date(2026, 9, 30))
    pending = await PenaltyDecision.create(
        number="涪人社监罚〔2026〕第4号", employer=w["employer"], procedure=PenaltyProcedure.GENERAL,
        cause="待公示案由", basis="-", result="-", decided_on=dt.date(2026, 10, 9))
    await Publication.create(kind=PublicationKind.PENALTY, object_type="penalty_decision",
                             object_id=general.id, title="t", published_at=NOW)
    await Publication.create(kind=PublicationKind.PENALTY, object_type="penalty_decision",
                             object_id=pending.id, title="t", due_on=dt.date(2026, 11, 6))
    await BlacklistEntry.create(employer=w["employer"], status=BlacklistStatus.IN_FORCE,
                                cause="拖欠农民工工资", term_start=dt.date(2026, 1, 1),
                                term_end=dt.date(2029, 1, 1), legal_rep="王某")
    await BlacklistEntry.create(employer=secret_emp, status=BlacklistStatus.NOTICED,
                                cause="听证中")
    withdrawn = await BlacklistEntry.create(employer=secret_emp, status=BlacklistStatus.IN_FORCE,
                                            cause="已撤回公示", term_start=dt.date(2026, 1, 1))
    await Publication.create(kind=PublicationKind.BLACKLIST, object_type="blacklist_entry",
                             object_id=withdrawn.id, title="t", published_at=NOW,
                             withdrawn_at=NOW, withdrawn_reason="复核撤销")
    await _cancelled_and_major(w)
    return w


async def _cancelled_and_major(w: dict) -> None:
    for code, published in (("2026-FL-021", True), ("2026-FL-022", False)):
        c = await Campaign.create(code=code, title=f"专项抽查{code[-2:]}", section=w["section"],
                                  field_start=dt.date(2026, 9, 1), field_end=dt.date(2026, 9, 30),
                                  state=CampaignState.CANCELLED, closed_at=NOW,
                                  cancel_reason=f"上级部署调整（{code}）")
        await Publication.create(kind=PublicationKind.CANCELLATION, object_type="campaign",
                                 object_id=c.id, title="t",
                                 published_at=NOW if published else None)
    for quarter, published in ((3, True), (4, False)):
        await MajorViolation.create(
            employer=w["employer"], category=MajorViolationCategory.WAGE_ARREARS,
            entity_name=w["employer"].name, uscc=w["employer"].uscc, address="涪陵区江东街道",
            legal_rep="王某", facts=f"拖欠 20 名农民工工资（第{quarter}季度）",
            handling="已责令支付并罚款", decided_on=dt.date(2026, quarter * 3 - 1, 10),
            year=2026, quarter=quarter)
        await Publication.create(kind=PublicationKind.MAJOR_VIOLATION,
                                 object_type="major_violation_quarter", object_id=20260 + quarter,
                                 title="q", published_at=NOW if published else None)


async def test_index_links_every_listing(client):
    html = await (await client.get("/public/")).text()
    for path in ("items", "items/history", "plans", "results", "penalties", "blacklist", "draws",
                 "major-violations", "cancelled"):
        assert f'href="/public/{path}"' in html
    body = await (await client.get("/public/index.json")).json()
    assert any(x["json"] == "/public/penalties.json" for x in body["listings"] if "json" in x)


async def test_items_current_and_history(client):
    await make_public_world()
    rows = (await (await client.get("/public/items.json")).json())["rows"]
    assert [(r["code"], r["version"]) for r in rows] == [("SX-001", 2)]
    hist = (await (await client.get("/public/items/history.json")).json())["rows"]
    assert [(r["version"], r["status"]) for r in hist] == [(2, "已公布"), (1, "已被新版本取代")]
    html = await (await client.get("/public/items")).text()
    assert "草稿事项" not in html and "检查依据" in html


async def test_plans_results_penalties_blacklist_show_only_what_is_public(client):
    await make_public_world()
    plans = (await (await client.get("/public/plans.json")).json())["rows"]
    assert [p["year"] for p in plans] == [2026]
    results = (await (await client.get("/public/results.json")).json())["rows"]
    assert [r["code"] for r in results] == ["JC2026-0001"]  # the embargoed one is not shown
    assert results[0]["problems"] == "劳动合同订立情况" and results[0]["noncompliant"] == 1
    pen = (await (await client.get("/public/penalties.json")).json())["rows"]
    assert [p["number"] for p in pen] == ["涪人社监罚〔2026〕第3号"]  # general procedure, published
    assert set(pen[0]) >= {"party", "cause", "basis", "result"}
    bl = (await (await client.get("/public/blacklist.json")).json())["rows"]
    assert [b["employer"] for b in bl] == ["重庆涪江建筑工程有限公司"]
    html = await (await client.get("/public/penalties")).text()
    assert "罚款人民币五千元" in html and "简易程序案由" not in html and "待公示案由" not in html


async def test_cancelled_campaigns_and_major_violations_once_published(client):
    await make_public_world()
    rows = (await (await client.get("/public/cancelled.json")).json())["rows"]
    assert [(r["code"], r["reason"]) for r in rows] == [("2026-FL-021", "上级部署调整（2026-FL-021）")]
    html = await (await client.get("/public/cancelled")).text()
    assert "取消原因" in html and "2026-FL-022" not in html
    rows = (await (await client.get("/public/major-violations.json")).json())["rows"]
    assert [r["quarter"] for r in rows] == ["2026年第3季度"]
    # The items 人社部令第29号 has published, in plain Chinese.
    assert rows[0]["address"] == "涪陵区江东街道" and rows[0]["legal_rep"] == "王某"
    assert rows[0]["category"] == "克扣、无故拖欠劳动者劳动报酬，数额较大"
    html = await (await client.get("/public/major-violations")).text()
    assert "违法主体全称" in html and "第4季度" not in html
    bl = (await (await client.get("/public/blacklist.json")).json())["rows"]
    assert bl[0]["decided_by"] == "重庆市涪陵区人力资源和社会保障局"


async def test_search_by_name_and_uscc(client):
    w = await make_public_world()
    by_name = await (await client.get("/public/search.json", params={"q": "涪江建筑"})).json()
    assert len(by_name["penalties"]) == 1 and len(by_name["results"]) == 1
    assert len(by_name["major-violations"]) == 1
    by_code = await (await client.get("/public/search.json",
                                      params={"q": w["employer"].uscc.lower()})).json()
    assert len(by_code["blacklist"]) == 1
    secret = await (await client.get("/public/search.json", params={"q": "保密抽查"})).json()
    assert secret["results"] == [] and secret["blacklist"] == []
    html = await (await client.get("/public/search", params={"q": "<b>涪江"})).text()
    assert "&lt;b&gt;涪江" in html and "<b>涪江" not in html
    resp = await client.get("/public/search.json")
    assert resp.status == 400 and resp.content_type == "application/problem+json"


async def test_json_is_utf8_and_paged(client):
    await make_public_world()
    resp = await client.get("/public/items.json?page=abc")
    raw = await resp.read()
    assert "劳动合同".encode() in raw
    assert json.loads(raw)["page"] == 1
