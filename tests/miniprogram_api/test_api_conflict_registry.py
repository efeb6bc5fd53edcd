"""The 回避 registry at the desk (R8): every declared conflict with the person, section and
employer, newest first, searchable by either name or the USCC; 政策法规科 only."""

from __future__ import annotations

from typing import Any

from models.org import Conflict
from tests.fieldworld import session_for


async def test_the_registry_lists_and_finds(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    await Conflict.create(staff=world.staff["member"], employer=world.employer, reason="配偶在该单位任职")
    await Conflict.create(staff=world.staff["outsider"], employer=world.employer, reason="曾在该单位任职")
    out = await (await api.get("/api/v1/conflicts", headers=admin)).json()
    assert out["total"] == 2
    newest = out["items"][0]
    assert (newest["staff_name"], newest["section"], newest["reason"]) == (
        "钱检查", "劳动关系科", "曾在该单位任职")
    assert newest["employer_uscc"] == world.employer.uscc and newest["declared_at"]
    found = await (await api.get("/api/v1/conflicts?q=张检查", headers=admin)).json()
    assert [r["reason"] for r in found["items"]] == ["配偶在该单位任职"]
    by_code = await (await api.get(f"/api/v1/conflicts?q={world.employer.uscc}",
                                   headers=admin)).json()
    assert by_code["total"] == 2
    # Longer than a code: searched as a name only (it once reached the 18-character column, 500).
    long = await api.get("/api/v1/conflicts", params={"q": world.employer.uscc + "X"},
                         headers=admin)
    assert long.status == 200 and (await long.json())["total"] == 0
    leader = await session_for(api, world.staff["leader"])
    assert (await api.get("/api/v1/conflicts", headers=leader)).status == 403
