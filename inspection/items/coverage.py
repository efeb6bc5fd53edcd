"""R4 full coverage (100% of the items go through random sampling): over one year, every item
that was on the published list, whether a campaign sampled it, and how many employers.

An item counts for the year when one of its versions was published and in force on some day
of it (withdrawn items count until the year they were withdrawn). A campaign samples an item
when the item is among the campaign's items and the campaign's employers were drawn: it was
drawn and not cancelled, and its field window starts in the year (as the yearly frequency
limit counts, docs/sampling.md). Employers are the distinct employers of those campaigns'
visits (one visit may cover several campaigns, R20).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from inspection.errors import Forbidden, Problem, ValidationFailed
from models.campaigns import Campaign, CampaignItem
from models.enums import CampaignState, ItemVersionStatus, StaffStatus
from models.fieldwork import Inspection
from models.items import Item, ItemVersion
from models.org import Staff

SAMPLED_STATES = (CampaignState.DRAWN, CampaignState.CALLING_UP, CampaignState.IN_FIELD,
                  CampaignState.REPORTING, CampaignState.CLOSED)


@dataclass
class ItemCoverage:
    item_id: int
    code: str
    name: str
    withdrawn_on: dt.date | None
    campaigns: list[Campaign] = field(default_factory=list)
    employers: int = 0

    @property
    def covered(self) -> bool:
        return bool(self.campaigns)


@dataclass
class Coverage:
    year: int
    items: list[ItemCoverage]

    @property
    def covered(self) -> int:
        return sum(1 for i in self.items if i.covered)


def require_reader(staff: Staff) -> None:
    """政策法规科 keeps the list; initiating sections plan the campaigns that cover it."""
    if staff.status != StaffStatus.ACTIVE or not (staff.is_admin or staff.is_initiator):
        raise Forbidden("只有政策法规科和发起科室可以查看抽查事项覆盖情况", "coverage_forbidden")


async def _listed(year: int) -> dict[int, ItemCoverage]:
    """The items on the published list on some day of the year, by item id."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    versions = await ItemVersion.filter(published_at__isnull=False, effective_from__lte=last
                                        ).order_by("item_id", "version")
    names: dict[int, str] = {}
    withdrawn: dict[int, dt.date] = {}
    for v in versions:
        item_id = v.item_id
        if v.status == ItemVersionStatus.WITHDRAWN:
            assert v.effective_from is not None
            withdrawn[item_id] = v.effective_from
        else:
            names[item_id] = v.name  # the latest version in force by the year's end
    codes = dict(await Item.filter(id__in=list(names)).values_list("id", "code"))
    return {i: ItemCoverage(i, str(codes[i]), name, withdrawn.get(i))
            for i, name in names.items() if i not in withdrawn or withdrawn[i] > first}


async def coverage(*, year: int) -> Coverage:
    if not 2000 <= year <= 2100:
        raise ValidationFailed([Problem("年度须在 2000 至 2100 之间", field="year")])
    listed = await _listed(year)
    campaigns = {c.id: c for c in await Campaign.filter(
        state__in=SAMPLED_STATES, field_start__gte=dt.date(year, 1, 1),
        field_start__lte=dt.date(year, 12, 31)).order_by("field_start", "id")}
    links = await CampaignItem.filter(campaign_id__in=list(campaigns)).values_list(
        "campaign_id", "item_version__item_id") if campaigns else []
    visits = await Inspection.filter(campaigns__id__in=list(campaigns)).values_list(
        "campaigns__id", "employer_id") if campaigns else []
    employers_of: defaultdict[int, set[int]] = defaultdict(set)
    for campaign_id, employer_id in visits:
        employers_of[int(campaign_id)].add(int(employer_id))
    sampled: defaultdict[int, set[int]] = defaultdict(set)
    for campaign_id, item_id in links:
        sampled[int(item_id)].add(int(campaign_id))
    for item_id, entry in listed.items():
        ids = sorted(sampled.get(item_id, set()), key=lambda c: (campaigns[c].field_start, c))
        entry.campaigns = [campaigns[c] for c in ids]
        entry.employers = len(set().union(*(employers_of[c] for c in ids))) if ids else 0
    return Coverage(year, sorted(listed.values(), key=lambda i: i.code))


async def coverage_for(*, staff: Staff, year: int) -> Coverage:
    require_reader(staff)
    return await coverage(year=year)
