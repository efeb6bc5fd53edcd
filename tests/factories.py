"""Small factories for tests: rows as the draw would leave them, written directly."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from models.campaigns import Campaign, CampaignItem
from models.draws import Draw, DrawEntry
from models.employers import Employer
from models.enums import (
    CampaignState,
    DrawKind,
    DrawStatus,
    ItemVersionStatus,
    SectionKind,
)
from models.fieldwork import Inspection
from models.items import Item, ItemVersion
from models.org import Section, Staff

_seq = itertools.count(1)
NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing


async def section(code: str = "JCZD", name: str = "劳动保障监察支队",
                  kind: SectionKind = SectionKind.INITIATING) -> Section:
    found = await Section.get_or_none(code=code)
    return found or await Section.create(code=code, name=name, kind=kind)


async def staff(name: str, *, userid: str | None = None, inspector: bool = True,
                leader: bool = False, initiator: bool = False,
                cert_valid_until: dt.date | None = dt.date(2028, 12, 31),
                sec: Section | None = None) -> Staff:
    n = next(_seq)
    return await Staff.create(
        name=name, wecom_userid=userid or f"user{n}", section=sec or await section(),
        cert_no=f"50010{n:06d}" if inspector else None, cert_valid_until=cert_valid_until,
        is_inspector=inspector, is_leader=leader, is_initiator=initiator,
    )


async def item(name: str = "工资支付情况") -> ItemVersion:
    n = next(_seq)
    it = await Item.create(code=f"LS-{n:03d}")
    return await ItemVersion.create(item=it, version=1, name=name, basis="《劳动保障监察条例》",
                                    subject="区人力社保局", content="检查工资支付台账",
                                    method="现场检查", status=ItemVersionStatus.PUBLISHED)


async def campaign(*, code: str = "2026-FL-003", needed: int = 3, leader: Staff | None = None,
                   created_by: Staff | None = None, confidential: bool = False,
                   state: CampaignState = CampaignState.DRAWN, per_employer: int = 2,
                   reply_hours: int = 24) -> Campaign:
    c = await Campaign.create(
        code=code, title="2026年春季工资支付专项检查", section=await section(),
        field_start=dt.date(2026, 3, 16), field_end=dt.date(2026, 3, 27),
        inspectors_needed=needed, inspectors_per_employer=per_employer, leader=leader,
        created_by=created_by, confidential=confidential,
        confidentiality_note="检查前不得向被检查单位透露" if confidential else "",
        state=state, reply_hours=reply_hours,
    )
    await CampaignItem.create(campaign=c, item_version=await item())
    return c


async def inspector_draw(c: Campaign, order: list[Staff]) -> Draw:
    """A revealed inspector draw whose whole draw order is `order` (R15)."""
    d = await Draw.create(campaign=c, kind=DrawKind.INSPECTORS, status=DrawStatus.REVEALED,
                          secret="ab" * 32, commitment="cd" * 32, committed_at=NOW,
                          revealed_at=NOW, public_entropy="福彩3D 2026051期 1 2 3")
    for pos, s in enumerate(order, start=1):
        await DrawEntry.create(draw=d, stratum="inspectors", position=pos, key=s.cert_no or "",
                               rank=hashlib.sha256(str(pos).encode()).hexdigest(), staff=s)
    return d


async def employers_with_inspections(c: Campaign, names: list[str]) -> list[Inspection]:
    """Drawn employers and their inspections, as the draw leaves them."""
    d = await Draw.create(campaign=c, kind=DrawKind.EMPLOYERS, status=DrawStatus.REVEALED,
                          secret="ef" * 32, commitment="01" * 32, committed_at=NOW,
                          revealed_at=NOW, public_entropy="福彩3D 2026051期 4 5 6")
    out = []
    for pos, name in enumerate(names, start=1):
        n = next(_seq)
        emp = await Employer.create(uscc=f"91500102MA{n:08d}", name=name)
        await DrawEntry.create(draw=d, stratum="B", position=pos, key=emp.uscc,
                               rank=hashlib.sha256(emp.uscc.encode()).hexdigest(), employer=emp)
        insp = await Inspection.create(code=f"JC2026-{n:04d}", employer=emp,
                                       window_start=c.field_start, window_end=c.field_end)
        await insp.campaigns.add(c)
        out.append(insp)
    return out
