"""`suiji calendar show YEAR` and `suiji calendar set YEAR FILE --basis TEXT`: the working-day
calendar kept by 政策法规科 (inspection/holiday_schedule.py).

`set` reads a CSV or XLSX sheet, one row per day: 日期 (2027-01-01) and 安排 (放假 or 上班, i.e.
an adjusted working weekend), optionally 说明. The year's schedule is validated whole, saved,
audited, and every provisional deadline is recounted, in one transaction; any problem prints
every bad row and saves nothing (exit 1).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from inspection import audit
from inspection import holiday_schedule as hs
from inspection.rosters import tabular
from suiji.commands import run_unit
from suiji.settings import Settings

_WEEKDAYS = "一二三四五六日"


def _print_year(y: hs.YearSchedule) -> None:
    print(f"{y.year} 年节假日安排：{hs.SOURCE_LABELS[y.source]}"
          + (f"（依据：{y.basis}）" if y.basis else ""))
    if not y.known:
        print(f"  尚未收录：计入 {y.year} 年的工作日期限按周一至周五推算，标为暂定。")
        return
    for label, days in (("放假", y.holidays), ("调休上班", y.workdays)):
        print(f"  {label} {len(days)} 天：" + "、".join(
            f"{d:%m-%d}(周{_WEEKDAYS[d.weekday()]})" for d in days))


def _show(settings: Settings, args: argparse.Namespace) -> int:
    _print_year(run_unit(settings, lambda: hs.year_schedule(year=args.year), transaction=False))
    return 0


def _set(settings: Settings, args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"文件不存在：{path}", file=sys.stderr)
        return 2
    if path.stat().st_size > tabular.MAX_BYTES:
        print(f"文件过大：不能超过 {tabular.MAX_BYTES // 1024 // 1024} MB", file=sys.stderr)
        return 1
    data = path.read_bytes()

    async def work() -> tuple[hs.YearSchedule, dict[str, int]]:
        holidays, workdays = hs.read_schedule_file(data, path.name)
        return await hs.set_schedule(year=args.year, holidays=holidays, workdays=workdays,
                                     basis=args.basis, actor=audit.CLI)

    year, confirmed = run_unit(settings, work, heading="未保存")
    _print_year(year)
    print(f"已确认暂定期限：限期改正指令 {confirmed['rectification_orders']} 份，"
          f"公示任务 {confirmed['publication_duties']} 项，抽查工作报告 {confirmed['reports']} 份，"
          f"黑名单陈述申辩期限 {confirmed['blacklist_hearings']} 项")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("calendar", help="the working-day calendar: a year's holiday schedule")
    csub = p.add_subparsers(dest="calendar_command", required=True)
    s = csub.add_parser("show", help="print a year's holidays and adjusted working weekends")
    s.add_argument("year", type=int)
    s.set_defaults(handler=_show)
    t = csub.add_parser("set", help="enter a year's State Council schedule from a CSV/XLSX sheet")
    t.add_argument("year", type=int)
    t.add_argument("file", help="rows of 日期 and 安排 (放假 or 上班)")
    t.add_argument("--basis", required=True,
                   help="the State Council notice, e.g. 国办发明电〔2026〕7号")
    t.set_defaults(handler=_set)
