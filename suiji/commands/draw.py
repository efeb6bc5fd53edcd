"""`suiji draw commit|reveal|void|verify` — the draw held before witnesses (R10–R15).

commit and reveal print what the witnesses should note: the commitment before, the secret and
the result after. verify recomputes a published record (a file or a URL) with the same stdlib
verifier the public window offers for download.
"""

from __future__ import annotations

import argparse
import datetime as dt

from inspection import audit
from inspection.draw import protocol as draws
from inspection.draw import records as draw_records
from inspection.draw import verifier as verify_draw
from models.draws import Draw, DrawStratum
from suiji.commands import run_unit
from suiji.settings import Settings


def _commit(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> int:
        if args.kind:
            done = [await draws.commit_draw(campaign_code=args.campaign, kind=args.kind,
                                            actor=audit.CLI)]
        else:
            done = await draws.commit_draws(campaign_code=args.campaign, actor=audit.CLI)
        for d in done:
            print(f"已承诺 committed: {args.campaign} {d.kind.value} (draw {d.id})")
            print(f"  承诺 commitment = {d.commitment}")
            for s in await DrawStratum.filter(draw_id=d.id).order_by("id"):
                print(f"  分层 {s.stratum}: 候选 {s.candidate_count}，抽取 {s.count}，"
                      f"roster_hash {s.roster_hash}")
        print("请在揭示前公布以上承诺 / publish the commitment before the reveal")
        return 0

    return run_unit(settings, work)


def _reveal(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> int:
        # R10: no earlier than the configured delay, entropy dated after the commitment.
        min_delay = dt.timedelta(minutes=settings.draw_min_reveal_delay_minutes)
        if args.kind:
            done = [await draws.reveal_draw(
                campaign_code=args.campaign, kind=args.kind, public_entropy=args.entropy,
                actor=audit.CLI, witnesses="、".join(args.witness), min_delay=min_delay,
                entropy_source_date=args.source_date)]
        else:
            done = await draws.reveal_draws(
                campaign_code=args.campaign, public_entropy=args.entropy, actor=audit.CLI,
                witnesses="、".join(args.witness), min_delay=min_delay,
                entropy_source_date=args.source_date)
        for d in done:
            record = await draw_records.record(d, full=True, show_candidates=True)
            print(f"已揭示 revealed: {args.campaign} {d.kind.value} (draw {d.id})")
            print(f"  公开随机数 public entropy: {d.public_entropy}")
            print(f"  秘密值 secret: {d.secret}")
            for s in record["strata"]:
                shown = s["drawn"] if len(s["drawn"]) <= 20 else [*s["drawn"][:20], "…"]
                print(f"  分层 {s['stratum']}（{len(s['drawn'])}）: {' '.join(shown)}")
        return 0

    return run_unit(settings, work)


def _void(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> Draw:
        return await draws.void_draw(campaign_code=args.campaign, kind=args.kind,
                                     reason=args.reason, actor=audit.CLI)

    d = run_unit(settings, work)
    print(f"已作废 voided: {args.campaign} {d.kind.value} (draw {d.id})：{d.void_reason}")
    return 0


def _verify(settings: Settings, args: argparse.Namespace) -> int:
    # No database: a record is checked from its published text alone (DESIGN.md step 6).
    return verify_draw.main([args.record])


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("draw", help="the double-random draw (commit, reveal, void, verify)")
    dsub = p.add_subparsers(dest="draw_command", required=True)
    kinds = ["employers", "inspectors"]
    c = dsub.add_parser("commit", help="freeze the strata and print the commitment")
    c.add_argument("campaign", help="campaign code, e.g. 2026-FL-003")
    c.add_argument("--kind", choices=kinds, help="only one of the two draws (default: both)")
    c.set_defaults(handler=_commit)
    r = dsub.add_parser("reveal", help="enter the public entropy and draw")
    r.add_argument("campaign")
    r.add_argument("--entropy", required=True, help="public entropy entered at the draw")
    r.add_argument("--witness", action="append", default=[], help="a witness (repeatable)")
    r.add_argument("--source-date", type=dt.date.fromisoformat, default=None,
                   help="date of the entropy's source, e.g. the lottery drawing (YYYY-MM-DD); "
                        "default: a date written in the entropy")
    r.add_argument("--kind", choices=kinds, help="only one of the two draws (default: all)")
    r.set_defaults(handler=_reveal)
    v = dsub.add_parser("void", help="void a draw, with a reason (published, audited)")
    v.add_argument("campaign")
    v.add_argument("--kind", choices=kinds, required=True)
    v.add_argument("--reason", required=True)
    v.set_defaults(handler=_void)
    f = dsub.add_parser("verify", help="recompute a published draw record (file, URL or -)")
    f.add_argument("record")
    f.set_defaults(handler=_verify)
