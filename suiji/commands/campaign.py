"""`suiji campaign approve|cancel CODE` — enough to run a campaign to its draw from a terminal."""

from __future__ import annotations

import argparse
import sys

from tortoise.transactions import in_transaction

from inspection import audit
from inspection.errors import DomainError
from inspection.planning import campaigns
from suiji.commands import run_with_db
from suiji.settings import Settings


def _run(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> int:
        try:
            async with in_transaction():
                if args.campaign_command == "approve":
                    c = await campaigns.approve_campaign(code=args.code, actor=audit.CLI)
                else:
                    c = await campaigns.cancel_campaign(code=args.code, actor=audit.CLI,
                                                        reason=args.reason)
        except DomainError as exc:
            print(f"失败 / failed [{exc.code}]：{exc.message}", file=sys.stderr)
            for p in exc.problems:
                print(f"  - {p.field or ''} {p.message}", file=sys.stderr)
            return 1
        print(f"{c.code}：{campaigns.LABELS[c.state]} / {c.state.value}")
        return 0

    return run_with_db(settings, work)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("campaign", help="campaigns (抽查任务)")
    csub = p.add_subparsers(dest="campaign_command", required=True)
    a = csub.add_parser("approve", help="approve a draft implementation plan (R14)")
    a.add_argument("code")
    a.set_defaults(handler=_run)
    c = csub.add_parser("cancel", help="cancel a campaign before fieldwork")
    c.add_argument("code")
    c.add_argument("--reason", required=True)
    c.set_defaults(handler=_run)
