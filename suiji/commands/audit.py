"""`suiji audit verify`: walk the chain and name the first broken event."""

from __future__ import annotations

import argparse

from inspection import audit
from suiji.commands import run_with_db
from suiji.settings import Settings


def _verify(settings: Settings, args: argparse.Namespace) -> int:
    count, brk = run_with_db(settings, audit.verify_chain)
    if brk is None:
        print(f"审计链完整：共 {count} 条事件 / audit chain intact: {count} events")
        return 0
    print(f"审计链断裂：第 {brk.seq} 号事件（id {brk.event_id}）{brk.reason}；"
          f"此前 {count} 条完好 / audit chain broken at seq {brk.seq} (id {brk.event_id})")
    return 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="audit trail")
    asub = p.add_subparsers(dest="audit_command", required=True)
    v = asub.add_parser("verify", help="verify the SHA-256 chain of audit events")
    v.set_defaults(handler=_verify)
