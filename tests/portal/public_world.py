"""A bureau with something on every public page: published items, plans, results, penalties,
blacklist entries, major violations and cancelled campaigns (tests/portal/test_window.py's
world), draws in every state (revealed, only committed, confidential and not yet open, voided)
and notices in every state (in force, revoked, superseded).

Used by the page walk (test_plain_chinese.py) and, through `python -m tests.portal.public_world
DATABASE_URL`, to fill a database for screenshots of the window.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.transactions import in_transaction

from inspection import audit_heads, clock
from inspection.draw import protocol as draws
from inspection.notices import issuing as notices
from models.enums import Grade, NoticeKind
from tests.drawkit import approved_campaign, employers_spec, reveal_now
from tests.drawkit import make_world as draw_world
from tests.notices_fixtures import ISSUER
from tests.portal.test_window import make_public_world

PAST = clock.today() - dt.timedelta(days=3)
FUTURE = clock.today() + dt.timedelta(days=30)


async def _draw(world: Any, code: str, *, confidential: bool = False, start: dt.date = FUTURE,
                reveal: bool = True, void: bool = False) -> None:
    strata = {"A": {"count": 1}, "B": {"count": 2}, "C": {"count": 2},
              "ungraded": {"count": 1}, "blacklist": {"all": True}}
    c = await approved_campaign(world, code=code, rules={"strata": strata},
                                confidential=confidential, field_start=start,
                                field_end=start + dt.timedelta(days=20))
    async with in_transaction():
        await draws.commit_draws(campaign_code=c.code, actor="cli")
    if void:
        async with in_transaction():
            await draws.void_draw(campaign_code=c.code, kind="employers",
                                  reason="候选名单导入有误", actor="cli")
    elif reveal:
        async with in_transaction():
            await draws.reveal_draws(campaign_code=c.code, public_entropy="体彩 2026321期 7 3 9",
                                     actor="cli", witnesses="张三、李四", **reveal_now())


async def _draws() -> None:
    roster = [*employers_spec(3, grade=Grade.A), *employers_spec(4, start=4, grade=Grade.B),
              *employers_spec(4, start=8, grade=Grade.C),
              *employers_spec(2, start=12, grade=Grade.NONE),
              *employers_spec(1, start=14, grade=Grade.C, blacklisted=True)]
    world = await draw_world(employers=roster, tag="9")  # names and codes without letters
    await _draw(world, "2026-FL-031")
    await _draw(world, "2026-FL-032", reveal=False)
    await _draw(world, "2026-FL-033", confidential=True)
    await _draw(world, "2026-FL-034", confidential=True, start=PAST)
    await _draw(world, "2026-FL-035", void=True)


async def _notices(w: dict[str, Any]) -> dict[str, str]:
    """Tokens of a notice in force, a revoked one, a superseded one and its successor."""
    common = {"employer_id": w["employer"].id, "inspection_id": w["inspection"].id,
              "issued_by_id": w["staff"].id, "issuer": ISSUER,
              "issued_on": dt.date(2026, 11, 20)}
    async with in_transaction():
        live = await notices.issue_notice(
            kind=NoticeKind.RECTIFICATION, deadline=dt.date(2026, 12, 15), **common,
            content={"body": "经查，你单位未与3名劳动者订立书面劳动合同。",
                     "items": ["补签劳动合同"], "basis": "《劳动保障监察条例》第三十条"})
        gone = await notices.issue_notice(kind=NoticeKind.RESULT, **common,
                                          content={"body": "检查结果如下。"})
        await notices.revoke_notice(notice_id=gone.id, reason="送达对象有误", actor="staff:1")
        old = await notices.issue_notice(kind=NoticeKind.INSPECTION, **common,
                                         content={"body": "定于12月1日上午到你单位检查。"})
        new = await notices.supersede_notice(
            notice_id=old.id, reason="检查时间调整", content={"body": "改于12月3日上午到你单位检查。"},
            issued_by_id=w["staff"].id, issuer=ISSUER, issued_on=dt.date(2026, 11, 21))
    return {"live": live.token, "revoked": gone.token, "superseded": old.token,
            "successor": new.token}


async def build() -> dict[str, Any]:
    w = await make_public_world()
    await _draws()
    tokens = await _notices(w)
    await audit_heads.publish(now=clock.now())  # the audit chain's head (R21)
    return {**w, "tokens": tokens}


if __name__ == "__main__":  # pragma: no cover - a helper for screenshots
    import asyncio
    import sys

    from suiji import db

    async def main(url: str) -> None:
        await db.migrate(url)
        await db.init_db(url)
        try:
            world = await build()
            print(world["tokens"])
        finally:
            await db.close_db()

    asyncio.run(main(sys.argv[1]))
