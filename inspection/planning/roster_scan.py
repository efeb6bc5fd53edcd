"""One pass over the employer roster that sorts employers into strata (R12, R23) and applies the
minimum interval (R11), in SQL, so that a million-row roster never becomes a million Python rows.

On PostgreSQL each stratum comes back as a single newline-joined string (cheap to transfer and
split); SQLite (small, embedded rosters) returns rows. Either way the caller sorts the keys by
their UTF-8 bytes (`sampling.sort_keys`).
Only placeholders are interpolated into the SQL; values travel as parameters (hence the noqa).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from tortoise import connections

from inspection.rosters import categories
from models.enums import BlacklistStatus, EmployerStatus

BLACKLIST = "blacklist"
_GRADES = {"A": "A", "B": "B", "C": "C", "none": "ungraded"}


class Scope(Protocol):
    townships: list[str]
    industries: list[str]
    headcount_min: int | None
    headcount_max: int | None
    categories: list[str]


class Sql:
    """Placeholders differ: asyncpg numbers them, sqlite uses `?`."""

    def __init__(self) -> None:
        self.conn = connections.get("default")
        self.pg = self.conn.capabilities.dialect == "postgres"
        self.params: list[Any] = []

    def p(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}" if self.pg else "?"

    def date(self, value: dt.date) -> str:
        # asyncpg needs the type inside CASE; SQLite stores ISO text and must compare text.
        return f"CAST({self.p(value)} AS DATE)" if self.pg else self.p(value)

    async def rows(self, sql: str) -> list[Any]:
        _, rows = await self.conn.execute_query(sql, self.params)
        return list(rows)


def _classified(q: Sql, scope: Scope, on: dt.date, cutoffs: dict[str, dt.date]) -> str:
    # SQLite binds `?` in textual order, so parameters are added in the order they appear.
    cut = " ".join(f"WHEN {q.p(s)} THEN {q.date(d)}" for s, d in cutoffs.items())
    no_cut = "CAST(NULL AS DATE)" if q.pg else "NULL"
    cut_expr = f"CASE c.stratum {cut} END" if cutoffs else no_cut
    # IN (subquery) rather than a correlated EXISTS: the planner hashes the few listed ids once.
    listed = ("e.id IN (SELECT b.employer_id FROM blacklist_entry b "  # noqa: S608
              f"WHERE b.status = {q.p(BlacklistStatus.IN_FORCE.value)} "
              f"AND (b.term_end IS NULL OR b.term_end >= {q.p(on)}))")
    grade = " ".join(f"WHEN e.grade = {q.p(g)} THEN {q.p(s)}" for g, s in _GRADES.items())
    where = [f"e.status = {q.p(EmployerStatus.ACTIVE.value)}"]
    if scope.townships:
        where.append(f"e.township IN ({', '.join(q.p(t) for t in scope.townships)})")
    if scope.industries:
        where.append(f"e.industry IN ({', '.join(q.p(t) for t in scope.industries)})")
    if scope.headcount_min is not None:
        where.append(f"e.headcount >= {q.p(scope.headcount_min)}")
    if scope.headcount_max is not None:
        where.append(f"e.headcount <= {q.p(scope.headcount_max)}")
    if scope.categories:
        # R2: any of the categories. No category name contains another (rosters/categories.py).
        where.append("(" + " OR ".join(f"e.categories LIKE {q.p(pattern)}" for pattern
                                       in categories.like_patterns(scope.categories)) + ")")
    return (f"SELECT c.uscc, c.stratum, c.last, {cut_expr} AS cut FROM ("  # noqa: S608
            f"SELECT e.uscc AS uscc, CASE WHEN {listed} THEN '{BLACKLIST}' {grade} END AS stratum, "
            f"e.last_inspected_on AS last FROM employer e WHERE {' AND '.join(where)}) c")


@dataclass
class Scan:
    keys: dict[str, list[str]]  # eligible keys per stratum, in no particular order
    recent: list[tuple[str, str, str]]  # (key, stratum, last inspected ISO date) excluded


async def scan(*, scope: Scope, on: dt.date, strata: list[str],
               cutoffs: dict[str, dt.date]) -> Scan:
    """Eligible employer keys of each stratum, and those excluded for a recent inspection."""
    q = Sql()
    inner = _classified(q, scope, on, cutoffs)
    wanted = f"s.stratum IN ({', '.join(q.p(s) for s in strata)})"
    recent_expr = "(s.last IS NOT NULL AND s.cut IS NOT NULL AND s.last > s.cut)"
    keys: dict[str, list[str]] = {s: [] for s in strata}
    recent: list[tuple[str, str, str]] = []
    if q.pg:
        # One scan and a hash aggregate: one string per (stratum, recent), recently inspected
        # lines carrying their date after a space. Sorting is left to Python: PostgreSQL's
        # ordered string_agg over a million keys costs several times the scan itself.
        rows = await q.rows(
            f"SELECT s.stratum, {recent_expr} AS recent, string_agg(CASE WHEN {recent_expr} "  # noqa: S608
            "THEN s.uscc || ' ' || CAST(s.last AS TEXT) ELSE s.uscc END, E'\\n') "
            f"FROM ({inner}) s WHERE {wanted} GROUP BY 1, 2")
        for name, is_recent, text in rows:
            lines = text.split("\n") if text else []
            if is_recent:
                recent += [(key, name, last) for key, last in (ln.rsplit(" ", 1) for ln in lines)]
            else:
                keys[name] = lines
        recent.sort(key=lambda r: (r[1], r[0]))
        return Scan(keys, recent)
    for name, uscc, last, is_recent in await q.rows(
            f"SELECT s.stratum, s.uscc, CAST(s.last AS TEXT), {recent_expr} "  # noqa: S608
            f"FROM ({inner}) s WHERE {wanted} ORDER BY s.uscc"):
        if is_recent:
            recent.append((uscc, name, str(last)[:10]))
        else:
            keys[name].append(uscc)
    return Scan(keys, recent)
