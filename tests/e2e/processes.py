"""Real `suiji serve` and `suiji worker` processes for the end-to-end tests (PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import sys
from pathlib import Path
from typing import BinaryIO

import aiohttp

from suiji.playground.standin import WeComStandIn
from suiji.settings import Settings
from tests.wecom_callbacks import AES_KEY, CORP_ID, TOKEN

ROOT = Path(__file__).resolve().parents[2]
# Fast retries so that a run with half the WeCom calls failing ends within seconds.
WORKER_ARGS = ("worker", "--concurrency", "2", "--lease", "1.5", "--retry-base", "0.05",
               "--poll-interval", "0.05", "--max-attempts", "200")


def base_env(settings: Settings) -> dict[str, str]:
    """The environment of a `suiji` process on the test's database and cache (no WeCom)."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("SUIJI_")}
    e.update({
        "SUIJI_ENV": "test", "SUIJI_DATABASE_URL": settings.database_url,
        "SUIJI_SECRET_KEY": settings.secret_key or "", "SUIJI_DATA_DIR": str(settings.data_dir),
        "SUIJI_REDIS_PREFIX": settings.redis_prefix, "SUIJI_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    })
    if settings.redis_url:
        e["SUIJI_REDIS_URL"] = settings.redis_url
    return e


def env(settings: Settings, standin: WeComStandIn) -> dict[str, str]:
    """`base_env` plus WeCom at the stand-in, callbacks included."""
    return {**base_env(settings),
            "SUIJI_WECOM_CORP_ID": CORP_ID, "SUIJI_WECOM_AGENT_ID": str(standin.agent_id),
            "SUIJI_WECOM_SECRET": standin.secret, "SUIJI_WECOM_API_BASE": standin.url,
            "SUIJI_WECOM_TOKEN": TOKEN, "SUIJI_WECOM_AES_KEY": AES_KEY}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _log_file(environ: dict[str, str], name: str) -> BinaryIO:
    logs = Path(environ["SUIJI_DATA_DIR"])
    logs.mkdir(parents=True, exist_ok=True)
    return (logs / f"{name}-{secrets.token_hex(3)}.log").open("wb")


async def spawn(environ: dict[str, str], *args: str, output: bool = False
                ) -> asyncio.subprocess.Process:
    """`suiji ARGS`. Pipes only when asked (`output`): an unread pipe of a long run (a warning per
    failed WeCom call) could fill and stall the process; otherwise stderr goes to a log file."""
    if output:
        out, err = asyncio.subprocess.PIPE, asyncio.subprocess.PIPE
    else:
        out, err = asyncio.subprocess.DEVNULL, _log_file(environ, args[0])  # type: ignore[assignment]
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "suiji", *args, cwd=str(ROOT), env=environ, stdout=out, stderr=err)
    finally:
        if not output:
            err.close()  # type: ignore[attr-defined]


async def serve(environ: dict[str, str], *extra: str, port: int | None = None
                ) -> tuple[asyncio.subprocess.Process, str]:
    """A `suiji serve` on `port` (default: a free one), once it answers /healthz (within 60 s:
    a loaded machine starts it slowly)."""
    port = port or free_port()
    proc = await spawn(environ, "serve", "--port", str(port), *extra)
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http, asyncio.timeout(60):
        while True:
            if proc.returncode is not None:
                raise AssertionError(f"serve exited {proc.returncode}; see its log in "
                                     f"{environ['SUIJI_DATA_DIR']}")
            try:
                async with http.get(f"{base}/healthz") as r:
                    if r.status == 200:
                        return proc, base
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)


async def stop(procs: list[asyncio.subprocess.Process]) -> None:
    """SIGTERM whatever still runs, then SIGKILL what does not stop within 20 s."""
    for p in procs:
        if p.returncode is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            await asyncio.wait_for(p.wait(), 20)
        except TimeoutError:
            p.kill()
            await p.wait()
