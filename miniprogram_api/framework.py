"""The route registry and the one request pipeline every API route goes through.

A `Route` names method, path, request and response models, errors and roles; the same list builds
the aiohttp routes and the OpenAPI document, so they cannot drift apart. The pipeline:
authenticate → parse path, query and body (size-capped, validated) → one transaction around the
domain call, the audit record and, for creating requests with an `Idempotency-Key`, the stored
response (a retry replays it; the same key with another body is refused).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError
from tortoise.exceptions import IntegrityError

from inspection import access
from inspection.audit import unit_of_work
from inspection.errors import DomainError, Problem
from miniprogram_api import sessions
from miniprogram_api.problems import ApiError, problems_from
from models.enums import StaffStatus
from models.kv import KeyValue, KVUnavailable
from models.org import Staff
from models.system import IdempotencyRecord
from notifications.appkeys import CONFIG, KV, OUTBOX_WAKE, AppConfig
from notifications.problems import from_domain, problem

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
MAX_JSON = 1024 * 1024
MAX_ID = 2**31 - 1
MAX_IDEMPOTENCY_KEY = 128
_PARAM = re.compile(r"\{(\w+)\}")


@dataclass
class Upload:
    data: bytes
    filename: str


BodyT = TypeVar("BodyT")
QueryT = TypeVar("QueryT")


@dataclass
class Call(Generic[BodyT, QueryT]):
    """One request as its handler sees it. `body` and `query` are the route's validated models
    (None when the route has none): a handler declares them, e.g. `Call[s.LoginIn, None]`, and
    tests/miniprogram_api/test_api_typed_calls.py holds every declaration to its route."""

    request: web.Request
    staff: Staff | None
    session: sessions.Session | None
    path: dict[str, int]
    body: BodyT
    query: QueryT
    upload: Upload | None = None

    @property
    def me(self) -> Staff:
        assert self.staff is not None
        return self.staff

    @property
    def app(self) -> web.Application:
        return self.request.app

    @property
    def config(self) -> AppConfig:
        return self.request.app[CONFIG]

    @property
    def kv(self) -> KeyValue:
        return self.request.app[KV]


Handler = Callable[[Call[Any, Any]], Awaitable[BaseModel | web.StreamResponse | None]]
UploadReader = Callable[[web.Request], Awaitable[Upload]]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # relative to /api/v1, OpenAPI style: /inspections/{inspection_id}
    operation_id: str
    summary: str
    tag: str
    roles: str  # who may call it, for the document and the authorisation matrix
    handler: Handler
    response: type[BaseModel] | None = None
    status: int = 200
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    upload: UploadReader | None = None
    binary: tuple[str, ...] = ()  # media types of a raw (non-JSON) response
    auth: bool = True
    creates: bool = False  # accepts Idempotency-Key
    # False for handlers that call out (WeCom) and write nothing: no transaction held open.
    transaction: bool = True
    errors: tuple[int, ...] = field(default=())

    @property
    def path_params(self) -> list[str]:
        return _PARAM.findall(self.path)

    @property
    def aiohttp_path(self) -> str:
        return PREFIX + _PARAM.sub(lambda m: "{" + m.group(1) + r":\d{1,10}}", self.path)

    def all_errors(self) -> list[int]:
        codes = set(self.errors) | {500}
        if self.auth:
            codes.add(401)
        if self.path_params:
            codes.add(404)
        if self.body or self.query or self.creates:
            codes.add(422)
        if self.body:
            codes |= {400, 413, 415}
        if self.upload:
            codes |= {413, 415, 422}
        return sorted(codes)


def _bearer(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def authenticate(request: web.Request) -> tuple[Staff, sessions.Session]:
    kv = request.app[KV]
    session = await sessions.authenticate(kv, _bearer(request))
    staff = await access.staff_by_id(staff_id=session.staff_id) if session else None
    if session is not None and (staff is None or staff.status != StaffStatus.ACTIVE):
        await sessions.revoke_all(kv, session.staff_id)
        staff = None
    if session is None or staff is None:
        raise ApiError(401, "unauthenticated", "请先在企业微信中登录")
    return staff, session


async def read_json(request: web.Request, model: type[BaseModel]) -> tuple[Any, bytes]:
    if request.content_length is not None and request.content_length > MAX_JSON:
        raise ApiError(413, "body_too_large", "请求内容超过 1 MB")
    mime = request.content_type
    if mime != "application/json":
        raise ApiError(415, "unsupported_media_type", "请求内容须为 application/json")
    raw = bytearray()
    async for chunk in request.content.iter_chunked(65536):
        raw += chunk
        if len(raw) > MAX_JSON:
            raise ApiError(413, "body_too_large", "请求内容超过 1 MB")
    try:
        data = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "malformed_json", "请求内容不是有效的 JSON") from exc
    except RecursionError:  # nested deeper than the parser's stack: nobody sends that honestly
        raise ApiError(400, "malformed_json", "请求内容嵌套层数过多") from None
    try:
        return model.model_validate(data), bytes(raw)
    except ValidationError as exc:
        raise ApiError(422, "validation_failed", "输入有误，请按提示修改后重试",
                       problems_from(exc)) from None


def _path_ids(route: Route, request: web.Request) -> dict[str, int]:
    out = {}
    for name in route.path_params:
        value = int(request.match_info[name])
        if not 1 <= value <= MAX_ID:
            raise ApiError(404, "not_found", "不存在或无权查看")
        out[name] = value
    return out


def _query(route: Route, request: web.Request) -> Any:
    if route.query is None:
        return None
    try:
        return route.query.model_validate(dict(request.query))
    except ValidationError as exc:
        raise ApiError(422, "validation_failed", "查询参数有误",
                       problems_from(exc)) from None


def _idempotency_key(request: web.Request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isascii() or not key.isprintable():
        raise ApiError(422, "bad_idempotency_key", "Idempotency-Key 须为 1 至 128 个可见 ASCII 字符",
                       [Problem("格式不正确", field="Idempotency-Key")])
    return key


def _replay(record: IdempotencyRecord, request_hash: str) -> web.Response:
    if record.request_hash != request_hash:
        raise ApiError(422, "idempotency_key_reused",
                       "该 Idempotency-Key 已用于另一个不同的请求，请换一个新的键")
    return web.json_response(record.body, status=record.status,
                             headers={"Idempotent-Replayed": "true"})


# long: the request pipeline (auth, limits, parse, idempotency, transaction, answer) in the
# order it runs; each step is a few lines and splitting hides that order.
def make_handler(route: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        staff, session = (await authenticate(request)) if route.auth else (None, None)
        path, query = _path_ids(route, request), _query(route, request)
        body, raw, upload = None, b"", None
        if route.body is not None:
            body, raw = await read_json(request, route.body)
        if route.upload is not None:
            upload = await route.upload(request)
            raw = hashlib.sha256(upload.data).digest() + upload.filename.encode()
        call: Call[Any, Any] = Call(request, staff, session, path, body, query, upload)
        key = _idempotency_key(request) if route.creates and staff else None
        request_hash = hashlib.sha256(
            f"{request.method} {request.rel_url}\n".encode() + raw).hexdigest()
        if not route.transaction or request.method == "GET":
            # Reads need no transaction: each query sees committed data, and BEGIN/COMMIT
            # would add two round trips to the most frequent requests.
            result = await route.handler(call)
            if isinstance(result, web.StreamResponse):
                return result
            # Serialised straight to JSON bytes by pydantic-core: no intermediate dicts.
            raw_json = result.model_dump_json().encode() if result is not None else b"null"
            return web.Response(body=raw_json, status=route.status,
                                content_type="application/json", charset="utf-8")
        try:
            async with unit_of_work():
                claim = None
                if key is not None:
                    assert staff is not None
                    record = await IdempotencyRecord.get_or_none(staff_id=staff.id, key=key)
                    if record is not None:
                        return _replay(record, request_hash)
                    # Claim the key before the work: a concurrent retry blocks on the unique
                    # index until this commits, then fails and replays this answer, instead
                    # of running the change a second time (and e.g. answering 409).
                    claim = await IdempotencyRecord.create(
                        staff_id=staff.id, key=key, method=request.method,
                        path=request.path[:200], request_hash=request_hash, status=0, body={})
                result = await route.handler(call)
                if isinstance(result, web.StreamResponse):
                    return result
                body = result.model_dump(mode="json") if result is not None else None
                if claim is not None:
                    claim.status, claim.body = route.status, body
                    await claim.save(update_fields=["status", "body", "updated_at"])
        except IntegrityError:
            if key is None or staff is None:
                raise
            # A concurrent retry with the same key committed first: answer as it did.
            record = await IdempotencyRecord.get_or_none(staff_id=staff.id, key=key)
            if record is None:
                raise
            return _replay(record, request_hash)
        # Whatever the change queued (reminders, cards) goes out now, not at the next poll.
        request.app[OUTBOX_WAKE].wake()
        if body is None:
            return web.Response(status=route.status)
        return web.json_response(body, status=route.status, dumps=_dumps)

    handle.__name__ = route.operation_id
    return handle


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@web.middleware
async def problem_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every error under /api/v1 becomes problem+json; nothing leaks a stack trace."""
    if not request.path.startswith(PREFIX + "/") and request.path != PREFIX:
        return await handler(request)
    try:
        return await handler(request)
    except DomainError as exc:
        return from_domain(exc, headers={"WWW-Authenticate": "Bearer"} if exc.status == 401
                           else None)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        codes = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}
        return problem(exc.status, codes.get(exc.status, "http_error"),
                       exc.reason if exc.status != 404 else "不存在或无权查看")
    except KVUnavailable:
        raise  # the outermost middleware answers 503 (notifications.problems)
    except Exception:
        log.exception("unhandled error in %s %s", request.method, request.path)
        return problem(500, "internal_error", "服务器内部错误，请稍后重试")


def register(app: web.Application, routes: list[Route]) -> None:
    seen = set()
    for route in routes:
        ident = (route.method, route.path)
        if ident in seen or route.operation_id in seen:
            raise ValueError(f"duplicate route {ident}")
        seen |= {ident, route.operation_id}
        app.router.add_route(route.method, route.aiohttp_path, make_handler(route),
                             name=route.operation_id)
    app.middlewares.append(problem_middleware)
