"""`suiji demo`: realistic, idempotent, audited (R21); `suiji audit verify` catches an edit."""

import datetime as dt
import re

from tortoise import connections

from inspection.clock import today
from inspection.items import catalogue as items
from inspection.notices.issuing import verification_code
from inspection.rosters import uscc
from models.audit import AuditEvent
from models.campaigns import Campaign
from models.employers import BlacklistEntry, Employer
from models.enums import BlacklistStatus, CampaignState, Grade
from models.notices import Notice
from models.org import Section, Staff
from models.outbox import OutboxMessage
from portal.window import LISTINGS
from suiji.demo import window as demo_window
from tests.suiji.cli_helpers import run_cli


async def counts() -> dict[str, int]:
    return {"sections": await Section.all().count(), "staff": await Staff.all().count(),
            "employers": await Employer.all().count(),
            "blacklist": await BlacklistEntry.all().count(),
            "campaigns": await Campaign.all().count(), "notices": await Notice.all().count(),
            "outbox": await OutboxMessage.all().count(),
            "items": len(await items.current_published_versions()),
            "audit": await AuditEvent.all().count()}


async def test_demo_twice_same_data_and_audit_chain(settings, tmp_path):
    first = run_cli(settings, tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    after_one = await counts()
    assert after_one["sections"] >= 6 and 35 <= after_one["staff"] <= 45
    assert 450 <= after_one["employers"] <= 550 and after_one["blacklist"] >= 2
    assert after_one["items"] >= 8
    # One campaign in each state from planned to closed (tests/suiji/demo/test_lifecycle_demo.py).
    states = await Campaign.all().values_list("state", flat=True)
    assert sorted(states) == sorted([CampaignState.APPROVED, CampaignState.CALLING_UP,
                                     CampaignState.IN_FIELD, CampaignState.REPORTING,
                                     CampaignState.CLOSED, CampaignState.CANCELLED])
    assert after_one["notices"] >= 20
    await every_listing_has_rows()

    # A newcomer is told where to try the notice page, and with which code (the paper's).
    found = re.search(r"试用文书核验页：\S+/n/(\S{22})（\S+，核验码 (\d{4}) (\d{4})", first.stdout)
    assert found, first.stdout
    tried = await Notice.get(token=found.group(1))
    assert found.group(2) + found.group(3) == verification_code(token=tried.token,
                                                                secret=settings.secret_key)

    second = run_cli(settings, tmp_path, "demo")
    assert second.returncode == 0, second.stderr
    assert await counts() == after_one

    # Realistic: valid Fuling USCCs, grades spread, certificates expiring and one expired.
    codes = await Employer.all().values_list("uscc", flat=True)
    assert all(uscc.is_valid(c) and c[2:8] == "500102" for c in codes)
    grades = {g: await Employer.filter(grade=g).count() for g in Grade}
    assert grades[Grade.A] > grades[Grade.B] > grades[Grade.C] > 0 and grades[Grade.NONE] > 0
    assert await Employer.filter(township="敦仁街道").exists()
    day = today()
    inspectors = await Staff.filter(is_inspector=True)
    expired = [s for s in inspectors if s.cert_valid_until < day]
    soon = [s for s in inspectors if day <= s.cert_valid_until <= day + dt.timedelta(days=30)]
    assert len(expired) == 1 and 2 <= len(soon) <= 5
    assert 3 <= await Staff.filter(is_leader=True).count() <= 4
    assert await Staff.filter(is_admin=True).exists() and await Staff.filter(is_initiator=True).exists()
    assert await BlacklistEntry.filter(status=BlacklistStatus.IN_FORCE).count() >= 2
    names = [v.name for v in await items.current_published_versions()]
    assert "用人单位参加各项社会保险和缴纳社会保险费的情况" in names

    ok = run_cli(settings, tmp_path, "audit", "verify")
    assert ok.returncode == 0 and f"共 {after_one['audit']} 条事件" in ok.stdout

    ev = await AuditEvent.get(seq=after_one["audit"] // 2)
    await connections.get("default").execute_query(
        "UPDATE audit_event SET actor = 'staff:1' WHERE id = " + str(ev.id))
    broken = run_cli(settings, tmp_path, "audit", "verify")
    assert broken.returncode == 1 and f"第 {ev.seq} 号事件" in broken.stdout


async def every_listing_has_rows() -> None:
    """No public window listing is empty after `suiji demo` (issue 15), and the two the
    window part fills say what they should (R17 major violations, R3 cancellations)."""
    rows = {x.path: await x.load(1) for x in LISTINGS}
    assert [path for path, found in rows.items() if not found] == []
    [case] = rows["major-violations"]
    assert "37 名农民工" in case["facts"] and "86.4 万元" in case["facts"]
    assert case["category"] == "克扣、无故拖欠劳动者劳动报酬，数额较大"
    assert "行政处理决定" in case["handling"] and case["legal_rep"] and case["address"]
    assert re.fullmatch(r"\d{4}年第[1-4]季度", case["quarter"]) and case["published_on"]
    # Published after its quarter ended, by the due date (R17), and not in the future.
    assert case["published_on"] <= today().isoformat()
    [cancelled] = rows["cancelled"]
    assert cancelled["code"].endswith("-FL-010")
    assert cancelled["reason"] == demo_window.CANCEL_REASON
    assert cancelled["reason"].startswith("因区政府统一部署调整")
    assert cancelled["cancelled_on"] < cancelled["field"][:10]  # cancelled before its window
