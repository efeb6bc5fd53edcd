"""`suiji publication overdue|due|publish` and `suiji notice revoke|file`: operators' tools for
the publication tracker (R17) and notices."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
from pathlib import Path

from inspection import audit, clock
from inspection.errors import DomainError
from inspection.notices import issuing as notices
from inspection.publication import duties as publication
from models.enums import PublicationKind
from models.notices import Notice
from models.org import Section
from notifications.render.notices import notice_file
from suiji.commands import run_unit, run_with_db
from suiji.settings import Settings

# These operators' tools have always ended a refusal with 2 (1 is `overdue`'s "something is late").
REFUSED = 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{text}") from None


def _overdue(settings: Settings, args: argparse.Namespace) -> int:
    today = args.today or clock.today()

    async def work() -> list[tuple[int, str, str, str, str, int]]:
        rows = await publication.overdue(today=today)
        sections: dict[int | None, str] = {s.id: s.name for s in await Section.all()}
        return [(d.id, publication.KIND_LABELS[d.kind], d.title, str(d.due_on),
                 sections.get(d.section_id, "（未指定）"),
                 (today - d.due_on).days if d.due_on else 0) for d in rows]

    rows = run_with_db(settings, work)
    if not rows:
        print(f"截至 {today} 没有逾期未公示的事项 / nothing overdue")
        return 0
    print(f"截至 {today} 逾期未公示 {len(rows)} 项 / {len(rows)} overdue:")
    for pid, kind, title, due, section, late in rows:
        print(f"  #{pid}\t{kind}\t{title}\t应于 {due} 前公示\t{section}\t逾期 {late} 天")
    return 1


def _due(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> tuple[dt.date, list[str]]:
        return await publication.publication_due(PublicationKind(args.kind), args.decided_on,
                                                 working_days=args.days)

    due, warnings = run_unit(settings, work, transaction=False, exit_code=REFUSED)
    print(due.isoformat())
    for w in warnings:
        print(f"注意：{w}")
    return 0


def _publish(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> str:
        duty = await publication.mark_published(publication_id=args.id, actor=audit.CLI)
        return duty.title

    title = run_unit(settings, work, exit_code=REFUSED)
    print(f"已标记公示：{title}")
    return 0


def _revoke(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> str:
        n = await Notice.get_or_none(number=args.number)
        if n is None:
            raise DomainError("not_found", f"文书 {args.number} 不存在", [], 404)
        await notices.revoke_notice(notice_id=n.id, reason=args.reason, actor=audit.CLI)
        return n.number

    number = run_unit(settings, work, exit_code=REFUSED)
    print(f"已撤销：{number}")
    return 0


def _file(settings: Settings, args: argparse.Namespace) -> int:
    # The operator's printout is the paper handed over: it carries the verification code.
    async def work() -> tuple[Path, str] | None:
        n = await Notice.get_or_none(number=args.number)
        if n is None:
            return None
        assert settings.secret_key
        code = notices.verification_code(token=n.token, secret=settings.secret_key)
        return await notice_file(n.id, base_url=settings.public_base_url,
                                 data_dir=settings.data_dir, seal_image=settings.seal_image,
                                 fmt=args.format, code=code), code

    got = run_with_db(settings, work)
    if got is None:
        print(f"文书 {args.number} 不存在")
        return 2
    path, code = got
    shutil.copyfile(path, args.out)
    print(f"已生成 {args.out}（核验码 {notices.grouped(code)}）")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("publication", help="publication duties (R17)")
    ps = p.add_subparsers(dest="publication_command", required=True)
    o = ps.add_parser("overdue", help="list duties past their due date (exit 1 if any)")
    o.add_argument("--today", type=_date, default=None, help="YYYY-MM-DD (default: today)")
    o.set_defaults(handler=_overdue)
    d = ps.add_parser("due", help="due date of a duty decided on a date")
    d.add_argument("kind", choices=[k.value for k in PublicationKind])
    d.add_argument("decided_on", type=_date)
    d.add_argument("--days", type=int, default=None, help="working days (default per kind)")
    d.set_defaults(handler=_due)
    m = ps.add_parser("publish", help="mark a duty published (it then shows on /public/)")
    m.add_argument("id", type=int)
    m.set_defaults(handler=_publish)
    n = sub.add_parser("notice", help="notices to employers")
    ns = n.add_subparsers(dest="notice_command", required=True)
    r = ns.add_parser("revoke", help="revoke a notice by its number")
    r.add_argument("number")
    r.add_argument("--reason", required=True)
    r.set_defaults(handler=_revoke)
    f = ns.add_parser("file", help="write a notice's PDF or PNG, or its proof of service "
                                   "(送达回证, --format receipt)")
    f.add_argument("number")
    f.add_argument("--format", choices=["pdf", "png", "receipt"], default="pdf")
    f.add_argument("--out", required=True)
    f.set_defaults(handler=_file)
