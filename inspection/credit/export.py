"""The incremental feed for the regional credit-information sharing platform (R18, R23).

Each record is one CreditEvent, keyed by the employer's unified social credit code (USCC). The
cursor is the event id: ask with `since` = the last `next_cursor` you stored and you get every
event committed after it, in id order (the ledger's lock makes ids visible in order). JSON and CSV
carry the same records and both parse back to them exactly (`parse_json`, `parse_csv`). Format in
docs/credit.md.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from inspection import audit, audit_heads, clock, sheets
from inspection.credit import ledger
from inspection.errors import Problem, ValidationFailed
from models.credit import CreditEvent
from models.enums import CreditEventKind

FORMAT = "suiji-credit-v1"
DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000
COLUMNS = ("id", "uscc", "employer_name", "kind", "kind_label", "occurred_on", "source_type",
           "source_id", "detail")


@dataclass(frozen=True)
class Record:
    id: int
    uscc: str
    employer_name: str
    kind: str
    kind_label: str
    occurred_on: str
    source_type: str
    source_id: int | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class Batch:
    since: int
    next_cursor: int
    more: bool
    generated_at: str
    records: list[Record]
    # The audit chain's latest published heads (R21), newest first: a copy kept by the platform
    # lets `suiji audit verify --against` show deleted events. JSON only (CSV is the records).
    audit_heads: list[audit_heads.Head] = field(default_factory=list)


MAX_CURSOR = 2**63 - 1


def check_params(*, since: int | str | None, limit: int | str | None) -> tuple[int, int]:
    problems: list[Problem] = []
    try:
        cursor = int(since or 0)
        if not 0 <= cursor <= MAX_CURSOR:  # a database integer; larger is no cursor of ours
            raise ValueError
    except (TypeError, ValueError):
        problems.append(Problem("游标应为非负整数", field="since"))
        cursor = 0
    try:
        size = int(limit or DEFAULT_LIMIT)
        if not 1 <= size <= MAX_LIMIT:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(Problem(f"每批条数应在 1 至 {MAX_LIMIT} 之间", field="limit"))
        size = DEFAULT_LIMIT
    if problems:
        raise ValidationFailed(problems)
    return cursor, size


async def fetch(*, since: int, limit: int = DEFAULT_LIMIT, actor: str) -> Batch:
    """Bring the ledger up to date with the records, then read one batch after `since`.

    Call inside a transaction: the sync and the read see one state.
    """
    since, limit = check_params(since=since, limit=limit)
    await ledger.sync(actor=actor)
    rows = await CreditEvent.filter(id__gt=since).select_related("employer").order_by(
        "id").limit(limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    records = [Record(
        id=e.id, uscc=e.employer.uscc, employer_name=e.employer.name, kind=e.kind.value,
        kind_label=ledger.KIND_LABELS[CreditEventKind(e.kind)],
        occurred_on=e.occurred_on.isoformat(), source_type=e.source_type, source_id=e.source_id,
        detail=_public_detail(e.detail or {}),
    ) for e in rows]
    return Batch(since=since, next_cursor=records[-1].id if records else since, more=more,
                 generated_at=clock.now().isoformat(timespec="seconds"), records=records,
                 audit_heads=await audit_heads.recent())


# Internal references (staff ids) are not shared outside the bureau.
_PRIVATE_KEYS = frozenset({"recorded_by", "reviewed_by"})


def _public_detail(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in detail.items() if k not in _PRIVATE_KEYS}


def to_json(batch: Batch) -> str:
    body = {"format": FORMAT, **asdict(batch)}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1)


def to_csv(batch: Batch) -> str:
    """UTF-8 with a byte order mark; cells that a spreadsheet would run are made inert
    (`inspection.sheets`), and `parse_csv` undoes it."""
    return sheets.to_csv(COLUMNS, ([r.id, r.uscc, r.employer_name, r.kind, r.kind_label,
                                    r.occurred_on, r.source_type,
                                    "" if r.source_id is None else r.source_id,
                                    audit.canonical(r.detail)] for r in batch.records))


def parse_json(text: str) -> list[Record]:
    body = json.loads(text)
    if body.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} document")
    return [Record(**r) for r in body["records"]]


def parse_csv(text: str) -> list[Record]:
    header, *rows = sheets.read_csv(text)
    if tuple(header) != COLUMNS:
        raise ValueError("unexpected CSV header")
    return [Record(id=int(row[0]), uscc=row[1], employer_name=row[2], kind=row[3],
                   kind_label=row[4], occurred_on=row[5], source_type=row[6],
                   source_id=int(row[7]) if row[7] else None, detail=json.loads(row[8]))
            for row in rows]
