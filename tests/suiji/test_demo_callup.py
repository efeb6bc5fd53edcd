"""The demo leaves one campaign at the call-up stage, cards queued, idempotently."""

import pytest

from inspection.draw import verifier as verify_draw
from models.callups import CallUp
from models.campaigns import Campaign
from models.draws import Draw, DrawEntry, DrawStratum
from models.enums import CampaignState
from models.outbox import OutboxMessage
from suiji.demo import callup as demo
from tests.wecom_rows import body

pytestmark = pytest.mark.usefixtures("clean_db")


async def test_demo_callup_stage_and_idempotent():
    await demo.load()
    await demo.load()
    campaign = await Campaign.get(code=demo.CODE)
    assert campaign.state == CampaignState.CALLING_UP
    assert await CallUp.filter(campaign_id=campaign.id).count() == 4
    queued = await OutboxMessage.filter(topic="wecom.message")
    cards = [body(m) for m in queued if body(m)["msgtype"] == "template_card"]
    assert len(cards) == 4
    # confidential: no employer named in the facts or on the cards (R14)
    assert all("示范" not in str(m.payload) for m in queued)
    assert all("示范" not in str(c) for c in cards)


async def test_demo_draw_is_recomputable():
    await demo.load()
    draw = await Draw.get(campaign__code=demo.CODE)
    stratum = await DrawStratum.get(draw_id=draw.id)
    keys = stratum.candidates.split("\n")
    seed = verify_draw.compute_seed(demo.CODE, "inspectors", stratum.roster_hash,
                                    draw.public_entropy, draw.secret)
    entries = await DrawEntry.filter(draw_id=draw.id).order_by("position")
    assert [e.key for e in entries] == verify_draw.draw_order(seed, keys)
    assert verify_draw.roster_hash(keys) == stratum.roster_hash
