"""Pydantic errors → per-field Chinese messages; problem+json shape."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from miniprogram_api import schemas as s
from miniprogram_api.callup import AssignIn
from miniprogram_api.campaigns import CampaignIn, CampaignQuery
from miniprogram_api.problems import problems_from
from notifications.problems import problem


def _errors(model: type, data: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as exc:
        model.model_validate(data)
    return {p.field or "": p.message for p in problems_from(exc.value)}


def test_translations() -> None:
    assert _errors(s.PenaltyIn, {"number": "x" * 65, "procedure": "harsh", "cause": "",
                                 "basis": "b", "result": "r", "decided_on": "2026-13-01",
                                 "amount_yuan": -1}) == {
        "number": "不能超过 64 个字", "procedure": "须为以下之一：general、simple",
        "cause": "至少 1 个字", "decided_on": "须为日期（YYYY-MM-DD）", "amount_yuan": "不能小于 0"}
    assert _errors(s.CheckInIn, {"lat": 91, "lng": "东经"}) == {
        "lat": "不能大于 90", "lng": "须为数字"}
    assert _errors(s.MembersIn, {"staff_ids": [0, "a"]}) == {
        "staff_ids.0": "不能小于 1", "staff_ids.1": "须为整数"}
    assert _errors(s.LoginIn, []) == {"": "须为 JSON 对象"}


def test_problem_shape() -> None:
    resp = problem(409, "illegal_transition", "检查当前状态为“已办结”，不能签到")
    assert resp.content_type == "application/problem+json"
    body = json.loads(resp.text or "")
    assert body == {"type": "https://suiji.invalid/problems/illegal_transition",
                    "title": "当前状态不允许此操作", "status": 409,
                    "detail": "检查当前状态为“已办结”，不能签到", "code": "illegal_transition",
                    "errors": []}


async def test_unknown_path_and_method_are_problems(api: object) -> None:
    resp = await api.get("/api/v1/nothing-here")  # type: ignore[attr-defined]
    assert resp.status == 404 and resp.content_type == "application/problem+json"
    resp = await api.delete("/api/v1/inspections")  # type: ignore[attr-defined]
    assert resp.status == 405 and (await resp.json())["code"] == "method_not_allowed"
    resp = await api.post("/api/v1/auth/login", data="{", headers={  # type: ignore[attr-defined]
        "Content-Type": "application/json"})
    assert resp.status == 400 and (await resp.json())["code"] == "malformed_json"
    resp = await api.post("/api/v1/auth/login", data=b"x" * (1024 * 1024 + 1), headers={  # type: ignore[attr-defined]
        "Content-Type": "application/json"})
    assert resp.status == 413


def test_nul_characters_are_bad_input() -> None:
    """PostgreSQL cannot store U+0000: every request model refuses it per field (422, not 500)."""
    assert _errors(s.FindingIn, {"result": "compliant", "description": "a\x00b"}) == {
        "description": "不能包含空字符（U+0000）"}
    assert _errors(CampaignQuery, {"q": "\x00"}) == {"q": "不能包含空字符（U+0000）"}
    assert _errors(AssignIn, {"target": "JC", "names": ["张三", "李\x00"]}) == {
        "names": "不能包含空字符（U+0000）"}
    body = {"code": "C", "title": "t", "field_start": "2026-01-01", "field_end": "2026-01-02",
            "rules": {"strata": [{"name": "\x00"}]}}
    assert _errors(CampaignIn, body) == {"rules": "不能包含空字符（U+0000）"}
