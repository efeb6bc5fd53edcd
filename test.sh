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
