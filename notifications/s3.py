"""Evidence storage on an S3-compatible object store (AWS S3, MinIO, Ceph RGW, OSS/COS in S3
mode), path-style, signed with AWS Signature Version 4 — no SDK needed for two calls."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import aiohttp

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


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


@dataclass
class S3Storage:
    """Implements `inspection.evidence.Storage`. `http` is the app's shared ClientSession."""

    endpoint: str  # e.g. https://minio.bureau.lan:9000
    bucket: str
    region: str
    access_key: str
    secret_key: str
    http: aiohttp.ClientSession

    def _request(self, method: str, key: str, payload_sha256: str,
                 extra: dict[str, str]) -> tuple[str, dict[str, str]]:
        parts = urlsplit(self.endpoint)
        path = f"{parts.path.rstrip('/')}/{self.bucket}/{key}"
        now = dt.datetime.now(dt.UTC)
        auth = authorization(method=method, host=parts.netloc, path=path, headers=extra,
                             payload_sha256=payload_sha256, at=now, region=self.region,
                             access_key=self.access_key, secret_key=self.secret_key)
        headers = {**extra, "Authorization": auth, "x-amz-content-sha256": payload_sha256,
                   "x-amz-date": now.strftime("%Y%m%dT%H%M%SZ")}
        return f"{parts.scheme}://{parts.netloc}{quote(path, safe='/-_.~')}", headers

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        url, headers = self._request("PUT", key, hashlib.sha256(data).hexdigest(),
                                     {"content-type": content_type})
        async with self.http.put(url, data=data, headers=headers,
                                 timeout=aiohttp.ClientTimeout(total=60)) as resp:
            resp.raise_for_status()

    async def get(self, key: str) -> bytes | None:
        url, headers = self._request("GET", key, EMPTY_SHA256, {})
        async with self.http.get(url, headers=headers,
                                 timeout=aiohttp.ClientTimeout(total=60)) as resp:
            if resp.status == 404:
                return None
            resp.raise_for_status()
            return await resp.read()
