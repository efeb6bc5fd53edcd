"""The item list (R1, R7): publish, amend as a new version, withdraw; only current items usable."""

import asyncio
import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection.errors import Conflict, ValidationFailed
from inspection.items import catalogue as items
from inspection.items import importing as item_import
from models.audit import AuditEvent
from models.enums import ItemVersionStatus, PublicationKind
from models.items import Item, ItemVersion
from models.publication import Publication
from tests.inspection.rosters.test_employers import to_csv

pytestmark = pytest.mark.usefixtures("clean_db")

D1, D2, D3 = dt.date(2026, 1, 5), dt.date(2026, 3, 1), dt.date(2026, 6, 1)
FIELDS = {"name": "与劳动者订立劳动合同的情况", "basis": "《劳动保障监察条例》第十一条第（二）项",
          "subject": "涪陵区人力资源和社会保障局", "content": "检查书面劳动合同签订情况",
          "method": "书面审查、实地检查"}


async def published_item(code="LD-02"):
    async with in_transaction():
        v = await items.create_item(actor="cli", code=code, fields=FIELDS)
        return await items.publish_version(actor="cli", version_id=v.id, today=D1)


async def test_draft_is_not_usable_until_published():
    async with in_transaction():
        v = await items.create_item(actor="cli", code="LD-02", fields=FIELDS)
    with pytest.raises(items.ItemsNotUsable) as info:
        await items.require_usable(item_version_ids=[v.id], today=D1)
    assert "草稿" in info.value.problems[0].message
    async with in_transaction():
        await items.publish_version(actor="cli", version_id=v.id, today=D1)
    assert [x.id for x in await items.require_usable(item_version_ids=[v.id], today=D1)] == [v.id]
    pub = await Publication.get(kind=PublicationKind.ITEM_LIST, object_id=v.id)
    assert pub.published_at is not None and "第 1 版" in pub.title
    assert await AuditEvent.filter(action="item.publish").count() == 1


async def test_amend_publish_supersedes_previous():
    v1 = await published_item()
    async with in_transaction():
        v2 = await items.amend_item(actor="cli", item_id=v1.item_id, reason="条例修订",
                                    changes={"content": "检查劳动合同签订及履行情况"},
                                    effective_from=D2)
    assert (v2.version, v2.status) == (2, ItemVersionStatus.DRAFT)
    with pytest.raises(Conflict):
        async with in_transaction():
            await items.amend_item(actor="cli", item_id=v1.item_id, reason="再改", changes={},
                                   effective_from=D2)
    async with in_transaction():
        await items.publish_version(actor="cli", version_id=v2.id, today=D1)
    # Published ahead of its effective date: version 1 stays in force until then.
    assert [v.id for v in await items.current_published_versions(today=D1)] == [v1.id]
    with pytest.raises(items.ItemsNotUsable):
        await items.require_usable(item_version_ids=[v2.id], today=D1)
    assert [v.id for v in await items.current_published_versions(today=D2)] == [v2.id]
    with pytest.raises(items.ItemsNotUsable) as info:
        await items.require_usable(item_version_ids=[v1.id], today=D2)
    assert info.value.code == "items_not_usable"
    async with in_transaction():
        assert await items.supersede_due(actor="system", today=D2) == 1
    assert (await ItemVersion.get(id=v1.id)).status == ItemVersionStatus.SUPERSEDED
    ev = await AuditEvent.get(action="item.amend")
    assert ev.before == {"content": FIELDS["content"]} and ev.after["reason"] == "条例修订"


async def test_amend_needs_reason():
    v1 = await published_item()
    with pytest.raises(ValidationFailed):
        await items.amend_item(actor="cli", item_id=v1.item_id, reason=" ", changes={},
                               effective_from=D2)


async def test_withdraw_is_published_and_makes_item_unusable():
    v1 = await published_item()
    async with in_transaction():
        await items.withdraw_item(actor="cli", item_id=v1.item_id, reason="法规废止", today=D2)
    assert await items.current_published_versions(today=D3) == []
    with pytest.raises(items.ItemsNotUsable):
        await items.require_usable(item_version_ids=[v1.id], today=D3)
    final = await ItemVersion.filter(item_id=v1.item_id).order_by("-version").first()
    assert (final.status, final.reason, final.version) == (ItemVersionStatus.WITHDRAWN, "法规废止", 2)
    assert await Publication.filter(kind=PublicationKind.ITEM_LIST).count() == 2
    with pytest.raises(Conflict):
        await items.amend_item(actor="cli", item_id=v1.item_id, reason="x", changes={},
                               effective_from=D3)


async def test_require_usable_lists_every_bad_id():
    v1 = await published_item()
    with pytest.raises(items.ItemsNotUsable) as info:
        await items.require_usable(item_version_ids=[v1.id, 9999], today=D1)
    assert [p.code for p in info.value.problems] == ["not_found"]
    with pytest.raises(items.ItemsNotUsable):
        await items.require_usable(item_version_ids=[], today=D1)


ITEM_HEADERS = ["事项名称", "检查依据", "检查主体", "检查内容", "检查方式"]


def item_rows():
    return [[FIELDS["name"], FIELDS["basis"], FIELDS["subject"], FIELDS["content"], FIELDS["method"]],
            ["遵守禁止使用童工规定的情况", "《劳动保障监察条例》第十一条第（三）项", FIELDS["subject"],
             "检查是否招用未满十六周岁的未成年人", "实地检查"]]


async def import_items(data, filename="items.csv", publish=False):
    async with in_transaction():
        return await item_import.import_items(data=data, filename=filename, actor="cli",
                                              publish=publish, today=D1)


async def test_import_without_codes_as_drafts_then_publish_and_amend():
    s = await import_items(to_csv(ITEM_HEADERS, item_rows()))
    assert s.created == 2
    assert sorted(await Item.all().values_list("code", flat=True)) == ["SX-001", "SX-002"]
    assert await ItemVersion.filter(status=ItemVersionStatus.DRAFT).count() == 2
    s = await import_items(to_csv(ITEM_HEADERS, item_rows()), publish=True)
    assert (s.created, s.updated, s.unchanged, s.published) == (0, 0, 2, 2)
    assert len(await items.current_published_versions(today=D1)) == 2
    rows = item_rows()
    rows[1][4] = "实地检查、书面审查"
    s = await import_items(to_csv(ITEM_HEADERS, rows), publish=True)
    assert s.changes == {"SX-002": ["method"]}
    v = await ItemVersion.get(item__code="SX-002", version=2)
    assert (v.status, v.reason) == (ItemVersionStatus.PUBLISHED, item_import.DEFAULT_REASON)


async def test_import_problems_all_at_once():
    rows = item_rows()
    rows[0][1] = ""
    rows.append(list(rows[1]))
    with pytest.raises(ValidationFailed) as info:
        await import_items(to_csv([*ITEM_HEADERS, "生效日期"], [[*r, "明天"] for r in rows]))
    got = [(p.row, p.field, p.code) for p in info.value.problems]
    assert (2, "检查依据", "required") in got and (2, "生效日期", "bad_date") in got
    assert (3, "事项名称", "duplicate_in_file") in got and (4, "事项名称", "duplicate_in_file") in got
    assert await Item.all().count() == 0


async def test_export_round_trip_including_withdrawn():
    await import_items(to_csv(["事项编码", *ITEM_HEADERS], [["LD-0" + str(i), *r]
                                                           for i, r in enumerate(item_rows())]),
                       publish=True)
    item = await Item.get(code="LD-00")
    async with in_transaction():
        await items.withdraw_item(actor="cli", item_id=item.id, reason="法规废止", today=D2)
    data = await item_import.export_items()
    s = await import_items(data, "items.xlsx")
    assert (s.created, s.updated, s.unchanged) == (0, 0, 2)


@pytest.mark.postgres_only
async def test_draft_edit_and_publication_take_turns(is_postgres):
    """An edit holding the draft makes a publication wait, so the published text is the edited
    one, never a draft changed after publication (R7)."""
    if not is_postgres:
        pytest.skip("row locks are a no-op on SQLite; concurrency is tested on PostgreSQL")
    async with in_transaction():
        v = await items.create_item(actor="cli", code="LD-09", fields=FIELDS)
    edited, release = asyncio.Event(), asyncio.Event()

    async def edit():
        async with in_transaction():
            await items.update_draft(actor="a", version_id=v.id, changes={"name": "订立劳动合同情况"})
            edited.set()
            await release.wait()

    async def publish():
        await edited.wait()
        async with in_transaction():
            return await items.publish_version(actor="b", version_id=v.id, today=D1)

    editing, publishing = asyncio.create_task(edit()), asyncio.create_task(publish())
    await edited.wait()
    await asyncio.sleep(0.3)
    assert not publishing.done()  # waits on the edit's row lock
    release.set()
    await editing
    published = await publishing
    assert (published.name, published.status) == ("订立劳动合同情况", ItemVersionStatus.PUBLISHED)
    assert await Publication.filter(title__contains="订立劳动合同情况").exists()
    with pytest.raises(Conflict):
        async with in_transaction():
            await items.update_draft(actor="a", version_id=v.id, changes={"name": "再改"})


async def test_update_draft_requires_a_reason_and_ignores_nothing_to_change():
    async with in_transaction():
        v = await items.create_item(actor="cli", code="LD-10", fields=FIELDS)
    with pytest.raises(ValidationFailed) as info:
        await items.update_draft(actor="a", version_id=v.id, changes={"reason": " "})
    assert [(p.field, p.code) for p in info.value.problems] == [("调整理由", "required")]
    async with in_transaction():
        same = await items.update_draft(actor="a", version_id=v.id, changes={})
        edited = await items.update_draft(actor="a", version_id=v.id,
                                          changes={"reason": " 法规修订 "})
    assert same.reason == "新增事项" and edited.reason == "法规修订"
    assert await AuditEvent.filter(action="item.update_draft").count() == 1
