"""Numbers for leaders (分管领导), per campaign and per year. Read-only; the staff API serves them.

Per campaign: the report's figures, live (`figures.campaign_figures`) plus the report's state.
Per year: campaigns whose field window starts in the year, their inspections and outcomes, the
grade distribution, the blacklist and the credit facts of the year.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from inspection import clock
from inspection.credit import figures
from inspection.credit.figures import DONE_STATES
from models.callups import CallUp
from models.campaigns import Campaign
from models.credit import CreditEvent, GradeAssessment
from models.employers import BlacklistEntry, Employer
from models.enums import (
    AssessmentStatus,
    BlacklistStatus,
    CallUpState,
    CampaignState,
    EmployerStatus,
    FindingResult,
    Grade,
    RectificationState,
)
from models.fieldwork import Finding, Inspection, RectificationOrder
from models.penalties import PenaltyDecision
from models.reports import CampaignReport


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def campaign_statistics(*, campaign_id: int) -> dict[str, Any]:
    fig = await figures.campaign_figures(campaign_id=campaign_id)
    report = await CampaignReport.get_or_none(campaign_id=campaign_id)
    ins = fig["inspections"]
    rect = fig["rectification"]
    return {
        **fig,
        "rates": {"inspected_of_drawn": _rate(ins["inspected"], fig["drawn"]["total"]),
                  "violation": _rate(ins["with_violations"], ins["inspected"]),
                  "rectified_of_orders": _rate(rect["rectified"], rect["orders"]),
                  "declined_of_called": _rate(fig["callups"]["declined"],
                                              fig["callups"]["called"])},
        "report": None if report is None else {
            "status": report.status.value, "due_on": report.due_on.isoformat(),
            "generated_at": report.generated_at.isoformat() if report.generated_at else None},
    }


async def year_statistics(*, year: int, today: dt.date | None = None) -> dict[str, Any]:
    today = today or clock.today()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    campaigns = await Campaign.filter(field_start__gte=start, field_start__lte=end).exclude(
        state=CampaignState.CANCELLED)
    ids = [c.id for c in campaigns]
    inspections = await Inspection.filter(campaigns__id__in=ids).distinct() if ids else []
    done_ids = [i.id for i in inspections if i.state in DONE_STATES]
    results = Counter(FindingResult(str(r)).value for r in await Finding.filter(
        inspection_id__in=done_ids).values_list("result", flat=True))
    violators = await Finding.filter(inspection_id__in=done_ids,
                                     result=FindingResult.NONCOMPLIANT).distinct().values_list(
        "inspection_id", flat=True)
    orders = Counter(RectificationState(str(s)).value for s in await RectificationOrder.filter(
        issued_on__gte=start, issued_on__lte=end).values_list("state", flat=True))
    penalties = await PenaltyDecision.filter(decided_on__gte=start, decided_on__lte=end)
    amount = sum((p.amount_yuan or Decimal(0) for p in penalties), Decimal(0))
    calls = Counter(CallUpState(str(s)).value for s in await CallUp.filter(
        campaign_id__in=ids).values_list("state", flat=True)) if ids else Counter()
    grades = Counter(Grade(str(g)).value for g in await Employer.filter(
        status=EmployerStatus.ACTIVE).values_list("grade", flat=True))
    assessed = Counter(Grade(str(g)).value for g in await GradeAssessment.filter(
        year=year, status=AssessmentStatus.CONFIRMED).values_list("confirmed", flat=True))
    facts = Counter(str(k) for k in await CreditEvent.filter(
        occurred_on__gte=start, occurred_on__lte=end).values_list("kind", flat=True))
    listed = await BlacklistEntry.filter(decided_on__gte=start, decided_on__lte=end,
                                         status__not=BlacklistStatus.WITHDRAWN).count()
    in_force = await BlacklistEntry.filter(status=BlacklistStatus.IN_FORCE,
                                           term_start__lte=today, term_end__gte=today).count()
    return {
        "year": year,
        "campaigns": {"count": len(campaigns),
                      "by_state": dict(Counter(CampaignState(c.state).value for c in campaigns))},
        "inspections": {"planned": len(inspections), "inspected": len(done_ids),
                        "with_violations": len(set(violators))},
        "findings": {r.value: results.get(r.value, 0) for r in FindingResult},
        "rectification": {"orders": sum(orders.values()),
                          **{s.value: orders.get(s.value, 0) for s in RectificationState}},
        "penalties": {"count": len(penalties), "amount_yuan": str(amount.quantize(Decimal("0.01")))},
        "callups": {s.value: calls.get(s.value, 0) for s in CallUpState},
        "grades_now": {g.value: grades.get(g.value, 0) for g in Grade},
        "grades_confirmed_for_year": {g.value: assessed.get(g.value, 0) for g in Grade},
        "credit_facts": dict(sorted(facts.items())),
        "blacklist": {"listed_in_year": listed, "in_force_today": in_force},
    }
