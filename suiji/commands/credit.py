"""`suiji credit …` and `suiji report …`: credit export, grading proposals, blacklist expiry sweep,
campaign reports. Each command is one transaction over one domain function."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from inspection import audit
from inspection.credit import blacklist, export, grading, reports
from inspection.errors import DomainError
from models.campaigns import Campaign
from suiji.commands import run_unit
from suiji.settings import Settings


def _export(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> export.Batch:
        since, limit = export.check_params(since=args.since, limit=args.limit)
        return await export.fetch(since=since, limit=limit, actor=audit.CLI)

    batch = run_unit(settings, work)
    text = export.to_json(batch) if args.format == "json" else export.to_csv(batch)
    if args.file == "-":
        sys.stdout.write(text)
    else:
        Path(args.file).write_text(text, encoding="utf-8", newline="")
    more = "，还有更多，请以新游标继续导出" if batch.more else ""
    print(f"导出 {len(batch.records)} 条；下次游标 {batch.next_cursor}{more} / "
          f"exported {len(batch.records)} records, next cursor {batch.next_cursor}",
          file=sys.stderr)
    return 0


def _propose(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> Counter[str]:
        rows = await grading.propose(year=args.year, actor=audit.CLI)
        return Counter(a.proposed.value for a in rows)

    counts = run_unit(settings, work)
    summary = "，".join(f"{g} 级 {counts.get(g, 0)} 家" for g in ("A", "B", "C"))
    print(f"{args.year} 年度等级评价建议已生成：{summary}；请政策法规科审核确认 / "
          f"proposals for {args.year}: {dict(counts)}")
    return 0


def _expire(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> int:
        return len(await blacklist.expire(actor=audit.CLI))

    n = run_unit(settings, work)
    print(f"期满移出 {n} 条名单记录 / {n} listings expired")
    return 0


def _generate(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> tuple[str | None, str | None]:
        campaign = await Campaign.get_or_none(code=args.campaign)
        if campaign is None:
            raise DomainError("not_found", f"抽查任务 {args.campaign} 不存在", [], 404)
        report = await reports.generate(campaign_id=campaign.id, actor=audit.CLI,
                                        data_dir=settings.data_dir, issuer=settings.bureau_name)
        return report.pdf_key, report.xlsx_key

    pdf, xlsx = run_unit(settings, work)
    print(f"报告已生成 / report generated:\n  {settings.data_dir / str(pdf)}\n"
          f"  {settings.data_dir / str(xlsx)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("credit", help="integrity grading, blacklist, credit-platform export")
    csub = p.add_subparsers(dest="credit_command", required=True)
    e = csub.add_parser("export", help="incremental feed for the credit-sharing platform")
    e.add_argument("--since", default="0", help="cursor from the previous export (default 0)")
    e.add_argument("--format", choices=["json", "csv"], default="json")
    e.add_argument("--limit", default=str(export.MAX_LIMIT))
    e.add_argument("file", help="output file, or - for standard output")
    e.set_defaults(handler=_export)
    g = csub.add_parser("grade", help="annual integrity grading (人社部规〔2016〕1号)")
    gsub = g.add_subparsers(dest="grade_command", required=True)
    gp = gsub.add_parser("propose", help="propose grades for a year, for review")
    gp.add_argument("year", type=int)
    gp.set_defaults(handler=_propose)
    b = csub.add_parser("blacklist", help="wage-arrears blacklist")
    bsub = b.add_subparsers(dest="blacklist_command", required=True)
    bsub.add_parser("expire", help="move listings past their term to expired").set_defaults(
        handler=_expire)
    r = sub.add_parser("report", help="campaign reports (R19)")
    rsub = r.add_subparsers(dest="report_command", required=True)
    rg = rsub.add_parser("generate", help="generate the PDF and XLSX report of a campaign")
    rg.add_argument("campaign", help="campaign code, e.g. 2026-FL-003")
    rg.set_defaults(handler=_generate)
