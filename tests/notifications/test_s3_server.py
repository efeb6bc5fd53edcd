"""`S3Storage` against a real S3 server (moto's, with signature checking on): what it writes is
what boto3 reads, keys with reserved characters survive, and wrong credentials, a wrong bucket
or an unreachable server raise `StorageUnavailable` instead of passing for success or for a
missing file."""

from __future__ import annotations

import hashlib
import secrets
import socket
from collections.abc import AsyncIterator

import aiohttp
import botocore.exceptions
import pytest

from inspection.errors import StorageUnavailable
from notifications.s3 import S3Storage
from tests.s3_server import MotoS3


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def store(server: MotoS3, http: aiohttp.ClientSession, **changes: str) -> S3Storage:
    values = {"endpoint": server.endpoint, "bucket": server.bucket, "region": server.region,
              "access_key": server.access_key, "secret_key": server.secret_key, **changes}
    return S3Storage(http=http, **values)


def absent(server: MotoS3, key: str) -> bool:
    try:
        server.client().head_object(Bucket=server.bucket, Key=key)
    except botocore.exceptions.ClientError as exc:
        return exc.response["Error"]["Code"] in ("404", "NoSuchKey")
    return False


async def test_put_then_get_is_what_boto3_reads(moto_s3: MotoS3,
                                                http: aiohttp.ClientSession) -> None:
    data = secrets.token_bytes(3 * 1024 * 1024)  # a phone photo's size, incompressible
    key = f"evidence/{hashlib.sha256(data).hexdigest()[:2]}/{hashlib.sha256(data).hexdigest()}"
    s = store(moto_s3, http)
    await s.put(key, data, "image/jpeg")
    assert await s.get(key) == data
    head = moto_s3.client().get_object(Bucket=moto_s3.bucket, Key=key)
    assert head["Body"].read() == data and head["ContentType"] == "image/jpeg"


async def test_missing_key_is_none(moto_s3: MotoS3, http: aiohttp.ClientSession) -> None:
    assert await store(moto_s3, http).get(f"evidence/00/{secrets.token_hex(32)}") is None


@pytest.mark.parametrize("key", ["thumbnails/ab/a b+c=d&e.jpg", "evidence/证据/整改 照片.png",
                                 "evidence/p%q~r_s(1).pdf"])
async def test_reserved_characters_in_keys(moto_s3: MotoS3, http: aiohttp.ClientSession,
                                           key: str) -> None:
    # The server recomputes the signature over the path it received: a path sent differently
    # from the one signed is refused. boto3 finding the object under the same key proves the
    # server stored it under that key, not under some re-encoding of it.
    s = store(moto_s3, http)
    await s.put(key, key.encode(), "application/pdf")
    assert await s.get(key) == key.encode()
    got = moto_s3.client().get_object(Bucket=moto_s3.bucket, Key=key)
    assert got["Body"].read() == key.encode()


async def test_endpoint_with_trailing_slash(moto_s3: MotoS3, http: aiohttp.ClientSession) -> None:
    s = store(moto_s3, http, endpoint=moto_s3.endpoint + "/")
    await s.put("evidence/slash", b"x", "image/png")
    assert await s.get("evidence/slash") == b"x"


async def test_check_passes_with_good_credentials(moto_s3: MotoS3,
                                                  http: aiohttp.ClientSession) -> None:
    await store(moto_s3, http).check()


@pytest.mark.parametrize("change,code", [
    ({"secret_key": "not-the-secret"}, "SignatureDoesNotMatch"),
    ({"access_key": "AKIAUNKNOWN000000000"}, "InvalidAccessKeyId"),
])
async def test_wrong_credentials_raise_and_store_nothing(moto_s3: MotoS3,
                                                         http: aiohttp.ClientSession,
                                                         change: dict[str, str],
                                                         code: str) -> None:
    bad = store(moto_s3, http, **change)
    key = f"evidence/ff/{secrets.token_hex(32)}"
    with pytest.raises(StorageUnavailable) as put:
        await bad.put(key, b"evidence", "image/jpeg")
    assert put.value.status == 503 and put.value.code == "storage_unavailable"
    assert "HTTP 403" in put.value.detail and code in put.value.detail
    assert "SUIJI_S3_" in put.value.detail  # tells the operator what to check
    assert absent(moto_s3, key)
    # A refused read of a key that does not exist must not pass for "no such file".
    with pytest.raises(StorageUnavailable):
        await bad.get(key)
    with pytest.raises(StorageUnavailable) as check:
        await bad.check()
    assert "HTTP 403" in check.value.detail


async def test_missing_bucket_is_an_error_not_a_missing_file(
        moto_s3: MotoS3, http: aiohttp.ClientSession) -> None:
    bad = store(moto_s3, http, bucket="no-such-bucket")
    with pytest.raises(StorageUnavailable) as put:
        await bad.put("evidence/x", b"x", "image/jpeg")
    assert "NoSuchBucket" in put.value.detail
    with pytest.raises(StorageUnavailable) as get:
        await bad.get("evidence/x")
    assert "NoSuchBucket" in get.value.detail and "SUIJI_S3_BUCKET" in get.value.detail
    with pytest.raises(StorageUnavailable):
        await bad.check()


async def test_unreachable_server(moto_s3: MotoS3, http: aiohttp.ClientSession) -> None:
    with socket.socket() as sock:  # a port nobody listens on once this closes
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    s = store(moto_s3, http, endpoint=f"http://127.0.0.1:{port}")
    with pytest.raises(StorageUnavailable) as exc:
        await s.put("evidence/x", b"x", "image/jpeg")
    assert "unreachable" in exc.value.detail
    with pytest.raises(StorageUnavailable):
        await s.get("evidence/x")
