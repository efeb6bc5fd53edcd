"""Reading the `file` part of a multipart upload, refused before it is read whole."""

from __future__ import annotations

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from miniprogram_api.framework import Upload
from miniprogram_api.problems import ApiError

_SLACK = 64 * 1024  # multipart headers and boundaries around the file itself


async def read_file_part(request: web.Request, *, limit: int, too_large: str) -> Upload:
    """The `file` part, read in chunks and cut off at `limit` bytes (413 with `too_large`)."""
    if request.content_length is not None and request.content_length > limit + _SLACK:
        raise ApiError(413, "file_too_large", too_large)
    if request.content_type != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type", "请以 multipart/form-data 上传，字段名 file")
    try:
        reader = await request.multipart()
        async for part in reader:
            if getattr(part, "name", None) != "file":
                continue
            data = bytearray()
            while chunk := await part.read_chunk(65536):  # type: ignore[union-attr]
                data += chunk
                if len(data) > limit:
                    raise ApiError(413, "file_too_large", too_large)
            return Upload(bytes(data), getattr(part, "filename", None) or "")
    except (ValueError, AssertionError, RuntimeError, HttpProcessingError) as exc:
        raise ApiError(400, "malformed_multipart", "上传内容格式不正确") from exc
    raise ApiError(422, "file_missing", "缺少上传的文件（字段名 file）")
