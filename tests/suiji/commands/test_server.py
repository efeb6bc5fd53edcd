"""`suiji serve --processes N`: several servers on one port, stopped and failed as one."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import aiohttp
import pytest

from suiji.settings import Settings
from tests.e2e import processes
from tests.notifications.outbox_helpers import eventually

# Several app processes each, with deadlines: on one xdist worker, one such test at a time
# (two at once would starve each other of a 2-core machine's CPU).
pytestmark = pytest.mark.xdist_group("app-processes")

ROOT = Path(__file__).resolve().parents[3]


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:  # LISTEN
                inodes.add(cols[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    out = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            out.add(target[8:-1])
    return out


def _gone(pid: int) -> bool:
    """Exited (a zombie not yet reaped counts: it serves nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


def _listeners(pid: int, port: int) -> list[set[str]]:
    """For each child of `pid`, the listening sockets on `port` it holds."""
    listening = _listening_inodes(port)
    return [_socket_inodes(child) & listening for child in _children(pid)]


async def test_several_processes_need_postgresql(is_postgres: bool, settings: Settings) -> None:
    if is_postgres:
        pytest.skip("the refusal is for the embedded SQLite database")
    proc = await processes.spawn(processes.base_env(settings), "serve", "--port", str(processes.free_port()),
                                 "--processes", "2", output=True)
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    assert "多进程服务需要 PostgreSQL" in err.decode()


@pytest.mark.postgres_only
async def test_several_processes_need_redis(is_postgres: bool, settings: Settings) -> None:
    if not is_postgres:
        pytest.skip("without PostgreSQL the database refusal comes first")
    env = processes.base_env(settings)
    env.pop("SUIJI_REDIS_URL", None)
    proc = await processes.spawn(env, "serve", "--port", str(processes.free_port()),
                                 "--processes", "2", output=True)
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    assert "多进程服务需要 Redis" in err.decode()


@pytest.mark.postgres_only
async def test_two_processes_share_the_port_and_stop_together(is_postgres: bool,
                                                              settings: Settings) -> None:
    if not is_postgres:
        pytest.skip("several processes on one database need PostgreSQL")
    env = processes.base_env(settings)
    supervisor, base = await processes.serve(env, "--processes", "2")
    try:
        port = int(base.rsplit(":", 1)[1])
        # The second child may still be starting when the first answers.
        await eventually(lambda: len(h := _listeners(supervisor.pid, port)) == 2 and all(h),
                         within=20)
        children = _children(supervisor.pid)
        held = _listeners(supervisor.pid, port)
        assert held[0] != held[1]  # each child its own listening socket (SO_REUSEPORT)
        async with aiohttp.ClientSession() as http:
            for _ in range(20):
                async with http.get(f"{base}/readyz") as r:
                    assert r.status == 200
        supervisor.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(supervisor.wait(), 30) == 0
        assert all(_gone(child) for child in children)
    finally:
        await processes.stop([supervisor])


@pytest.mark.postgres_only
async def test_a_dead_child_stops_the_rest_for_a_restart(is_postgres: bool,
                                                         settings: Settings) -> None:
    if not is_postgres:
        pytest.skip("several processes on one database need PostgreSQL")
    supervisor, _ = await processes.serve(processes.base_env(settings), "--processes", "2")
    try:
        await eventually(lambda: len(_children(supervisor.pid)) == 2, within=20)
        children = _children(supervisor.pid)
        os.kill(children[0], signal.SIGKILL)
        code = await asyncio.wait_for(supervisor.wait(), 30)
        # The child's end passed on (killed by signal 9: exit status 256 - 9), so that
        # systemd's Restart=on-failure brings the whole set back.
        assert code == (-signal.SIGKILL) & 0xFF
        assert all(_gone(child) for child in children)
    finally:
        await processes.stop([supervisor])



async def test_a_busy_port_is_one_line_naming_port(settings: Settings) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = await processes.spawn(processes.base_env(settings), "serve", "--port", str(port),
                                     output=True)
        _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and f"端口 {port} 已被占用" in lines[0] and "--port" in lines[0]


async def test_serve_prints_where_to_go_and_the_landing_page_links_there(settings: Settings
                                                                         ) -> None:
    from suiji.commands.server import banner

    text = banner("0.0.0.0", 8080)  # noqa: S104
    for url in ("http://127.0.0.1:8080/public/", "http://127.0.0.1:8080/app/",
                "http://127.0.0.1:8080/api/v1/openapi.json"):
        assert url in text
    env = processes.base_env(settings)
    proc, base = await processes.serve(env)
    try:
        import aiohttp

        async with aiohttp.ClientSession() as http, http.get(base + "/") as resp:
            page = await resp.text()
        assert resp.status == 200
        for href in ('href="/public/"', 'href="/app/"', 'href="/api/v1/openapi.json"'):
            assert href in page
    finally:
        await processes.stop([proc])
