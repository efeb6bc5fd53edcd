"""A real `suiji serve` (SUIJI_ENV=development) on the test's database with the demo data, the
demo call-up answered, for the staff app's browser tests and benchmark; and the runner of the
Node scripts in webapp/e2e/ (playwright-core driving /usr/bin/chromium)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from suiji.settings import Settings
from tests.e2e.processes import ROOT, base_env, free_port, serve, spawn, stop

WEBAPP = ROOT / "webapp"
ARTIFACTS = ROOT / "test-artifacts" / "webapp"


def _require(checks: list[tuple[str, bool]]) -> None:
    """Skip when Node's tools are missing on a developer's machine; in CI (.ci/run installs
    them) their absence fails the test."""
    missing = [what for what, ok in checks if not ok]
    if missing:
        message = "staff app tests need: " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def require_node_modules() -> None:
    _require([("node", shutil.which("node") is not None),
              ("webapp/node_modules (npm ci)", (WEBAPP / "node_modules" / ".bin").is_dir())])


def require_webapp() -> None:
    """Node, Chromium and the built app."""
    require_node_modules()
    chromium = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    _require([("/usr/bin/chromium", chromium.exists()),
              # Chinese for Chromium's own widgets (date inputs read 年/月/日): Debian's package
              ("chromium-l10n (apt)", not chromium.exists() or any(
                  (d / "locales" / "zh-CN.pak").is_file()
                  for d in (chromium.resolve().parent, Path("/usr/lib/chromium")))),
              ("webapp/dist (npm run build)", (WEBAPP / "dist" / "index.html").is_file())])


@dataclass
class Stage:
    base: str
    proc: asyncio.subprocess.Process
    http: aiohttp.ClientSession

    async def login(self, userid: str) -> dict[str, str]:
        async with self.http.post(f"{self.base}/api/v1/auth/dev-login",
                                  json={"userid": userid}) as resp:
            assert resp.status == 200, await resp.text()
            return {"Authorization": f"Bearer {(await resp.json())['token']}"}

    async def call(self, method: str, path: str, userid: str, **kw: Any) -> Any:
        headers = await self.login(userid)
        async with self.http.request(method, f"{self.base}/api/v1{path}", headers=headers,
                                     **kw) as resp:
            assert resp.status < 300, f"{method} {path}: {resp.status} {await resp.text()}"
            return await resp.json() if resp.status != 204 else None


async def start(settings: Settings) -> Stage:
    port = free_port()
    environ = {**base_env(settings), "SUIJI_ENV": "development",
               "SUIJI_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    demo = await spawn(environ, "demo", output=True)
    _, err = await asyncio.wait_for(demo.communicate(), 180)
    assert demo.returncode == 0, err.decode()[-2000:]
    proc, base = await serve(environ, port=port)
    stage = Stage(base, proc, aiohttp.ClientSession())
    users = (await (await stage.http.get(f"{base}/api/v1/auth/dev-users")).json())["items"]
    for user in users:
        if "inspector" not in user["roles"]:
            continue
        for callup in (await stage.call("GET", "/callups", user["userid"]))["items"]:
            if callup["state"] == "called":
                await stage.call("POST", f"/callups/{callup['id']}/accept", user["userid"])
    return stage


async def close(stage: Stage) -> None:
    await stage.http.close()
    await stop([stage.proc])


NODE_TIMEOUT = 420  # seconds for one script; a stuck browser fails the test, never hangs CI


async def run_node(script: str, *args: str, base: str, plan: dict[str, Any],
                   artifacts: Path = ARTIFACTS) -> dict[str, Any]:
    """Run webapp/e2e/SCRIPT; its last line of output is its result (JSON). Screenshots go to
    `artifacts`."""
    os.makedirs(artifacts, exist_ok=True)
    env = {**os.environ, "SUIJI_E2E_BASE": base, "SUIJI_E2E_PLAN": json.dumps(plan),
           "SUIJI_E2E_ARTIFACTS": f"{artifacts}/"}
    proc = await asyncio.create_subprocess_exec(
        "node", str(WEBAPP / "e2e" / script), *args, cwd=str(WEBAPP), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), NODE_TIMEOUT)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode == 0, (f"{script} {' '.join(args)} failed; screenshots in "
                                  f"{artifacts}\n{err.decode()[-4000:]}\n{out.decode()[-2000:]}")
    return dict(json.loads(out.decode().strip().splitlines()[-1]))
