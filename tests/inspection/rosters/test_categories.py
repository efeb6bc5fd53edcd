"""R2: employers carry categories (单位类别) from the roster sheet; items declare the categories
they concern (适用单位类别); a campaign's strata can be limited to them."""

from __future__ import annotations

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection.errors import ValidationFailed
from inspection.items import catalogue as items
from inspection.items import importing as item_import
from inspection.planning import sampling
from inspection.rosters import categories
from inspection.rosters import employers as rosters
from models.campaigns import CampaignItem
from models.employers import Employer
from models.enums import Grade
from models.items import ItemVersion
from tests.drawkit import approved_campaign, employers_spec, make_world, uscc
from tests.inspection.items.test_catalogue import FIELDS
from tests.inspection.rosters.test_employers import HEADERS, employer_rows, to_csv

pytestmark = pytest.mark.usefixtures("clean_db")


def test_no_category_name_contains_another() -> None:
    # The draw's scan matches stored names with LIKE '%name%' (inspection/planning/roster_scan).
    for a in categories.CATEGORIES:
        assert not [b for b in categories.CATEGORIES if a != b and a in b]


def test_words_and_aliases_become_the_fixed_names() -> None:
    assert categories.parse("劳务派遣公司、建筑企业,建筑施工企业") == (
        ["建筑施工企业", "劳务派遣单位"], [])
    assert categories.parse(["职业介绍机构", "饭店"]) == (["职业介绍机构"], ["饭店"])


async def test_the_roster_sheet_carries_categories_and_refuses_unknown_ones() -> None:
    rows = employer_rows(3)
    data = to_csv([*HEADERS, "单位类别"], [[*rows[0], "建筑施工企业、劳务派遣单位"],
                                          [*rows[1], ""], [*rows[2], "劳务派遣"]])
    async with in_transaction():
        await rosters.import_employers(data=data, filename="e.csv", actor="cli")
    got = dict(await Employer.all().values_list("uscc", "categories"))
    assert got == {rows[0][0]: "建筑施工企业、劳务派遣单位", rows[1][0]: "",
                   rows[2][0]: "劳务派遣单位"}
    bad = to_csv([*HEADERS, "单位类别"], [[*rows[0], "建筑施工企业、小饭馆"]])
    with pytest.raises(ValidationFailed) as exc:
        async with in_transaction():
            await rosters.import_employers(data=bad, filename="e.csv", actor="cli")
    [problem] = exc.value.problems
    assert (problem.row, problem.field, problem.code) == (2, "单位类别", "bad_category")
    assert "小饭馆" in problem.message and "建筑施工企业" in problem.message
    # A sheet without the column leaves the categories alone.
    async with in_transaction():
        await rosters.import_employers(data=to_csv(HEADERS, rows[:1]), filename="e.csv",
                                       actor="cli")
    assert (await Employer.get(uscc=rows[0][0])).categories == "建筑施工企业、劳务派遣单位"


async def test_items_declare_the_categories_they_concern() -> None:
    async with in_transaction():
        v1 = await items.create_item(actor="cli", code="NMG-01", fields=FIELDS,
                                     concerns=["建筑施工企业"])
        await items.publish_version(actor="cli", version_id=v1.id)
        v2 = await items.amend_item(actor="cli", item_id=v1.item_id,
                                    changes={"categories": ["建筑施工企业", "劳务派遣单位"]},
                                    reason="适用范围调整", effective_from=dt.date(2027, 1, 1))
    assert (v1.categories, v2.categories) == ("建筑施工企业", "建筑施工企业、劳务派遣单位")
    with pytest.raises(ValidationFailed) as exc:
        await items.create_item(actor="cli", code="X-1", fields=FIELDS, concerns=["商场"])
    assert exc.value.problems[0].field == "适用单位类别"
    data = await item_import.export_items()
    summary = await item_import.import_items(data=data, filename="items.xlsx", actor="cli")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)


async def _world_with_categories():  # type: ignore[no-untyped-def]
    roster = [*employers_spec(2, start=1, grade=Grade.B, categories="建筑施工企业"),
              *employers_spec(1, start=10, grade=Grade.B, categories="劳务派遣单位、建筑施工企业"),
              *employers_spec(1, start=20, grade=Grade.B, categories="职业介绍机构"),
              *employers_spec(2, start=30, grade=Grade.B)]
    return await make_world(employers=roster)


async def test_a_campaign_may_name_the_categories_it_samples() -> None:
    world = await _world_with_categories()
    campaign = await approved_campaign(world, rules={
        "strata": {"B": {"all": True}}, "filters": {"categories": ["劳务派遣单位", "职业介绍机构"]}})
    sample = await sampling.sample_employers(campaign, sampling.parse_rules(campaign.rules))
    assert sample.candidates == {"B": [uscc(10), uscc(20)]}


async def test_or_limit_its_strata_to_the_categories_its_items_concern() -> None:
    world = await _world_with_categories()
    world.items[0].categories = "建筑施工企业"
    await world.items[0].save()
    rules = {"strata": {"B": {"all": True}}, "filters": {"item_categories": True}}
    campaign = await approved_campaign(world, rules=rules)
    sample = await sampling.sample_employers(campaign, sampling.parse_rules(campaign.rules))
    assert sample.candidates == {"B": [uscc(1), uscc(2), uscc(10)]}
    # An item that concerns every employer lifts the limit: nobody may be left out.
    general = await ItemVersion.create(item=world.items[0].item, version=2, name="工资支付",  # type: ignore[attr-defined]
                                       basis="依据", subject="主体", content="内容", method="方式")
    await CampaignItem.filter(campaign=campaign).delete()
    await CampaignItem.create(campaign=campaign, item_version=world.items[0])
    await CampaignItem.create(campaign=campaign, item_version=general)
    sample = await sampling.sample_employers(campaign, sampling.parse_rules(campaign.rules))
    assert len(sample.candidates["B"]) == 6


@pytest.mark.parametrize("filters", [
    {"categories": ["饭店"]}, {"categories": "建筑施工企业"}, {"item_categories": "yes"},
    {"categories": ["建筑施工企业"], "item_categories": True},
])
def test_bad_category_filters_are_refused(filters: dict) -> None:
    with pytest.raises(ValidationFailed):
        sampling.parse_rules({"filters": filters})
