"""The audit chain's published heads (R21): deleting the newest events becomes detectable.

The chain (`inspection/audit.py`) shows any change in its middle, but not a cut at its end: who
deletes the last events leaves a shorter chain that is still sound. So every day the housekeeping
run records the head — the last event's sequence number and hash — in `AuditHead`, and the
public window (`/public/audit-heads`, `.json`) and the credit export publish it. Once outside
copies exist, `suiji audit verify --against URL-or-file` checks that the local chain still holds
each published head at its sequence number.

Decision: one head per Beijing day, recorded on the day's first run and never changed or removed
afterwards (a second run the same day keeps the first row); no head while the chain is empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from inspection import audit, clock
from models.audit import AuditEvent, AuditHead

RECENT = 7  # heads in each credit export: a weekly poll still sees every day's


@dataclass(frozen=True)
class Head:
    day: str
    seq: int
    hash: str


@dataclass(frozen=True)
class Mismatch:
    seq: int
    reason: str


def _head(row: AuditHead) -> Head:
    return Head(day=row.day.isoformat(), seq=row.seq, hash=row.hash)


async def publish(*, now: dt.datetime) -> Head | None:
    """Record today's head (once a day); return it, or None while the chain is empty."""
    day = clock.db_time(now).date()
    row = await AuditHead.get_or_none(day=day)
    if row is None:
        await audit.flush()  # this transaction's own events are part of the head
        last = await AuditEvent.all().order_by("-seq").first()
        if last is None:
            return None
        row = await AuditHead.create(day=day, seq=last.seq, hash=last.hash, published_at=now)
    return _head(row)


async def recent(*, limit: int = RECENT, offset: int = 0) -> list[Head]:
    """Published heads, newest first."""
    rows = await AuditHead.all().order_by("-day").offset(offset).limit(limit)
    return [_head(r) for r in rows]


async def kept() -> list[Head]:
    """Every head this database says it published (an attacker who cut the chain may have cut
    these rows too: only an outside copy is proof, see `check`)."""
    return [_head(r) for r in await AuditHead.all().order_by("day")]


def parse(body: Any) -> list[Head]:
    """Heads from a published document: the window's JSON (`rows`), the credit export
    (`audit_heads`), or a list of heads. Raises ValueError naming what is wrong."""
    if isinstance(body, dict):
        body = body.get("rows", body.get("audit_heads"))
    if not isinstance(body, list) or not body:
        raise ValueError("文件中没有已公布的链头（应含 rows 或 audit_heads 列表）")
    heads = []
    for i, item in enumerate(body, start=1):
        try:
            seq, digest = item["seq"], item["hash"]
            if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
                raise ValueError
            if not isinstance(digest, str) or len(digest) != 64:
                raise ValueError
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"第 {i} 个链头格式有误：应有正整数 seq 和 64 位十六进制 hash") from None
        day = item.get("published_on", item.get("day", ""))
        heads.append(Head(day=str(day), seq=seq, hash=digest.lower()))
    return heads


async def check(heads: list[Head]) -> list[Mismatch]:
    """Published heads the local chain does not hold (empty: every one is there, unchanged)."""
    last = await AuditEvent.all().order_by("-seq").first()
    top = last.seq if last else 0
    found: list[Mismatch] = []
    for h in sorted(heads, key=lambda x: x.seq):
        event = await AuditEvent.get_or_none(seq=h.seq)
        if event is None:
            found.append(Mismatch(h.seq, f"{h.day} 公布的第 {h.seq} 号事件在本地已不存在"
                                         f"（本地链只到第 {top} 号：最新的事件被删除）"))
        elif event.hash != h.hash:
            found.append(Mismatch(h.seq, f"第 {h.seq} 号事件的哈希值与 {h.day} 公布的不符"
                                         "（事件被修改或替换）"))
    return found
