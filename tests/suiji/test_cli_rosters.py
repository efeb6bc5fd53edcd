"""`suiji import` / `suiji export` end to end: the issue's done-when scenario (R9, R12, R21)."""

from models.audit import AuditEvent
from models.employers import Employer, GradeChange
from tests.inspection.rosters.test_employers import HEADERS, employer_rows, to_csv
from tests.suiji.cli_helpers import run_cli


async def test_bad_rows_named_then_fixed_sheet_then_one_grade_change(settings, tmp_path):
    rows = employer_rows(100)
    bad = [r[:] for r in rows]
    right = bad[20][0][-1]
    bad[20][0] = bad[20][0][:-1] + ("1" if right != "1" else "2")  # sheet row 22
    bad[50][1] = ""  # sheet row 52
    bad[60][0] = bad[59][0]  # sheet rows 61 and 62 carry the same code
    sheet = tmp_path / "单位.csv"
    sheet.write_bytes(to_csv(HEADERS, bad))
    result = run_cli(settings, tmp_path, "import", "employers", str(sheet))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("导入失败：共 4 行有误")
    assert f"第 22 行「统一社会信用代码」：校验位错误，应为「{right}」" in lines
    assert "第 52 行「单位名称」：不能为空" in lines
    assert any(line.startswith("第 61 行「统一社会信用代码」：统一社会信用代码") and "重复" in line
               for line in lines)
    assert any(line.startswith("第 62 行「统一社会信用代码」") for line in lines)
    assert await Employer.all().count() == 0

    sheet.write_bytes(to_csv(HEADERS, rows))
    result = run_cli(settings, tmp_path, "import", "employers", str(sheet))
    assert result.returncode == 0, result.stderr
    assert "新增 100，更新 0，未变 0" in result.stdout
    assert await Employer.all().count() == 100

    before = await AuditEvent.all().count()
    rows[33][6] = "A" if rows[33][6] != "A" else "B"
    sheet.write_bytes(to_csv(HEADERS, rows))
    result = run_cli(settings, tmp_path, "import", "employers", str(sheet))
    assert result.returncode == 0, result.stderr
    assert "新增 0，更新 1，未变 99" in result.stdout
    assert f"更新 {rows[33][0]}：grade" in result.stdout
    assert await AuditEvent.all().count() == before + 1
    e = await Employer.get(uscc=rows[33][0])
    assert await GradeChange.filter(employer=e, previous__not_isnull=True).count() == 1

    out = tmp_path / "export.xlsx"
    result = run_cli(settings, tmp_path, "export", "employers", str(out))
    assert result.returncode == 0 and out.stat().st_size > 0
    result = run_cli(settings, tmp_path, "import", "employers", str(out))
    assert "新增 0，更新 0，未变 100" in result.stdout


async def test_missing_file_and_legacy_xls(settings, tmp_path):
    result = run_cli(settings, tmp_path, "import", "employers", str(tmp_path / "none.csv"))
    assert result.returncode == 2 and "文件不存在" in result.stderr
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 legacy")
    result = run_cli(settings, tmp_path, "import", "inspectors", str(old))
    assert result.returncode == 1 and "不支持旧版 .xls" in result.stderr
