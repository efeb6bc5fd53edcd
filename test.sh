#!/usr/bin/env bash
# The test command: the whole suite on SQLite (embedded default), then on PostgreSQL + Redis.
#   ./test.sh                 both backends (PostgreSQL and Redis at 127.0.0.1 by default)
#   ./test.sh -k draw         extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-.venv/bin/python}
PG=${SUIJI_TEST_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
REDIS=${SUIJI_TEST_REDIS:-redis://127.0.0.1:6379/0}

echo "== SQLite + in-process cache"
env -u SUIJI_TEST_DATABASE_URL -u SUIJI_TEST_REDIS_URL "$PYTHON" -m pytest -q "$@"
echo "== PostgreSQL + Redis"
SUIJI_TEST_DATABASE_URL="$PG" SUIJI_TEST_REDIS_URL="$REDIS" "$PYTHON" -m pytest -q "$@"
