"""Shared test data for the draw: a small bureau, rosters and an approved campaign.

Also the independent reference of DESIGN.md "The draw", written from the text alone (it does not
import tools.verify_draw), so that tests check the system against the contract, not itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from inspection import clock
from inspection.planning import campaigns
from models.campaigns import Campaign
from models.employers import BlacklistEntry, Employer
from models.enums import BlacklistStatus, Grade, ItemVersionStatus, SectionKind, StaffStatus
from models.items import Item, ItemVersion
from models.org import Section, Staff

FIELD_START = dt.date(2026, 9, 1)
FIELD_END = dt.date(2026, 9, 30)


def reveal_now() -> dict[str, Any]:
    """Reveal arguments for tests that commit and reveal in one go: no wait after the commitment
    (R10) and entropy dated today. tests/inspection/draw/test_reveal_timing.py tests the rule."""
    return {"min_delay": dt.timedelta(0), "entropy_source_date": clock.today()}


def uscc(n: int) -> str:
    return f"91500102MA{n:08d}"


def reference_order(code: str, stratum: str, keys: list[str], entropy: str, secret_hex: str
                    ) -> tuple[str, list[str]]:
    """DESIGN.md steps 1, 4, 5 written out again: (roster_hash, keys in draw order)."""
    ordered = sorted(keys, key=lambda k: k.encode("utf-8"))
    rh = hashlib.sha256("\n".join(ordered).encode()).hexdigest()
    seed = hashlib.sha256(("suiji-draw-v1\n" + code + "\n" + stratum + "\n" + rh + "\n"
                           + entropy + "\n" + secret_hex).encode()).digest()
    ranks = {k: hashlib.sha256(seed + k.encode()).hexdigest() for k in ordered}
    return rh, sorted(ordered, key=lambda k: (ranks[k], k.encode()))


def reference_check(record: dict[str, Any]) -> None:
    """Assert that a published record recomputes exactly (DESIGN.md steps 1–6)."""
    assert record["algorithm"] == "suiji-draw-v1"
    secret = record["secret"]
    commitment = hashlib.sha256(bytes.fromhex(secret)).hexdigest()
    for s in record["strata"]:
        assert s["commitment"] == commitment
        rh, order = reference_order(record["campaign_code"], s["stratum"], s["candidates"],
                                    record["public_entropy"], secret)
        assert s["candidates"] == sorted(s["candidates"], key=lambda k: k.encode())
        assert s["roster_hash"] == rh
        expected = order[:s["count"]] if record["kind"] == "employers" else order
        assert s["drawn"] == expected, s["stratum"]


@dataclass
class World:
    section: Section
    leader: Staff
    inspectors: list[Staff]
    items: list[ItemVersion]
    employers: dict[str, Employer] = field(default_factory=dict)


async def make_world(*, inspectors: int = 6, employers: list[dict[str, Any]] | None = None,
                     tag: str = "") -> World:
    section = await Section.create(code=f"JCZD{tag}", name=f"劳动保障监察支队{tag}",
                                   kind=SectionKind.INITIATING)
    leader = await Staff.create(name=f"王组长{tag}", wecom_userid=f"leader{tag}",
                                section=section, is_leader=True, is_inspector=False)
    staff = [await Staff.create(name=f"检查员{tag}{i}", wecom_userid=f"insp{tag}{i}",
                                section=section, cert_no=f"50010{tag}{i:04d}",
                                cert_valid_until=dt.date(2030, 12, 31), is_inspector=True)
             for i in range(inspectors)]
    item = await Item.create(code=f"LD{tag}01")
    version = await ItemVersion.create(
        item=item, version=1, name="劳动合同签订情况", basis="《劳动合同法》第十条",
        subject="区人力社保局", content="书面劳动合同签订", method="现场检查",
        status=ItemVersionStatus.PUBLISHED, effective_from=dt.date(2026, 1, 1))
    world = World(section, leader, staff, [version])
    for spec in employers or []:
        spec = dict(spec)
        blacklisted = spec.pop("blacklisted", False)
        emp = await Employer.create(name=f"单位{spec['uscc'][-4:]}", **spec)
        world.employers[emp.uscc] = emp
        if blacklisted:
            await BlacklistEntry.create(employer=emp, status=BlacklistStatus.IN_FORCE,
                                        cause="拖欠农民工工资", term_start=dt.date(2026, 1, 1),
                                        term_end=dt.date(2028, 12, 31))
    return world


def employers_spec(n: int, *, start: int = 1, grade: Grade = Grade.B,
                   **extra: Any) -> list[dict[str, Any]]:
    return [{"uscc": uscc(i), "grade": grade, **extra} for i in range(start, start + n)]


async def approved_campaign(world: World, *, code: str = "2026-FL-003",
                            rules: dict[str, Any] | None = None, confidential: bool = False,
                            inspectors_needed: int = 4, field_start: dt.date = FIELD_START,
                            field_end: dt.date = FIELD_END) -> Campaign:
    await campaigns.create_campaign(
        code=code, title="劳动合同专项抽查", section_id=world.section.id,
        field_start=field_start, field_end=field_end,
        item_version_ids=[v.id for v in world.items], actor="cli",
        inspector_section_ids=[world.section.id], leader_id=world.leader.id,
        purpose="检查劳动合同签订", method="现场检查", use_of_results="纳入诚信档案",
        inspectors_needed=inspectors_needed, confidential=confidential, rules=rules or {})
    return await campaigns.approve_campaign(code=code, actor="cli")


async def suspend(staff: Staff) -> None:
    staff.status = StaffStatus.SUSPENDED
    await staff.save()
