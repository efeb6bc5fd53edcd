"""`suiji demo`: load the demo data set (suiji.demo.PARTS) in one transaction, idempotently."""

from __future__ import annotations

import argparse
import importlib

from inspection import audit_heads, clock
from suiji.commands import run_unit
from suiji.demo import PARTS
from suiji.settings import Settings

COUNTED = ["Section", "Staff", "Employer", "BlacklistEntry", "Item", "ItemVersion", "Campaign",
           "Notice", "AuditEvent"]
LABELS = {"Section": "科室", "Staff": "人员", "Employer": "用人单位", "BlacklistEntry": "黑名单",
          "Item": "抽查事项", "ItemVersion": "事项版本", "Campaign": "抽查任务", "Notice": "文书",
          "AuditEvent": "审计事件"}


def part_module(name: str) -> str:
    return name if "." in name else f"suiji.demo.{name}"


async def load_demo(settings: Settings) -> dict[str, int]:
    for name in PARTS:
        await importlib.import_module(part_module(name)).load(settings)
    # Today's head of the audit chain, as the 02:30 housekeeping run would publish it: the
    # window's 审计记录链摘要 is not empty on a fresh demo (once a day, so a rerun adds nothing).
    await audit_heads.publish(now=clock.now())
    from tortoise import Tortoise

    models = {m.__name__: m for m in Tortoise.apps["models"].values()}
    return {name: await models[name].all().count() for name in COUNTED}


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    counts = run_unit(settings, lambda: load_demo(settings))
    print("演示数据已就绪 / demo data loaded: "
          + "，".join(f"{LABELS[k]} {v}" for k, v in counts.items()))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="load the demo data set (idempotent)")
    p.set_defaults(handler=_demo)
