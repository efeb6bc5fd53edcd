"""Employer roster import/export (R9, R12, R21): all-or-nothing, every problem at once."""

import csv
import io

import pytest
from openpyxl import Workbook
from tortoise.transactions import in_transaction

from inspection.errors import ValidationFailed
from inspection.rosters import employers as rosters
from inspection.rosters import uscc
from models.audit import AuditEvent
from models.employers import Employer, GradeChange
from models.enums import Grade

pytestmark = pytest.mark.usefixtures("clean_db")

HEADERS = ["统一社会信用代码", "单位名称", "法定代表人", "乡镇街道", "所属行业", "职工人数", "诚信等级"]


def employer_rows(n: int) -> list[list[str]]:
    grades = ["A", "A", "B", "C", "未评级"]
    return [[uscc.make_uscc(f"91500102MA5U{i:05d}"), f"重庆市涪陵区测试{i}有限公司", f"张{i}",
             "敦仁街道", "制造业", str(10 + i), grades[i % 5]] for i in range(n)]


def to_csv(headers, rows, *, encoding="utf-8", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def to_xlsx(headers, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def run_import(data: bytes, filename: str = "employers.csv"):
    async with in_transaction():
        return await rosters.import_employers(data=data, filename=filename, actor="cli")


async def test_done_when_three_bad_rows_then_fixed_then_one_grade_change():
    rows = employer_rows(100)
    bad = [row[:] for row in rows]
    good_code = bad[9][0]
    bad[9][0] = good_code[:-1] + ("0" if good_code[-1] != "0" else "1")  # sheet row 11
    bad[41][6] = "D"  # sheet row 43
    bad[76][5] = "很多"  # sheet row 78
    with pytest.raises(ValidationFailed) as info:
        await run_import(to_csv(HEADERS, bad))
    problems = info.value.problems
    assert [(p.row, p.field) for p in problems] == [
        (11, "统一社会信用代码"), (43, "诚信等级"), (78, "职工人数")]
    assert problems[0].message == f"校验位错误，应为「{good_code[-1]}」"
    assert "「D」" in problems[1].message and "「很多」" in problems[2].message
    assert "3 行" in info.value.message
    assert await Employer.all().count() == 0
    assert await AuditEvent.all().count() == 0

    summary = await run_import(to_csv(HEADERS, rows))
    assert (summary.created, summary.updated, summary.unchanged) == (100, 0, 0)
    assert await Employer.all().count() == 100
    assert await AuditEvent.filter(action="employer.create").count() == 100
    graded = await GradeChange.all().count()
    assert graded == 80  # every graded employer gets its first grade history entry

    events_before = await AuditEvent.all().count()
    rows[7][6] = "C"  # was B (7 % 5 == 2)
    summary = await run_import(to_csv(HEADERS, rows))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 99)
    assert summary.changes == {rows[7][0]: ["grade"]}
    events = await AuditEvent.filter(seq__gt=events_before).all()
    assert len(events) == 1
    assert events[0].action == "employer.update"
    assert (events[0].before, events[0].after) == ({"grade": "B"}, {"grade": "C"})
    change = await GradeChange.filter(source="import").order_by("-id").first()
    assert change is not None and (change.previous, change.grade) == (Grade.B, Grade.C)
    assert await GradeChange.all().count() == graded + 1


async def test_utf8_with_bom_and_english_aliases():
    headers = ["uscc", "name", "legal_rep", "township", "industry", "headcount", "grade"]
    summary = await run_import(to_csv(headers, employer_rows(3), bom=True))
    assert summary.created == 3
    e = await Employer.get(uscc=employer_rows(3)[1][0])
    assert (e.name, e.headcount, e.grade) == ("重庆市涪陵区测试1有限公司", 11, Grade.A)


async def test_gbk_csv():
    summary = await run_import(to_csv(HEADERS, employer_rows(4), encoding="gbk"))
    assert summary.created == 4
    assert await Employer.filter(township="敦仁街道").count() == 4


async def test_xlsx_with_numbers_as_cells():
    rows = employer_rows(3)
    for r in rows:
        r[5] = int(r[5])
    summary = await run_import(to_xlsx(HEADERS, rows), "名录.xlsx")
    assert summary.created == 3
    assert (await Employer.get(uscc=rows[2][0])).headcount == 12


async def test_duplicate_key_in_file_is_an_error_on_both_rows():
    rows = employer_rows(5)
    rows[3][0] = rows[1][0]
    with pytest.raises(ValidationFailed) as info:
        await run_import(to_csv(HEADERS, rows))
    assert [(p.row, p.code) for p in info.value.problems] == [
        (3, "duplicate_in_file"), (5, "duplicate_in_file")]
    assert "另见第 5 行" in info.value.problems[0].message
    assert await Employer.all().count() == 0


async def test_missing_required_column_and_unknown_column_warning():
    with pytest.raises(ValidationFailed) as info:
        await run_import(to_csv(["单位名称"], [["甲公司"]]))
    assert info.value.problems[0].field == "统一社会信用代码"
    summary = await run_import(to_csv([*HEADERS, "备注"], [[*r, "x"] for r in employer_rows(1)]))
    assert summary.created == 1
    assert [w.code for w in summary.warnings] == ["unknown_column"]


async def test_absent_columns_leave_fields_unchanged():
    await run_import(to_csv(HEADERS, employer_rows(2)))
    rows = [[r[0], r[1]] for r in employer_rows(2)]
    summary = await run_import(to_csv(HEADERS[:2], rows))
    assert summary.unchanged == 2
    assert (await Employer.get(uscc=rows[0][0])).legal_rep == "张0"


async def test_too_large_file_is_refused(monkeypatch):
    from inspection.rosters import tabular
    monkeypatch.setattr(tabular, "MAX_BYTES", 100)
    with pytest.raises(ValidationFailed) as info:
        await run_import(to_csv(HEADERS, employer_rows(5)))
    assert info.value.problems[0].code == "too_large"


async def test_export_round_trips_unchanged():
    rows = employer_rows(20)
    rows[0][1] = "=HYPERLINK(\"x\")公司"  # text that looks like a formula stays text
    await run_import(to_csv(HEADERS, rows))
    data = await rosters.export_employers()
    summary = await run_import(data, "export.xlsx")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 20)
    assert (await Employer.get(uscc=rows[0][0])).name == rows[0][1]


async def test_title_rows_above_the_header_are_skipped():
    wb = Workbook()
    ws = wb.active
    ws.append(["涪陵区监管对象名录库（2026年）"])
    ws.append([])
    ws.append(HEADERS)
    rows = employer_rows(2)
    rows[1][6] = "E"
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ValidationFailed) as info:
        await run_import(out.getvalue(), "名录.xlsx")
    # Row numbers are the sheet's own: title 1, blank 2, header 3, data from 4.
    assert [(p.row, p.field) for p in info.value.problems] == [(5, "诚信等级")]


async def test_every_kind_of_row_problem_in_one_report():
    rows = employer_rows(6)
    rows[0][0] = ""
    rows[1][0] = "91350100M000100Y4"
    rows[2][0] = "91350100M0I0100Y43"
    rows[3][5] = "-3"
    rows[4][1] = "公" * 129
    rows[5][6] = "AA"
    with pytest.raises(ValidationFailed) as info:
        await run_import(to_csv(HEADERS, rows))
    got = [(p.row, p.code) for p in info.value.problems]
    assert got == [(2, "required"), (3, "bad_uscc"), (4, "bad_uscc"), (5, "bad_number"),
                   (6, "too_long"), (7, "bad_grade")]
    assert info.value.problems[1].message == "长度应为18位，实为17位"
    assert info.value.problems[2].message == "含非法字符「I」"


async def test_not_a_spreadsheet():
    with pytest.raises(ValidationFailed) as info:
        await run_import(b"PK\x03\x04 not really a zip", "broken.xlsx")
    assert info.value.problems[0].code == "bad_xlsx"
    with pytest.raises(ValidationFailed) as info:
        await run_import(bytes(range(128, 256)) * 4, "binary.csv")
    assert info.value.problems[0].code == "encoding"


async def test_tab_and_semicolon_separated_files():
    rows = employer_rows(2)
    tsv = "\n".join("\t".join(map(str, r)) for r in [HEADERS, *rows]).encode()
    assert (await run_import(tsv, "a.txt")).created == 2
    rows = employer_rows(3)
    rows[2] = rows[2][:2]  # a short row: the missing cells are empty
    ssv = "\n".join(";".join(map(str, r)) for r in [HEADERS, *rows]).encode("gb18030")
    summary = await run_import(ssv, "b.csv")
    assert (summary.created, summary.unchanged) == (1, 2)
    assert (await Employer.get(uscc=rows[2][0])).grade == Grade.NONE


async def test_header_only_file_is_refused():
    with pytest.raises(ValidationFailed) as info:
        await run_import(to_csv(HEADERS, [["", "", ""]]))
    assert info.value.problems[0].code == "empty"


async def test_all_digit_code_stored_as_a_number_in_excel():
    rows = employer_rows(1)
    rows[0][0] = 914403001922038216.0  # what Excel keeps of an 18-digit number
    with pytest.raises(ValidationFailed) as info:
        await run_import(to_xlsx(HEADERS, rows), "a.xlsx")
    assert [p.code for p in info.value.problems] == ["number_cell"]


async def test_nul_characters_are_row_errors_and_nothing_is_imported():
    # PostgreSQL text cannot hold U+0000: without this check the import died with a server error.
    rows = employer_rows(4)
    rows[1][1] = "某\x00公司"  # sheet row 3, 单位名称
    rows[3][4] = "\x00"  # sheet row 5
    with pytest.raises(ValidationFailed) as info:
        await run_import(to_csv(HEADERS, rows))
    assert [(p.row, p.field, p.code) for p in info.value.problems] == [
        (3, HEADERS[1], "nul_character"), (5, HEADERS[4], "nul_character")]
    assert await Employer.all().count() == 0
