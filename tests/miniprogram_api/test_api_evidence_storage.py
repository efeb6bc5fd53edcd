"""Evidence through the app, on the local folder and on a real S3 server (moto's, signatures
checked): inspectors' uploads with their thumbnails, employers' uploads from the notice page
read back by the inspectors, and a refusing store answered with a clear 503 that keeps nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import aiohttp
import pytest
from PIL import Image
from tortoise.transactions import in_transaction

from inspection.notices import issuing as notices
from models.audit import AuditEvent
from models.enums import FindingResult, InspectionState, NoticeKind
from models.fieldwork import Evidence, Finding
from notifications.appkeys import CONFIG
from suiji.app import create_app
from suiji.settings import Settings
from tests.fieldworld import World, jpeg, session_for
from tests.notices_fixtures import ISSUER
from tests.s3_server import MotoS3


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, "PNG")
    return out.getvalue()


PNG = _png()


@pytest.fixture(params=["local", "s3"])
def settings(request: pytest.FixtureRequest, settings: Settings, moto_s3: MotoS3) -> Settings:
    # Overrides the suite's settings, so `api` (tests/fieldworld.py) runs on each store.
    return moto_s3.settings(settings) if request.param == "s3" else settings


@pytest.fixture
async def checked_in(world: World) -> World:
    world.inspection.state = InspectionState.CHECKED_IN
    await world.inspection.save()
    return world


def photo(data: bytes, name: str = "现场.jpg") -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("file", data, filename=name, content_type="application/octet-stream")
    return form


def stored(settings: Settings, moto_s3: MotoS3, key: str) -> bytes | None:
    """The bytes under `key`, read behind the app's back (boto3, or the folder)."""
    if settings.s3_enabled:
        try:
            return bytes(moto_s3.client().get_object(Bucket=moto_s3.bucket, Key=key)["Body"].read())
        except moto_s3.client().exceptions.NoSuchKey:
            return None
    path = settings.data_dir / "uploads" / key
    return path.read_bytes() if path.exists() else None


async def test_upload_read_thumbnail_remove(api: Any, checked_in: World, settings: Settings,
                                            moto_s3: MotoS3) -> None:
    me = await session_for(api, checked_in.staff["member"])
    partner = await session_for(api, checked_in.staff["member2"])
    data = jpeg((800, 600), "green")
    resp = await api.post(f"/api/v1/inspections/{checked_in.inspection.id}/evidence",
                          data=photo(data), headers=me)
    assert resp.status == 201, await resp.text()
    body = await resp.json()
    e = await Evidence.get(id=body["id"])
    assert stored(settings, moto_s3, e.storage_key) == data
    assert e.thumbnail_key and (stored(settings, moto_s3, e.thumbnail_key) or b"")[:3] == b"\xff\xd8\xff"
    if settings.s3_enabled:  # nothing went to the local folder instead
        assert not (settings.data_dir / "uploads").exists()

    content = await api.get(f"/api/v1/evidence/{e.id}/content", headers=partner)
    assert content.status == 200 and await content.read() == data
    thumb = await api.get(f"/api/v1/evidence/{e.id}/thumbnail", headers=partner)
    assert thumb.status == 200 and thumb.content_type == "image/jpeg"
    assert len(await thumb.read()) < len(data)

    # Taking a photo back deletes the record; the stored file stays (identical content may be
    # shared, and the audit event keeps its hash: inspection/evidence.py).
    resp = await api.delete(f"/api/v1/evidence/{e.id}", headers=me)
    assert resp.status == 204
    assert not await Evidence.exists(id=e.id)
    assert stored(settings, moto_s3, e.storage_key) == data


async def _rectification_notice(world: World) -> Any:
    # The order states the violation found (经查), so there is one.
    await Finding.create(inspection=world.inspection, item_version=world.items[0],
                         result=FindingResult.NONCOMPLIANT, description="未订立书面劳动合同",
                         recorded_by=world.staff["member"])
    async with in_transaction():
        return await notices.issue_notice(
            kind=NoticeKind.RECTIFICATION, employer_id=world.employer.id,
            inspection_id=world.inspection.id, issued_by_id=world.staff["member"].id,
            issuer=ISSUER, content={"body": "限期补签劳动合同。"},
            deadline=dt.date(2026, 12, 15), issued_on=dt.date(2026, 11, 20))


async def test_employer_upload_is_readable_by_the_inspectors(api: Any, world: World,
                                                             settings: Settings,
                                                             moto_s3: MotoS3) -> None:
    notice = await _rectification_notice(world)
    ack = await api.post(f"/n/{notice.token}/ack", data={"code": notices.verification_code(
        token=notice.token, secret=api.app[CONFIG].secret_key)})
    assert ack.status == 200
    resp = await api.post(f"/n/{notice.token}/evidence", data=photo(PNG, "整改.png"))
    assert resp.status == 200 and "材料已上传" in await resp.text()
    e = await Evidence.get(notice_id=notice.id)
    assert stored(settings, moto_s3, e.storage_key) == PNG
    member = await session_for(api, world.staff["member"])
    content = await api.get(f"/api/v1/evidence/{e.id}/content", headers=member)
    assert content.status == 200 and await content.read() == PNG


@pytest.fixture
async def refusing(aiohttp_client: Any, settings: Settings, moto_s3: MotoS3) -> Any:
    """The app with the right endpoint and bucket but a wrong secret key."""
    bad = moto_s3.settings(settings, s3_secret_key="wrong-secret-key")
    return await aiohttp_client(create_app(bad, manage_db=False))


ON_S3 = pytest.mark.parametrize("settings", ["s3"], indirect=True)


@ON_S3
async def test_wrong_credentials_refuse_the_upload_and_keep_nothing(
        refusing: Any, checked_in: World, settings: Settings) -> None:
    me = await session_for(refusing, checked_in.staff["member"])
    resp = await refusing.post(f"/api/v1/inspections/{checked_in.inspection.id}/evidence",
                               data=photo(jpeg()), headers=me)
    problem = await resp.json()
    assert resp.status == 503 and problem["code"] == "storage_unavailable"
    assert "存储" in problem["detail"]
    assert resp.content_type == "application/problem+json"
    assert not await Evidence.exists()
    assert not await AuditEvent.filter(action="evidence.add").exists()
    assert not (settings.data_dir / "uploads").exists()  # no silent fallback to the disk

    ready = await refusing.get("/readyz")
    assert ready.status == 503 and (await ready.json())["checks"]["storage"] == "unavailable"


@ON_S3
async def test_wrong_credentials_on_the_notice_page(refusing: Any, world: World) -> None:
    notice = await _rectification_notice(world)
    await refusing.post(f"/n/{notice.token}/ack", data={"code": notices.verification_code(
        token=notice.token, secret=refusing.app[CONFIG].secret_key)})
    resp = await refusing.post(f"/n/{notice.token}/evidence", data=photo(PNG, "整改.png"))
    assert resp.status == 503 and "存储服务暂不可用" in await resp.text()
    assert not await Evidence.exists()


async def test_readyz_checks_the_object_store(api: Any, settings: Settings) -> None:
    body = await (await api.get("/readyz")).json()
    expected = {"database": "ok", "cache": "ok"} | ({"storage": "ok"}
                                                    if settings.s3_enabled else {})
    assert body["checks"] == expected
