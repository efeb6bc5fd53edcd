"""`suiji outbox status` and `suiji outbox retry ID`: the outbox for operators."""

from __future__ import annotations

import argparse
from typing import Any

from tortoise.functions import Count, Min

from inspection import audit
from inspection.errors import Conflict, DomainError
from models.enums import OutboxStatus
from models.outbox import OutboxMessage
from notifications.worker import db_now
from suiji.commands import run_unit, run_with_db
from suiji.settings import Settings


async def _status() -> list[str]:
    lines = ["按主题与状态统计 / rows by topic and status:"]
    counts: list[dict[str, Any]] = await (
        OutboxMessage.all().annotate(n=Count("id")).group_by("topic", "status")
        .order_by("topic", "status").values("topic", "status", "n"))
    if not counts:
        lines.append("  （发件箱为空 / outbox empty）")
    for c in counts:
        lines.append(f"  {c['topic']:<28} {c['status']:<10} {c['n']}")
    oldest: list[dict[str, Any]] = await (
        OutboxMessage.filter(status=OutboxStatus.PENDING, due_at__lte=db_now())
        .annotate(oldest=Min("due_at")).values("oldest"))
    first = oldest[0]["oldest"] if oldest else None
    if first is not None:
        lag = (db_now() - first).total_seconds()
        lines.append(f"最早到期未发 / oldest due pending: {first.isoformat()} ({lag:.0f} s ago)")
    failed = await OutboxMessage.filter(status=OutboxStatus.FAILED).order_by("-id").limit(20)
    if failed:
        lines.append("发送失败（最近 20 条）/ failed rows (newest 20):")
        for row in failed:
            lines.append(f"  #{row.id} {row.topic} attempts={row.attempts} key={row.idempotency_key}"
                         f"\n      {row.last_error[:300]}")
    return lines


def _print_status(settings: Settings, args: argparse.Namespace) -> int:
    print("\n".join(run_with_db(settings, _status)))
    return 0


async def _retry(row_id: int) -> None:
    row = await OutboxMessage.filter(id=row_id).select_for_update().first()
    if row is None:
        raise DomainError("not_found", f"没有编号为 {row_id} 的发件箱记录 / no outbox row {row_id}",
                          [], 404)
    if row.status != OutboxStatus.FAILED:
        raise Conflict("not_failed", f"#{row_id} 状态为 {row.status}，只有失败的记录可以重试 / "
                                     "only failed rows can be retried")
    before = {"status": row.status.value, "attempts": row.attempts,
              "last_error": row.last_error[:500]}
    row.status, row.attempts, row.due_at = OutboxStatus.PENDING, 0, db_now()
    row.locked_until, row.locked_by = None, ""
    await row.save(update_fields=["status", "attempts", "due_at", "locked_until",
                                  "locked_by", "updated_at"])
    await audit.record(actor=audit.CLI, action="outbox.retry", obj=row, before=before,
                       after={"status": "pending", "attempts": 0})


def _do_retry(settings: Settings, args: argparse.Namespace) -> int:
    run_unit(settings, lambda: _retry(args.id))
    print(f"#{args.id} 已重新排队 / queued again")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("outbox", help="outbox status and retries")
    osub = p.add_subparsers(dest="outbox_command", required=True)
    s = osub.add_parser("status", help="counts by topic and status, oldest pending, failures")
    s.set_defaults(handler=_print_status)
    r = osub.add_parser("retry", help="queue a failed row again")
    r.add_argument("id", type=int)
    r.set_defaults(handler=_do_retry)
