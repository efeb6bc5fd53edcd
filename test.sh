#!/usr/bin/env bash
# The test command: the whole suite on SQLite (embedded default), then on PostgreSQL + Redis,
# each spread over pytest-xdist worker processes (each worker has its own database).
#   ./test.sh                         both backends (PostgreSQL and Redis at 127.0.0.1 by default)
#   ./test.sh -k draw                 extra arguments go to pytest
#   SUIJI_TEST_WORKERS=4 ./test.sh    workers per run (default: auto, one per CPU core);
#   SUIJI_TEST_WORKERS=1 ./test.sh    one process, no xdist
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-.venv/bin/python}
PG=${SUIJI_TEST_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
REDIS=${SUIJI_TEST_REDIS:-redis://127.0.0.1:6379/0}

# What the suite needs: installed here when it can be (the test extra, the staff app's packages),
# else named in one line.
if ! "$PYTHON" -c 'import pytest, xdist, playwright' 2>/dev/null; then
  [ -x "$PYTHON" ] || python3 -m venv .venv
  echo "== installing the test extra (pip install -e '.[test]')"
  "$PYTHON" -m pip install --quiet -e '.[test]'
fi
if [ ! -d webapp/node_modules ] && command -v npm >/dev/null; then
  echo "== installing the staff app's packages (npm ci)"
  (cd webapp && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi
missing=$("$PYTHON" - "$PG" "$REDIS" <<'PY'
import shutil, socket, subprocess, sys
from urllib.parse import urlsplit

def reachable(url: str, port: int) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or port), 2).close()
        return True
    except OSError:
        return False

out = []
if not reachable(sys.argv[1], 5432):
    out.append(f"PostgreSQL（{urlsplit(sys.argv[1]).hostname}:{urlsplit(sys.argv[1]).port or 5432}）")
if not reachable(sys.argv[2], 6379):
    out.append(f"Redis（{urlsplit(sys.argv[2]).hostname}:{urlsplit(sys.argv[2]).port or 6379}）")
if not (shutil.which("chromium") or shutil.which("chromium-browser")):
    out.append("Chromium（apt-get install chromium）")
zh = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout \
    if shutil.which("fc-list") else ""
if not zh.strip():
    out.append("中文字体（apt-get install fonts-wqy-zenhei fonts-arphic-uming）")
if not shutil.which("npm"):
    out.append("Node.js ≥ 20 与 npm")
print("、".join(out))
PY
)
if [ -n "$missing" ]; then
  echo "测试还缺：$missing / missing for the tests: $missing" >&2
  exit 2
fi
WORKERS=${SUIJI_TEST_WORKERS:-auto}
# Tests that must not overlap carry `pytest.mark.xdist_group`: loadgroup keeps a group on one
# worker and spreads everything else.
PARALLEL=()
if [ "$WORKERS" != 1 ] && [ "$WORKERS" != 0 ]; then PARALLEL=(-n "$WORKERS" --dist loadgroup); fi

pytest() { "$PYTHON" -m pytest -q ${PARALLEL[@]+"${PARALLEL[@]}"} "$@"; }

echo "== SQLite + in-process cache"
(unset SUIJI_TEST_DATABASE_URL SUIJI_TEST_REDIS_URL; pytest "$@")
echo "== PostgreSQL + Redis"
SUIJI_TEST_DATABASE_URL="$PG" SUIJI_TEST_REDIS_URL="$REDIS" pytest "$@"
