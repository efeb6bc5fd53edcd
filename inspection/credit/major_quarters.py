"""The quarters of 重大劳动保障违法行为社会公布 (人社部令第29号) and what publishing one means.

Apart from `major` so that publication duties can apply a quarter's rules without importing the
module that creates those duties (no import cycle).
"""

from __future__ import annotations

import datetime as dt

from inspection import clock
from inspection.credit import ledger
from inspection.errors import Conflict
from models.credit import MajorViolation
from models.enums import CreditEventKind, MajorViolationCategory
from models.publication import Publication

C = MajorViolationCategory
CATEGORY_LABELS: dict[MajorViolationCategory, str] = {
    C.WAGE_ARREARS: "克扣、无故拖欠劳动者劳动报酬，数额较大",
    C.WAGE_REFUSAL_CRIMINAL: "拒不支付劳动报酬，依法移送司法机关追究刑事责任",
    C.SOCIAL_INSURANCE: "不依法参加社会保险或者不依法缴纳社会保险费，情节严重",
    C.WORKING_HOURS: "违反工作时间和休息休假规定，情节严重",
    C.SPECIAL_PROTECTION: "违反女职工和未成年工特殊劳动保护规定，情节严重",
    C.CHILD_LABOUR: "违反禁止使用童工规定",
    C.SOCIAL_IMPACT: "因劳动保障违法行为造成严重不良社会影响",
    C.OTHER: "其他重大劳动保障违法行为",
}


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    return (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))


def quarter_key(year: int, quarter: int) -> int:
    return year * 10 + quarter


def quarter_title(year: int, quarter: int) -> str:
    return f"{year}年第{quarter}季度重大劳动保障违法行为社会公布"


def quarter_of_duty(duty: Publication) -> tuple[int, int]:
    return duty.object_id // 10, duty.object_id % 10


async def check_publishable(duty: Publication) -> None:
    """A quarter's publication goes out once the quarter is over (每季度公布一次)."""
    year, quarter = quarter_of_duty(duty)
    if clock.today() <= quarter_end(year, quarter):
        raise Conflict("quarter_not_over",
                       f"{year}年第{quarter}季度尚未结束，季度公布须在季度结束后进行")


async def quarter_published(duty: Publication) -> None:
    """The quarter is on the window: each case goes into its employer's integrity file (R18)."""
    year, quarter = quarter_of_duty(duty)
    day = (duty.published_at or clock.now()).astimezone(clock.BEIJING).date()
    for case in await MajorViolation.filter(year=year, quarter=quarter).order_by("id"):
        await ledger.append(
            employer_id=case.employer_id, kind=CreditEventKind.MAJOR_VIOLATION,
            occurred_on=day, source_type="major_violation", source_id=case.id,
            detail={"summary": f"重大劳动保障违法行为向社会公布：{CATEGORY_LABELS[case.category]}",
                    "category": case.category.value, "facts": case.facts,
                    "handling": case.handling, "legal_rep": case.legal_rep,
                    "quarter": f"{year}Q{quarter}"})
