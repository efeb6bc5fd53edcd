"""What every roster and item-list import shares: all-or-nothing validation, upsert by key with
an audit event per created or changed row (R21), and the summary shown to the user.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tortoise.models import Model

from inspection import audit
from inspection.errors import Problem, ValidationFailed
from inspection.rosters.tabular import Column, Sheet, as_text

M = TypeVar("M", bound=Model)
# Separators people use in one cell listing several values: 、 , ; / and spaces (any width).
LIST_SEPARATORS = re.compile(r"[、,，;；/／\s]+")


@dataclass
class RowOutcome:
    """What the import did with one row of the sheet: created, updated (field -> [before,
    after], as stored) or left unchanged. The preview shows these before anything is kept."""

    row: int
    key: str
    action: str  # "create" | "update" | "unchanged"
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class ImportSummary:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    published: int = 0  # item versions published by this import
    warnings: list[Problem] = field(default_factory=list)
    # key -> names of the fields that changed (created rows are not listed)
    changes: dict[str, list[str]] = field(default_factory=dict)
    outcomes: list[RowOutcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


class RowErrors:
    """Collects every problem of every row, so the user sees them all at once."""

    def __init__(self, columns: Iterable[Column]) -> None:
        self.problems: list[Problem] = []
        self.headers = {c.key: c.header for c in columns}

    def add(self, row: int, key: str | None, message: str, code: str = "invalid") -> None:
        label = self.headers.get(key, key) if key else None
        self.problems.append(Problem(message, field=label, row=row, code=code))

    def duplicates(self, key: str, seen: dict[str, list[int]], what: str) -> None:
        """Duplicate key within the file: an error on every row that carries it."""
        for value, rows in seen.items():
            if len(rows) > 1:
                for row in rows:
                    others = "、".join(str(r) for r in rows if r != row)
                    self.add(row, key, f"{what}「{value}」在文件中重复（另见第 {others} 行）",
                             "duplicate_in_file")

    def raise_if_any(self) -> None:
        if self.problems:
            self.problems.sort(key=lambda p: (p.row or 0))
            bad_rows = len({p.row for p in self.problems})
            raise ValidationFailed(self.problems, f"共 {bad_rows} 行有误，未导入任何数据")


def key_tracker() -> defaultdict[str, list[int]]:
    return defaultdict(list)


def text(values: dict[str, Any], key: str) -> str:
    return as_text(values.get(key))


def check_length(errors: RowErrors, row: int, key: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.add(row, key, f"过长：不能超过 {limit} 个字", "too_long")


def split_list(value: str) -> list[str]:
    return [part for part in LIST_SEPARATORS.split(value) if part]


async def apply(*, model: type[M], existing: M | None, values: dict[str, Any], actor: str,
                action: str, key: str, summary: ImportSummary,
                row: int = 0) -> tuple[M, dict[str, Any]]:
    """Create or update one row (`row`: its number in the sheet, 0 for a single edit); audit
    what changed. Returns the row and the changed fields' previous values (empty for created or
    unchanged rows)."""
    if existing is None:
        obj = await model.create(**values)
        await audit.record(actor=actor, action=f"{action}.create", obj=obj,
                           after=audit.snapshot(obj))
        summary.created += 1
        summary.outcomes.append(RowOutcome(row, key, "create"))
        return obj, {}
    current = audit.snapshot(existing, list(values))
    wanted = audit.jsonable(values)
    changed = [name for name in values if current[name] != wanted[name]]
    if not changed:
        summary.unchanged += 1
        summary.outcomes.append(RowOutcome(row, key, "unchanged"))
        return existing, {}
    before = {name: current[name] for name in changed}
    for name in changed:
        setattr(existing, name, values[name])
    await existing.save(update_fields=changed)
    await audit.record(actor=actor, action=f"{action}.update", obj=existing, before=before,
                       after={name: wanted[name] for name in changed})
    summary.updated += 1
    summary.changes[key] = changed
    summary.outcomes.append(RowOutcome(row, key, "update",
                                       {n: [current[n], wanted[n]] for n in changed}))
    return existing, before


def chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


async def fetch_by(model: type[M], field_name: str, keys: list[str]) -> dict[str, M]:
    """Existing rows by key, in chunks (bind-parameter limits)."""
    found: dict[str, M] = {}
    for part in chunks(keys):
        for obj in await model.filter(**{f"{field_name}__in": part}):
            found[getattr(obj, field_name)] = obj
    return found


def present(sheet: Sheet, *keys: str) -> list[str]:
    """Which of these optional columns the file has: absent columns leave fields unchanged."""
    return [k for k in keys if k in sheet.columns]
