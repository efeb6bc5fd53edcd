"""Shared pieces of the end-to-end call-up tests: a drawn campaign, the stand-in's view of it."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from inspection.draw import protocol as draws
from models.campaigns import Campaign
from models.draws import DrawEntry
from models.enums import DrawKind, Grade
from models.org import Staff
from suiji.playground.standin import SEND, WeComStandIn
from tests.drawkit import approved_campaign, employers_spec, make_world, reveal_now

ENTROPY = "福彩3D 2026321期 5 8 2"
CODE = "2026-FL-077"


async def drawn_campaign(*, inspectors: int = 8, needed: int = 3,
                         code: str = CODE) -> tuple[Campaign, list[Staff], Staff]:
    """Commit and reveal both draws with the real draw functions; the reveal starts the call-up.

    Returns the campaign, the inspectors in draw order and the leader.
    """
    world = await make_world(inspectors=inspectors, employers=employers_spec(8, grade=Grade.C))
    campaign = await approved_campaign(world, code=code, rules={"strata": {"C": {"count": 4}}},
                                       inspectors_needed=needed)
    async with in_transaction():
        await draws.commit_draws(campaign_code=code, actor="cli")
    async with in_transaction():
        await draws.reveal_draws(campaign_code=code,
                                 public_entropy=ENTROPY, actor="cli", **reveal_now())
    ids = await DrawEntry.filter(draw__campaign_id=campaign.id, draw__kind=DrawKind.INSPECTORS
                                 ).order_by("position").values_list("staff_id", flat=True)
    by_id = {s.id: s for s in await Staff.filter(id__in=ids)}
    return await Campaign.get(id=campaign.id), [by_id[i] for i in ids], world.leader


def cards(standin: WeComStandIn) -> list[dict[str, Any]]:
    """Template cards delivered, in delivery order."""
    return [d.body for d in standin.deliveries if d.body.get("msgtype") == "template_card"]


def texts_to(standin: WeComStandIn, userid: str) -> list[str]:
    return [d.body["text"]["content"] for d in standin.delivered_to(userid)
            if d.body.get("msgtype") == "text"]


def response_code(standin: WeComStandIn, task_id: str) -> str:
    """The response_code the stand-in issued with the card `task_id` (what a click carries)."""
    for call in standin.calls_to(SEND):
        card = (call.body or {}).get("template_card") if isinstance(call.body, dict) else None
        if card and card.get("task_id") == task_id and call.answer \
                and "response_code" in call.answer:
            return str(call.answer["response_code"])
    raise AssertionError(f"no response_code issued for {task_id}")


def click_code(standin: WeComStandIn, userid: str) -> str:
    """The response_code WeCom attached to the card on `userid`'s phone. Read from the stand-in's
    own record, because a "lost" send delivered the card while our side never saw the answer."""
    codes = [c for c, u in standin._response_codes.items() if u == userid]
    assert len(codes) == 1, f"{userid}: {len(codes)} open response codes"
    return codes[0]
