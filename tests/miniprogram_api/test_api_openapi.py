"""The OpenAPI document is valid and complete: every /api/v1 route is in it."""

from __future__ import annotations

import re
from typing import Any

from openapi_spec_validator import validate

from miniprogram_api.app import all_routes
from miniprogram_api.framework import PREFIX


async def test_document_validates(api: Any) -> None:
    resp = await api.get("/api/v1/openapi.json")
    assert resp.status == 200
    validate(await resp.json())


async def test_every_registered_route_is_documented(api: Any) -> None:
    doc = await (await api.get("/api/v1/openapi.json")).json()
    registered = set()
    for resource in api.app.router.resources():
        info = resource.get_info()
        path = info.get("path") or info.get("formatter", "")
        if not path.startswith(PREFIX):
            continue
        path = re.sub(r"\{(\w+)(:[^}]*)?\}", r"{\1}", path)
        for route in resource:
            if route.method != "HEAD":
                registered.add((route.method.lower(), path))
    documented = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert registered == documented


async def test_operations_document_errors_and_schemas(api: Any) -> None:
    doc = await (await api.get("/api/v1/openapi.json")).json()
    for route in all_routes():
        op = doc["paths"][PREFIX + route.path][route.method.lower()]
        responses = op["responses"]
        assert str(route.status) in responses
        assert "500" in responses
        if route.auth:
            assert "401" in responses and op["security"] == [{"bearer": []}]
        if route.body is not None:
            ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.rsplit("/", 1)[1] in doc["components"]["schemas"]
        for code, spec in responses.items():
            if code.startswith(("4", "5")):
                assert "application/problem+json" in spec["content"]


async def test_validation_errors_are_per_field_in_chinese(api: Any, world: Any) -> None:
    from tests.fieldworld import session_for

    headers = await session_for(api, world.staff["member"])
    resp = await api.post(f"/api/v1/inspections/{world.inspection.id}/rectification-orders",
                          json={"finding_ids": [], "working_days": "十", "extra": 1},
                          headers=headers)
    assert resp.status == 422 and resp.content_type == "application/problem+json"
    errors = {e["field"]: e["message"] for e in (await resp.json())["errors"]}
    assert errors == {"finding_ids": "至少 1 项", "requirements": "必填",
                      "working_days": "须为整数", "extra": "不允许的字段"}
