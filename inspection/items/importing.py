"""Importing and exporting the item list (R7) with the bureau's headers.

Decision: an import writes drafts by default, so 政策法规科 can review before anything becomes
public; `publish=True` publishes every created or amended version in the same transaction. A
row whose item exists and whose content differs becomes a new version (an amendment, with the
row's 调整理由 and 生效日期, or 批量导入调整 and today); an unpublished draft is edited in place.
Without a 事项编码 column, rows match items by name and new items get codes SX-001, SX-002, ...
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection import clock
from inspection.errors import Problem
from inspection.items import catalogue as items
from inspection.rosters.importing import (
    ImportSummary,
    RowErrors,
    RowOutcome,
    key_tracker,
    text,
)
from inspection.rosters.tabular import Column, Sheet, parse_date, read_sheet, write_xlsx
from models.enums import ItemVersionStatus
from models.items import Item, ItemVersion

ITEM_COLUMNS = [
    Column("code", "事项编码", ("编码", "事项编号", "item_code")),
    Column("name", "事项名称", ("抽查事项", "检查事项", "抽查事项名称", "item"), True),
    Column("basis", "检查依据", ("依据", "法律依据", "抽查依据", "legal_basis"), True),
    Column("subject", "检查主体", ("实施主体", "抽查主体"), True),
    Column("content", "检查内容", ("抽查内容",), True),
    Column("method", "检查方式", ("抽查方式",), True),
    Column("effective_from", "生效日期", ("施行日期", "effective_date")),
    Column("reason", "调整理由", ("修订理由", "调整原因")),
    Column("categories", "适用单位类别", ("单位类别", "适用对象")),  # R2; empty: all employers
    # Written on export for the reader; ignored on import (the system keeps them).
    Column("version", "版本", ()),
    Column("status", "状态", ()),
]
DEFAULT_REASON = "批量导入调整"
WITHDRAWN_LABEL = items.STATUS_LABELS[ItemVersionStatus.WITHDRAWN]


async def _next_codes() -> int:
    codes = [str(c) for c in await Item.filter(code__startswith="SX-").values_list("code", flat=True)]
    numbers = [int(c[3:]) for c in codes if c[3:].isdigit()]
    return max(numbers, default=0) + 1


async def import_items(*, data: bytes, filename: str, actor: str, publish: bool = False,
                       today: dt.date | None = None) -> ImportSummary:
    sheet = read_sheet(data, filename, ITEM_COLUMNS)
    parsed = await _validated_rows(sheet)
    summary = ImportSummary(kind="items", warnings=list(sheet.warnings))
    await _apply(parsed, [row for row, _ in sheet.rows], summary=summary, actor=actor,
                 publish=publish, day=today or clock.today())
    return summary


async def _validated_rows(sheet: Sheet) -> list[tuple[Item | None, dict[str, Any]]]:
    """Every row checked against the list as it stands; any bad row refuses the whole sheet."""
    errors = RowErrors(ITEM_COLUMNS)
    by_code = {i.code: i for i in await Item.all()}
    by_name: dict[str, Item] = {}
    for v in await ItemVersion.all().order_by("version").prefetch_related("item"):
        by_name[v.name] = v.item
    seen_code, seen_name = key_tracker(), key_tracker()
    parsed: list[tuple[Item | None, dict[str, Any]]] = []
    for row, values in sheet.rows:
        clean: dict[str, Any] = {n: text(values, n) for n in (*items.CONTENT_FIELDS, "code", "reason")}
        for p in items.check_fields(clean, row=row):
            errors.add(row, next(k for k, v in items.FIELD_LABELS.items() if v == p.field),
                       p.message, p.code or "invalid")
        if "categories" in sheet.columns:  # absent: the items keep theirs
            found: list[Problem] = []
            clean["categories"] = items.check_categories(text(values, "categories"), found)
            for p in found:
                errors.add(row, "categories", p.message, p.code or "invalid")
        try:
            clean["effective_from"] = parse_date(values.get("effective_from"))
        except ValueError:
            errors.add(row, "effective_from", f"日期格式有误：「{text(values, 'effective_from')}」，"
                       "应如 2026-07-01", "bad_date")
        code = clean["code"]
        if code and (len(code) > 32 or any(c.isspace() for c in code)):
            errors.add(row, "code", "应为不含空格、不超过32位的编码", "bad_code")
        item = by_code.get(code) if code else by_name.get(clean["name"])
        if item is not None and item.withdrawn and text(values, "status") == WITHDRAWN_LABEL:
            clean["skip"] = True  # an exported withdrawn item coming back unchanged
        elif item is not None and item.withdrawn:
            errors.add(row, "code" if code else "name", "该事项已撤销，不能通过导入恢复",
                       "item_withdrawn")
        if code:
            seen_code[code].append(row)
        seen_name[clean["name"]].append(row)
        parsed.append((item, clean))
    errors.duplicates("code", seen_code, "事项编码")
    errors.duplicates("name", seen_name, "事项名称")
    errors.raise_if_any()
    return parsed


async def _apply(parsed: list[tuple[Item | None, dict[str, Any]]], rows: list[int], *,
                 summary: ImportSummary, actor: str, publish: bool, day: dt.date) -> None:
    next_number = await _next_codes()
    for row, (item, clean) in zip(rows, parsed, strict=True):
        if clean.get("skip"):
            summary.unchanged += 1
            summary.outcomes.append(RowOutcome(row, item.code if item else "", "unchanged"))
            continue
        fields = {n: clean[n] for n in items.CONTENT_FIELDS}
        if item is None:
            code = clean["code"] or f"SX-{next_number:03d}"
            next_number += 0 if clean["code"] else 1
            version = await items.create_item(actor=actor, code=code, fields=fields,
                                              effective_from=clean["effective_from"],
                                              reason=clean["reason"],
                                              concerns=clean.get("categories", ""))
            summary.created += 1
            summary.outcomes.append(RowOutcome(row, code, "create"))
        else:
            code = item.code
            latest = await items.latest_version(item)
            if "categories" in clean:
                fields["categories"] = clean["categories"]
            changed = [n for n in fields if fields[n] != getattr(latest, n)]
            if latest.status == ItemVersionStatus.DRAFT and changed:
                version = await items.update_draft(actor=actor, version_id=latest.id,
                                                   changes={n: fields[n] for n in changed})
            elif changed:
                version = await items.amend_item(
                    actor=actor, item_id=item.id, changes=fields,
                    reason=clean["reason"] or DEFAULT_REASON,
                    effective_from=clean["effective_from"] or day)
            else:
                version = latest
            if changed:
                summary.updated += 1
                summary.changes[code] = changed
                summary.outcomes.append(RowOutcome(row, code, "update", {
                    n: [getattr(latest, n), fields[n]] for n in changed}))
            else:
                summary.unchanged += 1
                summary.outcomes.append(RowOutcome(row, code, "unchanged"))
        if publish and version.status == ItemVersionStatus.DRAFT:
            await items.publish_version(actor=actor, version_id=version.id, today=day)
            summary.published += 1


async def export_items() -> bytes:
    """Every item's latest version (draft, published or withdrawn) with its status."""
    rows = []
    for item in await Item.all().order_by("code"):
        v = await items.latest_version(item)
        rows.append([item.code, v.name, v.basis, v.subject, v.content, v.method, v.effective_from,
                     v.reason, v.categories, v.version,
                     items.STATUS_LABELS[ItemVersionStatus(v.status)]])
    return write_xlsx("抽查事项清单", [c.header for c in ITEM_COLUMNS], rows)
