"""`suiji credit export|grade propose|blacklist expire` and `suiji report generate`, run as the
real command in a subprocess on the test database."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from inspection.credit import export
from models.credit import GradeAssessment
from models.enums import CampaignState
from tests import credit_factories as f

ROOT = Path(__file__).resolve().parents[3]


def _suiji(settings, *args):
    env = {**os.environ, "SUIJI_DATABASE_URL": settings.database_url,
           "SUIJI_DATA_DIR": str(settings.data_dir), "SUIJI_SECRET_KEY": settings.secret_key,
           "SUIJI_ENV": "test", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "suiji", *args], env=env, cwd=settings.data_dir.parent,
                          capture_output=True, text=True, timeout=120)


async def test_export_grade_and_report(settings, tmp_path):
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    emp = await f.employer()
    await f.penalty(emp, decided_on=dt.date(2026, 6, 1))
    camp = await f.campaign(field_end=dt.date(2026, 9, 25), state=CampaignState.REPORTING)

    out = tmp_path / "feed.csv"
    done = _suiji(settings, "credit", "export", "--since", "0", "--format", "csv", str(out))
    assert done.returncode == 0, done.stderr
    [record] = export.parse_csv(out.read_text(encoding="utf-8"))
    assert (record.uscc, record.kind) == (emp.uscc, "penalty")
    assert f"next cursor {record.id}" in done.stderr
    done = _suiji(settings, "credit", "export", "--since", str(record.id), "-")
    assert export.parse_json(done.stdout) == []

    done = _suiji(settings, "credit", "grade", "propose", "2026")
    assert done.returncode == 0, done.stderr
    assert (await GradeAssessment.get(employer_id=emp.id)).proposed == "B"

    done = _suiji(settings, "report", "generate", camp.code)
    assert done.returncode == 0, done.stderr
    xlsx = settings.data_dir / "reports" / camp.code / f"{camp.code}-report.xlsx"
    assert openpyxl.load_workbook(xlsx)["概况"]["B1"].value == camp.code

    done = _suiji(settings, "report", "generate", "NO-SUCH")
    assert done.returncode == 1 and "不存在" in done.stderr
    done = _suiji(settings, "credit", "blacklist", "expire")
    assert done.returncode == 0, done.stderr
