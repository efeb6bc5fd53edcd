"""Run the real `suiji` command in a subprocess against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_cli(settings, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUIJI_")}
    env.update({
        "SUIJI_ENV": "test", "SUIJI_DATABASE_URL": settings.database_url,
        "SUIJI_SECRET_KEY": settings.secret_key, "SUIJI_DATA_DIR": str(cwd / "data"),
        "PYTHONPATH": str(ROOT),
    })
    return subprocess.run([sys.executable, "-m", "suiji", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
