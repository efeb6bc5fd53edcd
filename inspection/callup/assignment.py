"""Who inspects which drawn employer (R16, R20): by the leader's 分配, or an automatic proposal.

Every employer gets at least `inspectors_per_employer` (≥ 2) accepted team members, never one with
a declared conflict (回避); the automatic proposal spreads the visits as evenly as it can. A
proposal is not stored: its fingerprint travels in the card's button (or in the staff API's
confirm request), and confirming recomputes it, so a proposal made stale by a later change is
refused instead of applied. The fingerprint covers the teams the inspections have now as well as
the proposed ones: a manual 分配 made after the proposal was shown is a change it would silently
undo.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from inspection import audit, messages
from inspection.access import Need, inspection_for
from inspection.callup.calls import lock_campaign
from inspection.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from inspection.fieldwork.inspections import illegal
from models.callups import CallUp
from models.campaigns import Campaign
from models.enums import CallUpState, InspectionState, StaffStatus
from models.fieldwork import Inspection, InspectionMember
from models.org import Conflict as Recusal
from models.org import Staff

OPEN_STATES = (InspectionState.PLANNED, InspectionState.ASSIGNED)


@dataclass
class Proposal:
    plan: dict[int, list[int]]  # inspection id -> staff ids
    current: dict[int, list[int]]  # inspection id -> its members now
    fingerprint: str
    per: int  # inspectors per employer (≥ 2)

    @property
    def applied(self) -> bool:
        """Every inspection already has exactly the proposed team."""
        return all(sorted(v) == self.current.get(k, []) for k, v in self.plan.items())


@dataclass(frozen=True)
class Team:
    """Who inspects one drawn employer, by name: an inspection's code, the employer, the team."""

    code: str
    employer: str
    names: list[str]

    def facts(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Confirmation:
    """确认分配: `changed` is False when the teams already were the plan's (nothing sent)."""

    changed: bool


@dataclass
class Visit:
    """One inspection of a plan, described for people: the card, the announcement, the API."""

    inspection: Inspection  # with its employer
    proposed: list[Staff]
    current: list[Staff]


async def _context(campaign: Campaign) -> tuple[list[Inspection], list[Staff], set[tuple[int, int]]]:
    if campaign.team_formed_at is None:
        raise Conflict("team_not_formed", "检查组尚未组成，暂不能分配。")
    inspections = await Inspection.filter(campaigns__id=campaign.id, state__in=OPEN_STATES
                                          ).order_by("code").prefetch_related("employer")
    team = [c.staff for c in await CallUp.filter(
        campaign_id=campaign.id, state=CallUpState.ACCEPTED).order_by("position"
                                                                      ).prefetch_related("staff")]
    recusals = {(r[0], r[1]) for r in await Recusal.filter(
        staff_id__in=[s.id for s in team]).values_list("staff_id", "employer_id")}
    return inspections, team, recusals


def _fingerprint(plan: dict[int, list[int]], current: dict[int, list[int]]) -> str:
    body = json.dumps([sorted((k, sorted(v)) for k, v in plan.items()),
                       sorted((k, sorted(v)) for k, v in current.items())])
    return hashlib.sha256(body.encode()).hexdigest()[:16]


async def _members(inspection_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for iid, sid in await InspectionMember.filter(inspection_id__in=inspection_ids).values_list(
            "inspection_id", "staff_id"):
        out.setdefault(iid, []).append(sid)
    return {k: sorted(v) for k, v in out.items()}


def balance(inspections: list[tuple[int, int]], team: list[int], per: int,
            recusals: set[tuple[int, int]]) -> dict[int, list[int]]:
    """Pure: (inspection id, employer id) pairs → staff ids; fewest options first, lightest load."""
    options = {iid: [s for s in team if (s, eid) not in recusals] for iid, eid in inspections}
    short = [iid for iid, opts in options.items() if len(opts) < per]
    if short:
        raise ValueError(short)
    load = dict.fromkeys(team, 0)
    order = {s: i for i, s in enumerate(team)}
    plan: dict[int, list[int]] = {}
    for iid in sorted(options, key=lambda i: (len(options[i]), i)):
        chosen = sorted(options[iid], key=lambda s: (load[s], order[s]))[:per]
        for s in chosen:
            load[s] += 1
        plan[iid] = sorted(chosen, key=order.__getitem__)
    return plan


async def propose(*, campaign: Campaign) -> Proposal:
    inspections, team, recusals = await _context(campaign)
    if not inspections:
        raise Conflict("nothing_to_assign", "没有待分配的检查。")
    per = max(2, campaign.inspectors_per_employer)
    if len(team) < per:
        raise Conflict("team_too_small", f"检查组不足 {per} 人，无法分配。")
    try:
        plan = balance([(i.id, i.employer_id) for i in inspections], [s.id for s in team], per,
                       recusals)
    except ValueError as exc:
        codes = {i.id: i.code for i in inspections}
        bad = "、".join(codes[i] for i in exc.args[0])
        raise Conflict("not_enough_without_conflict",
                       f"{bad} 可派的无回避情形人员不足 {per} 人，请调整后手动分配。") from exc
    current = await _members(list(plan))
    return Proposal(plan=plan, current=current, fingerprint=_fingerprint(plan, current), per=per)


async def visits(plan: dict[int, list[int]],
                 current: dict[int, list[int]] | None = None) -> list[Visit]:
    """The plan with inspection codes, employers and names, ordered by inspection code."""
    current = current or {}
    ids = {s for v in (*plan.values(), *current.values()) for s in v}
    people = {s.id: s for s in await Staff.filter(id__in=ids)}
    rows = await Inspection.filter(id__in=list(plan)).order_by("code").prefetch_related("employer")
    return [Visit(inspection=i, proposed=[people[s] for s in plan[i.id]],
                  current=[people[s] for s in current.get(i.id, [])]) for i in rows]


async def _teams(plan: dict[int, list[int]]) -> list[dict[str, Any]]:
    return [Team(v.inspection.code, v.inspection.employer.name,
                 [s.name for s in v.proposed]).facts() for v in await visits(plan)]


async def auto_assign(*, campaign_id: int, leader_id: int, now: dt.datetime,
                      actor: str) -> Proposal:
    """自动分配: send the leader the proposal as a card with a 确认分配 button."""
    campaign = await lock_campaign(campaign_id)
    require_leader(campaign, leader_id)
    proposal = await propose(campaign=campaign)
    leader = await Staff.get(id=leader_id)
    await audit.record(actor=actor, action="assignment.propose", obj=campaign,
                       after={"plan": {str(k): v for k, v in proposal.plan.items()}}, at=now)
    await messages.send(
        template=messages.Template.ASSIGNMENT_CARD, to=[leader.wecom_userid], campaign=campaign,
        facts={"campaign_id": campaign.id, "code": campaign.code,
               "fingerprint": proposal.fingerprint, "teams": await _teams(proposal.plan)},
        key=f"assign:{campaign.id}:card:{proposal.fingerprint}")
    return proposal


def require_leader(campaign: Campaign, leader_id: int) -> None:
    if campaign.leader_id != leader_id:
        raise Forbidden(f"只有 {campaign.code} 的组长可以分配检查。", code="not_leader")


async def _apply(campaign: Campaign, inspection: Inspection, staff_ids: list[int], *,
                 now: dt.datetime, actor: str) -> None:
    before: list[int] = sorted(await InspectionMember.filter(inspection_id=inspection.id)
                               .values_list("staff_id", flat=True))  # type: ignore[arg-type]
    if before == sorted(staff_ids):
        return
    await InspectionMember.filter(inspection_id=inspection.id).exclude(staff_id__in=staff_ids).delete()
    for sid in staff_ids:
        await InspectionMember.get_or_create(inspection_id=inspection.id, staff_id=sid)
    inspection.state = InspectionState.ASSIGNED
    await inspection.save(update_fields=["state", "updated_at"])
    await audit.record(actor=actor, action="inspection.assign", obj=inspection,
                       before={"members": before}, after={"members": sorted(staff_ids)}, at=now)


async def _announce(campaign: Campaign, plan: dict[int, list[int]], key: str) -> None:
    users = [str(u) for u in await Staff.filter(id__in={s for v in plan.values() for s in v}
                                                 ).values_list("wecom_userid", flat=True)]
    await messages.send(template=messages.Template.ASSIGNMENT_ANNOUNCEMENT, to=users,
                        campaign=campaign, key=key,
                        facts={"code": campaign.code, "teams": await _teams(plan)})


async def _close_card(campaign: Campaign, leader_id: int, response_code: str,
                      fingerprint: str) -> None:
    """Grey out the clicked card's button; a confirmation over the API has no card to close."""
    if not response_code:
        return
    leader = await Staff.get(id=leader_id)
    await messages.update_card(campaign=campaign, userid=leader.wecom_userid,
                               response_code=response_code,
                               template=messages.Template.ASSIGNMENT_CONFIRMED, facts={},
                               key=f"assign:{campaign.id}:update:{fingerprint}")


async def confirm(*, campaign_id: int, leader_id: int, fingerprint: str, now: dt.datetime,
                  actor: str, response_code: str = "") -> Confirmation:
    """确认分配 (the card's button, or the staff API): apply the proposal if nothing changed."""
    campaign = await lock_campaign(campaign_id)
    require_leader(campaign, leader_id)
    proposal = await propose(campaign=campaign)
    if proposal.fingerprint != fingerprint:
        if proposal.applied:
            # Confirmed already (the card after the API, or a second click): nothing to undo.
            await _close_card(campaign, leader_id, response_code, fingerprint)
            return Confirmation(changed=False)
        raise Conflict("proposal_stale", "情况已有变化，该方案已失效，请重新发送“自动分配”。")
    inspections = {i.id: i for i in await Inspection.filter(id__in=list(proposal.plan))}
    for iid, staff_ids in proposal.plan.items():
        await _apply(campaign, inspections[iid], staff_ids, now=now, actor=actor)
    await _close_card(campaign, leader_id, response_code, fingerprint)
    await _announce(campaign, proposal.plan, key=f"assign:{campaign.id}:announce:{fingerprint}")
    return Confirmation(changed=True)


def _team_problems(inspection: Inspection, chosen: list[tuple[str, Staff | None, str]],
                   recusals: set[tuple[int, int]], per: int, count_field: str) -> list[Problem]:
    """`chosen`: (field, the accepted team member or None, how the request named them). Only the
    drawn inspectors who accepted the call-up may be sent (R10, R15), never one with a declared
    conflict (回避), and at least `per` to an employer."""
    problems: list[Problem] = []
    for field, staff, named in chosen:
        if staff is None:
            problems.append(Problem(f"{named} 不是本检查组已接受召集的成员", field=field,
                                    code="not_in_team"))
        elif staff.status != StaffStatus.ACTIVE:
            problems.append(Problem(f"{named} 目前不在岗，不能分配", field=field, code="not_active"))
        elif (staff.id, inspection.employer_id) in recusals:
            problems.append(Problem(f"{named} 与该单位存在回避情形，不能分配", field=field,
                                    code="conflict_of_interest"))
    if len(chosen) < per:
        problems.append(Problem(f"每家单位至少分配 {per} 名执法检查人员", field=count_field,
                                code="team_too_small"))
    return problems


async def _set(campaign: Campaign, inspection: Inspection, chosen: list[Staff], *,
               now: dt.datetime, actor: str) -> None:
    await _apply(campaign, inspection, [s.id for s in chosen], now=now, actor=actor)
    stamp = int(now.timestamp())
    await _announce(campaign, {inspection.id: [s.id for s in chosen]},
                    key=f"assign:{inspection.id}:manual:{stamp}")


async def assign(*, campaign_id: int, leader_id: int, target: str, names: list[str],
                 now: dt.datetime, actor: str) -> Team:
    """分配 <检查编号或单位> <姓名> <姓名>: set exactly these members on one inspection."""
    campaign = await lock_campaign(campaign_id)
    require_leader(campaign, leader_id)
    inspections, team, recusals = await _context(campaign)
    matches = [i for i in inspections if target in (i.code, i.employer.name, i.employer.uscc)]
    if not matches:
        raise NotFound(f"本次抽查中待分配的检查“{target}”")
    inspection = matches[0]
    names = list(dict.fromkeys(names))
    by_name = {s.name: s for s in team}
    chosen = [("姓名", by_name.get(name), name) for name in names]
    problems = _team_problems(inspection, chosen, recusals,
                              max(2, campaign.inspectors_per_employer), "姓名")
    if problems:
        raise ValidationFailed(problems, message="分配未完成：" + "；".join(p.message for p in problems))
    await _set(campaign, inspection, [s for _, s, _ in chosen if s], now=now, actor=actor)
    return Team(inspection.code, inspection.employer.name, names)


async def set_team(*, staff: Staff, inspection_id: int, staff_ids: list[int],
                   now: dt.datetime) -> list[InspectionMember]:
    """The staff API's PUT …/members: 分配 by inspection and staff ids, with the same rules and
    the same announcement, so that the chat and the API cannot drift apart (R10, R16)."""
    inspection = await inspection_for(staff=staff, inspection_id=inspection_id, need=Need.MANAGE)
    led = await Campaign.filter(inspections__id=inspection.id, leader_id=staff.id).order_by(
        "id").first()
    if led is None:
        raise Forbidden("只有本次抽查的组长可以指定检查组成员", code="not_leader")
    campaign = await lock_campaign(led.id)
    inspections, team, recusals = await _context(campaign)
    open_now = {i.id: i for i in inspections}
    if inspection.id not in open_now:
        raise illegal(inspection.state, "检查组成员不能再调整")
    wanted = list(dict.fromkeys(staff_ids))
    by_id = {s.id: s for s in team}
    names = dict(await Staff.filter(id__in=wanted).values_list("id", "name"))
    chosen = [(f"staff_ids.{n}", by_id.get(sid), str(names.get(sid, f"编号 {sid} 的人员")))
              for n, sid in enumerate(wanted)]
    problems = _team_problems(inspection, chosen, recusals,
                              max(2, campaign.inspectors_per_employer), "staff_ids")
    if problems:
        raise ValidationFailed(problems)
    await _set(campaign, open_now[inspection.id], [s for _, s, _ in chosen if s], now=now,
               actor=audit.staff_actor(staff.id))
    return await InspectionMember.filter(inspection_id=inspection.id).prefetch_related(
        "staff").order_by("id")
