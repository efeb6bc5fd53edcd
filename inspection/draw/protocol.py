"""The double-random draw (R10–R15) exactly as DESIGN.md "The draw" fixes it.

Commit freezes each stratum's candidates and publishes the commitment; reveal takes the public
entropy entered before witnesses and computes the order with the same functions the public
verifier (tools/verify_draw.py) uses, so the system and the citizen's tool cannot disagree.
Only the drawn become rows; the candidates stay one text per stratum, so a million-employer
roster costs one string, not a million objects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import re
import secrets
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from inspection import audit, bulk, clock
from inspection.callup.calls import start_callup
from inspection.draw import verifier as v1
from inspection.draw import voiding
from inspection.errors import Conflict, NotFound, Problem, ValidationFailed
from inspection.fieldwork.visits import plan_visits
from inspection.planning import sampling
from inspection.planning.campaigns import get_campaign, transition
from models.campaigns import Campaign
from models.draws import Draw, DrawStratum
from models.employers import Employer
from models.enums import CampaignState, DrawKind, DrawStatus, PublicationKind
from models.org import Staff
from models.publication import Publication


@dataclass
class Entry:
    # One drawn key before it becomes a DrawEntry row; `ref` is the employer's or staff's id.
    stratum: str
    position: int
    key: str
    rank: str
    ref: int = 0


# The verifier's wording, so the published record, the window and the refusals say the same.
KIND_LABELS = {DrawKind(kind): label for kind, label in v1.KINDS.items()}
MAX_ENTROPY = 200
MAX_WITNESSES = 1000
# R10: the public entropy must be unknowable at the commitment. The reveal waits at least this
# long after the commit (SUIJI_DRAW_MIN_REVEAL_DELAY_MINUTES), and the entropy's source (a
# lottery drawing, dice thrown that day) must be dated on or after the commitment's day.
DEFAULT_MIN_REVEAL_DELAY = dt.timedelta(minutes=60)
_DATE_IN_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def _kind(kind: DrawKind | str) -> DrawKind:
    try:
        return DrawKind(kind)
    except ValueError:
        raise ValidationFailed([Problem("抽取对象只能是 employers 或 inspectors", field="kind")]) \
            from None


async def _campaign_for_draw(code: str) -> Campaign:
    campaign = await get_campaign(code, for_update=True)
    if campaign.state != CampaignState.APPROVED:
        raise Conflict("campaign_not_approved",
                       "抽查任务的实施方案须经批准、且尚未抽取，才能进行抽取")
    return campaign


async def commit_draw(*, campaign_code: str, kind: DrawKind | str, actor: str,
                      staff_id: int | None = None) -> Draw:
    """Step 2: freeze the strata and publish `commitment = sha256(secret)`. Once per kind."""
    kind = _kind(kind)
    campaign = await _campaign_for_draw(campaign_code)
    if await Draw.filter(campaign_id=campaign.id, kind=kind).exists():
        raise Conflict("already_committed",
                       f"{campaign.code} 的{KIND_LABELS[kind]}抽取已经进行，同一任务不得重复抽取")
    if kind == DrawKind.EMPLOYERS:
        sample = await sampling.sample_employers(campaign, sampling.parse_rules(campaign.rules))
    else:
        sample = await sampling.sample_inspectors(campaign)
        found = len(sample.candidates[sampling.INSPECTOR_STRATUM])
        if found < campaign.inspectors_needed:
            raise Conflict("not_enough_inspectors",
                           f"符合条件的执法检查人员 {found} 名，少于所需 {campaign.inspectors_needed} 名")
    secret = secrets.token_bytes(32).hex()
    now = clock.now()
    try:
        draw = await Draw.create(campaign_id=campaign.id, kind=kind, secret=secret,
                                 commitment=v1.commitment(secret), committed_at=now,
                                 committed_by_id=staff_id, exclusions=sample.exclusions)
    except IntegrityError:  # a concurrent commit won the (campaign, kind) unique key
        raise Conflict("already_committed", "该抽取已由他人发起，同一任务不得重复抽取") from None
    strata = [DrawStratum(draw_id=draw.id, stratum=name, count=sample.counts[name],
                          candidate_count=len(keys), roster_hash=v1.roster_hash(keys),
                          candidates="\n".join(keys))
              for name, keys in sample.candidates.items()]
    await DrawStratum.bulk_create(strata)
    await Publication.create(
        kind=PublicationKind.DRAW, object_type="draw", object_id=draw.id,
        title=f"{campaign.code} {campaign.title}"[:190] + f"（{KIND_LABELS[kind]}抽取）",
        section_id=campaign.section_id, published_at=now,
    )
    await audit.record(actor=actor, action="draw.commit", obj=draw, after={
        "campaign": campaign.code, "kind": kind.value, "commitment": draw.commitment,
        "strata": [{"stratum": s.stratum, "count": s.count, "candidates": s.candidate_count,
                    "roster_hash": s.roster_hash} for s in strata],
        "exclusions": len(sample.exclusions)})
    return draw


async def commit_draws(*, campaign_code: str, actor: str, staff_id: int | None = None
                       ) -> list[Draw]:
    """Commit both draws of a campaign (employers, then inspectors) in one unit of work."""
    return [await commit_draw(campaign_code=campaign_code, kind=kind, actor=actor,
                              staff_id=staff_id) for kind in DrawKind]


def _check_entropy(public_entropy: str) -> str:
    value = public_entropy.strip()
    if not value:
        raise ValidationFailed([Problem("请输入现场产生的公开随机数", field="entropy")])
    if len(value) > MAX_ENTROPY:
        raise ValidationFailed([Problem(f"公开随机数不能超过 {MAX_ENTROPY} 字", field="entropy")])
    if any(ord(c) < 32 for c in value):
        raise ValidationFailed([Problem("公开随机数不能含换行或控制字符", field="entropy")])
    return value


def entropy_date(text: str) -> dt.date | None:
    """The first date written in the entropy text (2026-11-30, 2026/11/30, 2026年11月30日)."""
    for match in _DATE_IN_TEXT.finditer(text):
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            continue
    return None


def _check_timing(draw: Draw, *, now: dt.datetime, min_delay: dt.timedelta, entropy: str,
                  source_date: dt.date | None) -> dt.date:
    """R10: refuse a reveal too soon after the commitment, or with entropy that could have been
    known when it was made. Returns the entropy's source date."""
    opens = draw.committed_at + min_delay
    if now < opens:
        minutes = int(min_delay.total_seconds() // 60)
        raise Conflict("reveal_too_early",
                       f"承诺公布后须满 {minutes} 分钟方可揭示，请于 "
                       f"{clock.db_time(opens):%Y-%m-%d %H:%M} 后再揭示")
    day = source_date or entropy_date(entropy)
    field = "entropy_source_date"
    if day is None:
        raise ValidationFailed([Problem(
            "请填写公开随机数来源的日期（如开奖日期），或在公开随机数中写明，如“2026年11月30日”",
            field=field, code="source_date_required")])
    committed_on = clock.db_time(draw.committed_at).date()
    if day < committed_on:
        raise ValidationFailed([Problem(
            f"公开随机数来源的日期 {day.isoformat()} 早于承诺公布之日 {committed_on.isoformat()}，"
            "承诺时已可知晓，不能作为公开随机数", field=field, code="source_before_commit")])
    if day > clock.db_time(now).date():
        raise ValidationFailed([Problem(
            f"公开随机数来源的日期 {day.isoformat()} 晚于今天，该随机数尚未产生", field=field,
            code="source_in_future")])
    return day


async def _locked_draw(campaign: Campaign, kind: DrawKind) -> Draw:
    # The row lock makes two simultaneous reveals queue; the second then sees "revealed".
    draw = await Draw.filter(campaign_id=campaign.id, kind=kind).select_for_update().first()
    if draw is None:
        raise NotFound(f"{campaign.code} 的{KIND_LABELS[kind]}抽取承诺")
    return draw


def order_stratum(*, campaign_code: str, stratum: DrawStratum, public_entropy: str,
                  secret: str, kind: DrawKind) -> list[tuple[str, str]]:
    """DESIGN.md steps 4–5: (key, rank) in draw order; employers only the first `count`."""
    seed = v1.compute_seed(campaign_code, stratum.stratum, stratum.roster_hash,
                           public_entropy, secret)
    # v1.rank inlined for a million keys: one encode of the whole roster, raw digests. The raw
    # digest orders exactly as its hex, so digest + key bytes sorts as v1's (rank, key bytes).
    keys = stratum.candidates.encode("utf-8").split(b"\n") if stratum.candidates else []
    sha = hashlib.sha256
    ranked = [sha(seed + k).digest() + k for k in keys]
    employers = kind == DrawKind.EMPLOYERS
    top = heapq.nsmallest(stratum.count, ranked) if employers else sorted(ranked)
    out = [(rk[32:].decode("utf-8"), rk[:32].hex()) for rk in top]
    # The published verifier's own functions must agree on what is kept (one algorithm).
    assert all(v1.rank(seed, k) == r for k, r in out[:50])
    return out


# long: steps 3–6 in the order the protocol fixes them (checks, order, record, publication,
# visits, call-up); each is a few lines and splitting would hide that order.
async def reveal_draw(*, campaign_code: str, kind: DrawKind | str, public_entropy: str,
                      actor: str, witnesses: str = "", staff_id: int | None = None,
                      min_delay: dt.timedelta = DEFAULT_MIN_REVEAL_DELAY,
                      entropy_source_date: dt.date | None = None) -> Draw:
    """Steps 3–6: take the public entropy, compute the order, record it, publish the secret."""
    kind = _kind(kind)
    entropy = _check_entropy(public_entropy)
    if len(witnesses) > MAX_WITNESSES:
        raise ValidationFailed([Problem(f"见证人不能超过 {MAX_WITNESSES} 字", field="witnesses")])
    campaign = await get_campaign(campaign_code, for_update=True)
    draw = await _locked_draw(campaign, kind)
    if draw.status != DrawStatus.COMMITTED:
        done = draw.status == DrawStatus.REVEALED
        raise Conflict("already_revealed" if done else "draw_voided",
                       f"该{KIND_LABELS[kind]}抽取已{'揭示' if done else '作废'}，不得重新抽取")
    if campaign.state != CampaignState.APPROVED:
        raise Conflict("campaign_not_approved", "抽查任务不在可抽取状态")
    now = clock.now()
    source_date = _check_timing(draw, now=now, min_delay=min_delay, entropy=entropy,
                                source_date=entropy_source_date)
    strata = await DrawStratum.filter(draw_id=draw.id).order_by("id")
    entries: list[Entry] = []
    for s in strata:
        ordered = order_stratum(campaign_code=campaign.code, stratum=s, public_entropy=entropy,
                                secret=draw.secret, kind=kind)
        entries += [Entry(s.stratum, i, k, r) for i, (k, r) in enumerate(ordered, start=1)]
    await _link_entries(kind, entries)
    fk = "employer_id" if kind == DrawKind.EMPLOYERS else "staff_id"
    await bulk.insert("draw_entry", ["draw_id", "stratum", "position", "key", "rank", fk],
                      [(draw.id, e.stratum, e.position, e.key, e.rank, e.ref) for e in entries])
    draw.status, draw.public_entropy, draw.revealed_at = DrawStatus.REVEALED, entropy, now
    draw.entropy_source_date = source_date
    draw.revealed_by_id = staff_id
    draw.witnesses = witnesses.strip()
    await draw.save()
    visible = voiding.field_opens_at(campaign) if campaign.confidential else now
    await Publication.filter(kind=PublicationKind.DRAW, object_type="draw",
                             object_id=draw.id).update(visible_from=visible)
    await audit.record(actor=actor, action="draw.reveal", obj=draw,
                       before={"status": DrawStatus.COMMITTED.value},
                       after={"status": draw.status.value, "public_entropy": entropy,
                              "entropy_source_date": source_date, "secret": draw.secret,
                              "witnesses": draw.witnesses,
                              "drawn": {s.stratum: [e.key for e in entries if e.stratum == s.stratum]
                                        for s in strata} if kind == DrawKind.EMPLOYERS
                              else len(entries)})
    if kind == DrawKind.EMPLOYERS:
        await plan_visits(campaign=campaign, draw=draw, drawn={e.ref: e.key for e in entries}, actor=actor)
    others: list[DrawStatus] = await Draw.filter(  # type: ignore[assignment]
        campaign_id=campaign.id).values_list("status", flat=True)
    if len(others) == len(DrawKind) and all(s == DrawStatus.REVEALED for s in others):
        await transition(campaign, CampaignState.DRAWN, actor=actor)
        if campaign.leader_id is not None:
            # Issue 4 item 7: the call-up starts in the reveal's own transaction, so the cards are
            # in the outbox the moment the order is public (R15). Without a leader nobody could
            # run it by chat; `suiji callup start CODE` starts it once a leader is set.
            await start_callup(campaign_id=campaign.id, now=now, actor=actor)
    return draw


async def _link_entries(kind: DrawKind, entries: list[Entry]) -> None:
    keys = [e.key for e in entries]
    if kind == DrawKind.EMPLOYERS:
        ids = dict(await Employer.filter(uscc__in=keys).values_list("uscc", "id"))
    else:
        ids = dict(await Staff.filter(cert_no__in=keys).values_list("cert_no", "id"))
    for e in entries:
        e.ref = ids[e.key]


async def reveal_draws(*, campaign_code: str, public_entropy: str, actor: str,
                       witnesses: str = "", staff_id: int | None = None,
                       min_delay: dt.timedelta = DEFAULT_MIN_REVEAL_DELAY,
                       entropy_source_date: dt.date | None = None) -> list[Draw]:
    """Reveal every committed draw of a campaign with the one entropy entered at the draw."""
    campaign = await get_campaign(campaign_code)
    pending = await Draw.filter(campaign_id=campaign.id, status=DrawStatus.COMMITTED) \
        .order_by("kind")
    if not pending:
        raise Conflict("nothing_to_reveal", f"{campaign.code} 没有待揭示的抽取承诺")
    return [await reveal_draw(campaign_code=campaign_code, kind=d.kind, public_entropy=public_entropy,
                              actor=actor, witnesses=witnesses, staff_id=staff_id,
                              min_delay=min_delay, entropy_source_date=entropy_source_date)
            for d in pending]


# A draw may be voided until the inspections begin (then it is in use).
VOIDABLE_STATES = (CampaignState.APPROVED, CampaignState.DRAWN, CampaignState.CALLING_UP,
                   CampaignState.CANCELLED)


async def void_draw(*, campaign_code: str, kind: DrawKind | str, reason: str, actor: str) -> Draw:
    """Void a draw: a recorded reason, audited, published. It can never be drawn again (R15);
    the campaign is cancelled and a new campaign is needed."""
    kind = _kind(kind)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed([Problem("作废抽取必须说明理由", field="reason")])
    if len(reason) > 2000:
        raise ValidationFailed([Problem("理由不能超过 2000 字", field="reason")])
    campaign = await get_campaign(campaign_code, for_update=True)
    draw = await _locked_draw(campaign, kind)
    if draw.status == DrawStatus.VOIDED:
        raise Conflict("draw_voided", "该抽取已作废")
    if campaign.state not in VOIDABLE_STATES:
        raise Conflict("draw_in_use", "检查已开始，抽取不能再作废")
    await voiding.mark_void(draw, campaign, reason=reason, actor=actor)
    if campaign.state != CampaignState.CANCELLED:
        await transition(campaign, CampaignState.CANCELLED, actor=actor,
                         reason=f"抽取作废：{reason}")
    return draw
