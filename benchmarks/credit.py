"""Credit at district scale: annual grading proposals, the credit export (first full sync and a
later incremental poll) and one campaign report.

    python -m benchmarks.credit [--employers 2000] [--database-url sqlite:///tmp/credit.sqlite3]

The database must be empty and migrated (SQLite files are migrated here). One employer in three
has an inspection with a noncompliant finding and an order, one in ten a penalty, one in fifty a
recorded obstruction. The campaign report covers 200 of the inspections.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from tortoise.transactions import in_transaction

from inspection.credit import export, grading, reports
from models.campaigns import Campaign
from models.credit import CreditEvent
from models.employers import Employer
from models.enums import (
    CampaignState,
    CreditEventKind,
    FindingResult,
    InspectionState,
    ItemVersionStatus,
    PenaltyProcedure,
    RectificationState,
)
from models.fieldwork import Finding, Inspection, RectificationOrder
from models.items import Item, ItemVersion
from models.org import Section, Staff
from models.penalties import PenaltyDecision
from suiji import db


async def seed(n: int) -> Campaign:
    sec = await Section.create(code="JC", name="劳动保障监察支队")
    staff = await Staff.create(name="检查员", wecom_userid="bench", section=sec, is_inspector=True,
                               is_initiator=True)
    item = await Item.create(code="WAGE")
    iv = await ItemVersion.create(item=item, version=1, name="工资支付", basis="b", subject="s",
                                  content="c", method="m", status=ItemVersionStatus.PUBLISHED)
    camp = await Campaign.create(code="2026-FL-900", title="基准", section=sec,
                                 field_start=dt.date(2026, 5, 1), field_end=dt.date(2026, 5, 30),
                                 state=CampaignState.REPORTING)
    await Employer.bulk_create([Employer(uscc=f"91500102MA{i:08d}", name=f"公司{i}")
                                for i in range(n)])
    emps = await Employer.all().order_by("id")
    at = dt.datetime(2026, 5, 10, tzinfo=dt.UTC)
    for i, emp in enumerate(emps):
        if i % 3 == 0:
            ins = await Inspection.create(code=f"JC-{i}", employer=emp,
                                          state=InspectionState.SUBMITTED, submitted_at=at,
                                          window_start=dt.date(2026, 5, 1),
                                          window_end=dt.date(2026, 5, 30))
            if i < 600:
                await ins.campaigns.add(camp)
            await Finding.create(inspection=ins, item_version=iv,
                                 result=FindingResult.NONCOMPLIANT, recorded_by=staff)
            await RectificationOrder.create(
                inspection=ins, employer=emp, requirements="r", issued_on=dt.date(2026, 5, 10),
                working_days=10, deadline=dt.date(2026, 5, 24), issued_by=staff,
                state=RectificationState.RECTIFIED, closed_on=dt.date(2026, 5, 20))
        if i % 10 == 0:
            await PenaltyDecision.create(number=f"P{i}", employer=emp,
                                         procedure=PenaltyProcedure.GENERAL, cause="c",
                                         basis="b", result="r", amount_yuan=Decimal(1000),
                                         decided_on=dt.date(2026, 6, 1))
        if i % 50 == 0:
            await CreditEvent.create(employer=emp, kind=CreditEventKind.OBSTRUCTION,
                                     occurred_on=dt.date(2026, 6, 2), source_type="credit_event",
                                     detail={"description": "d"})
    return camp


async def timed(label: str, work) -> object:
    start = time.perf_counter()
    async with in_transaction():
        result = await work()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


async def main(n: int, url: str) -> None:
    if url.startswith("sqlite://"):
        await db.migrate(url)
    await db.init_db(url)
    try:
        camp = await seed(n)
        today = dt.date(2027, 1, 10)
        rows = await timed(f"propose grades, {n} employers",
                           lambda: grading.propose(year=2026, actor="cli", today=today))
        assert isinstance(rows, list)
        first = await timed("export, first full sync + 5000 records",
                            lambda: export.fetch(since=0, limit=5000, actor="cli"))
        assert isinstance(first, export.Batch)
        await timed("export, incremental poll (nothing new)",
                    lambda: export.fetch(since=10**9, limit=1000, actor="cli"))
        with tempfile.TemporaryDirectory() as tmp:
            await timed("campaign report, 200 inspections (figures + PDF + XLSX)",
                        lambda: reports.generate(campaign_id=camp.id, actor="cli",
                                                 data_dir=Path(tmp), issuer="演示区人社局"))
        print(f"ledger rows: {await CreditEvent.all().count()}")
    finally:
        await db.close_db()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--employers", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite://{tempfile.mkdtemp()}/credit.sqlite3"
    asyncio.run(main(args.employers, url))
