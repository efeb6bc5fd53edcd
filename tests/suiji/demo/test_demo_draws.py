"""Demo part "draws", on fixture rosters (the demo rosters part is another module)."""

from __future__ import annotations

import pytest
from tortoise.transactions import in_transaction

from inspection.draw import records as draw_records
from models.campaigns import Campaign
from models.draws import Draw
from models.enums import CampaignState, DrawStatus, Grade
from suiji.demo import PARTS
from suiji.demo import draws as demo_draws
from tests.drawkit import employers_spec, make_world, reference_check

pytestmark = pytest.mark.usefixtures("clean_db")


async def test_demo_has_a_published_draw_and_one_awaiting_reveal():
    assert "draws" in PARTS
    await make_world(employers=[*employers_spec(40, grade=Grade.B),
                                *employers_spec(10, start=100, grade=Grade.C)])
    for _ in range(2):  # idempotent
        async with in_transaction():
            await demo_draws.load()
    done = await Campaign.get(code=demo_draws.DONE_CODE)
    assert done.state == CampaignState.CALLING_UP  # the reveal started the call-up (leader set)
    for d in await Draw.filter(campaign_id=done.id):
        assert d.status == DrawStatus.REVEALED
        reference_check(await draw_records.public_record(d.id, now=d.revealed_at))
    pending = await Campaign.get(code=demo_draws.PENDING_CODE)
    assert {d.status for d in await Draw.filter(campaign_id=pending.id)} == {DrawStatus.COMMITTED}
    assert await Campaign.all().count() == 2
