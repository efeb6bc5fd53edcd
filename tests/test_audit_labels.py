"""The audit trail in words (R21, issue 14/15): every action the code can record and every field
it can show has its Chinese name in the one table, inspection/audit_labels.py; values that are
an enum's codes are shown by that enum's label table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tortoise import Tortoise

from inspection import audit_labels
from tests.audit_scan import scan, sources

pytestmark = pytest.mark.usefixtures("clean_db")  # the models' fields are read from Tortoise

# Tables never recorded as an audited object: the chain itself and bookkeeping.
NOT_AUDITED = {"audit_event", "audit_head", "idempotency_record", "inbound_receipt",
               "number_counter"}


def _model_fields() -> dict[str, str]:
    return {name: model._meta.db_table for app in Tortoise.apps.values()
            for model in app.values() if model._meta.db_table not in NOT_AUDITED
            for name in model._meta.db_fields if name not in ("created_at", "updated_at")}


def test_every_recordable_action_has_a_label() -> None:
    found = scan(sources())
    assert found.unresolved == []  # an action the scan cannot trace: make it traceable
    assert {a: sorted(w) for a, w in found.actions.items() if a not in audit_labels.ACTIONS} == {}
    # The scan sees the traced ones: a parameter's call sites, an enum-valued f-string.
    assert {"employer.update", "staff.create", "notice.viewed", "notice.downloaded",
            "campaign.in_field", "callup.remind", "callup.skip", "callup.call"} <= set(found.actions)
    # And nothing is labelled that the code no longer records.
    assert set(audit_labels.ACTIONS) - set(found.actions) == set()


def test_every_field_shown_has_a_label() -> None:
    keys = scan(sources()).fields
    assert {"township", "state", "reason", "ack_failures"} <= set(keys) | set(_model_fields())
    missing = {k: sorted(w) for k, w in keys.items() if k not in audit_labels.FIELDS}
    missing |= {k: [t] for k, t in _model_fields().items() if k not in audit_labels.FIELDS}
    assert missing == {}


def test_the_scan_finds_an_unlabelled_action_and_field() -> None:
    extra = {"inspection/x.py": (
        "from inspection import audit\n"
        "async def act(*, obj, how='thing.poked'):\n"
        "    await audit.record(actor='system', action=how, obj=obj, after={'colour': 1})\n"
        "async def caller(obj):\n"
        "    await act(obj=obj, how='thing.prodded')\n")}
    found = scan({**sources(), **extra})
    assert {"thing.poked", "thing.prodded"} <= set(found.actions) - set(audit_labels.ACTIONS)
    assert "colour" in set(found.fields) - set(audit_labels.FIELDS)
    odd = scan({"inspection/y.py": "async def f(o, a):\n    await audit.record(action=a.b, obj=o)\n"})
    assert odd.unresolved == ["inspection/y.py:2: a.b"]


def test_values_in_words() -> None:
    (state,) = audit_labels.changes("campaign", {"state": "approved"},
                                    {"state": "in_field", "reason": ""})[:1]
    assert (state.label, state.before, state.after) == ("状态", "已批准", "实地检查中")
    shown = audit_labels.changes("staff", None, {"is_leader": True, "cert_valid_until": "2027-01-31",
                                                 "status": "active"})
    assert [(c.label, c.before, c.after) for c in shown] == [
        ("组长", None, "是"), ("执法证有效期至", None, "2027-01-31"), ("状态", None, "在岗")]
    at = audit_labels.changes("callup", {}, {"answered_at": "2026-03-02T01:30:00+00:00"})
    assert at[0].after == "2026-03-02 09:30"
    assert audit_labels.action_label("gone.away") == "其他操作"
    # Codes inside a nested record, and codes that name a table or a grade.
    (strata,) = audit_labels.changes("draw", None, {"strata": [
        {"stratum": "A", "count": 10}, {"stratum": "ungraded", "count": 2}]})
    assert strata.after == "分层：A级；数量：10、分层：未评级；数量：2"
    shown = audit_labels.changes("publication", None, {"object_type": "blacklist_entry"})
    assert shown[0].after == "黑名单"
    shown = audit_labels.changes("grade_change", None, {"source": "assessment", "grade": "B"})
    assert [c.after for c in shown] == ["等级评价", "B级"]
    (clauses,) = audit_labels.changes("grade_assessment", None, {"clauses": [
        {"code": "C4", "grade": "C", "citation": "第五条第（三）项", "text": "拒不整改",
         "facts": [{"source": "refused_rectification", "occurred_on": "2026-03-01",
                    "summary": "限期改正逾期未改"}]}]})
    (asked,) = audit_labels.changes("role_change", None, {"changes": {"roles": ["leader"]}})
    assert asked.after == "角色：组长"
    assert clauses.after == "拒不整改（第五条第（三）项）：限期改正逾期未改"


def _named_object_types() -> set[str]:
    """Object types the code names as text (audit events, publications) rather than by table."""
    pattern = re.compile(r'(?:object_type=|OBJECT_TYPE = )"([a-z_]+)"')
    found: set[str] = set()
    for path in Path(__file__).resolve().parents[1].glob("inspection/**/*.py"):
        found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_audited_object_has_a_label() -> None:
    tables = set(_model_fields().values()) | {"credit_event"}  # credit.sync names it explicitly
    assert tables - set(audit_labels.OBJECT_TYPES) == set()
    # A published quarter of 重大违法行为 once showed as its code on the audit screen.
    assert _named_object_types() - set(audit_labels.OBJECT_TYPES) == set()
    assert audit_labels.object_label("conflict") == "回避关系"
