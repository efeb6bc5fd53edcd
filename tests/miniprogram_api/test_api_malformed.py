"""Input built to break the parser gets a 4xx, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fieldworld import World, session_for


async def test_deeply_nested_json_at_login_is_a_400(api: Any) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    resp = await api.post("/api/v1/auth/login", data=nested.encode(),
                          headers={"Content-Type": "application/json"})
    assert resp.status == 400 and (await resp.json())["code"] == "malformed_json"


@pytest.mark.parametrize("since", ["9223372036854775808", "9" * 30, "9" * 5000, "-1"])
async def test_a_credit_cursor_out_of_range_is_a_422(api: Any, since: str) -> None:
    resp = await api.get("/api/v1/credit/export", params={"since": since},
                         headers={"Authorization": "Bearer " + "t" * 32})
    assert resp.status == 422
    assert (await resp.json())["errors"][0]["field"] == "since"


async def test_a_non_ascii_bearer_token_is_a_401(api: Any, world: World) -> None:
    good = await session_for(api, world.staff["member"])
    for token in ("1.\u00e4" + "a" * 40, "\u5f20\u4e09", good["Authorization"][7:] + "\u00e9"):
        resp = await api.get("/api/v1/me", headers={"Authorization": "Bearer " + token})
        assert resp.status == 401
