#!/usr/bin/env bash
# Set up and run Suiji on a fresh machine: venv, install, migrate, demo data, the staff app's
# build (when Node.js >= 20 is there; http://127.0.0.1:8080/app/), serve.
#   ./run.sh                  serves on http://127.0.0.1:8080 with SQLite (no settings needed);
#                             without WeCom settings, the playground at /dev/ (docs/playground.md)
# Settings come from the environment or a .env file (see README.md).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || $PY -m venv .venv
# Installed once per checkout and pyproject.toml (the install is editable: code changes need
# none): later runs start at once, and without a network.
stamp=.venv/.suiji-installed
installed="$(pwd) $(.venv/bin/python -c 'import hashlib; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest())')"
if [ "$(cat "$stamp" 2>/dev/null)" != "$installed" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e .
  echo "$installed" > "$stamp"
fi
.venv/bin/suiji migrate
.venv/bin/suiji demo
webapp/build-if-stale.sh
exec .venv/bin/suiji serve "$@"
