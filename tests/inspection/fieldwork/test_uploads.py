"""R22: employers' uploads from a notice's page reach the visit's team by WeCom, are listed for
them and are accepted, or refused with a reason the employer sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from tortoise.transactions import in_transaction

from inspection.errors import Conflict, Forbidden, NotFound, ValidationFailed
from inspection.fieldwork import evidence as ev
from inspection.fieldwork import uploads
from inspection.notices import issuing as notices
from models.audit import AuditEvent
from models.enums import EvidenceReview, InspectionState, NoticeKind
from models.fieldwork import Evidence
from models.outbox import OutboxMessage
from tests import wecom_rows
from tests.fieldworld import World, build_world, jpeg, pdf
from tests.notices_fixtures import ISSUER

pytestmark = pytest.mark.usefixtures("clean_db")

SECRET = "test-secret-" + "y" * 40
STORE: ev.Storage


@pytest.fixture(autouse=True)
def _store(tmp_path: Path) -> None:
    global STORE
    STORE = ev.LocalStorage(tmp_path / "uploads")


@pytest.fixture
async def world() -> World:
    return await build_world(InspectionState.RECTIFYING)


async def upload(world: World, name: str = "工资表.pdf") -> Evidence:
    async with in_transaction():
        notice = await notices.issue_notice(
            kind=NoticeKind.INSPECTION, employer_id=world.employer.id,
            content={"body": "检查通知"}, issued_by_id=world.staff["member"].id,
            issuer=ISSUER, inspection_id=world.inspection.id)
        code = notices.verification_code(token=notice.token, secret=SECRET)
        await notices.acknowledge(notice_id=notice.id, code=code, secret=SECRET)
        return await notices.add_employer_evidence(
            notice_id=notice.id, data=pdf(), original_name=name, storage=STORE,
            quota=notices.UploadQuota())


async def test_an_upload_tells_the_team_and_waits_in_their_list(world: World) -> None:
    e = await upload(world)
    assert e.review_status == EvidenceReview.PENDING
    message = await OutboxMessage.get(idempotency_key=f"employer-upload:{e.id}")
    assert wecom_rows.to(message) == {"u-member", "u-member2"}
    text = wecom_rows.content(message)  # as the worker renders it
    assert world.employer.name in text and "工资表.pdf" in text and world.inspection.code in text
    for who in ("member", "leader", "initiator"):
        rows = await uploads.list_uploads(staff=world.staff[who],
                                          inspection_id=world.inspection.id)
        assert [r.id for r in rows] == [e.id]
    with pytest.raises(NotFound):
        await uploads.list_uploads(staff=world.staff["outsider"],
                                   inspection_id=world.inspection.id)


async def test_accepted_or_refused_with_a_reason_once(world: World) -> None:
    first, second = await upload(world), await upload(world, "整改报告.pdf")
    with pytest.raises(ValidationFailed) as exc:
        await uploads.review(staff=world.staff["member"], evidence_id=first.id, accepted=False,
                             reason=" ")
    assert exc.value.problems[0].field == "reason"
    with pytest.raises(Forbidden):
        await uploads.review(staff=world.staff["leader"], evidence_id=first.id, accepted=True,
                             reason="")
    async with in_transaction():
        done = await uploads.review(staff=world.staff["member"], evidence_id=first.id,
                                    accepted=False, reason="工资表缺少十月份")
        await uploads.review(staff=world.staff["member2"], evidence_id=second.id, accepted=True,
                             reason="")
    assert (done.review_status, done.review_reason, done.reviewed) == (
        EvidenceReview.REJECTED, "工资表缺少十月份", True)
    assert done.reviewed_by.id == world.staff["member"].id  # type: ignore[union-attr]
    with pytest.raises(Conflict) as conflict:
        await uploads.review(staff=world.staff["member"], evidence_id=first.id, accepted=True,
                             reason="")
    assert conflict.value.code == "already_reviewed"
    event = await AuditEvent.get(action="evidence.review", object_id=str(first.id))
    assert event.after["review_status"] == "rejected"
    assert event.before["review_status"] == "pending"


async def test_only_employer_uploads_are_reviewed(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    own = await ev.add_evidence(staff=world.staff["member"], inspection_id=world.inspection.id,
                                data=jpeg(), original_name="现场.jpg",
                                storage=ev.LocalStorage(tmp_path))
    with pytest.raises(Conflict) as exc:
        await uploads.review(staff=world.staff["member"], evidence_id=own.id, accepted=True,
                             reason="")
    assert exc.value.code == "not_employer_upload"
