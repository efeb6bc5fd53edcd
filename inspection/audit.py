"""The audit trail (R21): every change, who made it, before and after, chained by SHA-256.

`record` must run inside the caller's transaction, so the event commits or rolls back with the
change it describes. Linking into the chain is serialised (an advisory lock on PostgreSQL; SQLite
serialises writers itself) so that the chain has exactly one order.

Inside `unit_of_work` the events of the transaction are kept and linked together just before it
commits, so the chain's lock is held for that tail only (read the head, insert, commit) and not
from a command's first event to its commit: call-up answers on different campaigns apply side by
side instead of one after another. Outside it (tests, one-off scripts) `record` links at once.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from tortoise import connections
from tortoise.models import Model
from tortoise.transactions import in_transaction

from inspection import clock
from models.audit import AuditEvent

GENESIS = "0" * 64
_LOCK_ID = 0x5E1_A0D1  # arbitrary, fixed: the audit chain's advisory lock

# Who made a change (`AuditEvent.actor`), spelled one way wherever it is recorded (R21).
SYSTEM = "system"  # timers, the outbox worker, the credit platform's export
CLI = "cli"  # an operator's `suiji` command
PUBLIC = "public"  # an anonymous visitor of the portal


def staff_actor(staff_id: int) -> str:
    return f"staff:{staff_id}"


def employer_actor(notice_id: int) -> str:
    """The employer a notice is addressed to, acting through that notice's page."""
    return f"employer:notice:{notice_id}"


def wecom_actor(userid: str) -> str:
    """A WeCom user acting in chat, before the userid is matched to a member of staff."""
    return f"wecom:{userid}"


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def canonical(value: Any) -> str:
    return json.dumps(value, default=_default, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


def jsonable(value: Any) -> Any:
    """What the database will give back: the form that is hashed."""
    return None if value is None else json.loads(canonical(value))


def snapshot(obj: Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Field values of a model instance (foreign keys as ids), for `before` and `after`."""
    meta = obj._meta
    names = fields or [n for n in meta.db_fields if n not in ("created_at", "updated_at")]
    out: dict[str, Any] = {}
    for name in names:
        column = meta.fields_db_projection.get(name, name)
        attr = name if name in meta.fields_map else column
        out[name] = getattr(obj, attr, None)
    snap: dict[str, Any] = jsonable(out)
    return snap


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def event_hash(*, prev_hash: str, seq: int, at: dt.datetime, actor: str, action: str,
               object_type: str, object_id: str, before: Any, after: Any) -> str:
    body = canonical({
        "seq": seq, "at": _utc(at), "actor": actor, "action": action,
        "object_type": object_type, "object_id": object_id, "before": before, "after": after,
    })
    return hashlib.sha256((prev_hash + "\n" + body).encode()).hexdigest()


async def _lock_chain() -> None:
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [_LOCK_ID])


@dataclass
class _Pending:
    events: list[AuditEvent] = field(default_factory=list)
    linked: int = 0  # events[:linked] are in the table already (`flush`)
    # Set once linked: an event recorded later (by a task that outlived its unit of work) is
    # then linked on its own, or fails loudly, instead of vanishing from a list nobody reads.
    closed: bool = False


_pending: ContextVar[_Pending | None] = ContextVar("audit_pending", default=None)


async def _link(events: list[AuditEvent]) -> None:
    """Give the events their places after the chain's head, under the lock, and insert them."""
    if not events:
        return
    await _lock_chain()
    last = await AuditEvent.all().order_by("-seq").only("seq", "hash").first()
    prev_hash, seq = (last.hash, last.seq + 1) if last else (GENESIS, 1)
    for ev in events:
        ev.seq, ev.prev_hash = seq, prev_hash
        ev.hash = event_hash(prev_hash=prev_hash, seq=seq, at=ev.at, actor=ev.actor,
                             action=ev.action, object_type=ev.object_type,
                             object_id=ev.object_id, before=ev.before, after=ev.after)
        prev_hash, seq = ev.hash, seq + 1
    if len(events) == 1:
        await events[0].save()
    else:
        await AuditEvent.bulk_create(events, batch_size=500)


@asynccontextmanager
async def unit_of_work() -> AsyncIterator[None]:
    """One transaction whose audit events are linked into the chain at its end (see above).

    Nested, it is a savepoint: events recorded inside one that rolls back are forgotten with it.
    """
    outer = _pending.get()
    if outer is not None and not outer.closed:
        # Rolled back, the savepoint takes its own events and any row it linked (`flush`).
        mark, linked = len(outer.events), outer.linked
        try:
            async with in_transaction():
                yield
        except BaseException:
            del outer.events[mark:]
            outer.linked = min(outer.linked, linked)
            raise
        return
    pending = _Pending()
    token = _pending.set(pending)
    try:
        async with in_transaction():
            yield
            pending.closed = True
            await _link(pending.events[pending.linked:])
    finally:
        pending.closed = True
        _pending.reset(token)


async def flush() -> None:
    """Link the current unit's events now, for a reader that must see them in the table (the
    chain's head published in the same transaction). The lock is then held to the commit, as it
    was before events were kept to the end: only for such rare transactions."""
    pending = _pending.get()
    if pending is not None and not pending.closed:
        await _link(pending.events[pending.linked:])
        pending.linked = len(pending.events)


async def record(*, actor: str, action: str, obj: Model | None = None,
                 object_type: str | None = None, object_id: str | int | None = None,
                 before: Any = None, after: Any = None,
                 at: dt.datetime | None = None) -> AuditEvent:
    """Append one event. Call inside the transaction that makes the change.

    Inside `unit_of_work` the event returned has no `seq` or `hash` yet: they are given at the
    transaction's end."""
    if obj is not None:
        object_type = object_type or obj._meta.db_table
        object_id = obj.pk if object_id is None else object_id
    if object_type is None or object_id is None:
        raise ValueError("audit.record needs obj or object_type and object_id")
    event = AuditEvent(at=at or clock.now(), actor=actor, action=action,
                       object_type=object_type, object_id=str(object_id),
                       before=jsonable(before), after=jsonable(after))
    pending = _pending.get()
    if pending is not None and not pending.closed:
        pending.events.append(event)
    else:
        await _link([event])
    return event


@dataclass
class ChainBreak:
    seq: int | None
    event_id: int | None
    reason: str


async def _events(batch: int = 2000) -> AsyncIterator[AuditEvent]:
    last_seq = 0
    while True:
        rows = await AuditEvent.filter(seq__gt=last_seq).order_by("seq").limit(batch)
        if not rows:
            return
        for row in rows:
            yield row
        last_seq = rows[-1].seq


async def verify_chain() -> tuple[int, ChainBreak | None]:
    """Walk the chain; return how many events are sound and the first break, if any."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    async for ev in _events():
        if ev.seq != expected_seq:
            return count, ChainBreak(ev.seq, ev.id, f"序号不连续：应为 {expected_seq}，实为 {ev.seq}（有事件被删除或调换）")
        if ev.prev_hash != prev_hash:
            return count, ChainBreak(ev.seq, ev.id, "前一事件哈希不符（有事件被删除、插入或调换）")
        digest = event_hash(prev_hash=prev_hash, seq=ev.seq, at=ev.at, actor=ev.actor,
                            action=ev.action, object_type=ev.object_type,
                            object_id=ev.object_id, before=ev.before, after=ev.after)
        if digest != ev.hash:
            return count, ChainBreak(ev.seq, ev.id, "内容哈希不符（事件内容被修改）")
        prev_hash, expected_seq, count = ev.hash, expected_seq + 1, count + 1
    return count, None
