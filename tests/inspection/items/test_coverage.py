"""R4 full coverage: over a year, every item of the published list, whether a campaign sampled
it, and how many employers."""

from __future__ import annotations

import datetime as dt

import pytest

from inspection.errors import Forbidden, ValidationFailed
from inspection.items import coverage
from models.enums import CampaignState, ItemVersionStatus
from models.items import Item, ItemVersion
from tests import credit_factories as f

pytestmark = pytest.mark.usefixtures("clean_db")

D = dt.date
AT = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)


async def listed(code: str, *, effective: D = D(2025, 1, 1), withdrawn: D | None = None,
                 draft: bool = False) -> ItemVersion:
    item = await Item.create(code=code, withdrawn=withdrawn is not None)
    v = await ItemVersion.create(
        item=item, version=1, name=f"事项{code}", basis="依据", subject="主体", content="内容",
        method="方式", effective_from=effective, published_at=None if draft else AT,
        status=ItemVersionStatus.DRAFT if draft else (
            ItemVersionStatus.SUPERSEDED if withdrawn else ItemVersionStatus.PUBLISHED))
    if withdrawn is not None:
        await ItemVersion.create(item=item, version=2, name=v.name, basis="依据", subject="主体",
                                 content="内容", method="方式", effective_from=withdrawn,
                                 published_at=AT, status=ItemVersionStatus.WITHDRAWN)
    return v


async def sampled(state: CampaignState, start: D, versions: list[ItemVersion],
                  employers: list) -> object:  # type: ignore[type-arg]
    campaign = await f.campaign(state=state, field_end=start + dt.timedelta(days=20))
    for v in versions:
        await f.campaign_item(campaign, v)
    for emp in employers:
        await f.inspection(emp, campaign)
    return campaign


async def test_every_listed_item_with_its_campaigns_and_employers() -> None:
    a, b = await listed("A"), await listed("B")
    await listed("C", withdrawn=D(2025, 6, 1))  # gone before the year
    e = await listed("E", withdrawn=D(2026, 3, 1))  # on the list part of the year
    await listed("F", draft=True)  # never published
    await listed("G", effective=D(2027, 1, 1))  # in force only next year
    e1, e2, e3 = await f.employer(), await f.employer(), await f.employer()
    c1 = await sampled(CampaignState.IN_FIELD, D(2026, 5, 1), [a], [e1, e2])
    c2 = await sampled(CampaignState.CLOSED, D(2026, 9, 1), [a, b], [e2, e3])
    await sampled(CampaignState.CANCELLED, D(2026, 4, 1), [e], [e1])  # never drew
    await sampled(CampaignState.APPROVED, D(2026, 4, 1), [e], [])  # not drawn yet
    await sampled(CampaignState.CLOSED, D(2025, 12, 1), [e], [e3])  # last year's

    result = await coverage.coverage(year=2026)
    got = {i.code: ([c.id for c in i.campaigns], i.employers, i.covered, i.withdrawn_on)
           for i in result.items}
    assert got == {"A": ([c1.id, c2.id], 3, True, None),  # type: ignore[attr-defined]
                   "B": ([c2.id], 2, True, None),  # type: ignore[attr-defined]
                   "E": ([], 0, False, D(2026, 3, 1))}
    assert result.covered == 2 and result.items[0].name == "事项A"
    last_year = await coverage.coverage(year=2025)
    assert {i.code: i.employers for i in last_year.items} == {"A": 0, "B": 0, "C": 0, "E": 1}


async def test_who_may_see_it() -> None:
    for roles in ({"is_admin": True}, {"is_initiator": True}):
        await coverage.coverage_for(staff=await f.staff(**roles), year=2026)
    with pytest.raises(Forbidden):
        await coverage.coverage_for(staff=await f.staff(is_leader=True, is_inspector=True),
                                    year=2026)
    with pytest.raises(ValidationFailed):
        await coverage.coverage(year=1900)
