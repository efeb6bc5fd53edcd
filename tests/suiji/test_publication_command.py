import asyncio
import datetime as dt
import os
import sys

from tortoise.transactions import in_transaction

from inspection.publication import duties as publication
from models.enums import PublicationKind
from tests.notices_fixtures import ISSUER, make_world, pdf_text


async def _suiji(settings, *args: str) -> tuple[int, str]:
    env = {**os.environ, "SUIJI_DATABASE_URL": settings.database_url, "SUIJI_ENV": "test",
           "SUIJI_SECRET_KEY": settings.secret_key, "SUIJI_DATA_DIR": str(settings.data_dir)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "suiji", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode()


async def test_due_and_overdue_across_national_day(settings):
    w = await make_world()
    async with in_transaction():
        duty = await publication.create_duty(
            kind=PublicationKind.PENALTY, object_type="penalty_decision", object_id=1,
            title="涪人社监罚〔2026〕第3号", section_id=w["section"].id,
            decided_on=dt.date(2026, 9, 30), actor="cli")
    code, out = await _suiji(settings, "publication", "due", "penalty", "2026-09-30")
    assert code == 0 and out.strip() == "2026-11-03"
    code, out = await _suiji(settings, "publication", "overdue", "--today", "2026-11-03")
    assert code == 0 and "没有逾期" in out
    code, out = await _suiji(settings, "publication", "overdue", "--today", "2026-11-04")
    assert code == 1 and "涪人社监罚〔2026〕第3号" in out and "逾期 1 天" in out
    code, out = await _suiji(settings, "publication", "publish", str(duty.id))
    assert code == 0
    code, out = await _suiji(settings, "publication", "overdue", "--today", "2026-11-04")
    assert code == 0


async def test_notice_file_and_revoke(settings, tmp_path):
    from inspection.notices import issuing as notices
    from models.enums import NoticeKind, NoticeStatus
    from models.notices import Notice

    w = await make_world()
    async with in_transaction():
        n = await notices.issue_notice(
            kind=NoticeKind.RESULT, employer_id=w["employer"].id, issued_by_id=w["staff"].id,
            issuer=ISSUER, inspection_id=w["inspection"].id,
            content={"body": "检查结果如下。"})
    out_file = tmp_path / "n.pdf"
    code, out = await _suiji(settings, "notice", "file", n.number, "--out", str(out_file))
    assert code == 0 and out_file.read_bytes().startswith(b"%PDF")
    # The operator's printout is the paper handed over: the verification code is on it.
    secret = notices.verification_code(token=n.token, secret=settings.secret_key)
    assert notices.grouped(secret) in out and f"核验码：{secret}" in pdf_text(out_file.read_bytes())
    code, out = await _suiji(settings, "notice", "revoke", n.number, "--reason", "误发")
    assert code == 0 and n.number in out
    assert (await Notice.get(id=n.id)).status == NoticeStatus.REVOKED
