"""Issue 13's done-when, end to end: "On a fresh clone, `./run.sh` then opening
http://127.0.0.1:8080/app/ in a phone-sized browser lets a newcomer pick a demo inspector and
record a finding with a photo that the staff API then returns."

The commit under test is cloned to a temporary folder and started with `./run.sh --port N` as a
newcomer would, with its defaults (SQLite, development, no settings). Two things a newcomer's
machine would download are lent instead, so the test takes a minute and needs no network: the
Python packages (a venv in the clone that sees this test's site-packages, marked installed for
this pyproject.toml the way run.sh marks it) and webapp/node_modules (a link to this checkout's).
This checkout's build of the app is lent too when it is newer than every source (as run.sh
judges it; a build takes minutes on a loaded machine), otherwise run.sh builds it. Then Debian's Chromium at 390×844
picks a demo inspector, checks in at one of their inspections and records a finding with a
photo (webapp/e2e/newcomer.mjs), and the staff API is asked for it. Then issue 15's: in the
playground at /dev/, an inspector's call-up is declined by clicking and the next inspector's card
arrives (webapp/e2e/playground.mjs).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.e2e.processes import ROOT, free_port
from tests.webapp.stage import WEBAPP, require_webapp, run_node
from tests.webapp.test_webapp_e2e import photo

pytestmark = pytest.mark.xdist_group("app-processes")

START_TIMEOUT = 240  # migrate, demo, the app's build and the server on a loaded 2-core machine


def lend_python(clone: Path) -> None:
    """A venv in the clone whose packages are this interpreter's, marked installed as run.sh
    marks it (so run.sh does not reach for the network; the clone's code comes first on
    PYTHONPATH)."""
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(clone / ".venv")], check=True)
    purelib = Path(sysconfig.get_paths(vars={"base": str(clone / ".venv")})["purelib"])
    ours = sysconfig.get_paths()["purelib"]
    (purelib / "lent-packages.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    suiji = clone / ".venv" / "bin" / "suiji"
    suiji.write_text(f"#!{clone / '.venv' / 'bin' / 'python'}\nimport sys\nfrom suiji.cli import main\n"
                     "sys.exit(main())\n")
    suiji.chmod(0o755)
    digest = hashlib.sha256((clone / "pyproject.toml").read_bytes()).hexdigest()
    (clone / ".venv" / ".suiji-installed").write_text(f"{clone} {digest}\n")


def lend_node_modules(clone: Path) -> None:
    """This checkout's node_modules, installed from the same package-lock.json; the clone's lock
    file dated like the install, so build-if-stale.sh does not run `npm ci` into the lent folder."""
    modules = (WEBAPP / "node_modules").resolve()
    assert (clone / "webapp" / "package-lock.json").read_bytes() == \
        (WEBAPP / "package-lock.json").read_bytes(), "the clone's lock file differs from the lent install"
    (clone / "webapp" / "node_modules").symlink_to(modules)
    installed = (modules / ".package-lock.json").stat().st_mtime
    os.utime(clone / "webapp" / "package-lock.json", (installed - 60, installed - 60))


SOURCES = ("src", "build", "public", "index.html", "package.json", "package-lock.json",
           "vite.config.ts", "tsconfig.json")  # as webapp/build-if-stale.sh


def lend_build(clone: Path) -> bool:
    """This checkout's webapp/dist, when it is newer than all its sources."""
    built = WEBAPP / "dist" / "index.html"
    if not built.is_file():
        return False
    newest = max(p.stat().st_mtime for name in SOURCES if (WEBAPP / name).exists()
                 for p in ([WEBAPP / name] if (WEBAPP / name).is_file() else (WEBAPP / name).rglob("*")))
    if newest > built.stat().st_mtime:
        return False
    shutil.copytree(WEBAPP / "dist", clone / "webapp" / "dist")
    (clone / "webapp" / "dist" / "index.html").touch()  # newer than the clone's fresh sources
    return True


def prepare(clone: Path) -> None:
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    lend_python(clone)
    lend_node_modules(clone)
    lend_build(clone)


async def addresses(proc: asyncio.subprocess.Process, lines: list[str]) -> str:
    """Read run.sh's output until it prints the staff app's address."""
    assert proc.stdout is not None
    while True:
        raw = await proc.stdout.readline()
        if not raw:
            raise AssertionError("run.sh ended before printing the addresses:\n" + "".join(lines[-40:]))
        line = raw.decode(errors="replace")
        lines.append(line)
        found = re.search(r"Staff app:\s+(http://\S+)/app/", line)
        if found:
            return found.group(1)


async def pick(http: aiohttp.ClientSession, base: str) -> tuple[dict[str, Any], dict[str, str]]:
    """A demo inspector with an inspection not yet begun: what a newcomer would find."""
    users = (await (await http.get(f"{base}/api/v1/auth/dev-users")).json())["items"]
    for user in users:
        if "inspector" not in user["roles"]:
            continue
        login = await (await http.post(f"{base}/api/v1/auth/dev-login",
                                       json={"userid": user["userid"]})).json()
        headers = {"Authorization": f"Bearer {login['token']}"}
        page = await (await http.get(f"{base}/api/v1/inspections", params={"page_size": "100"},
                                     headers=headers)).json()
        for row in page["items"]:
            if row["state"] == "assigned":
                detail = await (await http.get(f"{base}/api/v1/inspections/{row['id']}",
                                               headers=headers)).json()
                item = detail["items"][0]
                return ({"inspector": user["name"], "employer": row["employer"]["name"],
                         "inspection_id": row["id"], "item": item["item_version_id"],
                         "item_name": item["name"]}, headers)
    raise AssertionError("the demo has no inspector with an inspection to begin")


async def test_fresh_clone_run_sh_newcomer_records_a_finding_with_a_photo(tmp_path: Path) -> None:
    require_webapp()
    if shutil.which("git") is None:
        pytest.skip("git is needed to clone the repository")
    clone = tmp_path / "suiji"
    await asyncio.to_thread(prepare, clone)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SUIJI_")}
    environ["PYTHONPATH"] = str(clone)
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        "./run.sh", "--port", str(port), cwd=str(clone), env=environ, start_new_session=True,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    lines: list[str] = []
    try:
        base = await asyncio.wait_for(addresses(proc, lines), START_TIMEOUT)
        assert base == f"http://127.0.0.1:{port}"
        assert (clone / "webapp" / "dist" / "index.html").is_file(), "".join(lines)
        async with aiohttp.ClientSession() as http:
            plan, headers = await pick(http, base)
            plan["photo"] = photo(tmp_path / "camera.jpg", (4032, 3024), 7)
            result = await run_node("newcomer.mjs", base=base, plan=plan)
            assert result["recorded"] and not result["problems"], result
            detail = await (await http.get(f"{base}/api/v1/inspections/{plan['inspection_id']}",
                                           headers=headers)).json()
        assert detail["state"] == "checked_in"
        found = [f for f in detail["findings"] if f["item_version_id"] == plan["item"]]
        assert [f["result"] for f in found] == ["compliant"]
        photos = [e for e in detail["evidence"] if e["finding_id"] == found[0]["id"]]
        assert len(photos) == 1, detail["evidence"]
        assert photos[0]["content_type"] == "image/jpeg" and photos[0]["size"] <= 600 * 1024
        # Issue 15's done-when: then, at /dev/, decline a call-up as an inspector by clicking and
        # see the next inspector's card arrive (webapp/e2e/playground.mjs, docs/playground.md).
        played = await run_node("playground.mjs", base=base, plan={"decline_only": True},
                                artifacts=ROOT / "test-artifacts" / "playground" / "fresh-clone")
        [flow] = played["flows"]
        assert flow["next"]["userid"] != flow["declined"]["userid"] and not played["problems"]
    finally:
        if proc.returncode is None:
            os.killpg(proc.pid, signal.SIGTERM)  # run.sh exec's the server; its group is ours
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                os.killpg(proc.pid, signal.SIGKILL)
                await proc.wait()
