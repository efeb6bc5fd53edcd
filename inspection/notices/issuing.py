"""Notices to employers (R3, R21, R22): issue with a gapless number, revoke, supersede, and the
addressee's acknowledgment of receipt.

Numbers follow a per-kind prefix from the issuer (`numbering.number_prefixes`: the bureau's short
name and the kind's word); each kind is its own series, counted per calendar year (Beijing time)
from 1, with no gaps and no duplicates (see `numbering`).
The token printed in the QR code is 128 random bits, never derived from an id.
A notice's content never changes after issue: a correction is a new notice that supersedes it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from inspection import audit, clock
from inspection.errors import Conflict, DomainError, NotFound, Problem, ValidationFailed
from inspection.fieldwork import uploads
from inspection.fieldwork.evidence import (
    MiB,
    Storage,
    check_content,
    clean_filename,
    store_file,
)
from inspection.notices import content as notice_content
from inspection.notices.numbering import format_number, next_number
from inspection.notices.particulars import Issuer, check_dates, gather
from models.employers import Employer
from models.enums import EvidenceReview, NoticeKind, NoticeStatus
from models.fieldwork import Evidence
from models.notices import Notice
from models.org import Staff
from models.penalties import PenaltyDecision

TITLES: dict[NoticeKind, str] = {
    NoticeKind.INSPECTION: "劳动保障监察检查通知书",
    NoticeKind.RECTIFICATION: "劳动保障监察限期改正指令书",
    NoticeKind.REVIEW: "劳动保障监察整改复查意见书",
    NoticeKind.RESULT: "劳动保障监察检查结果告知书",
    NoticeKind.INQUIRY: "劳动保障监察询问通知书",
    NoticeKind.PENALTY_NOTICE: "行政处罚告知书",
    NoticeKind.PENALTY_DECISION: "行政处罚决定书",
}
SHORT_TITLES: dict[NoticeKind, str] = {
    NoticeKind.INSPECTION: "检查通知书",
    NoticeKind.RECTIFICATION: "限期改正指令书",
    NoticeKind.REVIEW: "整改复查意见书",
    NoticeKind.RESULT: "检查结果告知书",
    NoticeKind.INQUIRY: "询问通知书",
    NoticeKind.PENALTY_NOTICE: "行政处罚告知书",
    NoticeKind.PENALTY_DECISION: "行政处罚决定书",
}
STATUS_LABELS: dict[NoticeStatus, str] = {
    NoticeStatus.ISSUED: "有效",
    NoticeStatus.REVOKED: "已撤销",
    NoticeStatus.SUPERSEDED: "已被新文书替代",
}
CODE_LENGTH = 8  # digits of the verification code: 10^8 codes, typed on a phone's keypad
LOCK_AFTER = 5  # wrong codes in a row before the notice locks
FIRST_LOCK = dt.timedelta(minutes=15)  # the first lock; each further one twice as long
MAX_LOCK = dt.timedelta(days=1)


def new_token() -> str:
    """128 random bits, URL-safe (22 characters)."""
    return secrets.token_urlsafe(16)


async def _number(kind: NoticeKind, year: int, penalty: PenaltyDecision | None,
                  issuer: Issuer) -> tuple[str, int]:
    seq = await next_number(series=f"notice.{kind.value}", year=year)
    if kind == NoticeKind.PENALTY_DECISION and penalty is not None:
        return penalty.number, seq
    return format_number(kind, year=year, seq=seq, prefixes=issuer.number_prefixes), seq


async def issue_notice(*, kind: NoticeKind, employer_id: int, content: dict[str, Any],
                       issued_by_id: int, issuer: Issuer, inspection_id: int | None = None,
                       rectification_order_id: int | None = None,
                       penalty_decision_id: int | None = None,
                       deadline: dt.date | None = None, issued_on: dt.date | None = None,
                       actor: str | None = None) -> Notice:
    """Issue one notice. Call inside a transaction (the number is taken in it).

    Linked records must belong to the addressee. The facts, the legal basis, the inspectors and
    the issuer's contact are copied into the content (`particulars`); a 限期改正指令书 needs a
    deadline (taken from its rectification order when none is given).
    """
    kind = NoticeKind(kind)
    issued_on = issued_on or clock.today()
    problems: list[Problem] = []
    employer = await Employer.get_or_none(id=employer_id)
    if employer is None:
        raise NotFound("用人单位")
    staff = await Staff.get_or_none(id=issued_by_id)
    if staff is None:
        raise NotFound("签发人员")
    if not issuer.name.strip() or len(issuer.name) > 100:
        problems.append(Problem("请填写不超过 100 字的发文机关", field="issuer"))
    links = await notice_content.links_of(employer, inspection_id, rectification_order_id,
                                          penalty_decision_id, problems)
    provisional = False
    if kind == NoticeKind.RECTIFICATION and deadline is None and links.order is not None:
        # The order's working-day deadline, 暂定 if it was counted without the holiday schedule.
        deadline, provisional = links.order.deadline, links.order.deadline_provisional
    problems += check_dates(kind, issued_on, deadline)
    if deadline is not None and deadline < issued_on:
        problems.append(Problem("期限不能早于发文日期", field="deadline"))
    if links.penalty is not None and await Notice.exists(number=links.penalty.number):
        problems.append(Problem("该处罚决定书已签发；如需更正，请撤销后重新录入处罚决定",
                                field="penalty_decision_id", code="already_issued"))
    try:
        cleaned = notice_content.clean_content(content, notice_content.default_body(kind, links))
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    facts, missing = await gather(kind=kind, employer=employer, inspection=links.inspection,
                                  order=links.order,
                                  penalty=links.penalty, issuer=issuer)
    problems += missing
    if problems:
        raise ValidationFailed(problems)
    number, seq = await _number(kind, issued_on.year, links.penalty, issuer)
    notice = await Notice.create(
        kind=kind, number=number, year=issued_on.year, sequence=seq, token=new_token(),
        employer=employer, inspection=links.inspection, rectification_order=links.order,
        issuer=issuer.name.strip(), issued_on=issued_on, deadline=deadline,
        deadline_provisional=provisional, content={**cleaned, **facts}, issued_by=staff,
    )
    await audit.record(actor=actor or audit.staff_actor(issued_by_id), action="notice.issued",
                       obj=notice, after=audit.snapshot(notice))
    return notice


async def _issued(notice_id: int) -> Notice:
    notice = await Notice.filter(id=notice_id).select_for_update().first()
    if notice is None:
        raise NotFound("文书")
    if notice.status != NoticeStatus.ISSUED:
        raise Conflict("notice_not_in_force",
                       f"文书 {notice.number} {STATUS_LABELS[notice.status]}，不能再操作")
    return notice


def _reason(reason: str) -> str:
    if not reason.strip() or len(reason) > 500:
        raise ValidationFailed([Problem("请填写不超过 500 字的理由", field="reason")])
    return reason.strip()


async def revoke_notice(*, notice_id: int, reason: str, actor: str) -> Notice:
    """Revoke a notice in force; its page then says so plainly."""
    why = _reason(reason)
    notice = await _issued(notice_id)
    before = audit.snapshot(notice, ["status", "status_reason"])
    notice.status, notice.status_reason = NoticeStatus.REVOKED, why
    await notice.save(update_fields=["status", "status_reason", "updated_at"])
    await audit.record(actor=actor, action="notice.revoked", obj=notice, before=before,
                       after=audit.snapshot(notice, ["status", "status_reason"]))
    return notice


async def supersede_notice(*, notice_id: int, reason: str, content: dict[str, Any],
                           issued_by_id: int, issuer: Issuer, deadline: dt.date | None = None,
                           issued_on: dt.date | None = None, actor: str | None = None) -> Notice:
    """Issue a corrected notice (new number, new token) and point the old one at it.

    A 行政处罚决定书 carries its decision's number, so it cannot be replaced by a renumbered
    copy: it is revoked and the corrected decision recorded anew.
    """
    why = _reason(reason)
    old = await _issued(notice_id)
    if old.kind == NoticeKind.PENALTY_DECISION:
        raise Conflict("penalty_decision_not_superseded",
                       "行政处罚决定书不能更正替代；请撤销后重新录入处罚决定")
    new = await issue_notice(
        kind=old.kind, employer_id=old.employer_id,
        inspection_id=old.inspection_id,
        rectification_order_id=old.rectification_order_id,
        content=content, deadline=deadline, issued_by_id=issued_by_id, issuer=issuer,
        issued_on=issued_on, actor=actor,
    )
    before = audit.snapshot(old, ["status", "status_reason", "superseded_by_id"])
    old.status, old.status_reason, old.superseded_by = NoticeStatus.SUPERSEDED, why, new
    await old.save(update_fields=["status", "status_reason", "superseded_by_id", "updated_at"])
    await audit.record(actor=actor or audit.staff_actor(issued_by_id), action="notice.superseded",
                       obj=old, before=before,
                       after=audit.snapshot(old, ["status", "status_reason", "superseded_by_id"]))
    return new


class AckOutcome(enum.StrEnum):
    ACKNOWLEDGED = "acknowledged"  # receipt confirmed now
    PROVED = "proved"  # acknowledged before; the right code proves this browser again
    WRONG = "wrong"  # the code did not match; failure counted
    LOCKED = "locked"  # too many wrong codes: refused until `locked_until`
    NOT_IN_FORCE = "not_in_force"  # revoked or superseded: nothing to prove


@dataclass
class AckResult:
    outcome: AckOutcome
    notice: Notice
    tries_left: int
    locked_until: dt.datetime | None = None


def verification_code(*, token: str, secret: str) -> str:
    """The notice's verification code (核验码): 8 digits printed on the paper the inspectors
    hand over, never on the public page or its PDF.

    HMAC-SHA256 of the notice's token under the server's secret (`SUIJI_SECRET_KEY`): nothing
    public (name, USCC, number, token) yields it without the secret, nothing about it is stored,
    and the staff can print or show it again at any time (docs/notices.md). A superseding notice
    has a new token, so a new code.
    """
    mac = hmac.new(secret.encode(), f"notice-verification-code:{token}".encode(),
                   hashlib.sha256).digest()
    return f"{int.from_bytes(mac[:8], 'big') % 10 ** CODE_LENGTH:0{CODE_LENGTH}d}"


def grouped(code: str) -> str:
    """The code as printed: two groups of four (1234 5678)."""
    return f"{code[:4]} {code[4:]}"


def normalise_code(text: str) -> str:
    """What the employer typed, as compared: full-width digits (a Chinese keyboard) made ASCII,
    spaces and dashes dropped."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(c for c in folded if c not in " -\t")


def code_matches(*, token: str, secret: str, given: str) -> bool:
    expected = verification_code(token=token, secret=secret).encode()
    typed = normalise_code(given).encode("utf-8", "replace")
    return hmac.compare_digest(expected, typed)  # constant time


def lock_length(lockouts: int) -> dt.timedelta:
    """The n-th lock (from 1): 15 minutes, doubling, at most a day."""
    length: dt.timedelta = FIRST_LOCK * 2 ** min(max(0, lockouts - 1), 16)
    return min(length, MAX_LOCK)


def locked_until(notice: Notice, at: dt.datetime) -> dt.datetime | None:
    until = notice.ack_locked_until
    return until if until is not None and until > at else None


async def acknowledge(*, notice_id: int, code: str, secret: str,
                      at: dt.datetime | None = None) -> AckResult:
    """The addressee proves itself with the notice's verification code and, the first time,
    confirms receipt (确认收到).

    Five wrong codes lock the notice for 15 minutes, each further lock twice as long (at most a
    day), so that whoever holds the QR code can neither guess the code nor lock the employer
    out for good; the visit's team can lift a lock (`unlock`). While locked even the right code
    is refused, and tries are not counted. Wrong tries must be committed: this returns, never
    raises, so the caller's transaction keeps the count.
    """
    now = at or clock.now()
    notice = await Notice.filter(id=notice_id).select_for_update().get()
    left = max(0, LOCK_AFTER - notice.ack_failures)
    if notice.status != NoticeStatus.ISSUED:
        return AckResult(AckOutcome.NOT_IN_FORCE, notice, left)
    until = locked_until(notice, now)
    if until is not None:
        return AckResult(AckOutcome.LOCKED, notice, 0, until)
    if not code_matches(token=notice.token, secret=secret, given=code):
        notice.ack_failures += 1
        fields = ["ack_failures", "updated_at"]
        after: dict[str, Any] = {"ack_failures": notice.ack_failures}
        just_locked = notice.ack_failures >= LOCK_AFTER
        if just_locked:
            notice.ack_lockouts += 1
            notice.ack_failures = 0
            notice.ack_locked_until = clock.db_time(now + lock_length(notice.ack_lockouts))
            fields += ["ack_lockouts", "ack_locked_until"]
            after = {"ack_lockouts": notice.ack_lockouts,
                     "ack_locked_until": notice.ack_locked_until.isoformat()}
        await notice.save(update_fields=fields)
        await audit.record(actor=audit.PUBLIC, action="notice.ack_failed", obj=notice,
                           after=after)
        if just_locked:
            return AckResult(AckOutcome.LOCKED, notice, 0, notice.ack_locked_until)
        return AckResult(AckOutcome.WRONG, notice, LOCK_AFTER - notice.ack_failures)
    actor = audit.employer_actor(notice.id)
    first = notice.acknowledged_at is None
    fields = ["updated_at"]
    if notice.ack_failures or notice.ack_lockouts or notice.ack_locked_until:
        # The right code: the back-off starts afresh.
        notice.ack_failures, notice.ack_lockouts, notice.ack_locked_until = 0, 0, None
        fields += ["ack_failures", "ack_lockouts", "ack_locked_until"]
    if first:
        notice.acknowledged_at = now
        fields.append("acknowledged_at")
    if len(fields) > 1:
        await notice.save(update_fields=fields)
    if first:
        await audit.record(actor=actor, action="notice.acknowledged", obj=notice,
                           after=audit.snapshot(notice, ["acknowledged_at"]))
    else:
        await audit.record(actor=actor, action="notice.proved", obj=notice)
    return AckResult(AckOutcome.ACKNOWLEDGED if first else AckOutcome.PROVED, notice, LOCK_AFTER)


async def unlock(*, notice_id: int, actor: str) -> Notice:
    """Lift a notice's lock and its back-off (an inspector of the visit's team, after making
    sure of who is asking). The caller authorises; audited `notice.unlocked`."""
    notice = await _issued(notice_id)
    before = audit.snapshot(notice, ["ack_failures", "ack_lockouts", "ack_locked_until"])
    notice.ack_failures, notice.ack_lockouts, notice.ack_locked_until = 0, 0, None
    await notice.save(update_fields=["ack_failures", "ack_lockouts", "ack_locked_until",
                                     "updated_at"])
    await audit.record(actor=actor, action="notice.unlocked", obj=notice, before=before,
                       after=audit.snapshot(notice, ["ack_failures", "ack_lockouts",
                                                     "ack_locked_until"]))
    return notice


async def record_view(*, notice: Notice, actor: str, action: str = "notice.viewed") -> None:
    """Every view (or PDF download) of a notice is on the record (R21)."""
    await audit.record(actor=actor, action=action, obj=notice)


@dataclass(frozen=True)
class UploadQuota:
    """What one notice's addressee may upload in all (SUIJI_NOTICE_UPLOAD_MAX_FILES,
    SUIJI_NOTICE_UPLOAD_MAX_MB): a QR code passed around must not fill the evidence store."""

    files: int = 30
    bytes: int = 200 * MiB


async def can_upload(notice: Notice) -> None:
    """Raise if the notice takes no upload now (revoked or superseded, not acknowledged, no
    visit): checked before the body is read, and again under the row lock."""
    if notice.status != NoticeStatus.ISSUED:
        raise Conflict("notice_not_in_force", "该文书已失效，不能再上传材料")
    if notice.acknowledged_at is None:
        raise Conflict("notice_not_acknowledged", "请先确认收到文书，再上传整改材料")
    if notice.inspection_id is None:
        raise Conflict("notice_without_inspection", "该文书无需上传整改材料")


async def add_employer_evidence(*, notice_id: int, data: bytes, original_name: str,
                                storage: Storage, quota: UploadQuota) -> Evidence:
    """Rectification evidence uploaded by the addressee, for the inspectors to review (R22).

    The caller has proved the addressee and holds the whole file in memory (bounded). The
    content is checked as the staff's uploads are (`evidence.check_content`: type by content,
    images decoded); then, under the notice's row lock, its state and the quota; only then is
    anything written to the store. Call inside a transaction.
    """
    content_type = await asyncio.to_thread(check_content, data)
    notice = await Notice.filter(id=notice_id).select_for_update().first()
    if notice is None:
        raise NotFound("文书")
    await can_upload(notice)
    sizes: list[int] = list(await Evidence.filter(notice_id=notice.id)
                            .values_list("size", flat=True))  # type: ignore[arg-type]
    if len(sizes) + 1 > quota.files or sum(sizes) + len(data) > quota.bytes:
        message = (f"每份文书最多上传 {quota.files} 个文件、共 {quota.bytes // MiB} MB，"
                   "已达上限；如需补充，请联系执法人员")
        raise DomainError("upload_quota", message,
                          [Problem(message, field="file", code="upload_quota")], 413)
    stored = await store_file(storage, data, content_type)
    evidence = await Evidence.create(
        inspection_id=notice.inspection_id,
        notice=notice, content_type=content_type, size=len(data), sha256=stored.sha256,
        storage_key=stored.key, thumbnail_key=stored.thumbnail_key,
        original_name=clean_filename(original_name),
        uploaded_by=None, review_status=EvidenceReview.PENDING,
    )
    await audit.record(actor=audit.employer_actor(notice.id), action="notice.evidence_uploaded",
                       obj=evidence, after=audit.snapshot(evidence))
    await uploads.notify_team(evidence=evidence, notice=notice, title=SHORT_TITLES[notice.kind])
    return evidence
