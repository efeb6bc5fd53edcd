"""`suiji callup start` as an operator runs it (a separate process on its own SQLite file)."""

import os
import subprocess
import sys


def test_unknown_campaign_is_reported(tmp_path):
    env = {**os.environ, "SUIJI_DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}",
           "SUIJI_DATA_DIR": str(tmp_path / "data"), "SUIJI_ENV": "development"}
    env.pop("SUIJI_REDIS_URL", None)
    out = subprocess.run([sys.executable, "-m", "suiji", "callup", "start", "2026-XX-001"],
                         capture_output=True, text=True, env=env, timeout=60, check=False)
    assert out.returncode == 1, out.stderr
    assert "2026-XX-001 不存在" in out.stdout
