"""`suiji draw commit|reveal|void|verify` and `suiji campaign`, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from inspection import clock
from inspection.draw import records as draw_records
from models.campaigns import Campaign
from models.draws import Draw
from models.enums import CampaignState, DrawStatus, Grade
from tests.drawkit import approved_campaign, employers_spec, make_world, reference_check

ROOT = Path(__file__).resolve().parents[3]


def suiji(database_url: str, tmp_path: Path, *args: str,
          **env_vars: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SUIJI_DATABASE_URL=database_url, SUIJI_ENV="test",
               SUIJI_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(ROOT), **env_vars)
    env.pop("SUIJI_REDIS_URL", None)
    return subprocess.run([sys.executable, "-m", "suiji", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


async def test_commit_reveal_verify_before_witnesses(database_url, tmp_path):
    world = await make_world(employers=employers_spec(12, grade=Grade.C))
    campaign = await approved_campaign(world, code="2026-FL-042",
                                       rules={"strata": {"C": {"count": 5}}})
    out = suiji(database_url, tmp_path, "draw", "commit", campaign.code)
    assert out.returncode == 0, out.stderr
    draw = await Draw.get(campaign_id=campaign.id, kind="employers")
    assert draw.commitment in out.stdout and draw.secret not in out.stdout
    reveal = ["draw", "reveal", campaign.code, "--entropy", "福彩3D 2026321期 5 8 2",
              "--witness", "张三", "--witness", "李四"]
    early = suiji(database_url, tmp_path, *reveal, "--source-date", clock.today().isoformat())
    assert early.returncode == 1 and "须满 60 分钟" in early.stderr  # R10
    # The bureau's setting: here no wait; the lottery result is dated today.
    undated = suiji(database_url, tmp_path, *reveal, SUIJI_DRAW_MIN_REVEAL_DELAY_MINUTES="0")
    assert undated.returncode == 1 and "来源的日期" in undated.stderr
    out = suiji(database_url, tmp_path, *reveal, "--source-date", clock.today().isoformat(),
                SUIJI_DRAW_MIN_REVEAL_DELAY_MINUTES="0")
    assert out.returncode == 0, out.stderr
    await draw.refresh_from_db()
    assert draw.secret in out.stdout and draw.witnesses == "张三、李四"
    # the campaign has a leader, so the reveal also started the call-up (docs/callup.md)
    assert (await Campaign.get(id=campaign.id)).state == CampaignState.CALLING_UP
    again = suiji(database_url, tmp_path, "draw", "reveal", campaign.code, "--entropy", "1")
    assert again.returncode == 1 and "nothing_to_reveal" in again.stderr

    record = await draw_records.record(draw, full=True)
    reference_check(record)
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    ok = suiji(database_url, tmp_path, "draw", "verify", str(path))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    record["strata"][0]["drawn"][0], record["strata"][0]["drawn"][1] = (
        record["strata"][0]["drawn"][1], record["strata"][0]["drawn"][0])
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    bad = suiji(database_url, tmp_path, "draw", "verify", str(path))
    assert bad.returncode == 1 and "FAILED" in bad.stdout


async def test_void_and_campaign_commands(database_url, tmp_path):
    world = await make_world(employers=employers_spec(3, grade=Grade.C))
    campaign = await approved_campaign(world, code="2026-FL-043")
    assert suiji(database_url, tmp_path, "draw", "commit", campaign.code,
                 "--kind", "employers").returncode == 0
    out = suiji(database_url, tmp_path, "draw", "void", campaign.code, "--kind", "employers",
                "--reason", "名录导入错误")
    assert out.returncode == 0, out.stderr
    draw = await Draw.get(campaign_id=campaign.id, kind="employers")
    assert draw.status == DrawStatus.VOIDED and draw.void_reason == "名录导入错误"
    out = suiji(database_url, tmp_path, "campaign", "approve", campaign.code)
    assert out.returncode == 1 and "illegal_transition" in out.stderr
