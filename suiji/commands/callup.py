"""`suiji callup start CODE`: call the first drawn inspectors of a campaign (R15).

For operators and for a campaign whose inspector draw was revealed without the call-up having
started (the draw normally starts it). One transaction; idempotent.
"""

from __future__ import annotations

import argparse

from inspection import audit, clock
from inspection.callup import calls as callup
from models.campaigns import Campaign
from suiji.commands import run_unit
from suiji.settings import Settings


def _start(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> int | None:
        campaign = await Campaign.get_or_none(code=args.code)
        if campaign is None:
            return None
        called = await callup.start_callup(campaign_id=campaign.id, now=clock.now(),
                                           actor=audit.CLI)
        return len(called)

    called = run_unit(settings, work)
    if called is None:
        print(f"抽查任务 {args.code} 不存在 / no such campaign")
        return 1
    print(f"已召集 {called} 人 / {called} inspectors called")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("callup", help="call-up of drawn inspectors")
    csub = p.add_subparsers(dest="callup_command", required=True)
    s = csub.add_parser("start", help="card the first drawn inspectors of a campaign")
    s.add_argument("code", help="campaign code, e.g. 2026-FL-003")
    s.set_defaults(handler=_start)
