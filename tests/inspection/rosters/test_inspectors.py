"""Sections and the inspector roster (R8)."""

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection.errors import ValidationFailed
from inspection.rosters import inspectors
from models.audit import AuditEvent
from models.enums import SectionKind, StaffStatus
from models.org import Section, Staff
from tests.inspection.rosters.test_employers import to_csv, to_xlsx

pytestmark = pytest.mark.usefixtures("clean_db")

TODAY = dt.date(2026, 3, 2)
HEADERS = ["姓名", "企业微信账号", "执法证号", "执法证有效期至", "所属科室", "角色"]


@pytest.fixture
async def sections():
    async with in_transaction():
        await inspectors.import_sections(data=to_csv(
            ["科室编码", "科室名称", "科室类型"],
            [["JCZD", "劳动保障监察支队", "发起科室"], ["ZCFG", "政策法规科", "政策法规科"],
             ["SBZX", "区社会保险事务中心", "直属单位"]]), filename="s.csv", actor="cli")


async def run_import(data: bytes, filename: str = "staff.csv"):
    async with in_transaction():
        return await inspectors.import_inspectors(data=data, filename=filename, actor="cli",
                                                  today=TODAY)


def staff_rows():
    return [
        ["李明", "liming", "50010220001", "2028-06-30", "劳动保障监察支队", "执法检查人员、组长"],
        ["王芳", "wangfang", "50010220002", "2027/12/31", "JCZD", "执法检查人员"],
        ["陈静", "chenjing", "50010220003", "2026年1月31日", "区社会保险事务中心", "执法检查人员"],
        ["赵强", "zhaoqiang", "", "", "政策法规科", "政策法规科, 发起科室"],
    ]


async def test_sections_import(sections):
    assert await Section.all().count() == 3
    s = await Section.get(code="SBZX")
    assert s.kind == SectionKind.AFFILIATED


async def test_inspectors_import_with_roles_and_expired_warning(sections):
    summary = await run_import(to_csv(HEADERS, staff_rows()))
    assert summary.created == 4
    # Expired certificate: a warning, the row still imports (R8).
    assert [(w.row, w.field, w.code) for w in summary.warnings] == [
        (4, "执法证有效期至", "cert_expired")]
    assert "2026-01-31" in summary.warnings[0].message
    li = await Staff.get(wecom_userid="liming").prefetch_related("section")
    assert (li.is_inspector, li.is_leader, li.section.name) == (True, True, "劳动保障监察支队")
    zhao = await Staff.get(wecom_userid="zhaoqiang")
    assert (zhao.is_admin, zhao.is_initiator, zhao.is_inspector, zhao.cert_no) == (
        True, True, False, None)
    assert (await Staff.get(wecom_userid="wangfang")).cert_valid_until == dt.date(2027, 12, 31)
    assert await AuditEvent.filter(action="staff.create").count() == 4


async def test_every_problem_reported_and_nothing_imported(sections):
    rows = staff_rows()
    rows[0][4] = "不存在科"  # unknown section
    rows[1][3] = "2027-13-01"  # malformed date
    rows[2][5] = "执法检查人员、局长"  # unknown role
    rows[3][1] = "liming"  # duplicate userid with row 2
    with pytest.raises(ValidationFailed) as info:
        await run_import(to_csv(HEADERS, rows))
    got = [(p.row, p.field, p.code) for p in info.value.problems]
    assert got == [
        (2, "所属科室", "unknown_section"), (2, "企业微信账号", "duplicate_in_file"),
        (3, "执法证有效期至", "bad_date"), (4, "角色", "bad_role"),
        (5, "企业微信账号", "duplicate_in_file")]
    assert await Staff.all().count() == 0


async def test_inspector_needs_certificate(sections):
    rows = [["孙丽", "sunli", "", "", "JCZD", "执法检查人员"]]
    with pytest.raises(ValidationFailed) as info:
        await run_import(to_csv(HEADERS, rows))
    assert info.value.problems[0].code == "cert_required"


async def test_duplicate_certificate_in_file_and_in_database(sections):
    rows = staff_rows()
    rows[1][2] = rows[0][2]
    with pytest.raises(ValidationFailed) as info:
        await run_import(to_csv(HEADERS, rows))
    assert [(p.row, p.code) for p in info.value.problems] == [
        (2, "duplicate_in_file"), (3, "duplicate_in_file")]
    await run_import(to_csv(HEADERS, staff_rows()))
    with pytest.raises(ValidationFailed) as info:
        await run_import(to_csv(HEADERS, [["新人", "xinren", "50010220001", "2028-01-01",
                                           "JCZD", "执法检查人员"]]))
    assert info.value.problems[0].code == "cert_taken"
    assert "李明" in info.value.problems[0].message


async def test_reimport_updates_by_userid_and_audits_changes(sections):
    await run_import(to_csv(HEADERS, staff_rows()))
    rows = staff_rows()
    rows[1][4] = "区社会保险事务中心"
    rows[1][3] = "2029-12-31"
    n = await AuditEvent.all().count()
    summary = await run_import(to_csv([*HEADERS, "状态"], [[*r, "在岗"] for r in rows]))
    assert (summary.updated, summary.unchanged) == (1, 3)
    assert sorted(summary.changes["wangfang"]) == ["cert_valid_until", "section_id"]
    ev = await AuditEvent.get(seq=n + 1)
    assert ev.after["cert_valid_until"] == "2029-12-31" and set(ev.before) == {
        "cert_valid_until", "section_id"}
    assert (await Staff.get(wecom_userid="wangfang")).status == StaffStatus.ACTIVE


async def test_export_round_trips_unchanged(sections):
    await run_import(to_csv(HEADERS, staff_rows()))
    data = await inspectors.export_inspectors()
    summary = await run_import(data, "staff.xlsx")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 4)
    sdata = await inspectors.export_sections()
    async with in_transaction():
        s = await inspectors.import_sections(data=sdata, filename="s.xlsx", actor="cli")
    assert s.unchanged == 3


async def test_xlsx_dates_as_cells(sections):
    rows = staff_rows()[:2]
    rows[0][3] = dt.datetime(2028, 6, 30)
    summary = await run_import(to_xlsx(HEADERS, rows), "staff.xlsx")
    assert summary.created == 2
    assert (await Staff.get(wecom_userid="liming")).cert_valid_until == dt.date(2028, 6, 30)
