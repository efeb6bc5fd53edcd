#!/usr/bin/env bash
# Builds the staff app (webapp/dist) when the build is missing or older than its sources; used
# by ./run.sh. Without Node.js >= 20 and npm it says so in one line and exits 0: the server still
# serves everything else, and /app/ explains how to build.
set -uo pipefail
cd "$(dirname "$0")"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1 \
   || ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  echo "员工应用未构建：需要 Node.js 20 或更新版本和 npm（服务器其余功能照常运行）" >&2
  exit 0
fi
stamp=dist/index.html
if [ -f "$stamp" ] && [ -z "$(find src build public index.html package.json package-lock.json \
      vite.config.ts tsconfig.json -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  exit 0
fi
echo "构建员工应用（webapp/）……" >&2
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error || { echo "员工应用依赖安装失败（见上）；服务器其余功能照常运行" >&2; exit 0; }
fi
npm run --silent build >/dev/null || echo "员工应用构建失败（运行 cd webapp && npm run build 查看原因）；服务器其余功能照常运行" >&2
exit 0
