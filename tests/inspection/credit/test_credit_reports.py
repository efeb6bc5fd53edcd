"""The campaign report (R19): figures reconcile with the raw rows; PDF and XLSX are produced and
parse; it is due 10 working days after the field window and chased until generated."""

import datetime as dt
import io

import openpyxl
import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from inspection import clock, typeset
from inspection.credit import render, reports, statistics
from inspection.errors import Conflict
from models.callups import CallUp
from models.enums import (
    CallUpState,
    CampaignState,
    FindingResult,
    InspectionState,
    OutboxStatus,
    RectificationState,
    ReportStatus,
)
from models.outbox import OutboxMessage
from models.reports import CampaignReport
from tests import credit_factories as f
from tests import poppler
from tests.notices_fixtures import AUTHORITY, pdf_text
from tests.wecom_rows import body, content

pytestmark = pytest.mark.usefixtures("clean_db")

BUREAU = AUTHORITY


async def _campaign():
    sec = await f.section()
    initiators = [await f.staff(sec, is_initiator=True) for _ in range(2)]
    camp = await f.campaign(sec, field_end=dt.date(2026, 9, 25), state=CampaignState.REPORTING)
    wages, hours = await f.item_version("WAGE", "工资支付"), await f.item_version("HOUR", "工作时间")
    emps = [await f.employer() for _ in range(5)]
    await f.employer_draw(camp, {"A": emps[:2], "C": emps[2:5]})
    inspector = await f.staff(is_inspector=True)
    done = [await f.inspection(e, camp) for e in emps[:4]]
    await f.inspection(emps[4], camp, state=InspectionState.PLANNED)
    results = [(FindingResult.NONCOMPLIANT, FindingResult.COMPLIANT),
               (FindingResult.NONCOMPLIANT, FindingResult.NONCOMPLIANT),
               (FindingResult.COMPLIANT, FindingResult.NOT_APPLICABLE),
               (FindingResult.COMPLIANT, FindingResult.COMPLIANT)]
    for ins, (w, h) in zip(done, results, strict=True):
        await f.finding(ins, wages, inspector, w)
        await f.finding(ins, hours, inspector, h)
    await f.order(done[0], inspector, state=RectificationState.RECTIFIED,
                  closed_on=dt.date(2026, 9, 20))
    await f.order(done[1], inspector, state=RectificationState.ESCALATED)
    await f.penalty(emps[1], ins=done[1], amount="12000.50")
    await f.penalty(emps[0], decided_on=dt.date(2026, 1, 1))  # not from this campaign
    people = [await f.staff(is_inspector=True) for _ in range(5)]
    await f.inspector_callups(camp, [
        (people[0], CallUpState.ACCEPTED, ""), (people[1], CallUpState.DECLINED, "区里开会"),
        (people[2], CallUpState.ACCEPTED, ""), (people[3], CallUpState.REPLACED, ""),
        (people[4], CallUpState.ACCEPTED, "")])
    return camp, initiators


async def _generate(camp, settings) -> CampaignReport:
    async with in_transaction():
        return await reports.generate(campaign_id=camp.id, actor="cli",
                                      data_dir=settings.data_dir, issuer=BUREAU)


async def _count(sql: str) -> int:
    rows = await connections.get("default").execute_query_dict(sql)
    return int(next(iter(rows[0].values())))


async def test_figures_reconcile_with_raw_rows(settings):
    camp, _ = await _campaign()
    report = await _generate(camp, settings)
    fig = report.figures
    cid = camp.id
    done = ("SELECT i.id FROM inspection i JOIN inspection_campaign ic ON ic.inspection_id = i.id "
            f"WHERE ic.campaign_id = {cid} AND i.state IN ('submitted','rectifying','closed')")
    assert fig["drawn"]["total"] == await _count(
        "SELECT COUNT(*) FROM draw_entry e JOIN draw d ON d.id = e.draw_id "
        f"WHERE d.campaign_id = {cid} AND d.kind = 'employers'") == 5
    assert fig["drawn"]["by_stratum"] == {"A": 2, "C": 3}
    assert fig["inspections"]["inspected"] == await _count(f"SELECT COUNT(*) FROM ({done}) x") == 4
    assert fig["inspections"]["with_violations"] == await _count(
        f"SELECT COUNT(DISTINCT inspection_id) FROM finding WHERE result = 'noncompliant' "
        f"AND inspection_id IN ({done})") == 2
    by_item = {r["item_code"]: r for r in fig["findings_by_item"]}
    for code in ("WAGE", "HOUR"):
        for result in ("compliant", "noncompliant", "not_applicable"):
            assert by_item[code][result] == await _count(
                "SELECT COUNT(*) FROM finding fi JOIN item_version v ON v.id = fi.item_version_id "
                f"JOIN item it ON it.id = v.item_id WHERE it.code = '{code}' "
                f"AND fi.result = '{result}' AND fi.inspection_id IN ({done})")
    assert (by_item["WAGE"]["noncompliant"], by_item["HOUR"]["not_applicable"]) == (2, 1)
    assert fig["rectification"]["rectified"] == await _count(
        f"SELECT COUNT(*) FROM rectification_order WHERE state = 'rectified' "
        f"AND inspection_id IN ({done})") == 1
    assert fig["rectification"]["escalated"] == 1
    assert fig["penalties"]["count"] == await _count(
        f"SELECT COUNT(*) FROM penalty_decision WHERE inspection_id IN ({done})") == 1
    assert fig["penalties"]["amount_yuan"] == "12000.50"
    assert fig["callups"]["declined"] == await _count(
        f"SELECT COUNT(*) FROM callup WHERE campaign_id = {cid} AND state = 'declined'") == 1
    assert fig["callups"]["substitutions"] == await _count(
        f"SELECT COUNT(*) FROM callup WHERE campaign_id = {cid} AND replaces_id IS NOT NULL") == 2
    assert fig["callups"]["called"] == await _count(
        f"SELECT COUNT(*) FROM callup WHERE campaign_id = {cid}") == 5  # every card sent
    assert fig["callups"]["waiting"] == 0
    second = await CallUp.get(campaign_id=cid, position=2).select_related("staff")
    assert fig["declines"] == [{"position": 2, "name": second.staff.name, "reason": "区里开会"}]


async def test_pdf_and_xlsx_are_produced_and_parse(settings):
    camp, _ = await _campaign()
    report = await _generate(camp, settings)
    assert report.status == ReportStatus.GENERATED
    pdf = (settings.data_dir / report.pdf_key).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert camp.code.encode() in pdf
    wb = openpyxl.load_workbook(io.BytesIO((settings.data_dir / report.xlsx_key).read_bytes()))
    assert wb.sheetnames == ["报告", "概况", "检查事项", "召集与递补"]
    assert wb["概况"]["B1"].value == camp.code
    items = wb["检查事项"]
    assert [c.value for c in items[1]] == ["抽查事项", "事项编号", "版本", "不符合", "符合", "不适用"]
    assert len(items._charts) == 1
    rows = {r[1]: r for r in items.iter_rows(min_row=2, values_only=True)}
    assert rows["WAGE"][0] == "工资支付" and rows["WAGE"][3] == 2


async def test_report_reads_as_a_report_a_section_head_can_hand_in(settings):
    camp, _ = await _campaign()
    report = await _generate(camp, settings)
    fig = report.figures
    text = pdf_text((settings.data_dir / report.pdf_key).read_bytes())
    titles = ["一、基本情况", "二、抽查结果", "三、发现的主要问题", "四、处理情况", "五、下一步工作"]
    assert [text.index(t) for t in titles] == sorted(text.index(t) for t in titles)
    declined = fig["declines"][0]["name"]
    for part in [
            "共发出召集5人次，接受3人", f"因其他重要公务无法参加1人（{declined}：区里开会）",
            "逾期未答复、由组长决定递补1人", "按抽取顺序递补召集2人次",  # R15
            "随机抽取用人单位5家（其中A级2家、C级3家）", "已完成检查4家，占抽取单位的80.0%",
            "违法行为的单位2家，占已检查单位的50.0%", "主要集中在工资支付（2家）、工作时间（1家）",
            "主要表现为未按月足额支付工资", "下达限期改正指令书2份，其中已整改1份",
            "罚款合计人民币12000.50元", "对转立案查处的1家单位依法办理"]:
        assert part in text, part
    assert text.endswith(f"{BUREAU}{camp.section.name}{typeset.cn_date(clock.today())}")
    assert "WAGE" not in text and "HOUR" not in text  # items by their names, never codes
    drawing = render.chart(fig, typeset.fonts().body)
    bars = next(c for c in drawing.contents if hasattr(c, "categoryAxis"))
    assert sorted(bars.categoryAxis.categoryNames) == ["工作时间", "工资支付"]
    sheet = openpyxl.load_workbook(io.BytesIO((settings.data_dir / report.xlsx_key).read_bytes()))
    words = [r[0] for r in sheet["报告"].iter_rows(values_only=True) if r[0]]
    assert titles[0] in words and any("共发出召集5人次" in w for w in words)


@poppler.needs_poppler
async def test_report_prints_in_another_reader_with_its_fonts_embedded(settings):
    camp, _ = await _campaign()
    report = await _generate(camp, settings)
    pdf = (settings.data_dir / report.pdf_key).read_bytes()
    found = poppler.fonts(pdf)
    assert {f.name.split("+", 1)[1].split("-")[0] for f in found} == {"UMingCN",
                                                                      "WenQuanYiZenHei"}
    assert all(f.embedded and f.subset and "TrueType" in f.type for f in found), found
    pngs = poppler.pages(pdf, "campaign-report")  # SUIJI_PAPERS_OUT keeps them for a look
    assert pngs and all(poppler.ink(p) > 0.01 for p in pngs)


async def test_no_empty_chart_before_anything_is_found(settings):
    camp = await f.campaign(state=CampaignState.REPORTING)
    await f.campaign_item(camp, await f.item_version("WAGE", "工资支付"))
    emp = await f.employer()
    await f.employer_draw(camp, {"B": [emp]})
    await f.inspection(emp, camp, state=InspectionState.PLANNED)
    report = await _generate(camp, settings)
    assert render.chart(report.figures, typeset.fonts().body) is None
    text = pdf_text((settings.data_dir / report.pdf_key).read_bytes())
    assert "尚无提交的检查结果，因此不附检查结果表和图" in text
    assert "不符合率" not in text and "不适用" not in text  # neither the table nor the chart
    assert "本次抽查尚未召集执法检查人员" in text and "未发现劳动保障违法行为" in text
    wb = openpyxl.load_workbook(io.BytesIO((settings.data_dir / report.xlsx_key).read_bytes()))
    assert wb["检查事项"]._charts == []


async def test_due_date_chase_and_archive(settings):
    camp, initiators = await _campaign()
    async with in_transaction():
        report = await reports.open_report(campaign_id=camp.id, actor="system")
    # Field window ends Friday 25 Sept 2026; 10 working days skip the National Day holiday.
    assert report.due_on == dt.date(2026, 10, 15)  # 28-30 Sept, 8-10 Oct (Sat 调休), 12-15 Oct
    timer = await OutboxMessage.get(topic=reports.DUE_TOPIC)
    assert timer.due_at == dt.datetime(2026, 10, 15, 1, 0, tzinfo=dt.UTC)  # 09:00 Beijing
    async with in_transaction():
        await reports.on_report_due(timer.payload)
    message = await OutboxMessage.get(topic="wecom.message")
    assert set(body(message)["touser"].split("|")) == {s.wecom_userid for s in initiators}
    assert content(message).startswith(  # then 今天到期 or 已逾期 N 个工作日: today is real
        f"【抽查工作报告催办】任务 {camp.code}「{camp.title}」的抽查工作报告（期限 2026年10月15日，"
        "检查结束后 10 个工作日内）")
    assert await OutboxMessage.filter(topic=reports.DUE_TOPIC, status=OutboxStatus.PENDING
                                      ).count() == 2  # the next chase is queued
    with pytest.raises(Conflict):
        await reports.archive(campaign_id=camp.id, actor="cli")
    async with in_transaction():
        await reports.generate(campaign_id=camp.id, actor="cli", data_dir=settings.data_dir,
                               issuer=BUREAU)
    async with in_transaction():  # generated: the chase stops
        await reports.on_report_due({"report_id": report.id, "chase": 1})
    assert await OutboxMessage.filter(topic="wecom.message").count() == 1
    async with in_transaction():
        archived = await reports.archive(campaign_id=camp.id, actor="cli")
    assert archived.status == ReportStatus.ARCHIVED
    with pytest.raises(Conflict):
        await reports.generate(campaign_id=camp.id, actor="cli", data_dir=settings.data_dir,
                               issuer=BUREAU)


async def test_draft_campaign_has_no_report(settings):
    camp = await f.campaign(state=CampaignState.DRAFT)
    with pytest.raises(Conflict):
        await reports.generate(campaign_id=camp.id, actor="cli", data_dir=settings.data_dir,
                               issuer=BUREAU)
    assert await CampaignReport.all().count() == 0


async def test_statistics_per_campaign_and_year():
    camp, _ = await _campaign()
    per = await statistics.campaign_statistics(campaign_id=camp.id)
    assert per["rates"]["violation"] == 0.5
    assert per["rates"]["rectified_of_orders"] == 0.5
    assert per["report"] is None
    year = await statistics.year_statistics(year=2026, today=dt.date(2026, 12, 1))
    assert year["campaigns"]["count"] == 1
    assert year["inspections"] == {"planned": 5, "inspected": 4, "with_violations": 2}
    assert year["findings"] == {"compliant": 4, "noncompliant": 3, "not_applicable": 1}
    assert year["penalties"]["count"] == 2  # every penalty decided in the year
    assert year["callups"]["declined"] == 1
