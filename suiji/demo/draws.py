"""Demo part "draws": from the demo rosters, one campaign drawn and published, one awaiting its
reveal (committed before witnesses, entropy still to come).

Idempotent: a campaign that already exists is left as it is.
"""

from __future__ import annotations

import datetime as dt

from inspection import audit, clock
from inspection.draw import protocol as draws
from inspection.planning import campaigns
from models.campaigns import Campaign
from models.enums import ItemVersionStatus, SectionKind, StaffStatus
from models.items import ItemVersion
from models.org import Section, Staff

ACTOR = audit.CLI
DONE_CODE = "2026-FL-001"
PENDING_CODE = "2026-FL-002"
ENTROPY = "福彩3D 2026321期 5 8 2"
WITNESSES = "区纪委监委派驻纪检监察组 刘芳、企业代表 陈建国"


async def _campaign(code: str, title: str, start: dt.date, *, purpose: str) -> Campaign | None:
    if await Campaign.filter(code=code).exists():
        return None
    section = (await Section.filter(kind=SectionKind.INITIATING).order_by("id").first()
               or await Section.all().order_by("id").first())
    leader = await Staff.filter(is_leader=True).order_by("id").first()
    items = await ItemVersion.filter(status=ItemVersionStatus.PUBLISHED).order_by("id").limit(3)
    inspectors = await Staff.filter(is_inspector=True, status=StaffStatus.ACTIVE,
                                    cert_valid_until__gte=start + dt.timedelta(days=30)).count()
    if section is None or leader is None or not items or inspectors < 2:
        raise RuntimeError("演示抽取需要先载入名录（科室、组长、执法检查人员、已公布的抽查事项）")
    await campaigns.create_campaign(
        code=code, title=title, section_id=section.id, field_start=start,
        field_end=start + dt.timedelta(days=30), item_version_ids=[v.id for v in items],
        actor=ACTOR, leader_id=leader.id, purpose=purpose,
        method="现场检查、书面审查相结合", use_of_results="检查结果记入用人单位劳动保障守法诚信档案",
        inspectors_needed=min(4, inspectors), rules={})
    return await campaigns.approve_campaign(code=code, actor=ACTOR)


async def load() -> None:
    today = clock.today()
    done = await _campaign(DONE_CODE, "2026 年第三季度劳动用工专项双随机抽查", today +
                           dt.timedelta(days=7), purpose="检查劳动合同签订和工资支付情况")
    if done is not None:
        await draws.commit_draws(campaign_code=done.code, actor=ACTOR)
        # The demo stages the draw meeting in one go: no hour passes between commit and reveal
        # (R10), and the lottery result is taken as that day's.
        await draws.reveal_draws(campaign_code=done.code, public_entropy=ENTROPY, actor=ACTOR,
                                 witnesses=WITNESSES, min_delay=dt.timedelta(0),
                                 entropy_source_date=today)
    pending = await _campaign(PENDING_CODE, "2026 年第四季度农民工工资支付专项抽查", today +
                              dt.timedelta(days=30), purpose="检查农民工工资支付情况")
    if pending is not None:
        await draws.commit_draws(campaign_code=pending.code, actor=ACTOR)
