import asyncio
import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection.errors import Conflict, ValidationFailed
from inspection.notices import issuing as notices
from models.audit import AuditEvent
from models.employers import Employer
from models.enums import NoticeKind, NoticeStatus
from models.fieldwork import Evidence
from models.notices import Notice
from tests.notices_fixtures import AUTHORITY, make_world

CONTENT = {"body": "经查，你单位未与部分劳动者订立书面劳动合同。", "basis": "《劳动保障监察条例》第十一条"}


async def _issue(w, kind=NoticeKind.RECTIFICATION, **kw):
    kw.setdefault("deadline", dt.date(2026, 10, 20))
    async with in_transaction():
        return await notices.issue_notice(
            kind=kind, employer_id=w["employer"].id, inspection_id=w["inspection"].id,
            content=dict(CONTENT), issued_by_id=w["staff"].id, issuer=AUTHORITY,
            issued_on=dt.date(2026, 9, 30), **kw)


async def test_issue_numbers_token_and_audit():
    w = await make_world()
    first = await _issue(w)
    second = await _issue(w)
    other_kind = await _issue(w, kind=NoticeKind.INSPECTION, deadline=None)
    assert first.number == "涪人社监察〔2026〕第1号"
    assert second.number == "涪人社监察〔2026〕第2号"
    assert other_kind.number == "涪人社监察检〔2026〕第1号"  # its own series
    assert len(first.token) == 22 and first.token != second.token
    assert str(first.id) not in first.token or len(first.token) == 22
    actions = await AuditEvent.filter(object_type="notice").values_list("action", flat=True)
    assert actions.count("notice.issued") == 3


def test_number_patterns_are_distinct_per_kind():
    rendered = {notices.format_number(k, year=2026, seq=12) for k in NoticeKind}
    assert len(rendered) == len(NoticeKind)
    assert notices.format_number(NoticeKind.RECTIFICATION, year=2026, seq=12) == "涪人社监察〔2026〕第12号"


async def test_rectification_needs_deadline_and_takes_it_from_order():
    w = await make_world()
    with pytest.raises(ValidationFailed) as exc:
        await _issue(w, deadline=None)
    assert exc.value.problems[0].field == "deadline"
    async with in_transaction():
        n = await notices.issue_notice(
            kind=NoticeKind.RECTIFICATION, employer_id=w["employer"].id,
            rectification_order_id=w["order"].id, content={}, issued_by_id=w["staff"].id,
            issuer=AUTHORITY, issued_on=dt.date(2026, 9, 15))
    assert n.deadline == dt.date(2026, 9, 29)
    assert n.content["body"] == "与全部在岗职工订立书面劳动合同"
    assert n.inspection_id == w["inspection"].id


async def test_foreign_records_are_refused_and_no_number_is_used():
    w = await make_world()
    stranger = await Employer.create(uscc="91500102MA5U7XYZ2L", name="别家公司")
    with pytest.raises(ValidationFailed) as exc:
        async with in_transaction():
            await notices.issue_notice(
                kind=NoticeKind.RESULT, employer_id=stranger.id, inspection_id=w["inspection"].id,
                content=CONTENT, issued_by_id=w["staff"].id, issuer=AUTHORITY)
    assert exc.value.problems[0].field == "inspection_id"
    n = await _issue(w)
    assert n.sequence == 1  # the refused issue took no number: no gap


async def test_bad_content_lists_every_problem():
    w = await make_world()
    with pytest.raises(ValidationFailed) as exc:
        async with in_transaction():
            await notices.issue_notice(
                kind=NoticeKind.RESULT, employer_id=w["employer"].id,
                content={"body": " ", "items": [""], "x": 1}, issued_by_id=w["staff"].id,
                issuer=AUTHORITY)
    fields = {p.field for p in exc.value.problems}
    assert {"content", "content.body", "content.items"} <= fields


async def test_revoke_and_supersede():
    w = await make_world()
    a = await _issue(w)
    async with in_transaction():
        await notices.revoke_notice(notice_id=a.id, reason="送达对象有误", actor="staff:1")
    a = await Notice.get(id=a.id)
    assert a.status == NoticeStatus.REVOKED and a.status_reason == "送达对象有误"
    with pytest.raises(Conflict):
        async with in_transaction():
            await notices.revoke_notice(notice_id=a.id, reason="again", actor="staff:1")
    b = await _issue(w)
    async with in_transaction():
        c = await notices.supersede_notice(
            notice_id=b.id, reason="期限更正", content=CONTENT, issued_by_id=w["staff"].id,
            issuer=AUTHORITY, deadline=dt.date(2026, 10, 30), issued_on=dt.date(2026, 10, 8))
    b = await Notice.get(id=b.id)
    assert b.status == NoticeStatus.SUPERSEDED and b.superseded_by_id == c.id
    assert c.sequence == 3 and c.deadline == dt.date(2026, 10, 30)
    assert c.inspection_id == w["inspection"].id


async def test_acknowledge_with_suffix_and_limited_tries():
    w = await make_world()
    n = await _issue(w)
    async with in_transaction():
        r = await notices.acknowledge(notice_id=n.id, uscc_suffix="000000")
    assert r.outcome == notices.AckOutcome.WRONG and r.tries_left == notices.MAX_ACK_FAILURES - 1
    async with in_transaction():
        r = await notices.acknowledge(notice_id=n.id, uscc_suffix="7abc1k")  # case-insensitive
    assert r.outcome == notices.AckOutcome.ACKNOWLEDGED
    async with in_transaction():
        r = await notices.acknowledge(notice_id=n.id, uscc_suffix="7ABC1K")
    assert r.outcome == notices.AckOutcome.ALREADY
    m = await _issue(w)
    for _ in range(notices.MAX_ACK_FAILURES):
        async with in_transaction():
            r = await notices.acknowledge(notice_id=m.id, uscc_suffix="ZZZZZZ")
    assert r.outcome == notices.AckOutcome.LOCKED
    async with in_transaction():  # even the right answer is refused now
        r = await notices.acknowledge(notice_id=m.id, uscc_suffix="7ABC1K")
    assert r.outcome == notices.AckOutcome.LOCKED
    assert (await Notice.get(id=m.id)).acknowledged_at is None
    assert await AuditEvent.filter(action="notice.ack_failed").count() == 1 + notices.MAX_ACK_FAILURES


async def test_employer_evidence_needs_acknowledgment():
    w = await make_world()
    n = await _issue(w)
    kw = {"content_type": "image/jpeg", "size": 10, "sha256": "a" * 64,
          "storage_key": "evidence/aa/aaaa", "original_name": "x.jpg"}
    with pytest.raises(Conflict):
        async with in_transaction():
            await notices.add_employer_evidence(notice_id=n.id, **kw)
    async with in_transaction():
        await notices.acknowledge(notice_id=n.id, uscc_suffix="7ABC1K")
        ev = await notices.add_employer_evidence(notice_id=n.id, **kw)
    ev = await Evidence.get(id=ev.id)
    assert ev.notice_id == n.id and ev.uploaded_by_id is None and not ev.reviewed


@pytest.mark.postgres_only
async def test_concurrent_issues_are_gapless(is_postgres):
    if not is_postgres:
        pytest.skip("row locks are a no-op on SQLite; concurrency is tested on PostgreSQL")
    w = await make_world()
    results = await asyncio.gather(*[_issue(w) for _ in range(20)])
    assert sorted(n.sequence for n in results) == list(range(1, 21))
    numbers = await Notice.all().values_list("number", flat=True)
    assert len(set(numbers)) == 20
