"""`suiji campaign approve|cancel CODE` — enough to run a campaign to its draw from a terminal."""

from __future__ import annotations

import argparse

from inspection import audit
from inspection.planning import campaigns
from models.campaigns import Campaign
from suiji.commands import run_unit
from suiji.settings import Settings


def _run(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> Campaign:
        if args.campaign_command == "approve":
            return await campaigns.approve_campaign(code=args.code, actor=audit.CLI)
        return await campaigns.cancel_campaign(code=args.code, actor=audit.CLI,
                                               reason=args.reason)

    c = run_unit(settings, work)
    print(f"{c.code}：{campaigns.LABELS[c.state]} / {c.state.value}")
    return 0


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
