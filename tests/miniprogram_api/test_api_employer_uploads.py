"""R22 over HTTP: an employer uploads rectification material on `/n/{token}`; the visit's team is
told by WeCom, lists it over the staff API, reads it, and accepts or refuses it with a reason
that the employer then reads on the notice page."""

from __future__ import annotations

from typing import Any

from aiohttp import FormData

from inspection.notices.issuing import verification_code
from models.enums import InspectionState
from models.outbox import OutboxMessage
from notifications.appkeys import CONFIG
from tests.fieldworld import jpeg, session_for

PROBLEM = "application/problem+json"


async def _issue_and_upload(api: Any, world: Any, member: dict[str, str]) -> tuple[str, int]:
    world.inspection.state = InspectionState.CHECKED_IN
    await world.inspection.save()
    resp = await api.post(f"/api/v1/inspections/{world.inspection.id}/notices", headers=member,
                          json={"kind": "inspection", "body": "定于近日检查，请准备工资台账"})
    assert resp.status == 201, await resp.text()
    path = "/n/" + (await resp.json())["url"].rsplit("/n/", 1)[1]
    code = verification_code(token=path.rsplit("/", 1)[1], secret=api.app[CONFIG].secret_key)
    resp = await api.post(path + "/ack", data={"code": code})
    assert resp.status == 200
    for name in ("wages.jpg", "attendance.jpg"):
        form = FormData()
        form.add_field("file", jpeg(), filename=name, content_type="image/jpeg")
        resp = await api.post(path + "/evidence", data=form)
        assert resp.status == 200 and "材料已上传" in await resp.text()
    return path, world.inspection.id


async def test_upload_told_listed_reviewed_and_seen_by_the_employer(api: Any, world: Any) -> None:
    member = await session_for(api, world.staff["member"])
    path, inspection_id = await _issue_and_upload(api, world, member)
    told = await OutboxMessage.filter(idempotency_key__startswith="employer-upload:").count()
    assert told == 2

    resp = await api.get(f"/api/v1/inspections/{inspection_id}/employer-uploads", headers=member)
    assert resp.status == 200, await resp.text()
    items = (await resp.json())["items"]
    assert [i["original_name"] for i in items] == ["attendance.jpg", "wages.jpg"]
    assert {i["review_status"] for i in items} == {"pending"}
    resp = await api.get(f"/api/v1/evidence/{items[1]['id']}/content", headers=member)
    assert resp.status == 200 and resp.content_type == "image/jpeg"
    # Issue 16 item 8: an outsider's file is downloaded, never rendered on the API's origin.
    assert resp.headers["Content-Disposition"] == "attachment; filename*=UTF-8''wages.jpg"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"

    resp = await api.post(f"/api/v1/evidence/{items[1]['id']}/review", headers=member,
                          json={"accepted": False})
    assert resp.status == 422
    errors = (await resp.json(content_type=PROBLEM))["errors"]
    assert errors[0]["field"] == "reason"
    resp = await api.post(f"/api/v1/evidence/{items[1]['id']}/review", headers=member,
                          json={"accepted": False, "reason": "工资表缺少十月份，请补充"})
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert (body["review_status"], body["reviewed_by"]) == ("rejected", "张检查")
    resp = await api.post(f"/api/v1/evidence/{items[0]['id']}/review", headers=member,
                          json={"accepted": True})
    assert resp.status == 200
    again = await api.post(f"/api/v1/evidence/{items[0]['id']}/review", headers=member,
                           json={"accepted": False, "reason": "改主意"})
    assert again.status == 409

    html = await (await api.get(path)).text()
    assert "未采纳：工资表缺少十月份，请补充" in html and "已采纳" in html


async def test_outsiders_see_nothing_and_leaders_may_not_review(api: Any, world: Any) -> None:
    member = await session_for(api, world.staff["member"])
    _, inspection_id = await _issue_and_upload(api, world, member)
    outsider = await session_for(api, world.staff["outsider"])
    resp = await api.get(f"/api/v1/inspections/{inspection_id}/employer-uploads",
                         headers=outsider)
    assert resp.status == 404
    leader = await session_for(api, world.staff["leader"])
    items = (await (await api.get(f"/api/v1/inspections/{inspection_id}/employer-uploads",
                                  headers=leader)).json())["items"]
    resp = await api.post(f"/api/v1/evidence/{items[0]['id']}/review", headers=leader,
                          json={"accepted": True})
    assert resp.status == 403
