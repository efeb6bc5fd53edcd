"""Demo part "credit": loads facts, grades and a listing; a second run adds nothing."""

import pytest
from tortoise.transactions import in_transaction

from inspection.credit import blacklist
from models.audit import AuditEvent
from models.credit import CreditEvent, GradeAssessment
from models.employers import BlacklistEntry, Employer
from models.enums import Grade
from suiji.demo import PARTS, credit

pytestmark = pytest.mark.usefixtures("clean_db")


async def test_loads_once():
    assert "credit" in PARTS
    for _ in range(2):
        async with in_transaction():
            await credit.load()
    assert await Employer.all().count() == 3
    assert await BlacklistEntry.all().count() == 1
    assert len(await blacklist.in_force()) == 1
    assert await CreditEvent.filter(source_type="credit_event").count() == 2
    assert await GradeAssessment.all().count() == 3
    assert await Employer.filter(grade=Grade.C).count() == 1
    assert await AuditEvent.all().count() > 0
