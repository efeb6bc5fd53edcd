"""`suiji items list|publish|amend|withdraw`: the item list (R7) from the command line.

Each command is one transaction; the changes are audited and published by the domain.
"""

from __future__ import annotations

import argparse
import datetime as dt

from inspection import audit
from inspection.items import catalogue as items
from models.enums import ItemVersionStatus
from models.items import Item
from suiji.commands import run_unit
from suiji.settings import Settings


def _list(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> None:
        current = {v.item_id: v for v in await items.current_published_versions()}
        for item in await Item.all().order_by("code"):
            latest = await items.latest_version(item)
            shown = current.get(item.id, latest)
            state = items.STATUS_LABELS[ItemVersionStatus(shown.status)]
            line = f"{item.code}\t第 {shown.version} 版\t{state}\t{shown.effective_from or ''}\t{shown.name}"
            if latest.id != shown.id:
                line += f"\t（另有第 {latest.version} 版：{items.STATUS_LABELS[ItemVersionStatus(latest.status)]}，" \
                        f"生效日期 {latest.effective_from or '未定'}）"
            print(line)

    run_unit(settings, work)
    return 0


def _publish(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> None:
        latest = await items.latest_version(await items.item_by_code(args.code))
        v = await items.publish_version(actor=audit.CLI, version_id=latest.id)
        print(f"已公布 {args.code} 第 {v.version} 版，生效日期 {v.effective_from}")

    run_unit(settings, work)
    return 0


def _amend(settings: Settings, args: argparse.Namespace) -> int:
    changes = {k: getattr(args, k) for k in items.CONTENT_FIELDS if getattr(args, k) is not None}

    async def work() -> None:
        item = await items.item_by_code(args.code)
        v = await items.amend_item(actor=audit.CLI, item_id=item.id, changes=changes,
                                   reason=args.reason, effective_from=args.effective)
        print(f"已生成 {args.code} 第 {v.version} 版（草稿），公布：suiji items publish {args.code}")

    run_unit(settings, work)
    return 0


def _withdraw(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> None:
        item = await items.item_by_code(args.code)
        await items.withdraw_item(actor=audit.CLI, item_id=item.id, reason=args.reason)
        print(f"已撤销 {args.code}，撤销信息已公布")

    run_unit(settings, work)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("items", help="the inspection item list (抽查事项清单)")
    isub = p.add_subparsers(dest="items_command", required=True)
    isub.add_parser("list", help="every item with the version in force").set_defaults(handler=_list)
    pp = isub.add_parser("publish", help="publish the item's draft version")
    pp.add_argument("code")
    pp.set_defaults(handler=_publish)
    pa = isub.add_parser("amend", help="a new draft version with reason and effective date")
    pa.add_argument("code")
    pa.add_argument("--reason", required=True)
    pa.add_argument("--effective", required=True, type=dt.date.fromisoformat,
                    help="effective date, YYYY-MM-DD")
    for name in items.CONTENT_FIELDS:
        pa.add_argument(f"--{name}", help=items.FIELD_LABELS[name])
    pa.set_defaults(handler=_amend)
    pw = isub.add_parser("withdraw", help="take the item off the list (published)")
    pw.add_argument("code")
    pw.add_argument("--reason", required=True)
    pw.set_defaults(handler=_withdraw)
