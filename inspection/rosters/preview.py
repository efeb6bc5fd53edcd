"""What an upload would change, before anything is kept: the import runs as it would, inside a
savepoint that is then rolled back, so the preview and the real import cannot disagree (same
validation, same upsert, same row numbers). 政策法规科 sees every bad row against the rows of
the sheet, or, for a sound sheet, which rows would be created or updated and how.

The one domain function that rolls back its own work: the savepoint sits inside the caller's
transaction and leaves it as it found it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inspection import audit
from inspection.audit import unit_of_work
from inspection.errors import NotFound, Problem, ValidationFailed
from inspection.items import importing as item_import
from inspection.rosters import admin, employers, inspectors
from inspection.rosters.importing import ImportSummary, RowOutcome
from inspection.rosters.tabular import Column, as_text, read_sheet
from models.enums import EmployerStatus, Grade, SectionKind, StaffStatus
from models.org import Section, Staff

COLUMNS: dict[str, list[Column]] = {
    "sections": inspectors.SECTION_COLUMNS, "employers": employers.EMPLOYER_COLUMNS,
    "inspectors": inspectors.INSPECTOR_COLUMNS, "items": item_import.ITEM_COLUMNS,
}
# Rows sent back to be shown; a larger sheet sends its bad and changed rows first.
MAX_ROWS_SHOWN = 2000


@dataclass
class SheetRow:
    row: int
    values: dict[str, str]  # column key -> the cell as text
    outcome: RowOutcome | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Preview:
    kind: str
    ok: bool  # the sheet would be imported as it stands
    message: str  # the refusal's summary (empty when ok)
    columns: list[Column]  # the recognised columns present, in file order
    rows: list[SheetRow]
    rows_total: int
    problems: list[Problem]  # every problem; those without a row concern the file or header
    summary: ImportSummary | None


@dataclass
class Change:
    field: str
    label: str  # the sheet's header for it
    before: str  # as people read it (a section's name, 是/否, 未评级)
    after: str


class _DryRun(Exception):
    """Raised to roll the savepoint back once the import has run."""


async def preview_roster(*, staff: Staff, kind: str, data: bytes, filename: str,
                         publish: bool = False) -> Preview:
    admin.require_admin(staff)
    if kind not in COLUMNS:
        raise NotFound("名录类型")
    try:
        sheet = read_sheet(data, filename, COLUMNS[kind])
    except ValidationFailed as exc:
        return Preview(kind, False, exc.message, [], [], 0, exc.problems, None)
    summary: ImportSummary | None = None
    problems: list[Problem] = []
    message = ""
    try:
        async with unit_of_work():
            summary = await admin.import_kind(kind=kind, data=data, filename=filename,
                                              actor=audit.staff_actor(staff.id), publish=publish,
                                              grants=False)  # as the upload will (issue 16)
            raise _DryRun
    except _DryRun:
        pass
    except ValidationFailed as exc:
        problems, message, summary = exc.problems, exc.message, None
    by_key = {c.key: c for c in COLUMNS[kind]}
    rows = [SheetRow(n, {k: as_text(v) for k, v in values.items()}) for n, values in sheet.rows]
    _attach(rows, problems, summary)
    return Preview(kind, summary is not None, message, [by_key[k] for k in sheet.columns],
                   _shown(rows), len(rows), problems, summary)


def _attach(rows: list[SheetRow], problems: list[Problem], summary: ImportSummary | None) -> None:
    index = {r.row: r for r in rows}
    for p in problems:
        if p.row is not None and p.row in index:
            index[p.row].problems.append(p)
    for outcome in summary.outcomes if summary else []:
        if outcome.row in index:
            index[outcome.row].outcome = outcome


def _shown(rows: list[SheetRow]) -> list[SheetRow]:
    if len(rows) <= MAX_ROWS_SHOWN:
        return rows

    def weight(r: SheetRow) -> Any:
        changed = r.outcome is not None and r.outcome.action != "unchanged"
        return (0 if r.problems else 1 if changed else 2, r.row)

    return sorted(sorted(rows, key=weight)[:MAX_ROWS_SHOWN], key=lambda r: r.row)


_LABELS = {"section_id": "所属科室", **inspectors.ROLE_LABELS}
_WORDS: dict[str, dict[str, str]] = {
    "grade": {g.value: w for g, w in employers.GRADE_LABELS.items()},
    "kind": {k.value: w for k, w in inspectors.SECTION_KIND_LABELS.items()},
}
_STATUS = {"employers": {k.value: w for k, w in employers.STATUS_LABELS.items()},
           "inspectors": {k.value: w for k, w in inspectors.STATUS_LABELS.items()}}
assert set(_WORDS["grade"]) == {g.value for g in Grade}
assert set(_WORDS["kind"]) == {k.value for k in SectionKind}
assert set(_STATUS["employers"]) == {s.value for s in EmployerStatus}
assert set(_STATUS["inspectors"]) == {s.value for s in StaffStatus}


async def changes(kind: str, outcome: RowOutcome) -> list[Change]:
    """An updated row's fields, before and after, in the sheet's words."""
    headers = {c.key: c.header for c in COLUMNS[kind]}
    sections: dict[Any, str] = {}
    if "section_id" in outcome.changes:
        ids = [v for v in outcome.changes["section_id"] if v is not None]
        sections = {s.id: s.name for s in await Section.filter(id__in=ids)}
    words = {**_WORDS, "status": _STATUS.get(kind, {}), "section_id": sections}
    out = []
    for name, (before, after) in outcome.changes.items():
        out.append(Change(name, headers.get(name) or _LABELS.get(name, name),
                          _word(words.get(name, {}), before), _word(words.get(name, {}), after)))
    return out


def _word(words: dict[Any, str], value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return words.get(value, as_text(value))
