"""Issue 15 item 7: `/`, `/dev/` and the public window in Debian's Chromium (playwright-core,
webapp/e2e/playground.mjs) at a phone's size (390×844) and a desktop's (1280×900), against a real
`suiji serve` in development with the demo data; in the playground, an inspector's call-up is
declined by clicking, the next inspector's card arrives, and the staff app opens as them.
Screenshots: test-artifacts/playground/."""

from __future__ import annotations

import asyncio

import pytest

from models.callups import CallUp
from models.enums import CallUpState
from suiji.settings import Settings
from tests.e2e.processes import ROOT, base_env, free_port, serve, spawn, stop
from tests.webapp.stage import require_webapp, run_node

pytestmark = [pytest.mark.usefixtures("clean_db"), pytest.mark.xdist_group("app-processes")]
ARTIFACTS = ROOT / "test-artifacts" / "playground"


async def test_pages_and_the_decline_flow_in_chromium(settings: Settings) -> None:
    require_webapp()
    port = free_port()
    environ = {**base_env(settings), "SUIJI_ENV": "development",
               "SUIJI_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    demo = await spawn(environ, "demo", output=True)
    _, err = await asyncio.wait_for(demo.communicate(), 180)
    assert demo.returncode == 0, err.decode()[-2000:]
    proc, base = await serve(environ, port=port)
    try:
        out = await run_node("playground.mjs", base=base, plan={}, artifacts=ARTIFACTS)
    finally:
        await stop([proc])
    assert out["problems"] == []  # no console errors, no CSP violations
    for size in ("phone", "desktop"):
        seen = {p["path"]: p for p in out["sizes"][size]}
        assert {"/", "/dev/", "/public/"} <= set(seen)
        assert len([p for p in seen if p.startswith("/public/")]) >= 6
        assert not seen["/"]["wide"] and not seen["/dev/"]["wide"], size  # nothing off-screen
    assert [f["size"] for f in out["flows"]] == ["phone", "desktop"]
    declined_later = {f["declined"]["userid"] for f in out["flows"]}
    for flow in out["flows"]:
        # The newest: the demo's random draw may have this inspector decline elsewhere too.
        declined = await CallUp.filter(staff__wecom_userid=flow["declined"]["userid"],
                                       state=CallUpState.DECLINED).order_by("-id").first()
        assert declined is not None and declined.reason == "参加重要会议"
        replacement = await CallUp.get(replaces_id=declined.id).prefetch_related("staff")
        assert replacement.staff.wecom_userid == flow["next"]["userid"]
        # Called, unless the desktop's run declined this very card (it is first in the list).
        assert replacement.state == CallUpState.CALLED or (
            replacement.state == CallUpState.DECLINED
            and flow["next"]["userid"] in declined_later)
    shots = sorted(p.name for p in ARTIFACTS.glob("*.png"))
    assert any(n.startswith("decline-phone") and "next-inspector" in n for n in shots)
    assert any(n.startswith("pages-desktop") and "playground" in n for n in shots)
