"""`suiji calendar set YEAR FILE --basis …` and `suiji calendar show YEAR`, as a real process."""

from __future__ import annotations

from pathlib import Path

from models.audit import AuditEvent
from models.system import HolidaySchedule
from tests.suiji.commands.test_draw_command import suiji

SHEET = ("日期,安排,说明\n2099-01-01,放假,元旦\n2099-01-02,放假,元旦\n2099-01-03,放假,元旦\n"
         "2099-01-10,上班,调休\n")


async def test_set_then_show(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "2099.csv").write_text(SHEET, encoding="utf-8")
    out = suiji(database_url, tmp_path, "calendar", "show", "2099")
    assert out.returncode == 0, out.stderr
    assert "尚未收录" in out.stdout and "暂定" in out.stdout
    out = suiji(database_url, tmp_path, "calendar", "set", "2099", "2099.csv",
                "--basis", "国办发明电〔2098〕1号")
    assert out.returncode == 0, out.stderr
    assert "本局录入" in out.stdout and "01-10(周六)" in out.stdout
    assert "已确认暂定期限" in out.stdout
    row = await HolidaySchedule.get(year=2099)
    assert row.holidays == ["2099-01-01", "2099-01-02", "2099-01-03"]
    assert (await AuditEvent.get(action="calendar.schedule_set")).actor == "cli"
    out = suiji(database_url, tmp_path, "calendar", "show", "2099")
    assert "放假 3 天" in out.stdout and "国办发明电〔2098〕1号" in out.stdout


async def test_a_bad_sheet_saves_nothing_and_names_every_row(database_url: str,
                                                            tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("日期,安排\n2099-01-05,上班\n2098-12-31,放假\n2099-02-30,放假\n",
                                      encoding="utf-8")
    out = suiji(database_url, tmp_path, "calendar", "set", "2099", "bad.csv", "--basis", "x")
    assert out.returncode == 1
    assert "第 4 行「日期」" in out.stderr  # 30 February: refused while reading
    (tmp_path / "bad.csv").write_text("日期,安排\n2099-01-05,上班\n2098-12-31,放假\n",
                                      encoding="utf-8")
    out = suiji(database_url, tmp_path, "calendar", "set", "2099", "bad.csv", "--basis", "x")
    assert out.returncode == 1
    assert "2099-01-05（周一） 本来就是工作日" in out.stderr and "不在 2099 年内" in out.stderr
    assert not await HolidaySchedule.exists()
