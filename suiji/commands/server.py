"""`suiji serve` and `suiji migrate`."""

from __future__ import annotations

import argparse
import asyncio
import errno
import gc
import signal
import socket
import subprocess
import sys
import time

from aiohttp import web

from suiji import db, playground
from suiji.app import create_app
from suiji.logs import AccessLogger, setup_logging
from suiji.outbox import bootstrap_timers
from suiji.playground import PATH as PLAYGROUND
from suiji.settings import Settings


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    setup_logging(settings.log_level)
    if args.processes > 1:
        if not db.is_postgres(settings.database_url):
            print("多进程服务需要 PostgreSQL（嵌入式 SQLite 只支持一个进程）/ --processes > 1 "
                  "needs PostgreSQL", file=sys.stderr)
            return 2
        if not settings.redis_url:
            # Each process would keep its own sessions, rate limits and callback de-duplication.
            print("多进程服务需要 Redis（请设置 SUIJI_REDIS_URL），否则各进程的登录状态和限流互不相通"
                  " / --processes > 1 needs SUIJI_REDIS_URL", file=sys.stderr)
            return 2
        return _supervise(args)
    if not args.reuse_port and not _port_free(args.host, args.port):
        print(f"端口 {args.port} 已被占用，请换一个端口，例如：./run.sh --port {args.port + 1}"
              f" / port {args.port} is in use: choose another with --port", file=sys.stderr)
        return 2
    app = create_app(settings, run_worker=not args.no_worker)
    app.on_startup.append(_freeze_startup_heap)
    shown = banner(args.host, args.port, playground=playground.enabled(settings))
    web.run_app(app, host=args.host,
                port=args.port, print=lambda _: print(shown, flush=True),
                reuse_port=args.reuse_port, access_log_class=AccessLogger)
    return 0


async def _freeze_startup_heap(_app: web.Application) -> None:
    """Move everything alive after start-up (modules, models, routes, pools: ~160,000 objects)
    out of the collector's reach. Otherwise each full collection walks them all again and stalls
    every request in flight for 80-130 ms, which set the staff API's p99 (benchmarks/README.md).
    Runs after the cleanup contexts (aiohttp runs those first), so the resources are in it too."""
    gc.collect()
    gc.freeze()


def _port_free(host: str, port: int) -> bool:
    """Checked before the app starts, so a busy port is one line, not a traceback after start-up."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def banner(host: str, port: int, *, playground: bool = False) -> str:
    """What to open, once the server listens (in Chinese and English)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 (a name to show)
    base = f"http://{shown}:{port}"
    return "\n".join([
        "Suiji 已启动 / Suiji is running:",
        f"  首页 Home:                {base}/",
        f"  抽查公示窗口 Public window: {base}/public/",
        f"  工作人员应用 Staff app:     {base}/app/",
        f"  接口文档 API document:      {base}/api/v1/openapi.json",
        *([f"  演练场 Playground:          {base}{PLAYGROUND}"] if playground else []),
        "按 Ctrl+C 停止 / press Ctrl+C to stop",
    ])


def _supervise(args: argparse.Namespace) -> int:
    """Run N single-process servers on one port (SO_REUSEPORT: the kernel spreads connections).

    One Python process uses one core; this is the one-host form of the design's scale-out. If a
    child dies the rest are stopped and the exit code passed on, so systemd restarts the whole set
    rather than leaving it silently short of capacity.
    """
    argv = [sys.executable, "-m", "suiji", "serve", "--host", args.host, "--port",
            str(args.port), "--processes", "1", "--reuse-port"]
    if args.no_worker:
        argv.append("--no-worker")
    children = [subprocess.Popen(argv) for _ in range(args.processes)]  # noqa: S603 (our own argv)
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)  # aiohttp's graceful shutdown

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    code = 0
    while any(child.poll() is None for child in children):
        for child in children:
            if child.returncode is not None and not stopping:
                code = child.returncode or 1
                stop(signal.SIGTERM, None)
        time.sleep(0.2)
    return code


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    async def main() -> None:
        try:
            await db.migrate(settings.database_url)
            # A fresh install gets its daily housekeeping timer here (docs/outbox.md).
            await db.init_db(settings.database_url)
            await bootstrap_timers()
        finally:
            await db.close_db()

    asyncio.run(main())
    print("数据库已迁移到最新版本 / database migrated")
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("须为 1 至 64 / must be 1..64")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the web app (and one outbox worker)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--no-worker", action="store_true",
                   help="no in-process outbox worker (when `suiji worker` processes send)")
    p.add_argument("--processes", type=_positive, default=1,
                   help="serve from N processes on the same port (PostgreSQL only)")
    p.add_argument("--reuse-port", action="store_true",
                   help="share the port with other `suiji serve` processes (SO_REUSEPORT)")
    p.set_defaults(handler=_serve)
    p = sub.add_parser("migrate", help="apply database migrations")
    p.set_defaults(handler=_migrate)
