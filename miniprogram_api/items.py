"""Routes of the item list (抽查事项清单, R7) for 政策法规科: list with versions, create, amend (a new
version with reason and effective date), correct a draft, publish, withdraw — over
inspection/items.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from inspection import audit
from inspection.errors import Problem, ValidationFailed
from inspection.items import catalogue as items
from inspection.rosters import admin, categories
from miniprogram_api.framework import Call, Route
from miniprogram_api.rosters import ADMIN
from miniprogram_api.schemas import Request, ShortText
from models.items import Item, ItemVersion

Long = Annotated[str, StringConstraints(max_length=4000)]
Category = Annotated[str, StringConstraints(max_length=32)]
Code = Annotated[str, StringConstraints(max_length=32, strip_whitespace=True)]


class ItemVersionOut(BaseModel):
    id: int
    item_id: int
    version: int
    name: str
    basis: str
    subject: str
    content: str
    method: str
    categories: list[str] = Field(description="适用单位类别；空为全部用人单位")
    status: str
    effective_from: dt.date | None
    reason: str
    published_at: dt.datetime | None


class ItemEntry(BaseModel):
    id: int
    code: str
    withdrawn: bool
    versions: list[ItemVersionOut]


class ItemList(BaseModel):
    items: list[ItemEntry]


class ItemIn(Request):
    code: Code
    name: ShortText
    basis: Long
    subject: ShortText
    content: Long
    method: ShortText
    effective_from: dt.date | None = None
    reason: ShortText = ""
    categories: list[Category] | None = Field(
        None, max_length=10, description="适用单位类别（如 建筑施工企业）；空为全部用人单位")


class AmendIn(Request):
    name: ShortText | None = None
    basis: Long | None = None
    subject: ShortText | None = None
    content: Long | None = None
    method: ShortText | None = None
    reason: ShortText = Field(description="调整理由（如：法规修订）")
    effective_from: dt.date = Field(description="生效日期")
    categories: list[Category] | None = Field(
        None, max_length=10, description="适用单位类别（如 建筑施工企业）；空为全部用人单位")


class WithdrawIn(Request):
    reason: ShortText


class DraftPatch(Request):
    name: ShortText | None = None
    basis: Long | None = None
    subject: ShortText | None = None
    content: Long | None = None
    method: ShortText | None = None
    reason: ShortText | None = Field(None, description="调整理由")
    effective_from: dt.date | None = Field(None, description="生效日期")
    categories: list[Category] | None = Field(
        None, max_length=10, description="适用单位类别（如 建筑施工企业）；空为全部用人单位")


_KEYS = {label: key for key, label in items.FIELD_LABELS.items()}


@contextmanager
def _body_fields() -> Iterator[None]:
    """The domain names fields as the sheet's headers (事项名称); a JSON client needs its keys."""
    try:
        yield
    except ValidationFailed as exc:
        raise ValidationFailed([Problem(p.message, field=_KEYS.get(p.field or "", p.field),
                                        row=p.row, code=p.code) for p in exc.problems],
                               exc.message) from None


def _version(v: ItemVersion) -> ItemVersionOut:
    return ItemVersionOut(id=v.id, item_id=v.item_id, version=v.version,
                          name=v.name, basis=v.basis, subject=v.subject, content=v.content,
                          method=v.method, categories=categories.split(v.categories),
                          status=str(v.status), effective_from=v.effective_from,
                          reason=v.reason, published_at=v.published_at)


async def list_items(call: Call[None, None]) -> ItemList:
    admin.require_admin(call.me)
    rows = await Item.all().order_by("code").prefetch_related("versions")
    return ItemList(items=[
        ItemEntry(id=i.id, code=i.code, withdrawn=i.withdrawn,
                versions=[_version(v) for v in sorted(i.versions, key=lambda v: v.version)])  # type: ignore[attr-defined]
        for i in rows])


async def create_item(call: Call[ItemIn, None]) -> ItemVersionOut:
    admin.require_admin(call.me)
    b = call.body
    fields = {n: getattr(b, n) for n in items.CONTENT_FIELDS}
    with _body_fields():
        return _version(await items.create_item(actor=audit.staff_actor(call.me.id), code=b.code,
                                                fields=fields, effective_from=b.effective_from,
                                                reason=b.reason, concerns=b.categories or []))


async def amend_item(call: Call[AmendIn, None]) -> ItemVersionOut:
    admin.require_admin(call.me)
    b = call.body
    changes = {n: getattr(b, n) for n in (*items.CONTENT_FIELDS, "categories")
               if getattr(b, n) is not None}
    with _body_fields():
        return _version(await items.amend_item(actor=audit.staff_actor(call.me.id),
                                               item_id=call.path["item_id"], changes=changes,
                                               reason=b.reason, effective_from=b.effective_from))


async def edit_draft(call: Call[DraftPatch, None]) -> ItemVersionOut:
    admin.require_admin(call.me)
    with _body_fields():
        return _version(await items.update_draft(
            actor=audit.staff_actor(call.me.id), version_id=call.path["version_id"],
            changes=call.body.model_dump(exclude_none=True)))


async def publish_version(call: Call[None, None]) -> ItemVersionOut:
    admin.require_admin(call.me)
    return _version(await items.publish_version(actor=audit.staff_actor(call.me.id),
                                                version_id=call.path["version_id"]))


async def withdraw_item(call: Call[WithdrawIn, None]) -> ItemEntry:
    admin.require_admin(call.me)
    item = await items.withdraw_item(actor=audit.staff_actor(call.me.id),
                                     item_id=call.path["item_id"], reason=call.body.reason)
    await item.fetch_related("versions")
    return ItemEntry(id=item.id, code=item.code, withdrawn=item.withdrawn,
                   versions=[_version(v) for v in sorted(item.versions, key=lambda v: v.version)])  # type: ignore[attr-defined]


def routes() -> list[Route]:
    return [
        Route("GET", "/items", "listItems", "抽查事项清单（含全部版本）", "items", ADMIN, list_items,
              ItemList, errors=(403,)),
        Route("POST", "/items", "createItem", "新增抽查事项（第 1 版为草稿，须另行公布）", "items",
              ADMIN, create_item, ItemVersionOut, status=201, body=ItemIn, creates=True,
              errors=(403, 409)),
        Route("POST", "/items/{item_id}/versions", "amendItem",
              "修订抽查事项：新版本（须说明理由和生效日期）", "items", ADMIN, amend_item,
              ItemVersionOut, status=201, body=AmendIn, creates=True, errors=(403, 409)),
        Route("PATCH", "/item-versions/{version_id}", "patchItemVersion",
              "修改未公布的草稿版本（已公布的只能修订为新版本）", "items", ADMIN, edit_draft,
              ItemVersionOut, body=DraftPatch, errors=(403, 409)),
        Route("POST", "/item-versions/{version_id}/publish", "publishItemVersion",
              "公布事项版本（进入公示的抽查事项清单）", "items", ADMIN, publish_version,
              ItemVersionOut, creates=True, errors=(403, 409)),
        Route("POST", "/items/{item_id}/withdraw", "withdrawItem", "撤销抽查事项（公示理由）",
              "items", ADMIN, withdraw_item, ItemEntry, body=WithdrawIn, creates=True,
              errors=(403, 409)),
    ]
