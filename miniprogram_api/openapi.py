"""The OpenAPI 3.1 document, written from the route registry and its pydantic models."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from miniprogram_api.framework import MAX_ID, PREFIX, Route

_REF = "#/components/schemas/{model}"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code", "errors"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "code": {"type": "string", "description": "稳定的机器可读错误码"},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["message"],
            "properties": {"field": {"type": "string"}, "row": {"type": "integer"},
                           "message": {"type": "string"}, "code": {"type": "string"}}}},
    },
}

_ERROR_TEXT = {400: "请求格式有误", 401: "未登录或会话失效", 403: "无权操作", 404: "不存在或无权查看",
               409: "当前状态不允许（原因见 detail）", 413: "内容过大", 415: "内容类型不支持",
               422: "输入有误（逐字段说明）", 429: "过于频繁", 500: "服务器内部错误",
               502: "企业微信出错",
               503: "依赖的服务暂不可用（企业微信未配置或证据存储不可用，见 detail）"}


def _query_params(model: type[BaseModel], defs: dict[str, Any]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=_REF)
    defs.update(schema.get("$defs", {}))
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema["properties"].items():
        # Query strings carry no JSON null: drop the null branch of optional filters.
        if "anyOf" in prop:
            branches = [b for b in prop["anyOf"] if b.get("type") != "null"]
            prop = {**{k: v for k, v in prop.items() if k != "anyOf"}, **branches[0]}
        prop = {k: v for k, v in prop.items() if k not in ("title", "default")} | (
            {"default": prop["default"]} if prop.get("default") is not None else {})
        out.append({"name": name, "in": "query", "required": name in required, "schema": prop})
    return out


# long: the document's skeleton as one literal, so it reads like the OpenAPI it produces.
def document(routes: list[Route]) -> dict[str, Any]:
    models: set[tuple[type[BaseModel], Literal["validation", "serialization"]]] = set()
    for r in routes:
        if r.body is not None:
            models.add((r.body, "validation"))
        if r.response is not None:
            models.add((r.response, "serialization"))
    _, top = models_json_schema(sorted(models, key=lambda m: (m[0].__name__, m[1])),
                                ref_template=_REF)
    schemas: dict[str, Any] = dict(top.get("$defs", {}))
    schemas["Problem"] = PROBLEM_SCHEMA
    paths: dict[str, Any] = {}
    for r in routes:
        op: dict[str, Any] = {"operationId": r.operation_id, "summary": r.summary,
                              "tags": [r.tag], "description": f"可调用者：{r.roles}"}
        params: list[dict[str, Any]] = [
            {"name": p, "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
            for p in r.path_params]
        if r.query is not None:
            params += _query_params(r.query, schemas)
        if r.creates:
            params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                           "description": "客户端生成的唯一键：网络重试时同一请求只生效一次",
                           "schema": {"type": "string", "minLength": 1, "maxLength": 128,
                                      "pattern": "^[\\x21-\\x7e]+$"}})
        if params:
            op["parameters"] = params
        if r.body is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": _REF.format(model=r.body.__name__)}}}}
        if r.upload is not None:
            op["requestBody"] = {"required": True, "content": {"multipart/form-data": {
                "schema": {"type": "object", "required": ["file"], "properties": {
                    "file": {"type": "string", "format": "binary",
                             "description": "JPEG/PNG/WebP ≤ 10 MB，PDF ≤ 20 MB"}}}}}}
        ok: dict[str, Any] = {"description": "成功"}
        if r.response is not None:
            ok["content"] = {"application/json": {
                "schema": {"$ref": _REF.format(model=r.response.__name__)}}}
        elif r.binary:
            ok["content"] = {t: {"schema": {"type": "string", "format": "binary"}}
                             for t in r.binary}
        responses: dict[str, Any] = {str(r.status): ok}
        for code in r.all_errors():
            responses[str(code)] = {"description": _ERROR_TEXT.get(code, "错误"), "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        op["responses"] = responses
        if r.auth:
            op["security"] = [{"bearer": []}]
        paths.setdefault(PREFIX + r.path, {})[r.method.lower()] = op
    paths[PREFIX + "/openapi.json"] = {"get": {
        "operationId": "getOpenApi", "summary": "本接口文档（OpenAPI 3.1）", "tags": ["meta"],
        "responses": {"200": {"description": "成功", "content": {"application/json": {
            "schema": {"type": "object"}}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Suiji 随机 — 执法检查人员小程序接口", "version": "1.0.0",
                 "description": "双随机、一公开：登录、现场检查、证据、限期改正、回访、处罚决定。"
                                "错误均为 application/problem+json。"},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "POST /api/v1/auth/login 返回的 token"}}},
    }
