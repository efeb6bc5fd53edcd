import datetime as dt
import re
import time

import pytest
from aiohttp import FormData
from tortoise.transactions import in_transaction

from inspection.notices import issuing as notices
from models.audit import AuditEvent
from models.enums import NoticeKind
from models.fieldwork import Evidence
from suiji.app import create_app
from tests.notices_fixtures import ISSUER, make_world

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


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


async def test_page_says_genuine_then_revoked(client):
    w = await make_world()
    n = await _issue(w)
    resp = await client.get(f"/n/{n.token}")
    html = await resp.text()
    assert resp.status == 200
    assert "真实有效" in html and n.number in html and w["employer"].name in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html  # escaped
    assert w["employer"].uscc[-6:] not in html  # the proof of addressee is never shown
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


async def test_ack_wrong_suffix_limited_then_right_one(client):
    w = await make_world()
    n = await _issue(w)
    resp = await client.post(f"/n/{n.token}/ack", data={"suffix": "000000"})
    assert resp.status == 400 and "还可尝试 4 次" in await resp.text()
    resp = await client.post(f"/n/{n.token}/ack", data={"suffix": w["employer"].uscc[-6:]})
    html = await resp.text()
    assert resp.status == 200 and "已确认收到" in html and "上传整改材料" in html
    assert await AuditEvent.filter(action="notice.acknowledged",
                                   actor=f"employer:notice:{n.id}").count() == 1


async def test_ack_locks_after_too_many_wrong_tries(client):
    w = await make_world()
    n = await _issue(w)
    for _ in range(notices.MAX_ACK_FAILURES):
        resp = await client.post(f"/n/{n.token}/ack", data={"suffix": "ZZZZZZ"})
    assert "失败次数过多" in await resp.text()
    resp = await client.post(f"/n/{n.token}/ack", data={"suffix": w["employer"].uscc[-6:]})
    assert resp.status == 400 and "失败次数过多" in await resp.text()


async def test_ack_rate_limited_per_ip(client):
    w = await make_world()
    n = await _issue(w)
    statuses = []
    for _ in range(12):
        statuses.append((await client.post(f"/n/{n.token}/ack", data={"suffix": "1"})).status)
    assert statuses[-1] == 429 and 429 not in statuses[:10]


async def test_views_rate_limited_per_ip(client):
    for i in range(60):
        assert (await client.get(f"/n/{'B' * 21}{i % 10}")).status == 404
    resp = await client.get("/n/CCCCCCCCCCCCCCCCCCCCCC")
    assert resp.status == 429 and resp.headers["Retry-After"] == "60"
    # Behind the proxy, each visitor has its own budget.
    other = await client.get("/n/CCCCCCCCCCCCCCCCCCCCCC", headers={"X-Real-IP": "203.0.113.9"})
    assert other.status == 404


async def test_evidence_upload_needs_ack_and_sniffs_type(client, settings):
    w = await make_world()
    n = await _issue(w)
    resp = await client.post(f"/n/{n.token}/evidence", data=_file(PNG))
    assert resp.status == 403
    await client.post(f"/n/{n.token}/ack", data={"suffix": w["employer"].uscc[-6:]})
    resp = await client.post(f"/n/{n.token}/evidence", data=_file(b"MZ not an image"))
    assert resp.status == 415
    resp = await client.post(f"/n/{n.token}/evidence", data=_file(PNG))
    assert resp.status == 200 and "材料已上传" in await resp.text()
    ev = await Evidence.get(notice_id=n.id)
    assert ev.content_type == "image/png" and ev.size == len(PNG)
    assert (settings.data_dir / "uploads" / ev.storage_key).read_bytes() == PNG
    big = b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024 + 10)
    resp = await client.post(f"/n/{n.token}/evidence", data=_file(big))
    assert resp.status == 413


@pytest.mark.parametrize("body,content_type", [
    (b"garbage", ""),  # no boundary at all
    (b"--\xff\xfe\r\n\r\n", "boundary=\"\""),  # an empty boundary
])
async def test_malformed_multipart_is_a_400_and_stores_nothing(client, body, content_type):
    w = await make_world()
    n = await _issue(w)
    await client.post(f"/n/{n.token}/ack", data={"suffix": w["employer"].uscc[-6:]})
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
    statuses = [(await client.post(f"/n/{n.token}/ack", data={"suffix": "1"}, headers={
        "X-Forwarded-For": f"198.51.100.{i}", "X-Real-IP": f"203.0.113.{i}"})).status
        for i in range(12)]
    assert statuses[-1] == 429 and 429 not in statuses[:10]


async def test_behind_a_trusted_proxy_the_limit_is_the_clients(client):
    # nginx on loopback appends the client it saw; what the client wrote before is ignored.
    n = await _issue(await make_world())
    statuses = [(await client.post(f"/n/{n.token}/ack", data={"suffix": "1"}, headers={
        "X-Forwarded-For": f"198.51.100.{i}, 203.0.113.7"})).status for i in range(12)]
    assert statuses[-1] == 429 and 429 not in statuses[:10]
    other = await client.post(f"/n/{n.token}/ack", data={"suffix": "1"},
                              headers={"X-Forwarded-For": "203.0.113.8"})
    assert other.status == 400  # a wrong code, answered: another client, its own budget
