"""The rest of the desk (issue 14) in a real browser: Debian's Chromium at 1280×900 driven by
playwright-core (webapp/e2e/desk-more.mjs), against a real `suiji serve` on PostgreSQL + Redis with
the demo data: the item list amended and an item withdrawn; next year's plan submitted and the
year's plans published together; a campaign report generated, downloaded (PDF and Excel, with the
report's title inside) and approved; a blacklist case from notice to decision with the statement
deadline shown; and smoke runs of 公示任务, 执法证到期, 回避登记, 审计记录 and 工作日调整. Every
result is checked on the server. Screenshots: test-artifacts/webapp/desk-{part}-*.png."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import openpyxl
import pytest

from inspection import clock
from inspection.calendar import add_working_days
from inspection.credit import blacklist
from models.audit import AuditEvent
from models.campaigns import AnnualPlan, Campaign
from models.employers import BlacklistEntry, Employer
from models.enums import BlacklistStatus, CampaignState, ItemVersionStatus, PlanStatus, ReportStatus
from models.items import Item, ItemVersion
from models.org import Conflict, Staff
from models.publication import Publication
from models.reports import CampaignReport
from models.system import HolidaySchedule
from suiji.settings import Settings
from tests.e2e.processes import base_env, free_port, serve, spawn
from tests.webapp.stage import ARTIFACTS, Stage, close, require_webapp, run_node

pytestmark = [pytest.mark.xdist_group("app-processes")]

ADMIN = "刘建国"  # the demo's 政策法规科
INITIATOR = "秦志刚"  # the demo's 发起科室 (劳动保障监察支队)
PARTS = ("items", "plans", "reports", "blacklist", "publication", "certificates")


@pytest.fixture
async def desk(settings: Settings) -> AsyncIterator[Stage]:
    if not settings.database_url.startswith("postgres") or not settings.redis_url:
        pytest.skip("the browser tests run against PostgreSQL + Redis (./test.sh's second pass)")
    require_webapp()
    for part in PARTS:  # this run's screenshots only
        for old in ARTIFACTS.glob(f"desk-{part}-*.png"):
            old.unlink()
    port = free_port()
    environ = {**base_env(settings), "SUIJI_ENV": "development",
               "SUIJI_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    demo = await spawn(environ, "demo", output=True)
    _, err = await asyncio.wait_for(demo.communicate(), 180)
    assert demo.returncode == 0, err.decode()[-2000:]
    proc, base = await serve(environ, port=port)
    stage = Stage(base, proc, aiohttp.ClientSession())
    yield stage
    await close(stage)


def pdf_title(data: bytes) -> str:
    """The document title in a PDF's info dictionary (a literal string, UTF-16 with its BOM as
    ReportLab writes non-Latin text, octal escapes)."""
    found = re.search(rb"/Title \(((?:\\.|[^\\)])*)\)", data, re.S)
    assert found, "the PDF has a title"
    raw, out, i = found.group(1), bytearray(), 0
    while i < len(raw):
        if raw[i:i + 1] == b"\\":
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(0), 8))
                i += 1 + len(octal.group(0))
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(raw[i + 1:i + 2], raw[i + 1:i + 2])
            i += 2
            continue
        out += raw[i:i + 1]
        i += 1
    text = bytes(out)
    return text[2:].decode("utf-16-be") if text.startswith(b"\xfe\xff") else text.decode("latin-1")


async def items(stage: Stage) -> None:
    """R7: an amendment with its reason and effective date becomes the next version once
    published; a withdrawal with its reason is the item's last version; both in the history."""
    codes = await Item.filter(withdrawn=False).order_by("code").values_list("code", flat=True)
    amend, withdraw = "LDBZ-01", str(codes[-1])
    effective = clock.today() + dt.timedelta(days=30)
    content = "规章制度是否经职工代表大会或者全体职工讨论并公示，内容是否违反法律、法规规定"
    reason = "《重庆市劳动保障监察条例》修订"
    out = await run_node("desk-more.mjs", "items", base=stage.base, plan={
        "admin": ADMIN, "amend": amend, "withdraw": withdraw, "content": content,
        "reason": reason, "effective": effective.isoformat(), "withdraw_reason": "检查依据已废止"})
    assert out["problems"] == []
    assert out["before"] == "现行有效"
    assert "修订须说明理由" in out["refused"] and "修订须写明生效日期" in out["refused"]
    assert out["drafted"] == "第 2 版待公布"
    assert out["published"] == f"第 2 版 {effective.isoformat()} 起施行"
    assert reason in out["history"] and "第 2 版 已公布" in out["history"]
    item = await Item.get(code=amend)
    v2 = await ItemVersion.get(item=item, version=2)
    assert (v2.status, v2.content, v2.reason, v2.effective_from) == (
        ItemVersionStatus.PUBLISHED, content, reason, effective)
    assert await AuditEvent.filter(action="item.publish", object_id=str(v2.id)).exists()
    assert "撤销须说明理由" in out["withdraw_refused"]
    assert out["withdrawn"] == "已撤销" and "检查依据已废止" in out["withdrawn_history"]
    gone = await Item.get(code=withdraw)
    assert gone.withdrawn
    assert await ItemVersion.filter(item=gone, status=ItemVersionStatus.WITHDRAWN,
                                    reason="检查依据已废止").exists()


async def plans(stage: Stage) -> None:
    """R13: the section's plan for next year submitted, then the year's plans published."""
    year = clock.today().year + 1
    staff = await Staff.get(wecom_userid="qinzhigang").prefetch_related("section")
    needs = f"{year} 年拟对建筑施工、餐饮住宿行业开展劳动用工和工资支付专项抽查，抽查比例不低于 5%"
    out = await run_node("desk-more.mjs", "plans", base=stage.base, plan={
        "initiator": INITIATOR, "year": year, "needs": needs, "section": staff.section.name})
    assert out["problems"] == []
    assert "请填写本科室的年度抽查需求" in out["refused"]
    assert "待公示" in out["submitted"] and "统一向社会公示" in out["confirm"]
    assert "已公示" in out["published"] and "不能再修改" in out["own"]
    plan = await AnnualPlan.get(year=year, section_id=staff.section.id)
    assert plan.needs == needs and plan.status == PlanStatus.PUBLISHED and not plan.late
    assert await Publication.filter(object_type="annual_plan", object_id=plan.id).exists()


async def reports(stage: Stage, tmp_path: Path) -> None:
    """R19: the report generated, downloaded as PDF and Excel with the campaign's title, approved:
    the campaign closes and the report is archived."""
    campaign = await Campaign.get(state=CampaignState.REPORTING)
    out = await run_node("desk-more.mjs", "reports", base=stage.base, plan={
        "initiator": INITIATOR, "code": campaign.code, "title": campaign.title,
        "dir": str(tmp_path), "note": "同意，报分管领导"})
    assert out["problems"] == []
    assert out["before"] == "待生成"
    title = f"{campaign.title}工作报告"
    assert out["pdf_name"] == f"{campaign.code} {title}.pdf"
    assert out["xlsx_name"] == f"{campaign.code} {title}.xlsx"
    pdf = await asyncio.to_thread(Path(out["pdf_path"]).read_bytes)
    assert pdf.startswith(b"%PDF") and pdf_title(pdf) == title
    book = await asyncio.to_thread(openpyxl.load_workbook, out["xlsx_path"])
    assert book.sheetnames[0] == "报告" and book["报告"]["A1"].value == title
    assert "已审核归档" in out["after"] and "同意，报分管领导" in out["archived"]
    await campaign.refresh_from_db()
    report = await CampaignReport.get(campaign_id=campaign.id)
    assert campaign.state == CampaignState.CLOSED and report.status == ReportStatus.ARCHIVED
    assert report.approval_note == "同意，报分管领导"


async def blacklist_case(stage: Stage) -> None:
    """人社部令第45号: notice, the five-working-day statement window shown with its end, a decision
    inside it refused on the screen, the decision after it made; the term then shown."""
    taken = await BlacklistEntry.all().values_list("employer_id", flat=True)
    employer = await Employer.exclude(id__in=taken).order_by("id").first()
    assert employer is not None
    today = clock.today()
    noticed = today - dt.timedelta(days=21)
    hearing = (await add_working_days(noticed, 5)).day
    out = await run_node("desk-more.mjs", "blacklist", base=stage.base, plan={
        "initiator": INITIATOR, "uscc": employer.uscc, "future": (today + dt.timedelta(days=1)).isoformat(),
        "noticed_on": noticed.isoformat(), "cause": "拖欠 23 名农民工工资共计 41.6 万元，经责令限期支付逾期未支付",
        "inside_window": (noticed + dt.timedelta(days=1)).isoformat(), "today": today.isoformat()})
    assert out["problems"] == []
    assert out["listed_before"] >= 1  # the demo's listing
    assert employer.name in out["party"]
    assert "告知书送达日期不能晚于今天" in out["notice_refused"] and "必须填写" in out["notice_refused"]

    def said(day: dt.date) -> str:
        return f"{day.year}年{day.month}月{day.day}日"

    steps = {s["step"]: s for s in out["steps_noticed"]}
    assert f"期限至 {said(hearing)}" in steps["hearing"]["text"]
    assert f"{said(hearing + dt.timedelta(days=1))}起方可作出决定" in steps["decision"]["text"]
    assert steps["decision"]["state"] == "current"
    assert f"{said(hearing + dt.timedelta(days=1))}起方可作出决定" in out["decision_refused"]
    entry = await BlacklistEntry.get(employer_id=employer.id)
    assert entry.status == BlacklistStatus.IN_FORCE and entry.decided_on == today
    assert entry.noticed_on == noticed and entry.hearing_until == hearing
    listed = {s["step"]: s for s in out["steps_listed"]}
    assert f"列入期限至 {said(blacklist.term_end(today))}" in listed["removal"]["text"]
    assert said(blacklist.add_months(today, 6)) in listed["removal"]["text"]


async def smoke(stage: Stage) -> None:
    """The desk's other screens open on real data and do one thing each."""
    year = clock.today().year + 1
    employer = await Employer.filter(blacklist_entries__id__isnull=True).order_by("-id").first()
    assert employer is not None
    out = await run_node("desk-more.mjs", "smoke", base=stage.base, plan={
        "initiator": INITIATOR, "admin": ADMIN, "withhold_reason": "涉及个人隐私",
        "withhold_basis": "《中华人民共和国政府信息公开条例》第十五条", "person": "王磊",
        "employer": employer.name, "conflict_reason": "配偶在该单位任职",
        "cal_year": year, "holidays": [f"{year}-01-01"], "cal_basis": "国办发明电〔2026〕7号"})
    assert out["problems"] == []
    published = await Publication.get(id=out["published_id"])
    withheld = await Publication.get(id=out["withheld_id"])
    assert published.published_at is not None and published.withdrawn_at is None
    assert withheld.withdrawn_at is not None and withheld.withdrawn_reason == "涉及个人隐私"
    assert "李娟" in out["certificates"] and "赵鹏" in out["certificates"]  # expiring, expired
    assert "王磊" in out["conflict_row"] and employer.name in out["conflict_row"]
    assert await Conflict.filter(staff__name="王磊", employer_id=employer.id).exists()
    assert "刘建国" in out["audit"] and "审计链完整" in out["chain"]
    # In words, not codes (the codes are only tooltips): the action and the changed fields.
    assert "登记回避关系" in out["audit"] and "理由：" in out["audit"]
    assert "conflict.declare" not in out["audit"] and "staff_id" not in out["audit"]
    assert f"{year} 年的节假日安排已保存" in out["calendar"]
    schedule = await HolidaySchedule.get(year=year)
    assert schedule.holidays == [f"{year}-01-01"] and schedule.basis == "国办发明电〔2026〕7号"


async def test_the_rest_of_the_desk(desk: Stage, tmp_path: Path) -> None:
    await items(desk)
    await plans(desk)
    await reports(desk, tmp_path)
    await blacklist_case(desk)
    await smoke(desk)
