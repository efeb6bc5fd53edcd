"""The notice page, the public window and its draw pages in headless Chromium at a phone's size (390×844).

Screenshots are kept under test-artifacts/pages/ (gitignored). Skipped only when Debian's
`chromium` is not installed (.ci/run installs it).
"""

import asyncio
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from tortoise.transactions import in_transaction

from inspection import audit_heads, clock
from inspection.notices import issuing as notices
from models.draws import Draw
from models.enums import Grade, NoticeKind
from notifications.appkeys import CONFIG
from suiji.app import create_app
from tests.drawkit import employers_spec, make_world
from tests.notices_fixtures import ISSUER
from tests.portal.test_portal_draws import FUTURE, _draw
from tests.portal.test_window import make_public_world

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pages"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                "(apt-get install -y chromium)")
URL_RE = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)|url\(\s*["']?((?:https?:)?//[^)"']+)""",
                    re.IGNORECASE)


async def _chromium(tmp_path: Path, url: str, *extra: str) -> tuple[int, str]:
    assert CHROMIUM is not None
    proc = await asyncio.create_subprocess_exec(
        CHROMIUM, "--no-sandbox", "--headless", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--no-first-run",
        f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=390,844",
        "--hide-scrollbars", *extra, url,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, _err = await asyncio.wait_for(proc.communicate(), timeout=60)
    return proc.returncode or 0, out.decode()


async def _renders_on_a_phone(tmp_path: Path, base: str, name: str, path: str, html: str,
                              expected: str) -> None:
    """Self-contained (nothing fetched from elsewhere), screenshotted at phone size, and the
    text a reader looks for is in the rendered page."""
    external = [u for m in URL_RE.findall(html) for u in m if u and not u.startswith(base)]
    assert external == [], f"{name} references {external}"
    shot = ARTIFACTS / f"{name}.png"
    shot.unlink(missing_ok=True)
    code, _ = await _chromium(tmp_path, base + path, f"--screenshot={shot}")
    assert code == 0 and shot.exists() and shot.stat().st_size > 5000, name
    code, dom = await _chromium(tmp_path, base + path, "--dump-dom")
    assert code == 0 and expected in dom, name
    assert 'name="viewport"' in dom


@pytest.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(create_app(settings, manage_db=False))


async def test_pages_render_on_a_phone_without_external_resources(client, tmp_path):
    w = await make_public_world()
    async with in_transaction():
        live = await notices.issue_notice(
            kind=NoticeKind.RECTIFICATION, employer_id=w["employer"].id,
            inspection_id=w["inspection"].id, issued_by_id=w["staff"].id, issuer=ISSUER,
            content={"body": "经查，你单位未与3名劳动者订立书面劳动合同。", "items": ["补签劳动合同"],
                     "basis": "《劳动保障监察条例》第三十条"},
            deadline=dt.date(2026, 12, 15), issued_on=dt.date(2026, 11, 20))
        gone = await notices.issue_notice(
            kind=NoticeKind.RESULT, employer_id=w["employer"].id, issued_by_id=w["staff"].id,
            inspection_id=w["inspection"].id, issuer=ISSUER, content={"body": "检查结果如下。"}, issued_on=dt.date(2026, 11, 20))
        await notices.revoke_notice(notice_id=gone.id, reason="送达对象有误", actor="staff:1")
        await audit_heads.publish(now=clock.now())
        secret = client.app[CONFIG].secret_key
        locked, acked = [await notices.issue_notice(
            kind=NoticeKind.INSPECTION, employer_id=w["employer"].id, issued_by_id=w["staff"].id,
            inspection_id=w["inspection"].id, issuer=ISSUER, content={"body": "定于近日检查。"},
            issued_on=dt.date(2026, 11, 20)) for _ in range(2)]
    for _ in range(notices.LOCK_AFTER):
        async with in_transaction():
            await notices.acknowledge(notice_id=locked.id, code="00000000", secret=secret)
    async with in_transaction():
        await notices.acknowledge(notice_id=acked.id, secret=secret, code=notices.verification_code(
            token=acked.token, secret=secret))
    base = str(client.make_url("/")).rstrip("/")
    pages = {
        "notice": (f"/n/{live.token}", "8位核验码"),
        "notice-locked": (f"/n/{locked.token}", "已暂停验证"),
        "notice-acknowledged": (f"/n/{acked.token}", "上传材料前，请输入纸质文书上的8位核验码"),
        "notice-revoked": (f"/n/{gone.token}", "已被撤销"),
        "notice-unknown": ("/n/AAAAAAAAAAAAAAAAAAAAAA", "未找到该文书"),
        "public-index": ("/public/", "抽查公示窗口"),
        "public-items": ("/public/items", "劳动合同订立情况"),
        "public-penalties": ("/public/penalties", "罚款人民币五千元"),
        "public-results": ("/public/results", "JC2026-0001"),
        "public-blacklist": ("/public/blacklist", "拖欠农民工工资"),
        "public-search": ("/public/search?q=涪江", "涪人社监罚"),
        "public-major-violations": ("/public/major-violations", "拖欠 20 名农民工工资"),
        "public-cancelled": ("/public/cancelled", "上级部署调整"),
        "public-audit-heads": ("/public/audit-heads", "链头哈希值"),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, (path, expected) in pages.items():
        html = await (await client.get(path, headers={"X-Real-IP": f"192.0.2.{len(name)}"})).text()
        await _renders_on_a_phone(tmp_path, base, name, path, html, expected)


async def test_draw_pages_render_on_a_phone_in_the_same_frame(client, tmp_path, settings):
    world = await make_world(employers=employers_spec(8, grade=Grade.B))
    campaign = await _draw(world, "2026-FL-003", confidential=False, start=FUTURE)
    draw = await Draw.get(campaign_id=campaign.id, kind="employers")
    base = str(client.make_url("/")).rstrip("/")
    pages = {
        "draws": ("/public/draws", "随机抽取公示"),
        "draw-record": (f"/public/draws/{draw.id}", "自己核验"),
        "draw-unknown": ("/public/draws/999999", "未找到"),
        "draw-guide": ("/public/draws/guide", "动手核验"),
        "not-found": ("/no-such-page", "页面不存在"),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, (path, expected) in pages.items():
        resp = await client.get(path)
        html = await resp.text()
        # One frame for the whole window: the notice pages' header (the bureau's name from its
        # one setting, as its notices print it), footer and policy.
        assert f'<header><div class="org">{settings.bureau_name}</div>' in html, name
        assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
        await _renders_on_a_phone(tmp_path, base, name, path, html, expected)
