"""`suiji import {sections,employers,inspectors,items} FILE` and `suiji export ... FILE`.

Each import is one transaction: every problem of every row is printed as `第 N 行「字段」：原因`
and nothing is imported when any row is bad (exit 1).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tortoise.exceptions import IntegrityError

from inspection import audit
from inspection.rosters import admin as roster_admin
from inspection.rosters import importing, tabular
from suiji.commands import format_problem, run_unit, run_with_db
from suiji.settings import Settings

KINDS = {"sections": "科室", "employers": "用人单位", "inspectors": "执法检查人员", "items": "抽查事项"}


def _import_cmd(settings: Settings, args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"文件不存在：{path}", file=sys.stderr)
        return 2
    if path.stat().st_size > tabular.MAX_BYTES:  # refuse before reading it whole
        print(f"文件过大：不能超过 {tabular.MAX_BYTES // 1024 // 1024} MB", file=sys.stderr)
        return 1
    data = path.read_bytes()

    async def work() -> importing.ImportSummary:
        return await roster_admin.import_kind(kind=args.kind, data=data, filename=path.name,
                                              actor=audit.CLI, publish=args.publish)

    try:
        summary = run_unit(settings, work, heading="导入失败")
    except IntegrityError:
        # Another import or user changed the same keys meanwhile; ours rolled back whole.
        print("导入失败：数据在导入期间被他人修改，未导入任何数据，请重试", file=sys.stderr)
        return 1
    for w in summary.warnings:
        print("提示：" + format_problem(w))
    print(f"{KINDS[args.kind]}导入完成：新增 {summary.created}，更新 {summary.updated}，"
          f"未变 {summary.unchanged}，提示 {len(summary.warnings)}"
          + (f"，公布 {summary.published}" if args.kind == "items" else ""))
    for key, fields in summary.changes.items():
        print(f"  更新 {key}：{'、'.join(fields)}")
    return 0


def _export_cmd(settings: Settings, args: argparse.Namespace) -> int:
    data = run_with_db(settings, roster_admin.EXPORTS[args.kind])
    Path(args.file).write_bytes(data)
    print(f"{KINDS[args.kind]}已导出到 {args.file}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import a roster or the item list (CSV or XLSX)")
    p.add_argument("kind", choices=list(KINDS))
    p.add_argument("file")
    p.add_argument("--publish", action="store_true",
                   help="items: publish the imported versions at once (default: drafts)")
    p.set_defaults(handler=_import_cmd)
    p = sub.add_parser("export", help="export a roster or the item list to XLSX")
    p.add_argument("kind", choices=list(KINDS))
    p.add_argument("file")
    p.set_defaults(handler=_export_cmd)
