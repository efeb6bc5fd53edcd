import datetime as dt
import re
import time

import pytest
from aiohttp import FormData
from tortoise.transactions import in_transaction

from inspection.errors import DomainError
from inspection.notices import issuing as notices
from models.audit import AuditEvent
from models.enums import NoticeKind
from models.fieldwork import Evidence
from models.notices import Notice
from notifications.appkeys import STORAGE
from suiji.app import create_app
from tests.fieldworld import jpeg
from tests.notices_fixtures import ISSUER, make_world

pytestmark = pytest.mark.usefixtures("clean_db")

PNG_MAGIC_ONLY = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # the right first bytes, no image


def _code(n, settings) -> str:
    return notices.verification_code(token=n.token, secret=settings.secret_key)


async def _prove(client, n, settings):
    resp = await client.post(f"/n/{n.token}/ack", data={"code": _code(n, settings)})
    assert resp.status == 200, await resp.text()
    return resp


def _file(data: bytes, name: str = "photo.png") -> FormData:
    form = FormData()
    form.add_field("file", data, filename=name, content_type="application/octet-stream")
    return form


@pytest.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(create_app(settings, manage_db=False))


async def _issue(w, **kw):
    async with in_transaction():
        return await notices.issue_notice(
            kind=NoticeKind.RECTIFICATION, employer_id=w["employer"].id,
            inspection_id=w["inspection"].id, issued_by_id=w["staff"].id, issuer=ISSUER,
            content={"body": "经查，你单位<script>alert(1)</script>未订立书面劳动合同。",
                     "items": ["补签劳动合同"]},
            deadline=dt.date(2026, 11, 3), issued_on=dt.date(2026, 9, 30), **kw)


async def test_page_says_genuine_then_revoked(client, settings):
    w = await make_world()
    n = await _issue(w)
    resp = await client.get(f"/n/{n.token}")
    html = await resp.text()
    assert resp.status == 200
    assert "真实有效" in html and n.number in html and w["employer"].name in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html  # escaped
    code = _code(n, settings)  # the proof of addressee is never shown
    assert code not in html and notices.grouped(code) not in html
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
    async with in_transaction():
        await notices.revoke_notice(notice_id=n.id, reason="文书送达对象有误", actor="staff:1")
    html = await (await client.get(f"/n/{n.token}")).text()
    assert "已被撤销" in html and "真实有效" not in html and "文书送达对象有误" in html
    assert "确认收到</button>" not in html
    # Anonymous looks are audited once per notice and hour, not once per request.
    for _ in range(5):
        await client.get(f"/n/{n.token}")
    views = await AuditEvent.filter(action="notice.viewed", object_id=str(n.id)).count()
    assert views == 1


async def test_the_page_and_its_pdf_are_never_cached(client):
    w = await make_world()
    n = await _issue(w)
    for path in (f"/n/{n.token}", f"/n/{n.token}/pdf"):
        resp = await client.get(path)
        assert resp.status == 200 and resp.headers["Cache-Control"] == "no-store", path


async def test_superseded_links_to_new(client):
    w = await make_world()
    n = await _issue(w)
    async with in_transaction():
        new = await notices.supersede_notice(
            notice_id=n.id, reason="期限更正", content={"body": "更正后的正文"},
            issued_by_id=w["staff"].id, issuer=ISSUER, deadline=dt.date(2026, 11, 10),
            issued_on=dt.date(2026, 10, 8))
    html = await (await client.get(f"/n/{n.token}")).text()
    assert "已被新文书替代" in html and f'href="/n/{new.token}"' in html and new.number in html
    html = await (await client.get(f"/n/{new.token}")).text()
    assert "真实有效" in html


async def test_unknown_and_malformed_tokens_get_the_same_page(client):
    a = await client.get("/n/AAAAAAAAAAAAAAAAAAAAAA")
    b = await client.get("/n/x")
    assert a.status == b.status == 404
    assert await a.text() == await b.text()
    assert "未找到该文书" in await a.text()


async def test_ack_wrong_code_counted_then_right_one(client, settings):
    w = await make_world()
    n = await _issue(w)
    resp = await client.post(f"/n/{n.token}/ack", data={"code": "00000000"})
    assert resp.status == 400 and "还可尝试 4 次" in await resp.text()
    # R: issue 16 item 6 — the USCC's last 6 characters are public and prove nothing.
    resp = await client.post(f"/n/{n.token}/ack", data={"code": w["employer"].uscc[-6:]})
    assert resp.status == 400 and "核验码不正确" in await resp.text()
    resp = await _prove(client, n, settings)
    html = await resp.text()
    assert "已确认收到" in html and "上传整改材料" in html
    assert _code(n, settings) not in html  # not even after the proof
    assert await AuditEvent.filter(action="notice.acknowledged",
                                   actor=f"employer:notice:{n.id}").count() == 1


async def test_the_public_pdf_has_no_code_the_staffs_printout_has(client, settings):
    import pypdfium2

    from notifications.render.notices import notice_file

    def text(pdf: bytes) -> str:
        doc = pypdfium2.PdfDocument(pdf)
        try:
            return "".join(page.get_textpage().get_text_range() for page in doc)
        finally:
            doc.close()

    w = await make_world()
    n = await _issue(w)
    grouped = notices.grouped(_code(n, settings))
    public = await (await client.get(f"/n/{n.token}/pdf")).read()
    assert "核验码" not in text(public) and grouped not in text(public)
    path = await notice_file(n.id, base_url=settings.public_base_url, data_dir=settings.data_dir,
                             seal_image=None, code=_code(n, settings))
    assert f"核验码：{grouped}" in text(path.read_bytes())
    again = await (await client.get(f"/n/{n.token}/pdf")).read()
    assert grouped not in text(again)  # the two papers are cached apart


async def test_wrong_codes_lock_for_a_while_not_for_good(client, settings, test_clock):
    # Issue 16 item 7: anyone holding the QR code could lock the addressee out for good.
    w = await make_world()
    n = await _issue(w)
    for _ in range(notices.LOCK_AFTER):
        resp = await client.post(f"/n/{n.token}/ack", data={"code": "11112222"},
                                 headers={"X-Real-IP": "198.51.100.1"})
    html = await resp.text()
    assert resp.status == 429 and "已暂停验证" in html and "2026年11月2日 9:15" in html
    assert int(resp.headers["Retry-After"]) == 15 * 60
    page = await (await client.get(f"/n/{n.token}")).text()
    assert "已暂停验证" in page and 'name="code"' not in page
    resp = await client.post(f"/n/{n.token}/ack", data={"code": _code(n, settings)},
                             headers={"X-Real-IP": "198.51.100.2"})
    assert resp.status == 429  # even the right code waits
    test_clock.advance(minutes=16)
    assert 'name="code"' in await (await client.get(f"/n/{n.token}")).text()
    resp = await client.post(f"/n/{n.token}/ack", data={"code": _code(n, settings)},
                             headers={"X-Real-IP": "198.51.100.2"})
    assert resp.status == 200 and "已确认收到" in await resp.text()


async def test_ack_rate_limited_per_ip(client):
    w = await make_world()
    n = await _issue(w)
    limited = [await _ip_limited(await client.post(f"/n/{n.token}/ack", data={"code": "1"}))
               for _ in range(12)]
    assert limited[-1] and not any(limited[:10])


async def test_views_rate_limited_per_ip(client):
    for i in range(60):
        assert (await client.get(f"/n/{'B' * 21}{i % 10}")).status == 404
    resp = await client.get("/n/CCCCCCCCCCCCCCCCCCCCCC")
    assert resp.status == 429 and resp.headers["Retry-After"] == "60"
    # Behind the proxy, each visitor has its own budget.
    other = await client.get("/n/CCCCCCCCCCCCCCCCCCCCCC", headers={"X-Real-IP": "203.0.113.9"})
    assert other.status == 404


async def _ip_limited(resp) -> bool:
    """Refused by the per-address limit (not by the notice's own lock)."""
    return resp.status == 429 and "访问过于频繁" in await resp.text()


def _stored(settings) -> list:
    root = settings.data_dir / "uploads"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def test_evidence_upload_needs_proof_and_checks_content(client, settings):
    w = await make_world()
    n = await _issue(w)
    resp = await client.post(f"/n/{n.token}/evidence", data=_file(jpeg()))
    assert resp.status == 403
    await _prove(client, n, settings)
    resp = await client.post(f"/n/{n.token}/evidence", data=_file(b"MZ not an image"))
    assert resp.status == 415
    # Issue 16 item 8: the right first bytes are not an image; decoded as the staff's are.
    resp = await client.post(f"/n/{n.token}/evidence", data=_file(PNG_MAGIC_ONLY))
    assert resp.status == 422 and "图片已损坏" in await resp.text()
    assert _stored(settings) == [] and await Evidence.filter(notice_id=n.id).count() == 0
    photo = jpeg()
    resp = await client.post(f"/n/{n.token}/evidence", data=_file(photo, "照片.jpg"))
    assert resp.status == 200 and "材料已上传" in await resp.text()
    ev = await Evidence.get(notice_id=n.id)
    assert ev.content_type == "image/jpeg" and ev.size == len(photo)
    assert (settings.data_dir / "uploads" / ev.storage_key).read_bytes() == photo
    big = b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024 + 10)
    resp = await client.post(f"/n/{n.token}/evidence", data=_file(big))
    assert resp.status == 413


async def test_each_browser_proves_the_code_itself(client, settings):
    # Issue 16 item 8: the addressee's second phone can upload once it proves the code; a
    # browser that did not prove it cannot, nor can a cookie made up or taken from another
    # notice.
    w = await make_world()
    n, m = await _issue(w), await _issue(w)
    await _prove(client, n, settings)
    client.session.cookie_jar.clear()
    page = await (await client.get(f"/n/{n.token}")).text()
    assert "上传材料前，请输入纸质文书上的8位核验码" in page and 'type="file"' not in page
    resp = await client.post(f"/n/{n.token}/evidence", data=_file(jpeg()))
    assert resp.status == 403
    await _prove(client, m, settings)
    sid = next(c.value for c in client.session.cookie_jar if c.key == "suiji_notice_session")
    client.session.cookie_jar.clear()
    resp = await client.post(f"/n/{n.token}/evidence", data=_file(jpeg()),
                             cookies={"suiji_notice_session": sid})
    assert resp.status == 403  # m's proof is not n's
    resp = await client.post(f"/n/{n.token}/ack", data={"code": _code(n, settings)})
    assert resp.status == 200 and "核验通过" in await resp.text()
    resp = await client.post(f"/n/{n.token}/evidence", data=_file(jpeg()))
    assert resp.status == 200 and "材料已上传" in await resp.text()
    assert await AuditEvent.filter(action="notice.proved", object_id=str(n.id)).count() == 1


async def test_a_refused_upload_writes_nothing(client, settings):
    # Issue 16 item 8: after a revoke, a refused upload used to leave its file behind.
    w = await make_world()
    n = await _issue(w)
    await _prove(client, n, settings)
    async with in_transaction():
        await notices.revoke_notice(notice_id=n.id, reason="送达对象有误", actor="staff:1")
    resp = await client.post(f"/n/{n.token}/evidence", data=_file(jpeg()))
    assert resp.status == 409 and "已失效" in await resp.text()
    assert _stored(settings) == [] and await Evidence.filter(notice_id=n.id).count() == 0


async def test_uploads_have_a_quota_per_notice(aiohttp_client, settings):
    small = settings.model_copy(update={"notice_upload_max_files": 2})
    client = await aiohttp_client(create_app(small, manage_db=False))
    w = await make_world()
    n = await _issue(w)
    await _prove(client, n, settings)
    for color in ("red", "blue"):
        resp = await client.post(f"/n/{n.token}/evidence", data=_file(jpeg(color=color)))
        assert resp.status == 200
    before = sorted(_stored(settings))
    resp = await client.post(f"/n/{n.token}/evidence", data=_file(jpeg(color="green")))
    assert resp.status == 413 and "已达上限" in await resp.text()
    assert sorted(_stored(settings)) == before and await Evidence.filter(notice_id=n.id).count() == 2


async def test_the_byte_quota_counts_every_upload(aiohttp_client, settings):
    client = await aiohttp_client(create_app(settings, manage_db=False))
    w = await make_world()
    n = await _issue(w)
    await _prove(client, n, settings)
    photo = jpeg(color="red")
    async with in_transaction():
        await notices.add_employer_evidence(
            notice_id=n.id, data=photo, original_name="a.jpg", storage=client.app[STORAGE],
            quota=notices.UploadQuota(files=10, bytes=len(photo)))
    with pytest.raises(DomainError) as refused:
        async with in_transaction():
            await notices.add_employer_evidence(
                notice_id=n.id, data=jpeg(color="blue"), original_name="b.jpg",
                storage=client.app[STORAGE], quota=notices.UploadQuota(files=10, bytes=len(photo)))
    assert refused.value.code == "upload_quota"


@pytest.mark.parametrize("body,content_type", [
    (b"garbage", ""),  # no boundary at all
    (b"--\xff\xfe\r\n\r\n", "boundary=\"\""),  # an empty boundary
])
async def test_malformed_multipart_is_a_400_and_stores_nothing(client, settings, body,
                                                               content_type):
    w = await make_world()
    n = await _issue(w)
    await _prove(client, n, settings)
    resp = await client.post(f"/n/{n.token}/evidence", data=body,
                             headers={"Content-Type": f"multipart/form-data; {content_type}"})
    assert resp.status == 400, await resp.text()
    assert "上传内容格式有误" in await resp.text()
    assert await Evidence.filter(notice_id=n.id).count() == 0


async def test_pdf_download(client):
    w = await make_world()
    n = await _issue(w)
    resp = await client.get(f"/n/{n.token}/pdf")
    assert resp.status == 200 and resp.content_type == "application/pdf"
    assert (await resp.read()).startswith(b"%PDF")


async def test_miss_timing_does_not_depend_on_token_shape(client):
    # Both kinds of miss run the same query; compare medians loosely (no timing oracle).
    def median(xs):
        return sorted(xs)[len(xs) // 2]

    async def timed(path):
        t = time.perf_counter()
        await client.get(path, headers={"X-Real-IP": f"198.51.100.{len(path) % 200}"})
        return time.perf_counter() - t

    well = [await timed("/n/" + "D" * 22) for _ in range(15)]
    bad = [await timed("/n/!!") for _ in range(15)]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", "D" * 22)
    assert median(bad) > median(well) / 4


async def test_done_when_qr_in_pdf_opens_the_page_genuine_then_revoked(client, settings):
    from notifications.render.layout import pdf_to_png
    from tests.notices_fixtures import decode_qr

    w = await make_world()
    n = await _issue(w)
    pdf = await (await client.get(f"/n/{n.token}/pdf")).read()
    url = decode_qr(pdf_to_png(pdf))
    assert url == f"{settings.public_base_url}/n/{n.token}"
    path = url.removeprefix(settings.public_base_url)
    assert "真实有效" in await (await client.get(path)).text()
    async with in_transaction():
        await notices.revoke_notice(notice_id=n.id, reason="撤销测试", actor="staff:1")
    assert "已被撤销" in await (await client.get(path)).text()


async def test_a_forwarded_header_does_not_dodge_the_ack_limit(aiohttp_client, settings):
    # The test client is a direct, untrusted visitor here: nothing it writes in a proxy header
    # picks its rate bucket.
    direct = settings.model_copy(update={"trusted_proxies": "10.0.0.0/8"})
    client = await aiohttp_client(create_app(direct, manage_db=False))
    n = await _issue(await make_world())
    limited = [await _ip_limited(await client.post(f"/n/{n.token}/ack", data={"code": "1"}, headers={
        "X-Forwarded-For": f"198.51.100.{i}", "X-Real-IP": f"203.0.113.{i}"})) for i in range(12)]
    assert limited[-1] and not any(limited[:10])


async def test_behind_a_trusted_proxy_the_limit_is_the_clients(client):
    # nginx on loopback appends the client it saw; what the client wrote before is ignored.
    n = await _issue(await make_world())
    limited = [await _ip_limited(await client.post(f"/n/{n.token}/ack", data={"code": "1"}, headers={
        "X-Forwarded-For": f"198.51.100.{i}, 203.0.113.7"})) for i in range(12)]
    assert limited[-1] and not any(limited[:10])
    other = await client.post(f"/n/{n.token}/ack", data={"code": "1"},
                              headers={"X-Forwarded-For": "203.0.113.8"})
    # Answered (the notice itself is locked by now): another client, its own budget.
    assert not await _ip_limited(other) and "已暂停验证" in await other.text()


async def test_a_forwarded_header_does_not_reset_the_notice_lock(aiohttp_client, settings):
    # The lock is on the notice, whatever address the tries come from.
    client = await aiohttp_client(create_app(settings, manage_db=False))
    n = await _issue(await make_world())
    for i in range(notices.LOCK_AFTER + 3):
        resp = await client.post(f"/n/{n.token}/ack", data={"code": "99998888"},
                                 headers={"X-Forwarded-For": f"198.51.100.{i}"})
    assert resp.status == 429 and "已暂停验证" in await resp.text()
    assert (await Notice.get(id=n.id)).ack_lockouts == 1
