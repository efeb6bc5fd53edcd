"""From the domain's facts to what WeCom receives: rendered at send time, the R14 guard at
enqueue and again on the rendered body, and rows from before templates still sent."""

from __future__ import annotations

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection import messages, outbox
from inspection.messages import ConfidentialityBreach, Template
from models.audit import AuditEvent
from models.enums import OutboxStatus
from models.outbox import OutboxMessage
from suiji.playground.standin import SEND, UPDATE
from tests import factories as f
from tests.notifications.outbox_helpers import drain, make_worker, wecom_handlers

pytestmark = pytest.mark.usefixtures("clean_db")

SECRET = "重庆保密测试有限公司"


async def confidential_campaign():
    c = await f.campaign(confidential=True)
    [insp] = await f.employers_with_inspections(c, [SECRET])
    return c, await insp.employer


async def test_facts_are_rendered_when_sent(wecom_standin, wecom_client, kv):
    c = await f.campaign()
    async with in_transaction():
        await messages.send(template=Template.CALLUP_CHASE, to=["insp2", "insp1", ""],
                            facts={"code": c.code, "title": c.title,
                                   "deadline": dt.datetime(2026, 3, 3, 1, tzinfo=dt.UTC)
                                   .isoformat()},
                            key="chase-1", campaign=c)
    row = await OutboxMessage.get(idempotency_key="chase-1")
    assert row.payload["to"] == ["insp1", "insp2"] and row.payload["campaign_id"] == c.id
    await drain(make_worker(wecom_handlers(wecom_client, kv)))
    [sent] = wecom_standin.deliveries
    assert sent.body["touser"] == "insp1|insp2" and sent.body["msgtype"] == "text"
    assert sent.body["text"]["content"] == (
        f"组长催办：请尽快答复 {c.code}（{c.title}）的召集，期限 3月3日 9:00。"
        "同意参加请回复“接受”；因公务无法参加请回复“公务”和事由，例如：公务 参加区政府专项检查。")


@pytest.mark.parametrize("mark", ["name", "uscc"])
async def test_guard_refuses_at_enqueue(mark):
    c, employer = await confidential_campaign()
    secret = employer.name if mark == "name" else employer.uscc
    with pytest.raises(ConfidentialityBreach):  # R14
        await messages.send(template=Template.TEAM_FORMED, to=["insp1"], campaign=c,
                            key="team", facts={"code": c.code, "title": c.title,
                                               "members": ["检查员1"], "employers": [secret],
                                               "for_leader": False})
    with pytest.raises(ConfidentialityBreach):
        await messages.send_text(to=["insp1"], content=f"请于周一到“{secret}”", key="x",
                                 campaign=c)
    assert not await OutboxMessage.exists()
    c.team_formed_at = f.NOW  # once the team is formed it may be named
    await messages.send_text(to=["insp1"], content=f"请于周一到{secret}", key="x", campaign=c)
    assert await OutboxMessage.exists(idempotency_key="x")


async def test_guard_refuses_at_render(wecom_standin, wecom_client, kv):
    """A row that slipped past `messages.send` (written directly) is still not sent (R14)."""
    c, _ = await confidential_campaign()
    async with in_transaction():
        await outbox.enqueue(topic="wecom.message", key="leak", payload={
            "template": "text", "to": ["insp1"], "campaign_id": c.id,
            "facts": {"content": f"请于周一到{SECRET}"}})
        await outbox.enqueue(topic="wecom.message", key="fine", payload={
            "template": "text", "to": ["insp1"], "campaign_id": c.id,
            "facts": {"content": "请于周一集合"}})
    await drain(make_worker(wecom_handlers(wecom_client, kv)))
    leak = await OutboxMessage.get(idempotency_key="leak")
    assert leak.status == OutboxStatus.FAILED and leak.last_error.startswith("r14_confidential")
    assert await AuditEvent.exists(action="outbox.failed", object_id=str(leak.id))
    assert [d.body["text"]["content"] for d in wecom_standin.deliveries] == ["请于周一集合"]
    assert all(SECRET not in str(call.body) for call in wecom_standin.calls_to(SEND))
    # After the team is formed the same words may go out.
    c.team_formed_at = f.NOW
    await c.save()
    async with in_transaction():
        await outbox.enqueue(topic="wecom.message", key="later", payload={
            "template": "text", "to": ["insp1"], "campaign_id": c.id,
            "facts": {"content": f"请于周一到{SECRET}"}})
    await drain(make_worker(wecom_handlers(wecom_client, kv)))
    assert (await OutboxMessage.get(idempotency_key="later")).status == OutboxStatus.SENT


async def test_unrenderable_row_fails_without_calling_wecom(wecom_standin, wecom_client, kv):
    async with in_transaction():
        await outbox.enqueue(topic="wecom.message", key="bad", payload={
            "template": "callup_reminder", "to": ["insp1"], "facts": {"code": "X"}})
    await drain(make_worker(wecom_handlers(wecom_client, kv)))
    row = await OutboxMessage.get(idempotency_key="bad")
    assert row.status == OutboxStatus.FAILED and row.last_error.startswith("cannot render")
    assert wecom_standin.calls_to(SEND) == []


async def test_legacy_rows_are_still_sent(wecom_standin, wecom_client, kv):
    """Deployed databases hold rows written before templates: finished WeCom bodies."""
    text = {"touser": "insp1", "msgtype": "text", "text": {"content": "提醒：请于今日答复"}}
    card = {"touser": "insp2", "msgtype": "template_card", "template_card": {
        "card_type": "button_interaction", "main_title": {"title": "召集"},
        "task_id": "legacy-1", "button_list": [{"text": "接受", "style": 1, "key": "accept"}]}}
    update = {"userids": ["insp3"], "response_code": wecom_standin.issue_response_code("insp3"),
              "button": {"replace_name": "已接受"}}
    async with in_transaction():
        await outbox.enqueue(topic="wecom.message", key="l-1", payload=text)
        await outbox.enqueue(topic="wecom.message", key="l-2", payload=card)
        await outbox.enqueue(topic="wecom.update_card", key="l-3", payload=update)
    await drain(make_worker(wecom_handlers(wecom_client, kv)))
    assert {m.status for m in await OutboxMessage.all()} == {OutboxStatus.SENT}
    bodies = [{k: v for k, v in d.body.items() if k in text or k in card}
              for d in wecom_standin.deliveries]
    assert bodies == [text, card]
    [call] = wecom_standin.calls_to(UPDATE)
    assert {k: call.body[k] for k in update} == update


async def test_card_update_is_rendered(wecom_standin, wecom_client, kv):
    c = await f.campaign()
    code = wecom_standin.issue_response_code("insp1")
    async with in_transaction():
        await messages.update_card(campaign=c, userid="insp1", response_code=code,
                                   template=Template.CALLUP_ANSWERED,
                                   facts={"state": "accepted"}, key="u-1")
        assert await messages.update_card(campaign=c, userid="insp1", response_code="",
                                          template=Template.CALLUP_ANSWERED,
                                          facts={"state": "accepted"}, key="u-2") is None
    await drain(make_worker(wecom_handlers(wecom_client, kv)))
    [call] = wecom_standin.calls_to(UPDATE)
    assert call.body["userids"] == ["insp1"] and call.body["response_code"] == code
    assert call.body["button"] == {"replace_name": "已接受"}


async def test_templates_go_to_their_own_topic():
    with pytest.raises(ValueError):
        await messages.send(template=Template.CALLUP_ANSWERED, to=["a"], facts={}, key="k")
    with pytest.raises(ValueError):
        await messages.update_card(campaign=await f.campaign(), userid="a", response_code="R",
                                   template=Template.TEXT, facts={}, key="k")
