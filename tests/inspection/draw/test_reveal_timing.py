"""R10: a reveal waits a minimum time after the commitment, and the public entropy's source must
be dated on or after the commitment's day: nobody could have known it when the secret was fixed."""

from __future__ import annotations

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection import clock
from inspection.draw import protocol as draws
from inspection.draw import records as draw_records
from inspection.errors import Conflict, ValidationFailed
from models.draws import Draw
from models.enums import DrawStatus
from tests.drawkit import approved_campaign, employers_spec, make_world

pytestmark = pytest.mark.usefixtures("clean_db")

LATER = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


async def committed(hours_ago: float) -> tuple[str, dt.date]:
    world = await make_world(employers=employers_spec(4))
    campaign = await approved_campaign(world)
    async with in_transaction():
        await draws.commit_draws(campaign_code=campaign.code, actor="cli")
    at = clock.now() - dt.timedelta(hours=hours_ago)
    await Draw.filter(campaign_id=campaign.id).update(committed_at=at)
    return campaign.code, clock.db_time(at).date()


async def reveal(code: str, entropy: str = "福彩3D 2026321期 5 8 2", **kw: object) -> list[Draw]:
    async with in_transaction():
        return await draws.reveal_draws(campaign_code=code, public_entropy=entropy,
                                        actor="cli", **kw)  # type: ignore[arg-type]


async def test_too_early_is_refused_and_says_when() -> None:
    code, _ = await committed(hours_ago=0.5)
    with pytest.raises(Conflict) as exc:
        await reveal(code, entropy_source_date=clock.today())
    assert exc.value.code == "reveal_too_early"
    assert "须满 60 分钟" in exc.value.message
    assert not await Draw.exists(status=DrawStatus.REVEALED)
    # The bureau's setting decides how long: 20 minutes have passed, 15 are required.
    await Draw.all().update(committed_at=clock.now() - dt.timedelta(minutes=20))
    done = await reveal(code, min_delay=dt.timedelta(minutes=15),
                        entropy_source_date=clock.today())
    assert {d.status for d in done} == {DrawStatus.REVEALED}


async def test_the_entropy_must_carry_a_date_not_before_the_commitment() -> None:
    code, committed_on = await committed(hours_ago=2)
    with pytest.raises(ValidationFailed) as exc:
        await reveal(code)
    assert [(p.field, p.code) for p in exc.value.problems] == [
        ("entropy_source_date", "source_date_required")]
    with pytest.raises(ValidationFailed) as exc:
        await reveal(code, entropy_source_date=committed_on - dt.timedelta(days=1))
    assert exc.value.problems[0].code == "source_before_commit"
    assert "早于承诺公布之日" in exc.value.problems[0].message
    with pytest.raises(ValidationFailed) as exc:
        await reveal(code, entropy_source_date=clock.today() + dt.timedelta(days=1))
    assert exc.value.problems[0].code == "source_in_future"
    # A date written in the entropy itself is found and kept in the published record.
    entropy = f"体彩排列3 {committed_on:%Y年%-m月%-d日}开奖 4 0 9"
    done = await reveal(code, entropy=entropy)
    assert all(d.entropy_source_date == committed_on for d in done)
    record = await draw_records.public_record(done[0].id, now=LATER)
    assert record["public_entropy_date"] == committed_on.isoformat()
    assert record["public_entropy"] == entropy


@pytest.mark.parametrize(("text", "day"), [
    ("福彩3D 2026321期 5 8 2", None), ("3321.45", None),
    ("上证指数 2026-12-01 收盘 3321.45", dt.date(2026, 12, 1)),
    ("2026/2/30 无效，2026/3/1 开奖", dt.date(2026, 3, 1)),
    ("2026年12月1日 福彩3D", dt.date(2026, 12, 1)),
])
def test_dates_are_read_from_the_entropy_text(text: str, day: dt.date | None) -> None:
    assert draws.entropy_date(text) == day
