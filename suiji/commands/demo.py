"""`suiji demo`: load the demo data set (suiji.demo.PARTS) in one transaction, idempotently."""

from __future__ import annotations

import argparse
import importlib

from inspection import audit_heads, clock
from inspection.notices import issuing
from models.enums import NoticeStatus
from models.notices import Notice
from notifications.render.notices import notice_url
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


async def notice_to_try(settings: Settings) -> str:
    """One notice in force for a newcomer to open, with the verification code its paper
    carries (the staff app's notice screen shows every notice's code too)."""
    in_force = Notice.filter(status=NoticeStatus.ISSUED, inspection_id__isnull=False)
    notice = (await in_force.filter(acknowledged_at__isnull=True).order_by("-id").first()
              or await in_force.order_by("-id").first())
    if notice is None:
        return ""
    assert settings.secret_key
    code = issuing.verification_code(token=notice.token, secret=settings.secret_key)
    return (f"试用文书核验页：{notice_url(settings.public_base_url, notice.token)}"
            f"（{notice.number}，核验码 {issuing.grouped(code)}；每份文书的核验码也显示在"
            "工作台的文书二维码页面）")


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> tuple[dict[str, int], str]:
        counts = await load_demo(settings)
        return counts, await notice_to_try(settings)

    counts, hint = run_unit(settings, work)
    print("演示数据已就绪 / demo data loaded: "
          + "，".join(f"{LABELS[k]} {v}" for k, v in counts.items()))
    if hint:
        print(hint)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="load the demo data set (idempotent)")
    p.set_defaults(handler=_demo)
