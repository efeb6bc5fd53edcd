"""Gapless document numbers (notices, and any other numbered series).

The counter row is created if absent (INSERT … ON CONFLICT DO NOTHING, so concurrent first issues
do not collide) and then locked with SELECT … FOR UPDATE in the caller's transaction: a number is
taken if and only if the document that uses it commits, so there are neither gaps nor duplicates.
SQLite serialises writers, so the lock is a no-op there and concurrency is tested on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping

from tortoise import connections

from models.enums import NoticeKind
from models.notices import NumberCounter

# A notice's number is <prefix>〔<year>〕第<N>号, e.g. 涪人社监察〔2026〕第12号. The prefix is the
# bureau's short name (机关代字, SUIJI_BUREAU_SHORT_NAME) and a word for the kind; a bureau may
# set its own prefix per kind (SUIJI_NOTICE_NUMBER_PREFIXES). One series per kind, so each kind
# needs its own prefix: `number` is unique across kinds. The 限期改正指令书 keeps the usual 监察
# word; the others add one character. A 行政处罚决定书 carries the number of the decision it
# prints (PenaltyDecision.number), so it has no prefix here.
NUMBER_WORDS: dict[NoticeKind, str] = {
    NoticeKind.RECTIFICATION: "监察",
    NoticeKind.INSPECTION: "监察检",
    NoticeKind.REVIEW: "监察复",
    NoticeKind.RESULT: "监察告",
    NoticeKind.INQUIRY: "监察询",
    NoticeKind.PENALTY_NOTICE: "监罚告",
}
MAX_PREFIX = 20


def number_prefixes(short_name: str, overrides: Mapping[NoticeKind, str] | None = None
                    ) -> dict[NoticeKind, str]:
    """Each numbered kind's prefix: the bureau's own where set, else short name + the kind's
    word. Raises ValueError when two kinds would share a prefix or one is unusable."""
    prefixes = {k: (overrides or {}).get(k) or short_name + word
                for k, word in NUMBER_WORDS.items()}
    for kind, prefix in prefixes.items():
        if not prefix or len(prefix) > MAX_PREFIX or any(c in prefix for c in "〔〕{}\n"):
            raise ValueError(f"{kind.value}: a prefix is 1 to {MAX_PREFIX} characters without "
                             "〔〕 or braces")
    if len(set(prefixes.values())) != len(prefixes):
        raise ValueError("every kind of notice needs its own prefix (one number series each)")
    return prefixes


def format_number(kind: NoticeKind, *, year: int, seq: int,
                  prefixes: Mapping[NoticeKind, str]) -> str:
    return f"{prefixes[kind]}〔{year}〕第{seq}号"


async def next_number(*, series: str, year: int) -> int:
    """Take the next number of `series` in `year`. Call inside the issuing transaction."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        sql = ("INSERT INTO number_counter (series, year, last_value, created_at, updated_at) "
               "VALUES ($1, $2, 0, now(), now()) ON CONFLICT (series, year) DO NOTHING")
    else:
        sql = ("INSERT INTO number_counter (series, year, last_value, created_at, updated_at) "
               "VALUES (?, ?, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) "
               "ON CONFLICT (series, year) DO NOTHING")
    await conn.execute_query(sql, [series, year])
    counter = await NumberCounter.filter(series=series, year=year).select_for_update().get()
    counter.last_value += 1
    await counter.save(update_fields=["last_value", "updated_at"])
    return counter.last_value
