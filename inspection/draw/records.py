"""The published draw record (DESIGN.md "The draw") and what the public window may show.

Employers are keyed by USCC, inspectors by certificate number. Before the reveal everyone sees
the commitment, the strata, their sizes, counts and roster hashes; a confidential campaign (R14)
shows its candidates and result only from the opening of its field window (`visible_from`) and
once its team is formed, whichever is later.

A confidential campaign's record shows, until then, not even its strata: their names, sizes,
counts and roster hashes say who may be drawn (with every candidate drawn, the blacklist stratum's
roster hash is the hash of the public blacklist, and its size the blacklist's). It publishes
instead one `strata_seal` (`verifier.strata_seal`: salted with the draw's secret, so it reveals
nothing, and binding the strata); with the result the strata and the secret are published and the
verifier checks the seal (docs/draw.md).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from inspection.draw import verifier as verify_draw
from inspection.draw.verifier import ALGORITHM
from inspection.errors import NotFound
from inspection.planning import sampling
from models.campaigns import Campaign
from models.draws import Draw, DrawEntry, DrawStratum
from models.enums import DrawStatus, PublicationKind
from models.publication import Publication

# The stdlib verifier the public window offers for download (the file the domain itself uses).
VERIFIER_PATH = Path(verify_draw.__file__)

STATUS_LABELS = {DrawStatus.COMMITTED: "已承诺，待揭示", DrawStatus.REVEALED: "已揭示",
                 DrawStatus.VOIDED: "已作废"}


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def is_open(draw: Draw, pub: Publication, campaign: Campaign, now: dt.datetime) -> bool:
    """May the secret, the candidates' result and the exclusions be shown now? A confidential
    campaign's result waits for both its field window and its team (R14): before the team is
    formed the employers are not even told to the inspectors called."""
    if draw.status == DrawStatus.COMMITTED or pub.visible_from is None or pub.visible_from > now:
        return False
    return not campaign.confidential or campaign.team_formed_at is not None


async def _publication(draw_id: int) -> Publication:
    pub = await Publication.get_or_none(kind=PublicationKind.DRAW, object_type="draw",
                                        object_id=draw_id, withdrawn_at=None)
    if pub is None or pub.published_at is None:
        raise NotFound("抽取记录")
    return pub


async def record(draw: Draw, *, full: bool, show_candidates: bool = True) -> dict[str, Any]:
    """The record. `full=False` is the commitment stage: no secret, no entropy, no result."""
    campaign: Campaign = await draw.campaign
    strata = await DrawStratum.filter(draw_id=draw.id).order_by("id")
    drawn: dict[str, list[str]] = {s.stratum: [] for s in strata}
    if full and draw.status != DrawStatus.COMMITTED and draw.public_entropy is not None:
        for stratum, key in await DrawEntry.filter(draw_id=draw.id).order_by(
                "stratum", "position").values_list("stratum", "key"):
            drawn[stratum].append(key)
    out: dict[str, Any] = {
        "algorithm": ALGORITHM, "campaign_code": campaign.code, "kind": draw.kind.value,
        "draw_id": draw.id, "status": draw.status.value, "campaign_title": campaign.title,
        "confidential": campaign.confidential,
        "field_window": [campaign.field_start.isoformat(), campaign.field_end.isoformat()],
        "commitment": draw.commitment, "committed_at": _iso(draw.committed_at),
    }
    revealed = full and draw.public_entropy is not None
    if revealed:
        out |= {"public_entropy": draw.public_entropy, "secret": draw.secret,
                "revealed_at": _iso(draw.revealed_at), "witnesses": draw.witnesses}
        if draw.entropy_source_date is not None:  # R10: dated after committed_at, checkable
            out["public_entropy_date"] = draw.entropy_source_date.isoformat()
    elif full:  # voided before its reveal: the secret proves the commitment was honest
        out["secret"] = draw.secret
    if draw.status == DrawStatus.VOIDED:
        out |= {"voided_at": _iso(draw.voided_at), "void_reason": draw.void_reason}
    items = []
    if campaign.confidential:  # R14
        out["strata_seal"] = verify_draw.strata_seal(
            draw.secret, [(s.stratum, s.candidate_count, s.count, s.roster_hash) for s in strata])
        if not full:
            out["strata"] = []
            return out
    for s in strata:
        item: dict[str, Any] = {"stratum": s.stratum, "roster_hash": s.roster_hash,
                                "commitment": draw.commitment, "count": s.count,
                                "candidate_count": s.candidate_count}
        if show_candidates:
            item["candidates"] = s.candidates.split("\n") if s.candidates else []
        if revealed:
            item["drawn"] = drawn[s.stratum]
        items.append(item)
    out["strata"] = items
    if full:
        out["exclusions"] = [e | {"reason_label": sampling.REASONS.get(e["reason"], e["reason"])}
                             for e in draw.exclusions]
    return out


async def public_record(draw_id: int, *, now: dt.datetime, with_candidates: bool = True
                        ) -> dict[str, Any]:
    """What `/public/draws/{id}.json` serves (the HTML page leaves the candidates out)."""
    pub = await _publication(draw_id)
    draw = await Draw.get(id=draw_id)
    campaign = await draw.campaign
    full = is_open(draw, pub, campaign, now)
    shown = with_candidates and (full or not campaign.confidential)
    out = await record(draw, full=full, show_candidates=shown)
    if not full and draw.status != DrawStatus.COMMITTED:
        out["visible_from"] = _iso(pub.visible_from)
        out["note"] = "保密抽查：抽取结果自检查开始之日起公示"
    return out


async def public_list(*, now: dt.datetime, limit: int = 50, offset: int = 0
                      ) -> list[dict[str, Any]]:
    """Newest first: what `/public/draws(.json)` lists."""
    pubs = await Publication.filter(kind=PublicationKind.DRAW, object_type="draw",
                                    withdrawn_at=None, published_at__not_isnull=True) \
        .order_by("-id").offset(offset).limit(limit)
    draws = {d.id: d for d in await Draw.filter(id__in=[p.object_id for p in pubs])
             .prefetch_related("campaign")}
    # Sizes only: a stratum's candidate text may be megabytes.
    sizes: dict[int, list[dict[str, Any]]] = {}
    for row in await DrawStratum.filter(draw_id__in=list(draws)).order_by("id").values(
            "draw_id", "stratum", "count", "candidate_count"):
        sizes.setdefault(row.pop("draw_id"), []).append(row)
    rows = []
    for pub in pubs:
        draw = draws.get(pub.object_id)
        if draw is None:
            continue
        full = is_open(draw, pub, draw.campaign, now)
        sealed = draw.campaign.confidential and not full  # R14: not even the strata's sizes
        rows.append({
            "draw_id": draw.id, "title": pub.title, "campaign_code": draw.campaign.code,
            "kind": draw.kind.value, "status": draw.status.value,
            "status_label": STATUS_LABELS[draw.status], "result_public": full,
            "confidential": draw.campaign.confidential,
            "commitment": draw.commitment, "committed_at": _iso(draw.committed_at),
            "revealed_at": _iso(draw.revealed_at) if full else None,
            "visible_from": _iso(pub.visible_from),
            "strata": [] if sealed else sizes.get(draw.id, []),
        })
    return rows
