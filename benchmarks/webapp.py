"""The staff app (issue 13 item 6), measured in one run — not timed tests. Run from the
repository root, with the app built (webapp/dist) and webapp/node_modules installed:

    SUIJI_DATABASE_URL=postgres://…/empty_db SUIJI_REDIS_URL=redis://… \\
        .venv/bin/python -m benchmarks.webapp

The database must be migrated and empty. A real `suiji serve` with the demo data serves the app;
webapp/e2e/bench.mjs drives Debian's Chromium (playwright-core) at 390×844 and reports:
1. the first load: gzipped JS + CSS fetched to show the first screen (the login screen);
2. time to that screen under emulated slow 3G (400 kbit/s, 2 s round trip) with a 4× slower
   CPU, on a first visit and on a repeat visit (app files kept by the service worker);
3. a 12-megapixel photo compressed on the phone with a 4× slower CPU: size and time.
"""

from __future__ import annotations

import asyncio
import io
import json
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

from models.campaigns import Campaign
from models.fieldwork import Inspection
from models.org import Staff
from suiji import db
from suiji.demo.draws import DONE_CODE
from suiji.settings import load_settings
from tests.webapp.stage import close, run_node, start


def twelve_megapixels(path: Path) -> str:
    """A busy 4032×3024 JPEG at the quality a phone camera writes (about 4 MB)."""
    img = Image.effect_noise((4032, 3024), 50).convert("RGB")
    draw = ImageDraw.Draw(img)
    for i in range(60):
        x, y = (i * 211) % 4032, (i * 157) % 3024
        draw.rectangle([x, y, x + 600, y + 300], fill=(i * 4, 140, 220 - i * 3))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92)
    path.write_bytes(out.getvalue())
    return str(path)


async def main() -> None:
    settings = load_settings()
    await db.init_db(settings.database_url)
    stage = await start(settings)
    try:
        campaign = await Campaign.get(code=DONE_CODE).prefetch_related("leader")
        assert campaign.leader is not None
        people = await Staff.filter(callups__campaign_id=campaign.id,
                                    callups__state="accepted").order_by("id").limit(2)
        inspection = await Inspection.filter(campaigns__id=campaign.id).order_by("id").first()
        assert inspection is not None
        await stage.call("PUT", f"/inspections/{inspection.id}/members",
                         campaign.leader.wecom_userid, json={"staff_ids": [p.id for p in people]})
        await stage.call("POST", f"/inspections/{inspection.id}/check-in", people[0].wecom_userid,
                         json={})
        detail = await stage.call("GET", f"/inspections/{inspection.id}", people[0].wecom_userid)
        with tempfile.TemporaryDirectory() as tmp:
            plan = {"inspection_id": inspection.id, "inspector": people[0].name,
                    "item": detail["items"][0]["item_version_id"],
                    "photo": twelve_megapixels(Path(tmp) / "12mp.jpg")}
            result = await run_node("bench.mjs", base=stage.base, plan=plan)
        print(json.dumps(result, ensure_ascii=False, indent=2))
    finally:
        await close(stage)
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main())
