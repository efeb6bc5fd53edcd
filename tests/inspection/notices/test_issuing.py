import asyncio
import base64
import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from tortoise.transactions import in_transaction

from inspection.errors import Conflict, ValidationFailed
from inspection.notices import issuing as notices
from inspection.notices import numbering
from models.audit import AuditEvent
from models.employers import Employer
from models.enums import FindingResult, NoticeKind, NoticeStatus, PenaltyProcedure
from models.fieldwork import Evidence, Finding, InspectionMember
from models.notices import Notice
from models.org import Staff
from models.penalties import PenaltyDecision
from tests.notices_fixtures import AUTHORITY, ISSUER, make_world

pytestmark = pytest.mark.usefixtures("clean_db")

CONTENT = {"body": "经查，你单位未与部分劳动者订立书面劳动合同。", "basis": "《劳动保障监察条例》第十一条"}


async def _issue(w, kind=NoticeKind.RECTIFICATION, **kw):
    kw.setdefault("deadline", dt.date(2026, 10, 20))
    async with in_transaction():
        return await notices.issue_notice(
            kind=kind, employer_id=w["employer"].id, inspection_id=w["inspection"].id,
            content=dict(CONTENT), issued_by_id=w["staff"].id, issued_on=dt.date(2026, 9, 30),
            **{"issuer": ISSUER, **kw})


async def test_issue_numbers_token_and_audit():
    w = await make_world()
    first = await _issue(w)
    second = await _issue(w)
    other_kind = await _issue(w, kind=NoticeKind.INSPECTION, deadline=None)
    assert first.number == "涪人社监察〔2026〕第1号"
    assert second.number == "涪人社监察〔2026〕第2号"
    assert other_kind.number == "涪人社监察检〔2026〕第1号"  # its own series
    # The QR code's token: 128 random bits each (22 URL-safe characters), one per notice.
    tokens = [n.token for n in (first, second, other_kind)]
    assert [len(base64.urlsafe_b64decode(t + "==")) for t in tokens] == [16, 16, 16]
    assert all(len(t) == 22 and t.isascii() and "=" not in t for t in tokens)
    assert len(set(tokens)) == 3
    actions = await AuditEvent.filter(object_type="notice").values_list("action", flat=True)
    assert actions.count("notice.issued") == 3


def test_number_prefixes_are_distinct_per_kind():
    # A 行政处罚决定书 carries its decision's own number instead.
    kinds = set(NoticeKind) - {NoticeKind.PENALTY_DECISION}
    prefixes = numbering.number_prefixes("涪人社")
    rendered = {numbering.format_number(k, year=2026, seq=12, prefixes=prefixes) for k in kinds}
    assert len(rendered) == len(kinds) == len(numbering.NUMBER_WORDS)
    assert numbering.format_number(NoticeKind.RECTIFICATION, year=2026, seq=12,
                                   prefixes=prefixes) == "涪人社监察〔2026〕第12号"
    with pytest.raises(ValueError, match="own prefix"):
        numbering.number_prefixes("涪人社", {NoticeKind.REVIEW: "涪人社监察"})


async def test_numbers_take_the_bureaus_short_name_and_its_own_prefixes():
    # Another bureau's papers carry its own 机关代字 (nothing of Fuling's is hard-coded).
    w = await make_world()
    prefixes = numbering.number_prefixes("渝北人社", {NoticeKind.INSPECTION: "渝北人社监检字"})
    issuer = dataclasses.replace(ISSUER, number_prefixes=prefixes)
    order = await _issue(w, issuer=issuer)
    notice = await _issue(w, kind=NoticeKind.INSPECTION, deadline=None, issuer=issuer)
    assert order.number == "渝北人社监察〔2026〕第1号"
    assert notice.number == "渝北人社监检字〔2026〕第1号"


async def test_rectification_needs_deadline_and_takes_it_from_order():
    w = await make_world()
    with pytest.raises(ValidationFailed) as exc:
        await _issue(w, deadline=None)
    assert exc.value.problems[0].field == "deadline"
    async with in_transaction():
        n = await notices.issue_notice(
            kind=NoticeKind.RECTIFICATION, employer_id=w["employer"].id,
            rectification_order_id=w["order"].id, content={}, issued_by_id=w["staff"].id,
            issuer=ISSUER, issued_on=dt.date(2026, 9, 15))
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
                content=CONTENT, issued_by_id=w["staff"].id, issuer=ISSUER)
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
                issuer=ISSUER)
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
            issuer=ISSUER, deadline=dt.date(2026, 10, 30), issued_on=dt.date(2026, 10, 8))
    b = await Notice.get(id=b.id)
    assert b.status == NoticeStatus.SUPERSEDED and b.superseded_by_id == c.id
    assert c.sequence == 3 and c.deadline == dt.date(2026, 10, 30)
    assert c.inspection_id == w["inspection"].id


SECRET = "test-secret-" + "x" * 40


def _code(n):
    return notices.verification_code(token=n.token, secret=SECRET)


async def _ack(n, code, at=None):
    async with in_transaction():
        return await notices.acknowledge(notice_id=n.id, code=code, secret=SECRET, at=at)


def test_the_code_is_eight_digits_from_the_secret_not_from_public_data():
    a = notices.verification_code(token="A" * 22, secret=SECRET)
    assert len(a) == notices.CODE_LENGTH and a.isdigit()
    assert a == notices.verification_code(token="A" * 22, secret=SECRET)  # reprintable
    assert a != notices.verification_code(token="A" * 22, secret=SECRET + "1")
    assert a != notices.verification_code(token="B" * 22, secret=SECRET)


async def test_the_uscc_suffix_no_longer_proves_the_addressee():
    # Issue 16 item 6: the USCC is public (the draw pages pair it with the name).
    w = await make_world()
    n = await _issue(w)
    r = await _ack(n, w["employer"].uscc[-6:])
    assert r.outcome == notices.AckOutcome.WRONG
    assert (await Notice.get(id=n.id)).acknowledged_at is None


async def test_acknowledge_with_the_code_then_prove_again():
    w = await make_world()
    n = await _issue(w)
    r = await _ack(n, "00000000")
    assert r.outcome == notices.AckOutcome.WRONG and r.tries_left == notices.LOCK_AFTER - 1
    code = _code(n)
    # As typed on a Chinese keyboard: full-width digits, a space in the middle.
    typed = "".join(chr(ord(c) + 0xFEE0) for c in code[:4]) + " " + code[4:]
    r = await _ack(n, typed)
    assert r.outcome == notices.AckOutcome.ACKNOWLEDGED
    n = await Notice.get(id=n.id)
    assert n.ack_failures == 0 and n.acknowledged_at is not None
    r = await _ack(n, code)  # another browser of the addressee proves itself
    assert r.outcome == notices.AckOutcome.PROVED
    assert await AuditEvent.filter(action="notice.acknowledged").count() == 1
    assert await AuditEvent.filter(action="notice.proved").count() == 1


async def test_wrong_codes_lock_with_back_off_and_the_lock_expires(test_clock):
    # Issue 16 item 7: five wrong codes used to lock the notice for good.
    w = await make_world()
    n = await _issue(w)
    for _ in range(notices.LOCK_AFTER):
        r = await _ack(n, "12345678")
    assert r.outcome == notices.AckOutcome.LOCKED
    assert r.locked_until == test_clock.now() + dt.timedelta(minutes=15)
    r = await _ack(n, _code(n))  # even the right code waits, and nothing is counted
    assert r.outcome == notices.AckOutcome.LOCKED
    assert (await Notice.get(id=n.id)).ack_failures == 0
    test_clock.advance(minutes=15, seconds=1)
    for _ in range(notices.LOCK_AFTER):  # the second lock lasts twice as long
        r = await _ack(n, "12345678")
    assert r.locked_until == test_clock.now() + dt.timedelta(minutes=30)
    test_clock.advance(minutes=31)
    for _ in range(notices.LOCK_AFTER):
        r = await _ack(n, "12345678")
    assert r.locked_until == test_clock.now() + dt.timedelta(minutes=60)
    assert notices.lock_length(20) == notices.MAX_LOCK == dt.timedelta(days=1)
    test_clock.advance(minutes=61)
    r = await _ack(n, _code(n))
    assert r.outcome == notices.AckOutcome.ACKNOWLEDGED
    n = await Notice.get(id=n.id)
    assert (n.ack_failures, n.ack_lockouts, n.ack_locked_until) == (0, 0, None)
    assert await AuditEvent.filter(action="notice.ack_failed").count() == 3 * notices.LOCK_AFTER


async def test_unlock_lifts_the_lock_and_the_back_off(test_clock):
    w = await make_world()
    n = await _issue(w)
    for _ in range(notices.LOCK_AFTER):
        await _ack(n, "12345678")
    async with in_transaction():
        await notices.unlock(notice_id=n.id, actor=f"staff:{w['staff'].id}")
    r = await _ack(n, _code(n))
    assert r.outcome == notices.AckOutcome.ACKNOWLEDGED
    event = await AuditEvent.get(action="notice.unlocked")
    assert event.actor == f"staff:{w['staff'].id}" and event.before["ack_lockouts"] == 1


async def test_employer_evidence_needs_acknowledgment(tmp_path):
    from inspection.fieldwork.evidence import LocalStorage
    from tests.fieldworld import jpeg

    w = await make_world()
    n = await _issue(w)
    store = LocalStorage(tmp_path)
    kw = {"data": jpeg(), "original_name": "x.jpg", "storage": store,
          "quota": notices.UploadQuota()}
    with pytest.raises(Conflict):
        async with in_transaction():
            await notices.add_employer_evidence(notice_id=n.id, **kw)
    assert not any(tmp_path.rglob("*"))  # refused: nothing written
    await _ack(n, _code(n))
    async with in_transaction():
        ev = await notices.add_employer_evidence(notice_id=n.id, **kw)
    ev = await Evidence.get(id=ev.id)
    assert ev.notice_id == n.id and ev.uploaded_by_id is None and not ev.reviewed
    assert ev.content_type == "image/jpeg" and ev.thumbnail_key is not None


@pytest.mark.postgres_only
async def test_concurrent_issues_are_gapless(is_postgres):
    if not is_postgres:
        pytest.skip("row locks are a no-op on SQLite; concurrency is tested on PostgreSQL")
    w = await make_world()
    results = await asyncio.gather(*[_issue(w) for _ in range(20)])
    assert sorted(n.sequence for n in results) == list(range(1, 21))
    numbers = await Notice.all().values_list("number", flat=True)
    assert len(set(numbers)) == 20


async def test_particulars_are_copied_at_issue_and_stay():
    w = await make_world()
    n = await _issue(w)
    c = n.content
    assert n.issuer == AUTHORITY
    assert c["issuer"] == {"address": ISSUER.address, "phone": ISSUER.phone,
                           "review_body": ISSUER.review_body,
                           "litigation_court": ISSUER.litigation_court}
    assert c["inspectors"] == [{"name": "张明", "cert_no": "500102001"},
                               {"name": "李华", "cert_no": "500102002"}]
    assert [f["description"] for f in c["findings"]] == ["未与12名在岗劳动者订立书面劳动合同"]
    assert c["party"]["name"] == "重庆涪江建筑工程有限公司"
    assert c["inspection"] == {"code": "JC2026-0001", "checked_on": "2026-09-14"}
    # Later changes to the team or the employer do not rewrite a served notice.
    await InspectionMember.filter(staff=w["other"]).delete()
    await Employer.filter(id=w["employer"].id).update(name="改名后的公司")
    assert (await Notice.get(id=n.id)).content == c


async def test_a_notice_needs_two_certified_inspectors_and_an_inspection():
    w = await make_world()
    await Staff.filter(id=w["other"].id).update(cert_no=None)
    with pytest.raises(ValidationFailed) as exc:
        await _issue(w)
    assert [p.code for p in exc.value.problems] == ["too_few_inspectors"]
    with pytest.raises(ValidationFailed) as exc:
        async with in_transaction():
            await notices.issue_notice(kind=NoticeKind.RESULT, employer_id=w["employer"].id,
                                       content=CONTENT, issued_by_id=w["staff"].id, issuer=ISSUER)
    assert [p.code for p in exc.value.problems] == ["inspection_required"]


async def test_an_order_or_penalty_paper_needs_a_violation_found():
    w = await make_world()
    await Finding.filter(id=w["finding"].id).update(result=FindingResult.COMPLIANT)
    for kind in (NoticeKind.RECTIFICATION, NoticeKind.PENALTY_NOTICE):
        with pytest.raises(ValidationFailed) as exc:
            await _issue(w, kind=kind)
        assert "no_violation_found" in [p.code for p in exc.value.problems]
    assert (await _issue(w, kind=NoticeKind.RESULT, deadline=None)).sequence == 1


async def test_penalty_decision_carries_the_decisions_number_and_is_not_superseded():
    w = await make_world()
    decision = await PenaltyDecision.create(
        number="涪人社监罚决〔2026〕7号", employer=w["employer"], inspection=w["inspection"],
        procedure=PenaltyProcedure.GENERAL, cause="拒不改正", basis="《劳动保障监察条例》第三十条",
        result="罚款", amount_yuan=Decimal("5000"), decided_on=dt.date(2026, 9, 30))
    with pytest.raises(ValidationFailed) as exc:
        await _issue(w, kind=NoticeKind.PENALTY_DECISION, deadline=None)
    assert "penalty_required" in [p.code for p in exc.value.problems]
    n = await _issue(w, kind=NoticeKind.PENALTY_DECISION, deadline=None,
                     penalty_decision_id=decision.id)
    assert n.number == "涪人社监罚决〔2026〕7号" and n.content["penalty"]["amount_yuan"] == "5000.00"
    with pytest.raises(ValidationFailed) as exc:  # one paper per decision
        await _issue(w, kind=NoticeKind.PENALTY_DECISION, deadline=None,
                     penalty_decision_id=decision.id)
    assert "already_issued" in [p.code for p in exc.value.problems]
    with pytest.raises(Conflict):
        async with in_transaction():
            await notices.supersede_notice(notice_id=n.id, reason="更正", content=CONTENT,
                                           issued_by_id=w["staff"].id, issuer=ISSUER)
