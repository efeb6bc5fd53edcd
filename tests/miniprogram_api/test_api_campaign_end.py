"""One campaign from the annual plan to 已结束 with only API calls, WeCom callbacks and the outbox
timers, the time moved by the test clock (R13, R14, R15, R16, R17, R19, R22, R3): plan published,
draw, call-up answered in WeCom with a withdrawal after acceptance and the next in draw order
called, fieldwork, a rectification order whose employer upload is accepted, a penalty on the
window by itself on the day it takes effect, results published in one call, field work ended by
its window's timer, the report chased, approved and archived."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from inspection.notices.issuing import verification_code
from models.callups import CallUp
from models.enums import CallUpState, FindingResult, Grade, OutboxStatus
from models.fieldwork import Finding, Inspection
from models.org import Staff
from models.outbox import OutboxMessage
from notifications.appkeys import CONFIG, INBOUND, KV
from notifications.wecom.render import message_body
from notifications.worker import OutboxWorker
from suiji.app import create_app
from suiji.handlers import build_handlers
from tests.clockkit import TestClock, beijing
from tests.drawkit import World, employers_spec, make_world
from tests.fieldworld import jpeg, session_for
from tests.notices_fixtures import pdf_text
from tests.wecom_callbacks import AES_KEY, CORP_ID, TOKEN, card_event_xml, signed, text_xml

CODE = "2026-FL-101"


@pytest.fixture
async def api(aiohttp_client: Any, settings: Any) -> Any:
    """The staff API with WeCom's callback configured (inspectors answer in WeCom); sending to
    WeCom is not, so outbound messages wait in the outbox."""
    return await aiohttp_client(create_app(settings.model_copy(update={
        "wecom_token": TOKEN, "wecom_aes_key": AES_KEY, "wecom_corp_id": CORP_ID}),
        manage_db=False))


async def run_timers(api: Any) -> None:
    """The worker as `suiji serve` runs it: due internal rows run; WeCom rows wait (no WeCom)."""
    worker = OutboxWorker(handlers=build_handlers(wecom_client=None, kv=api.app[KV]), name="test", seed=1)
    while await worker.run_once():
        pass


async def ok(resp: Any, status: int = 200) -> Any:
    body = await resp.json()
    assert resp.status == status, body
    return body


async def plan_and_draw(api: Any, world: World, initiator: dict[str, str],
                        test_clock: TestClock) -> int:
    await ok(await api.post("/api/v1/plans", headers=initiator,
                            json={"year": 2026, "needs": "劳动合同专项抽查 2 户"}), 201)
    await ok(await api.post("/api/v1/plans/2026/publish", headers=initiator))
    campaign = await ok(await api.post("/api/v1/campaigns", headers=initiator, json={
        "code": CODE, "title": "劳动合同专项抽查", "field_start": "2026-06-15",
        "field_end": "2026-06-26", "item_version_ids": [v.id for v in world.items],
        "leader_id": world.leader.id, "inspector_section_ids": [world.section.id],
        "purpose": "检查劳动合同签订", "method": "现场检查", "use_of_results": "纳入诚信档案",
        "inspectors_needed": 2, "rules": {"strata": {"B": {"count": 2}}}}), 201)
    cid = campaign["id"]
    await ok(await api.post(f"/api/v1/campaigns/{cid}/approve", headers=initiator))
    await ok(await api.post(f"/api/v1/campaigns/{cid}/draws/commit", headers=initiator), 201)
    # R10: the draw meeting reveals at least an hour after the commitment, with entropy drawn
    # that day.
    test_clock.advance(minutes=90)
    await ok(await api.post(f"/api/v1/campaigns/{cid}/draws/reveal", headers=initiator,
                            json={"public_entropy": "福彩3D 2026160期 3 1 4",
                                  "entropy_source_date": test_clock.today().isoformat()}))
    return int(cid)


async def chat(api: Any, inner: str) -> None:
    """One signed WeCom callback, as WeCom delivers it."""
    params, body = signed(inner)
    resp = await api.post("/wecom/callback", params=params, data=body.encode())
    assert resp.status == 200, await resp.text()
    await api.app[INBOUND].drain()  # applied right after the answer


async def call_up_and_assign(api: Any, world: World, cid: int) -> tuple[list[Staff], list[int]]:
    """The two called answer in WeCom (one types 接受, one clicks the card); the first then
    withdraws for an official duty by chat (R15), the next in draw order is called and accepts
    in the app, and the leader assigns the team."""
    called = await CallUp.filter(campaign_id=cid, state=CallUpState.CALLED).order_by("position")
    first, second = [await Staff.get(id=c.staff_id) for c in called]
    await chat(api, text_xml(first.wecom_userid, "接受"))
    await chat(api, card_event_xml(second.wecom_userid, task_id=called[1].task_id, key="accept",
                                   response_code="RC-2"))
    assert await OutboxMessage.exists(topic="timer.field_window_end")  # the team is formed
    await chat(api, text_xml(first.wecom_userid, "公务 参加区政府安全生产专项检查"))
    withdrawn = await CallUp.get(id=called[0].id)
    assert (withdrawn.state, withdrawn.reason) == (CallUpState.WITHDRAWN, "参加区政府安全生产专项检查")
    nxt = await CallUp.get(campaign_id=cid, state=CallUpState.CALLED)
    assert nxt.replaces_id == withdrawn.id and nxt.position > called[1].position
    third = await Staff.get(id=nxt.staff_id)
    await ok(await api.post(f"/api/v1/callups/{nxt.id}/accept",
                            headers=await session_for(api, third)))
    team = [second, third]
    leader = await session_for(api, world.leader)
    visits = list(await Inspection.filter(campaigns=cid).order_by("id").values_list(
        "id", flat=True))
    for vid in visits:
        await ok(await api.put(f"/api/v1/inspections/{vid}/members", headers=leader,
                               json={"staff_ids": [s.id for s in team]}))
    return team, visits


async def rectify(api: Any, world: World, team: list[Staff], vid: int) -> None:
    """A 限期改正指令书 for the noncompliant finding; the employer proves itself on the notice
    page, uploads its evidence, an inspector accepts it, a follow-up finds it rectified (R22)."""
    member = await session_for(api, team[0])
    finding = await Finding.get(inspection_id=vid, result=FindingResult.NONCOMPLIANT)
    order = await ok(await api.post(f"/api/v1/inspections/{vid}/rectification-orders",
                                    headers=member, json={"finding_ids": [finding.id],
                                                          "requirements": "补签书面劳动合同",
                                                          "working_days": 10}), 201)
    token = order["notice_url"].rsplit("/", 1)[1]
    code = verification_code(token=token, secret=api.app[CONFIG].secret_key)  # from the paper
    acked = await api.post(f"/n/{token}/ack", data={"code": code})
    assert acked.status == 200, await acked.text()
    form = aiohttp.FormData()
    form.add_field("file", jpeg(), filename="合同.jpg", content_type="image/jpeg")
    assert (await api.post(f"/n/{token}/evidence", data=form)).status == 200
    uploads = await ok(await api.get(f"/api/v1/inspections/{vid}/employer-uploads",
                                     headers=member))
    [upload] = uploads["items"]
    await ok(await api.post(f"/api/v1/evidence/{upload['id']}/review", headers=member,
                            json={"accepted": True, "reason": ""}))
    assert "已采纳" in await (await api.get(f"/n/{token}")).text()  # the employer sees it
    await ok(await api.post(f"/api/v1/rectification-orders/{order['id']}/follow-ups",
                            headers=member, json={"visited_on": "2026-06-18",
                                                  "result": "rectified", "note": "已补签"}), 201)


async def inspect(api: Any, world: World, team: list[Staff], vid: int, result: str) -> None:
    heads = [await session_for(api, s) for s in team]
    base = f"/api/v1/inspections/{vid}"
    await ok(await api.post(base + "/check-in", headers=heads[0], json={}))
    await ok(await api.put(f"{base}/findings/{world.items[0].id}", headers=heads[0], json={
        "result": result, "description": "3 名劳动者未签书面劳动合同" if result != "compliant"
        else "", "basis": "《劳动合同法》第十条"}))
    for head in heads:
        await ok(await api.post(base + "/confirm", headers=head))
    await ok(await api.post(base + "/submit", headers=heads[0], json={}))


# long: the story of one campaign, step by step; split, it would no longer read as one.
async def test_one_campaign_from_plan_to_closed(api: Any, test_clock: TestClock) -> None:
    world = await make_world(inspectors=4, employers=employers_spec(3, grade=Grade.B))
    chief = await Staff.create(name="科长", wecom_userid="chief", section=world.section,
                               is_initiator=True)
    initiator = await session_for(api, chief)
    test_clock.set(beijing(2026, 6, 1, 9))
    cid = await plan_and_draw(api, world, initiator, test_clock)
    team, visits = await call_up_and_assign(api, world, cid)

    test_clock.set(beijing(2026, 6, 16, 10))
    await inspect(api, world, team, visits[0], "noncompliant")
    await inspect(api, world, team, visits[1], "compliant")
    test_clock.set(beijing(2026, 6, 18, 15))
    await rectify(api, world, team, visits[0])
    leader = await session_for(api, world.leader)
    penalty = await ok(await api.post(f"/api/v1/inspections/{visits[0]}/penalties", json={
        "number": "涪人社监罚〔2026〕21号", "procedure": "general", "cause": "未订立书面劳动合同",
        "basis": "《劳动合同法》第八十二条", "result": "罚款 6000 元", "decided_on": "2026-06-17",
        "effective_on": "2026-06-19"}, headers=leader), 201)
    for vid in visits:
        await ok(await api.post(f"/api/v1/inspections/{vid}/close",
                                headers=await session_for(api, team[0])))
    assert "涪人社监罚〔2026〕21号" not in await (await api.get("/public/penalties")).text()

    test_clock.set(beijing(2026, 6, 19, 0, 5))  # the decision takes effect: on the window
    await run_timers(api)
    assert "涪人社监罚〔2026〕21号" in await (await api.get("/public/penalties")).text()
    assert test_clock.today().isoformat() <= penalty["publication_due_on"]  # R17: in time
    duties = await ok(await api.get("/api/v1/publications?kind=result&state=pending",
                                    headers=initiator))
    for duty in duties["items"]:
        await ok(await api.post(f"/api/v1/publications/{duty['id']}/publish", headers=initiator))
    assert duties["total"] == 2 and "JC2026" in await (await api.get("/public/results")).text()

    test_clock.set(beijing(2026, 6, 27, 0, 1))  # the field window has ended
    await run_timers(api)
    report = await ok(await api.get(f"/api/v1/campaigns/{cid}/report", headers=initiator))
    assert report["campaign_state"] == "reporting" and report["due_on"] == "2026-07-10"

    test_clock.set(beijing(2026, 7, 10, 9, 1))  # due and not generated: chased
    await run_timers(api)
    chase = await OutboxMessage.filter(topic="wecom.message",
                                       idempotency_key__startswith="report-due:").first()
    assert chase is not None and "chief" in message_body(chase.payload)["touser"].split("|")
    assert chase.status == OutboxStatus.PENDING  # waits for WeCom, which this test has not
    await ok(await api.post(f"/api/v1/campaigns/{cid}/report", headers=initiator))
    closed = await ok(await api.post(f"/api/v1/campaigns/{cid}/report/approve",
                                     headers=initiator, json={"note": "同意，归档"}))
    assert closed["campaign_state"] == "closed" and closed["status"] == "archived"
    pdf = await api.get(f"/api/v1/campaigns/{cid}/report/pdf", headers=initiator)
    data = await pdf.read()
    assert pdf.status == 200 and data.startswith(b"%PDF")
    # The archived report as generated: its sections, the call-up told right, signed by the
    # bureau of the settings on the day it was generated.
    text = pdf_text(data)
    called = await CallUp.filter(campaign_id=cid).count()
    for part in ["一、基本情况", "二、抽查结果", "三、发现的主要问题", "四、处理情况", "五、下一步工作",
                 f"共发出召集{called}人次", api.app[CONFIG].issuer.name, "2026年7月10日"]:
        assert part in text, part
