"""The staff app's build at /app/: caching by kind of file, the CSP, gzip copies, no way out of
the build folder, a Chinese page when there is no build; index.html's first screen (its inline
code allowed by hash only, its data: the demo staff in development, escaped); and WeCom's
verification file."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from models.org import Section, Staff
from suiji.app import create_app
from suiji.settings import SettingsError, load_settings

BOOT_SCRIPT = "document.getElementById('app').textContent='x'"
BOOT_STYLE = ".suiji-boot{color:red}"


def build(dist: Path) -> None:
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(
        '<!doctype html><script type="module" src="/app/assets/index-abc.js"></script>'
        f'<style>{BOOT_STYLE}</style><div id="app"></div><!--suiji-boot-data-->'
        f"<script>{BOOT_SCRIPT}</script>", encoding="utf-8")
    (dist / "assets" / "index-abc.js").write_text("console.log('app')")
    (dist / "assets" / "index-abc.js.gz").write_bytes(gzip.compress(b"console.log('app')"))
    (dist / "sw.js").write_text("self.addEventListener('fetch', () => {})")


@pytest.fixture
async def client(aiohttp_client: Any, settings: Any, tmp_path: Path) -> Any:
    build(tmp_path / "dist")
    (tmp_path / "secret.txt").write_text("not for the web")
    app = create_app(settings.model_copy(update={"webapp_dir": tmp_path / "dist"}),
                     manage_db=False)
    return await aiohttp_client(app)


async def test_index_is_revalidated_and_assets_are_immutable(client: Any) -> None:
    index = await client.get("/app/")
    assert index.status == 200 and "index-abc.js" in await index.text()
    assert index.headers["Cache-Control"] == "no-cache"
    assert index.headers["Content-Type"].startswith("text/html")
    asset = await client.get("/app/assets/index-abc.js")
    assert asset.status == 200
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert asset.headers["Content-Type"].startswith("text/javascript")
    sw = await client.get("/app/sw.js")
    assert sw.headers["Cache-Control"] == "no-cache"  # a new build's worker must be found
    again = await client.get("/app/assets/index-abc.js",
                             headers={"If-None-Match": asset.headers["ETag"]})
    assert again.status == 304


async def test_csp_allows_this_origin_only(client: Any) -> None:
    for path in ("/app/", "/app/assets/index-abc.js"):
        resp = await client.get(path)
        csp = resp.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "http" not in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert resp.headers["X-Content-Type-Options"] == "nosniff"


async def test_gzip_copy_goes_to_browsers_that_accept_it(client: Any) -> None:
    resp = await client.get("/app/assets/index-abc.js", headers={"Accept-Encoding": "gzip"},
                            auto_decompress=False)
    assert resp.headers.get("Content-Encoding") == "gzip"
    assert gzip.decompress(await resp.read()) == b"console.log('app')"
    plain = await client.get("/app/assets/index-abc.js", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert (await client.get("/app/assets/index-abc.js.gz")).status == 404


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def boot_block(page: str) -> Any:
    found = re.search(r'<script type="application/json" id="suiji-boot">(.*?)</script>', page, re.S)
    assert found, page
    return json.loads(found.group(1))


async def test_index_inline_code_is_allowed_by_its_hash_only(client: Any) -> None:
    resp = await client.get("/app/")
    csp = resp.headers["Content-Security-Policy"]
    assert f"script-src 'self' {sha(BOOT_SCRIPT)};" in csp
    assert f"style-src 'self' {sha(BOOT_STYLE)};" in csp
    assert "unsafe" not in csp
    # Elsewhere than the page nothing inline is allowed.
    asset = await client.get("/app/assets/index-abc.js")
    assert "sha256" not in asset.headers["Content-Security-Policy"]
    # Outside development the page says there is no demo list (the login screen asks nothing).
    assert boot_block(await resp.text()) == {"dev_users": None}


async def test_index_is_gzipped_and_revalidated(client: Any) -> None:
    resp = await client.get("/app/", headers={"Accept-Encoding": "gzip"}, auto_decompress=False)
    assert resp.headers["Content-Encoding"] == "gzip" and resp.headers["Cache-Control"] == "no-cache"
    assert b"suiji-boot" in gzip.decompress(await resp.read())
    again = await client.get("/app/", headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status == 304


async def test_index_in_development_lists_the_demo_staff_escaped(aiohttp_client: Any, settings: Any,
                                                               tmp_path: Path) -> None:
    build(tmp_path / "dist")
    section = await Section.create(code="S1", name="监察一科")
    await Staff.create(name="</script><i>x", wecom_userid="u-odd", section=section, is_inspector=True)
    await Staff.create(name="无角色", wecom_userid="u-none", section=section)
    app = create_app(settings.model_copy(update={"env": "development",
                                                 "webapp_dir": tmp_path / "dist"}), manage_db=False)
    client = await aiohttp_client(app)
    page = await (await client.get("/app/")).text()
    assert "</script><i>" not in page  # a name from a roster stays text inside the data block
    api = await (await client.get("/api/v1/auth/dev-users")).json()
    assert boot_block(page) == {"dev_users": api["items"]}
    assert [u["userid"] for u in api["items"]] == ["u-odd"]


@pytest.mark.parametrize("path", ["/app/../secret.txt", "/app/%2e%2e/secret.txt",
                                  "/app/assets/../../secret.txt", "/app/nothing.js"])
async def test_nothing_outside_the_build(client: Any, path: str) -> None:
    resp = await client.get(path)
    assert resp.status == 404
    assert "not for the web" not in await resp.text()


async def test_app_without_slash_redirects(client: Any) -> None:
    resp = await client.get("/app", allow_redirects=False)
    assert resp.status == 301 and resp.headers["Location"] == "/app/"


async def test_missing_build_says_how_to_build(aiohttp_client: Any, settings: Any,
                                               tmp_path: Path) -> None:
    app = create_app(settings.model_copy(update={"webapp_dir": tmp_path / "none"}),
                     manage_db=False)
    client = await aiohttp_client(app)
    for path in ("/app/", "/app/assets/x.js"):
        resp = await client.get(path)
        text = await resp.text()
        assert resp.status == 503
        assert "员工应用尚未构建" in text and "npm run build" in text and "./run.sh" in text


async def test_wecom_verification_file_at_the_root(aiohttp_client: Any, settings: Any,
                                                   tmp_path: Path) -> None:
    verify = tmp_path / "WW_verify_AbC123.txt"
    verify.write_text("AbC123")
    app = create_app(settings.model_copy(update={"wecom_verify_file": verify}), manage_db=False)
    client = await aiohttp_client(app)
    resp = await client.get("/WW_verify_AbC123.txt")
    assert resp.status == 200 and await resp.text() == "AbC123"
    assert (await client.get("/WW_verify_other.txt")).status == 404


def test_verification_file_setting_takes_only_wecoms_name(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SUIJI_WECOM_VERIFY_FILE"):
        load_settings(wecom_verify_file=tmp_path / "passwd", env="test",
                      data_dir=tmp_path, secret_key="k" * 40)
