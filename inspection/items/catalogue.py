"""The inspection item list (抽查事项清单, R7) and its versions.

Each item states what is checked, the legal basis, who checks, the content and the method. It is
published; every adjustment (a law changed) is a new version with a reason and an effective date,
published again; an item can be withdrawn with a reason, which is published too (R3, R7).

The version in force for an item is its published version with the highest number whose
effective date has come. Publishing a version that takes effect at once marks the older ones
superseded; one that takes effect later leaves the older one current until then, and
`supersede_due` (run on every publish and by the demo) settles the statuses afterwards.
A campaign may only use versions in force (R1): `require_usable`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from inspection import audit, clock
from inspection.errors import Conflict, DomainError, NotFound, Problem, ValidationFailed
from inspection.rosters import categories
from models.enums import ItemVersionStatus, PublicationKind
from models.items import Item, ItemVersion
from models.publication import Publication

CONTENT_FIELDS = ("name", "basis", "subject", "content", "method")
_LIMITS = {"name": 200, "subject": 200, "method": 200, "basis": 4000, "content": 4000}
FIELD_LABELS = {"code": "事项编码", "name": "事项名称", "basis": "检查依据", "subject": "检查主体",
                "content": "检查内容", "method": "检查方式", "reason": "调整理由",
                "effective_from": "生效日期", "categories": "适用单位类别"}
STATUS_LABELS = {ItemVersionStatus.DRAFT: "草稿", ItemVersionStatus.PUBLISHED: "已公布",
                 ItemVersionStatus.SUPERSEDED: "已被新版本取代", ItemVersionStatus.WITHDRAWN: "已撤销"}


class ItemsNotUsable(DomainError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("items_not_usable", "抽查事项须为已公布且现行有效的版本", problems, 422)


def check_fields(values: dict[str, Any], *, row: int | None = None) -> list[Problem]:
    problems = []
    for name in CONTENT_FIELDS:
        value = values.get(name, "")
        if not value:
            problems.append(Problem("不能为空", field=FIELD_LABELS[name], row=row, code="required"))
        elif len(value) > _LIMITS[name]:
            problems.append(Problem(f"过长：不能超过 {_LIMITS[name]} 个字", field=FIELD_LABELS[name],
                                    row=row, code="too_long"))
    return problems


def check_categories(value: str | list[str], problems: list[Problem], *,
                     row: int | None = None) -> str:
    """The employer categories an item concerns (R2), stored joined; empty = every employer."""
    known, unknown = categories.parse(value)
    if unknown:
        problems.append(Problem(categories.problem(unknown), field=FIELD_LABELS["categories"],
                                row=row, code="bad_category"))
    return categories.join(known)


def _check_code(code: str) -> list[Problem]:
    if not code or len(code) > 32 or any(c.isspace() for c in code):
        return [Problem("应为不含空格、不超过32位的编码", field="事项编码", code="bad_code")]
    return []


async def create_item(*, actor: str, code: str, fields: dict[str, str],
                      effective_from: dt.date | None = None, reason: str = "",
                      concerns: str | list[str] = "") -> ItemVersion:
    """A new item with its first version as a draft (published separately, R7); `concerns`:
    the employer categories it concerns (R2), none for all."""
    problems = _check_code(code) + check_fields(fields)
    stored = check_categories(concerns, problems)
    if problems:
        raise ValidationFailed(problems)
    if await Item.exists(code=code):
        raise Conflict("item_exists", f"事项编码「{code}」已存在")
    item = await Item.create(code=code)
    values: dict[str, Any] = {**fields, "effective_from": effective_from,
                              "reason": reason or "新增事项", "categories": stored}
    version = await ItemVersion.create(item=item, version=1, **values)
    await audit.record(actor=actor, action="item.create", obj=item, after={
        "code": code, "version": 1,
        **audit.snapshot(version, [*CONTENT_FIELDS, "reason", "categories"])})
    return version


async def item_by_code(code: str) -> Item:
    item = await Item.get_or_none(code=code)
    if item is None:
        raise NotFound(f"抽查事项「{code}」")
    return item


async def latest_version(item: Item) -> ItemVersion:
    version = await ItemVersion.filter(item=item).order_by("-version").first()
    assert version is not None  # an item is always created with its first version
    return version


async def amend_item(*, actor: str, item_id: int, changes: dict[str, Any], reason: str,
                     effective_from: dt.date) -> ItemVersion:
    """A new draft version with the changes, why, and from when (R7: adjusted when laws change)."""
    item = await Item.get_or_none(id=item_id)
    if item is None:
        raise NotFound("抽查事项")
    if item.withdrawn:
        raise Conflict("item_withdrawn", "该事项已撤销，不能修订")
    latest = await latest_version(item)
    if latest.status == ItemVersionStatus.DRAFT:
        raise Conflict("draft_pending", f"该事项已有待公布的第 {latest.version} 版，请先公布或修改它")
    if not reason.strip():
        raise ValidationFailed([Problem("修订须说明理由", field="调整理由", code="required")])
    fields = {name: changes.get(name, getattr(latest, name)) for name in CONTENT_FIELDS}
    problems = check_fields(fields)
    fields["categories"] = check_categories(changes.get("categories", latest.categories),
                                            problems)
    if problems:
        raise ValidationFailed(problems)
    version = await ItemVersion.create(item=item, version=latest.version + 1, reason=reason.strip(),
                                       effective_from=effective_from, **fields)
    changed = [n for n in (*CONTENT_FIELDS, "categories") if fields[n] != getattr(latest, n)]
    await audit.record(actor=actor, action="item.amend", obj=version,
                       before={n: getattr(latest, n) for n in changed},
                       after={**{n: fields[n] for n in changed}, "version": version.version,
                              "reason": version.reason, "effective_from": effective_from})
    return version


async def update_draft(*, actor: str, version_id: int, changes: dict[str, Any]) -> ItemVersion:
    """Correct a draft before it is published; a published version changes only by amendment."""
    # Locked, as publish_version locks it: an edit racing a publication must not land on the
    # published text.
    version = await ItemVersion.filter(id=version_id).select_for_update().first()
    if version is None:
        raise NotFound("事项版本")
    if version.status != ItemVersionStatus.DRAFT:
        raise Conflict("not_draft", "只能修改未公布的草稿版本")
    allowed = {k: v for k, v in changes.items()
               if k in (*CONTENT_FIELDS, "reason", "effective_from", "categories")}
    if not allowed:
        return version
    problems = check_fields({**{n: getattr(version, n) for n in CONTENT_FIELDS}, **allowed})
    if "categories" in allowed:
        allowed["categories"] = check_categories(allowed["categories"], problems)
    if "reason" in allowed:
        allowed["reason"] = str(allowed["reason"] or "").strip()
        if not allowed["reason"]:  # R7: every version says why
            problems.append(Problem("不能为空", field=FIELD_LABELS["reason"], code="required"))
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(version, list(allowed))
    for name, value in allowed.items():
        setattr(version, name, value)
    await version.save(update_fields=list(allowed))
    await audit.record(actor=actor, action="item.update_draft", obj=version, before=before,
                       after=audit.snapshot(version, list(allowed)))
    return version


async def _publish_row(version: ItemVersion, title: str, at: dt.datetime) -> None:
    # One publication per version: the public window lists every adjustment (R7).
    await Publication.create(kind=PublicationKind.ITEM_LIST, object_type="item_version",
                             object_id=version.id, title=title[:200], published_at=at,
                             visible_from=at)


async def publish_version(*, actor: str, version_id: int, today: dt.date | None = None,
                          at: dt.datetime | None = None) -> ItemVersion:
    """Publish a draft version (R7, R3): it goes on the public item list."""
    version = await (ItemVersion.filter(id=version_id).select_for_update()
                     .prefetch_related("item").first())
    if version is None:
        raise NotFound("事项版本")
    if version.status != ItemVersionStatus.DRAFT:
        raise Conflict("not_draft", f"第 {version.version} 版已公布或已失效，不能再次公布")
    if version.item.withdrawn:
        raise Conflict("item_withdrawn", "该事项已撤销，不能公布")
    day, when = today or clock.today(), at or clock.now()
    before = audit.snapshot(version, ["status", "effective_from", "published_at"])
    version.status = ItemVersionStatus.PUBLISHED
    version.effective_from = version.effective_from or day
    version.published_at = when
    await version.save(update_fields=["status", "effective_from", "published_at"])
    await _publish_row(version,
                       f"抽查事项清单：{version.name}（第 {version.version} 版）", when)
    await audit.record(actor=actor, action="item.publish", obj=version, before=before,
                       after=audit.snapshot(version, ["status", "effective_from", "published_at"]))
    await supersede_due(actor=actor, today=day)
    return version


async def withdraw_item(*, actor: str, item_id: int, reason: str,
                        today: dt.date | None = None, at: dt.datetime | None = None) -> Item:
    """Take an item off the list (e.g. its legal basis was repealed); published with the reason."""
    item = await Item.get_or_none(id=item_id)
    if item is None:
        raise NotFound("抽查事项")
    if item.withdrawn:
        raise Conflict("item_withdrawn", "该事项已撤销")
    if not reason.strip():
        raise ValidationFailed([Problem("撤销须说明理由", field="调整理由", code="required")])
    day, when = today or clock.today(), at or clock.now()
    latest = await latest_version(item)
    await ItemVersion.filter(item=item, status__in=[ItemVersionStatus.DRAFT,
                                                    ItemVersionStatus.PUBLISHED]
                             ).update(status=ItemVersionStatus.SUPERSEDED)
    # The withdrawal is itself a version: the history shows when and why the item left the list.
    final = await ItemVersion.create(
        item=item, version=latest.version + 1, status=ItemVersionStatus.WITHDRAWN,
        effective_from=day, reason=reason.strip(), published_at=when,
        **{n: getattr(latest, n) for n in (*CONTENT_FIELDS, "categories")})
    item.withdrawn = True
    await item.save(update_fields=["withdrawn"])
    await _publish_row(final, f"抽查事项清单：撤销「{latest.name}」", when)
    await audit.record(actor=actor, action="item.withdraw", obj=item, before={"withdrawn": False},
                       after={"withdrawn": True, "reason": final.reason, "version": final.version})
    return item


def _in_force(versions: Iterable[ItemVersion], today: dt.date) -> dict[int, ItemVersion]:
    current: dict[int, ItemVersion] = {}
    for v in versions:
        if v.effective_from is not None and v.effective_from <= today:
            best = current.get(v.item_id)
            if best is None or v.version > best.version:
                current[v.item_id] = v
    return current


async def current_published_versions(*, today: dt.date | None = None) -> list[ItemVersion]:
    """The item list in force today: one version per item that is not withdrawn."""
    versions = await ItemVersion.filter(status=ItemVersionStatus.PUBLISHED,
                                        item__withdrawn=False).prefetch_related("item")
    current = _in_force(versions, today or clock.today())
    return sorted(current.values(), key=lambda v: v.item.code)


async def supersede_due(*, actor: str, today: dt.date | None = None) -> int:
    """Mark published versions whose successor has taken effect as superseded."""
    day = today or clock.today()
    versions = await ItemVersion.filter(status=ItemVersionStatus.PUBLISHED)
    current = _in_force(versions, day)
    stale = [v for v in versions
             if v.item_id in current and v.version < current[v.item_id].version]
    for v in stale:
        v.status = ItemVersionStatus.SUPERSEDED
        await v.save(update_fields=["status"])
        await audit.record(actor=actor, action="item.supersede", obj=v,
                           before={"status": "published"}, after={"status": "superseded"})
    return len(stale)


async def require_usable(*, item_version_ids: list[int],
                         today: dt.date | None = None) -> list[ItemVersion]:
    """R1: raise unless every version is published and in force; return them in the given order."""
    if not item_version_ids:
        raise ItemsNotUsable([Problem("至少选择一项抽查事项", field="抽查事项", code="required")])
    current = {v.id: v for v in await current_published_versions(today=today)}
    found = {v.id: v for v in await ItemVersion.filter(id__in=item_version_ids)}
    problems = []
    for vid in item_version_ids:
        v = found.get(vid)
        if v is None:
            problems.append(Problem(f"事项版本 {vid} 不存在", field="抽查事项", code="not_found"))
        elif vid not in current:
            why = STATUS_LABELS[ItemVersionStatus(v.status)]
            if v.status == ItemVersionStatus.PUBLISHED:
                why = "尚未生效或已有新版本"
            problems.append(Problem(f"「{v.name}」第 {v.version} 版不可用：{why}",
                                    field="抽查事项", code="not_current"))
    if problems:
        raise ItemsNotUsable(problems)
    return [current[vid] for vid in item_version_ids]
