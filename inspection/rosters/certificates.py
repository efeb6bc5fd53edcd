"""Law-enforcement certificates (行政执法资格证, R8): whose expire soon, and telling 政策法规科.

政策法规科 manages certification (R8). The daily housekeeping run tells it, by WeCom, of every
certificate that expires within `WARN_DAYS` (once per certificate and expiry date: a renewed
certificate with a new date is told about again when its turn comes), and the staff API lists the
certificates expiring within any number of days. An expired certificate keeps its holder out of
the draw (inspection/planning/sampling.py); a holder no longer active is not listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from inspection import messages
from inspection.errors import Problem, ValidationFailed
from inspection.rosters.admin import admin_userids, require_admin
from models.enums import StaffStatus
from models.org import Staff
from models.outbox import OutboxMessage

WARN_DAYS = 60
MAX_WITHIN_DAYS = 3660


@dataclass
class Expiring:
    staff: Staff  # with its section fetched
    days_left: int  # negative once expired

    @property
    def expired(self) -> bool:
        return self.days_left < 0


async def expiring(*, within_days: int, today: dt.date) -> list[Expiring]:
    """Active holders whose certificate expires on or before `today + within_days` (those
    already expired included), soonest first."""
    if not 0 <= within_days <= MAX_WITHIN_DAYS:
        raise ValidationFailed([Problem(f"天数须在 0 至 {MAX_WITHIN_DAYS} 之间",
                                        field="within_days")])
    rows = await (Staff.filter(status=StaffStatus.ACTIVE, cert_no__isnull=False,
                               cert_valid_until__isnull=False,
                               cert_valid_until__lte=today + dt.timedelta(days=within_days))
                  .order_by("cert_valid_until", "id").prefetch_related("section"))
    return [Expiring(s, (s.cert_valid_until - today).days) for s in rows
            if s.cert_no and s.cert_valid_until is not None]


async def expiring_for(*, staff: Staff, within_days: int, today: dt.date) -> list[Expiring]:
    """The list for 政策法规科 (the staff API)."""
    require_admin(staff)
    return await expiring(within_days=within_days, today=today)


def _facts(item: Expiring) -> dict[str, object]:
    s = item.staff
    assert s.cert_valid_until is not None
    return {"section": s.section.name, "name": s.name, "cert_no": s.cert_no,
            "valid_until": s.cert_valid_until.isoformat(), "days_left": item.days_left}


async def warn_expiring(*, today: dt.date, within_days: int = WARN_DAYS) -> int:
    """Tell 政策法规科 of each certificate expiring within `within_days` not told yet; returns
    how many were told this run."""
    admins = await admin_userids()
    if not admins:
        return 0
    told = 0
    for item in await expiring(within_days=within_days, today=today):
        s = item.staff
        key = f"cert-expiry:{s.id}:{s.cert_no}:{s.cert_valid_until}"
        if await OutboxMessage.exists(idempotency_key=key):
            continue  # once per certificate and expiry date
        await messages.send(template=messages.Template.CERTIFICATE_EXPIRY, to=admins,
                            facts=_facts(item), key=key)
        told += 1
    return told
