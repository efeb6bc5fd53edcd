"""Evidence storage on an S3-compatible object store (AWS S3, MinIO, Ceph RGW, OSS/COS in S3
mode), path-style, signed with AWS Signature Version 4 — no SDK needed for three calls.

Tested against a real S3 server (moto's, tests/notifications/test_s3_server.py): it re-signs
every request with botocore and refuses any whose signature differs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import aiohttp
import defusedxml.ElementTree as ET
from yarl import URL

from inspection.errors import StorageUnavailable
from inspection.fieldwork import evidence

log = logging.getLogger(__name__)

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
TIMEOUT = aiohttp.ClientTimeout(total=60, connect=10)
# What an operator should check, by the store's error code.
_HINTS = {
    "InvalidAccessKeyId": "check SUIJI_S3_ACCESS_KEY",
    "SignatureDoesNotMatch": "check SUIJI_S3_SECRET_KEY (and SUIJI_S3_REGION)",
    "AccessDenied": "the key may not read or write this bucket: check its policy",
    "NoSuchBucket": "check SUIJI_S3_BUCKET: the bucket does not exist",
    "RequestTimeTooSkewed": "this machine's clock is off: synchronise it (NTP)",
    "AuthorizationHeaderMalformed": "check SUIJI_S3_REGION",
}
_STATUS_HINTS = {
    403: "check SUIJI_S3_ACCESS_KEY, SUIJI_S3_SECRET_KEY and the key's policy",
    404: "check SUIJI_S3_BUCKET and SUIJI_S3_ENDPOINT",
}


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def authorization(*, method: str, host: str, path: str, headers: dict[str, str],
                  payload_sha256: str, at: dt.datetime, region: str, access_key: str,
                  secret_key: str, query: str = "", service: str = "s3") -> str:
    """The `Authorization` header value (SigV4). `headers` excludes host/x-amz-* added here."""
    stamp = at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    day = stamp[:8]
    signed = {k.lower(): " ".join(v.strip().split()) for k, v in headers.items()}
    signed |= {"host": host, "x-amz-content-sha256": payload_sha256, "x-amz-date": stamp}
    names = sorted(signed)
    canonical = "\n".join([
        method, quote(path, safe="/-_.~"), query,
        "".join(f"{n}:{signed[n]}\n" for n in names), ";".join(names), payload_sha256])
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(_hmac(("AWS4" + secret_key).encode(), day), region), service),
                "aws4_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (f"AWS4-HMAC-SHA256 Credential={access_key}/{scope},"
            f"SignedHeaders={';'.join(names)},Signature={signature}")


def _tag(xml: str, name: str) -> str:
    # Error bodies are tiny, fixed-shape XML; a regex avoids parsing untrusted XML.
    m = re.search(rf"<{name}>([^<]{{0,300}})</{name}>", xml)
    return m.group(1) if m else ""


@dataclass
class S3Storage:
    """Implements `inspection.evidence.Storage`. `http` is a ClientSession owned by the app."""

    endpoint: str  # e.g. https://minio.bureau.lan:9000
    bucket: str
    region: str
    access_key: str
    secret_key: str
    http: aiohttp.ClientSession
    list_page: int = 1000  # objects per ListObjectsV2 page (the protocol's maximum)

    def _request(self, method: str, key: str, payload_sha256: str,
                 extra: dict[str, str], params: dict[str, str] | None = None
                 ) -> tuple[URL, dict[str, str]]:
        parts = urlsplit(self.endpoint)
        path = f"{parts.path.rstrip('/')}/{self.bucket}" + (f"/{key}" if key else "")
        now = dt.datetime.now(dt.UTC)
        # SigV4's canonical query: names sorted, names and values percent-encoded.
        query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
                         for k, v in sorted((params or {}).items()))
        auth = authorization(method=method, host=parts.netloc, path=path, headers=extra,
                             payload_sha256=payload_sha256, at=now, region=self.region,
                             access_key=self.access_key, secret_key=self.secret_key,
                             query=query)
        headers = {**extra, "Authorization": auth, "x-amz-content-sha256": payload_sha256,
                   "x-amz-date": now.strftime("%Y%m%dT%H%M%SZ")}
        # encoded=True: the path goes on the wire exactly as signed. Left to itself yarl
        # normalises escapes such as %3D to "=", and the server then computes another signature.
        url = URL(f"{parts.scheme}://{parts.netloc}{quote(path, safe='/-_.~')}"
                  + (f"?{query}" if query else ""), encoded=True)
        return url, headers

    async def _refused(self, resp: aiohttp.ClientResponse, method: str, key: str,
                       body: str | None = None) -> StorageUnavailable:
        if body is None:
            body = (await resp.read())[:4096].decode("utf-8", "replace")
        code, message = _tag(body, "Code"), _tag(body, "Message")
        # HEAD answers carry no body, hence no code: fall back on the status.
        hint = _HINTS.get(code) or _STATUS_HINTS.get(resp.status, "")
        detail = (f"S3 {method} {self.bucket}/{key}: HTTP {resp.status} {code or resp.reason}"
                  f"{': ' + message if message else ''}{' — ' + hint if hint else ''}")
        log.error("evidence storage refused the request", extra={
            "s3_method": method, "s3_key": key, "s3_status": resp.status, "s3_code": code,
            "s3_message": message, "hint": hint})
        return StorageUnavailable(detail)

    def _unreachable(self, method: str, key: str, exc: BaseException) -> StorageUnavailable:
        detail = f"S3 {method} {self.bucket}/{key}: {self.endpoint} unreachable: {exc!r}"
        log.error("evidence storage unreachable", extra={
            "s3_method": method, "s3_key": key, "error": repr(exc)})
        return StorageUnavailable(detail)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        url, headers = self._request("PUT", key, hashlib.sha256(data).hexdigest(),
                                     {"content-type": content_type})
        try:
            async with self.http.put(url, data=data, headers=headers, timeout=TIMEOUT) as resp:
                if resp.status // 100 != 2:
                    raise await self._refused(resp, "PUT", key)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise self._unreachable("PUT", key, exc) from exc

    async def get(self, key: str) -> bytes | None:
        """The object, or None when the bucket has no such key. Any other refusal — a wrong
        key or secret, a missing bucket — raises: it must not look like a missing file."""
        url, headers = self._request("GET", key, EMPTY_SHA256, {})
        try:
            async with self.http.get(url, headers=headers, timeout=TIMEOUT) as resp:
                if resp.status == 200:
                    return await resp.read()
                if resp.status == 404:
                    body = (await resp.read())[:4096].decode("utf-8", "replace")
                    if _tag(body, "Code") == "NoSuchKey":
                        return None
                    raise await self._refused(resp, "GET", key, body)
                raise await self._refused(resp, "GET", key)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise self._unreachable("GET", key, exc) from exc

    async def check(self) -> None:
        """Readiness: the bucket exists and these credentials may use it (HEAD bucket)."""
        url, headers = self._request("HEAD", "", EMPTY_SHA256, {})
        try:
            async with self.http.head(url, headers=headers, timeout=TIMEOUT) as resp:
                if resp.status != 200:
                    raise await self._refused(resp, "HEAD", "")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise self._unreachable("HEAD", "", exc) from exc

    async def files(self) -> AsyncIterator[evidence.StoredFile]:
        """Every object in the bucket (ListObjectsV2, page by page). A PUT is atomic, so no
        object is ever half written: none is `partial`."""
        token: str | None = None
        while True:
            params = {"list-type": "2", "max-keys": str(self.list_page)}
            if token:
                params["continuation-token"] = token
            url, headers = self._request("GET", "", EMPTY_SHA256, {}, params)
            try:
                async with self.http.get(url, headers=headers, timeout=TIMEOUT) as resp:
                    if resp.status != 200:
                        raise await self._refused(resp, "LIST", "")
                    body = await resp.read()
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise self._unreachable("LIST", "", exc) from exc
            root = ET.fromstring(body)
            ns = root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""
            for item in root.iter(f"{ns}Contents"):
                key, modified = item.findtext(f"{ns}Key"), item.findtext(f"{ns}LastModified")
                if key and modified:
                    yield evidence.StoredFile(key=key, modified=dt.datetime.fromisoformat(
                        modified.replace("Z", "+00:00")))
            token = root.findtext(f"{ns}NextContinuationToken")
            if root.findtext(f"{ns}IsTruncated") != "true" or not token:
                return

    async def delete(self, key: str) -> None:
        url, headers = self._request("DELETE", key, EMPTY_SHA256, {})
        try:
            async with self.http.delete(url, headers=headers, timeout=TIMEOUT) as resp:
                if resp.status // 100 != 2:
                    raise await self._refused(resp, "DELETE", key)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise self._unreachable("DELETE", key, exc) from exc
