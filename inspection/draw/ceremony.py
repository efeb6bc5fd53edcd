"""The draw ceremony as the initiating section holds it (issue 14): what the commitment froze
(strata, candidate counts, roster hashes, who was left out and why), the public entropy and the
witnesses, and the ranked employers and inspectors in draw order with their names — for the desk
and the projector in the room. The published record (records.py) stays the reference; this is the
same data with names, for those allowed to see them.

A confidential campaign's employers (R14) are shown by the one rule of `inspection.access`
(`sees_employers`): to its initiating section, and to everyone else once its team is formed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inspection.access import sees_employers
from inspection.draw.protocol import VOIDABLE_STATES
from inspection.planning import sampling
from models.campaigns import Campaign
from models.draws import Draw, DrawEntry, DrawStratum
from models.enums import DrawKind, DrawStatus
from models.org import Staff

VOID_RULE = ("抽取可在检查开始前作废，须说明理由；作废后不得重新抽取，本任务随之取消，"
             "须另建抽查任务")


@dataclass
class Drawn:
    position: int
    key: str  # USCC or certificate number, as in the public record
    name: str
    rank: str  # the value the order sorts by (the verifier recomputes it)


@dataclass
class Stratum:
    stratum: str
    candidate_count: int
    count: int  # employers drawn; for inspectors the number needed (the whole order is kept)
    roster_hash: str
    drawn: list[Drawn] = field(default_factory=list)


@dataclass
class Excluded:
    reason: str
    label: str
    count: int


@dataclass
class DrawFacts:
    draw: Draw
    strata: list[Stratum]
    excluded: list[Excluded]
    hidden: bool  # the drawn employers are withheld from this reader (confidential campaign)


@dataclass
class Ceremony:
    campaign: Campaign
    draws: list[DrawFacts]
    voidable: bool  # some draw may still be voided under the rules
    void_rule: str


def may_void(campaign: Campaign, draw: Draw) -> bool:
    return draw.status != DrawStatus.VOIDED and campaign.state in VOIDABLE_STATES


async def of_campaign(campaign: Campaign, *, staff: Staff) -> Ceremony:
    """Both draws of a campaign (employers first), with names, as `staff` may see them (R14)."""
    rows = await Draw.filter(campaign_id=campaign.id).order_by("kind")
    hide = not sees_employers(campaign, staff=staff)
    facts = [await _facts(d, hide=hide and d.kind == DrawKind.EMPLOYERS) for d in rows]
    return Ceremony(campaign, facts, any(may_void(campaign, d) for d in rows), VOID_RULE)


async def _facts(draw: Draw, *, hide: bool) -> DrawFacts:
    strata = [Stratum(s.stratum, s.candidate_count, s.count, s.roster_hash)
              for s in await DrawStratum.filter(draw_id=draw.id).order_by("id")]
    if draw.status != DrawStatus.COMMITTED and draw.public_entropy is not None and not hide:
        by_name = {s.stratum: s for s in strata}
        rel = "employer__name" if draw.kind == DrawKind.EMPLOYERS else "staff__name"
        for stratum, position, key, rank, name in await DrawEntry.filter(draw_id=draw.id).order_by(
                "stratum", "position").values_list("stratum", "position", "key", "rank", rel):
            if stratum in by_name:
                by_name[stratum].drawn.append(Drawn(position, key, name or "", rank))
    counts: dict[str, int] = {}
    for x in draw.exclusions:
        counts[x["reason"]] = counts.get(x["reason"], 0) + 1
    excluded = [Excluded(r, sampling.REASONS.get(r, r), n) for r, n in sorted(counts.items())]
    return DrawFacts(draw, strata, excluded, hide)
