"""The campaign form's endpoints (issue 14 item 2): the live count of candidates per stratum for
draft rules (the very count the commit then freezes), the plan's exclusions with their reasons
(R14), what the form offers (items in force R1, leaders R16), and the states by their labels."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from inspection.calendar import load_calendar
from inspection.rosters.uscc import make_uscc
from models.campaigns import Campaign
from models.draws import Draw, DrawStratum
from models.employers import Employer
from models.enums import DrawKind, Grade
from models.org import Staff
from tests.fieldworld import session_for
from tests.miniprogram_api.test_api_campaigns import PROBLEM, _campaign_body, _published_item

pytestmark = pytest.mark.usefixtures("clean_db")


def _uscc(n: int) -> str:
    return make_uscc(f"91500102MA7W{n:04d}0")


async def _employers() -> list[str]:
    """Eight B-grade employers in 敦仁街道, four C-grade in 荔枝街道 (plus the world's one)."""
    keys = []
    for n in range(12):
        key = _uscc(n)
        keys.append(key)
        await Employer.create(uscc=key, name=f"涪陵向导{n}号公司",
                              township="敦仁街道" if n < 8 else "荔枝街道",
                              headcount=20 + n, grade=Grade.B if n < 8 else Grade.C)
    return keys


def _preview_body(body: dict[str, Any], rules: dict[str, Any]) -> dict[str, Any]:
    return {"field_start": body["field_start"], "field_end": body["field_end"], "rules": rules,
            "item_version_ids": body["item_version_ids"],
            "inspector_section_ids": body["inspector_section_ids"],
            "inspectors_needed": body["inspectors_needed"]}


def _counts(preview: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {s["stratum"]: (s["candidates"], s["count"]) for s in preview["employers"]}


async def test_preview_is_what_the_commit_freezes(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    initiator = await session_for(api, world.staff["initiator"])
    await Staff.filter(is_inspector=True).update(cert_valid_until=dt.date(2030, 12, 31))
    keys = await _employers()
    version_id = await _published_item(api, admin)
    body = _campaign_body(world, version_id, "2026-FL-201")
    url = "/api/v1/campaigns/preview-strata"
    rules: dict[str, Any] = {"strata": {"B": {"ratio": 0.5}, "C": {"all": True}}}
    campaigns = await Campaign.all().count()

    resp = await api.post(url, headers=initiator, json=_preview_body(body, rules))
    assert resp.status == 200, await resp.text()
    wide = await resp.json()
    assert _counts(wide) == {"B": (8, 4), "C": (4, 4)}
    assert wide["candidates_total"] == 12 and wide["draw_total"] == 8
    assert [s["label"] for s in wide["employers"]] == ["B级", "C级"]
    assert wide["inspectors"]["candidates"] >= 2 and wide["inspectors"]["label"] == "执法检查人员"
    start, end = (dt.date.fromisoformat(body[k]) for k in ("field_start", "field_end"))
    cal = await load_calendar()
    assert wide["working_days"] == sum(cal.is_workday(start + dt.timedelta(days=n))
                                       for n in range((end - start).days + 1)) > 15

    # A rule change changes the count: one township, and one employer left out with its reason.
    reason = "已列入区欠薪专项整治，另行检查"
    rules = {"strata": {"B": {"ratio": 0.5}, "C": {"all": True}},
             "filters": {"townships": ["敦仁街道"]},
             "exclusions": [{"uscc": keys[3], "reason": reason},
                            {"uscc": keys[9], "reason": "不在本次范围"}]}
    resp = await api.post(url, headers=initiator, json=_preview_body(body, rules))
    narrow = await resp.json()
    assert _counts(narrow) == {"B": (7, 4), "C": (0, 0)}
    assert narrow["employers"][0]["excluded"] == [
        {"reason": "plan_exclusion", "label": "实施方案确定不列入", "count": 1}]
    assert narrow["plan_exclusions"] == [
        {"uscc": keys[3], "name": "涪陵向导3号公司", "stratum": "B", "stratum_label": "B级"},
        {"uscc": keys[9], "name": "涪陵向导9号公司", "stratum": None, "stratum_label": None}]
    assert await Campaign.all().count() == campaigns  # nothing saved

    # Saved with those rules, approved and committed: the frozen strata are the preview's.
    resp = await api.post("/api/v1/campaigns", headers=initiator, json={**body, "rules": rules})
    assert resp.status == 201, await resp.text()
    created = await resp.json()
    assert created["rules"] == rules and created["item_version_ids"] == [version_id]
    assert created["state_label"] == "草稿"
    cid = created["id"]
    assert (await api.post(f"/api/v1/campaigns/{cid}/approve", headers=initiator)).status == 200
    resp = await api.post(f"/api/v1/campaigns/{cid}/draws/commit", headers=initiator)
    assert resp.status == 201, await resp.text()
    draw = await Draw.get(campaign_id=cid, kind=DrawKind.EMPLOYERS)
    frozen = {s.stratum: (s.candidate_count, s.count)
              for s in await DrawStratum.filter(draw_id=draw.id)}
    assert frozen == _counts(narrow)
    assert keys[3] not in (await DrawStratum.get(draw_id=draw.id, stratum="B")).candidates
    assert {"key": keys[3], "stratum": "B", "reason": "plan_exclusion",
            "detail": reason} in draw.exclusions
    inspectors = await Draw.get(campaign_id=cid, kind=DrawKind.INSPECTORS)
    stratum = await DrawStratum.get(draw_id=inspectors.id)
    assert stratum.candidate_count == narrow["inspectors"]["candidates"]


async def test_bad_rules_are_refused_against_their_field(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    initiator = await session_for(api, world.staff["initiator"])
    version_id = await _published_item(api, admin)
    body = _campaign_body(world, version_id, "2026-FL-202")
    bad = {"strata": {"B": {"ratio": 1.5}},
           "exclusions": [{"uscc": _uscc(1), "reason": " "}, {"uscc": "123", "reason": "x"}]}
    for url, payload in (("/api/v1/campaigns/preview-strata", _preview_body(body, bad)),
                         ("/api/v1/campaigns", {**body, "rules": bad})):
        resp = await api.post(url, headers=initiator, json=payload)
        assert resp.status == 422, url
        problem = await resp.json(content_type=PROBLEM)
        assert {e["field"]: e["message"] for e in problem["errors"]} == {
            "rules.strata.B": "抽取比例须大于 0 且不超过 1",
            "rules.exclusions.0.reason": "请写明不列入的理由",
            "rules.exclusions.1.uscc": "统一社会信用代码无效"}
    assert not await Campaign.filter(code="2026-FL-202").exists()
    resp = await api.post("/api/v1/campaigns/preview-strata", headers=initiator, json={
        **_preview_body(body, {}), "field_end": "2020-01-01"})
    assert resp.status == 422
    assert (await resp.json(content_type=PROBLEM))["errors"][0]["field"] == "field_end"
    # A window at the calendar's edge once overflowed the interval cut-off (a 500, found by
    # the fuzz test); the same bound holds for a saved plan.
    for url, payload in (("/api/v1/campaigns/preview-strata", {
            **_preview_body(body, {}), "field_start": "0001-01-01", "field_end": "0001-02-01"}),
            ("/api/v1/campaigns", {**body, "field_start": "0001-01-01", "field_end": "0001-02-01"})):
        resp = await api.post(url, headers=initiator, json=payload)
        assert resp.status == 422, url
        problem = await resp.json(content_type=PROBLEM)
        assert {e["field"] for e in problem["errors"]} == {"field_start", "field_end"}
        assert problem["errors"][0]["message"] == "日期须在 2000 年至 2099 年之间"


async def test_form_options_search_and_labels(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    initiator = await session_for(api, world.staff["initiator"])
    version_id = await _published_item(api, admin)
    keys = await _employers()
    resp = await api.get("/api/v1/campaigns/form-options", headers=initiator)
    assert resp.status == 200, await resp.text()
    options = await resp.json()
    # R1: only versions in force (the world's own have no effective date); R16: active leaders.
    assert [i["id"] for i in options["items"]] == [version_id]
    assert options["items"][0]["name"] == "劳动合同签订情况"
    leaders = {s["id"] for s in options["leaders"]}
    assert world.staff["leader"].id in leaders and world.staff["member"].id not in leaders
    assert options["states"]["in_field"] == "实地检查中" and options["strata"]["ungraded"] == "未评级"

    resp = await api.get("/api/v1/campaigns/employer-search", headers=initiator,
                         params={"q": "向导1"})
    found = (await resp.json())["items"]
    assert [e["name"] for e in found] == ["涪陵向导10号公司", "涪陵向导11号公司", "涪陵向导1号公司"]
    resp = await api.get("/api/v1/campaigns/employer-search", headers=initiator,
                         params={"q": keys[5][:12]})
    assert keys[5] in [e["uscc"] for e in (await resp.json())["items"]]
    resp = await api.get("/api/v1/campaigns/employer-search", headers=initiator,
                         params={"q": "涪"})
    assert (await resp.json())["items"] == []  # at least two characters

    listed = await (await api.get("/api/v1/campaigns", headers=initiator)).json()
    assert {c["state"]: c["state_label"] for c in listed["items"]}
    for c in listed["items"]:
        assert c["state_label"] == options["states"][c["state"]]
