"""Sampling rules (R11, R12): defaults, validation, counts, filters."""

from __future__ import annotations

import pytest

from inspection.errors import ValidationFailed
from inspection.planning import sampling
from models.enums import Grade
from tests.drawkit import approved_campaign, employers_spec, make_world, uscc


def test_defaults_weight_by_grade():
    rules = sampling.parse_rules({})
    assert rules.strata["blacklist"] == {"all": True}
    assert rules.min_interval_days["A"] > rules.min_interval_days["C"]  # R12
    assert rules.max_per_year["A"] < rules.max_per_year["C"]
    assert rules.max_per_year["blacklist"] is None


def test_counts_round_up_and_never_exceed_by_ratio():
    rules = sampling.parse_rules({"strata": {"A": {"ratio": 0.1}, "B": {"count": 7},
                                             "C": {"all": True}}})
    assert rules.count_for("A", 0) == 0
    assert rules.count_for("A", 1) == 1
    assert rules.count_for("A", 30) == 3
    assert rules.count_for("B", 2) == 7  # more than there are: all are drawn (record keeps 7)
    assert rules.count_for("C", 42) == 42


@pytest.mark.parametrize("raw", [
    [], {"strata": {}}, {"strata": {"A": {"ratio": 0}}}, {"strata": {"A": {"count": -1}}},
    {"strata": {"A": {"count": 1, "ratio": 0.1}}}, {"filters": {"townships": "龙桥"}},
    {"min_interval_days": {"A": -5}}, {"max_per_year": {"Z": 1}}, {"weights": {}},
    {"filters": {"headcount_min": True}},
])
def test_bad_rules_are_refused(raw):
    with pytest.raises(ValidationFailed):
        sampling.parse_rules(raw)


def test_overrides_apply():
    rules = sampling.parse_rules({"min_interval_days": {"C": 30}, "max_per_year": {"A": None}})
    assert rules.min_interval_days["C"] == 30 and rules.max_per_year["A"] is None
    assert rules.min_interval_days["A"] == sampling.DEFAULT_MIN_INTERVAL_DAYS["A"]


async def test_filters_township_industry_size_and_closed_employers(clean_db):
    roster = [*employers_spec(3, start=1, grade=Grade.B, township="龙桥街道", industry="制造业",
                              headcount=50),
              *employers_spec(2, start=10, grade=Grade.B, township="敦仁街道", industry="制造业",
                              headcount=50),
              *employers_spec(2, start=20, grade=Grade.B, township="龙桥街道", industry="建筑业",
                              headcount=50),
              *employers_spec(1, start=30, grade=Grade.B, township="龙桥街道", industry="制造业",
                              headcount=5),
              *employers_spec(1, start=40, grade=Grade.B, township="龙桥街道", industry="制造业",
                              headcount=50, status="closed")]
    world = await make_world(employers=roster)
    campaign = await approved_campaign(world, rules={
        "strata": {"B": {"all": True}},
        "filters": {"townships": ["龙桥街道"], "industries": ["制造业"], "headcount_min": 10}})
    sample = await sampling.sample_employers(campaign, sampling.parse_rules(campaign.rules))
    assert sample.candidates == {"B": [uscc(1), uscc(2), uscc(3)]}
    assert sample.counts == {"B": 3}


def test_non_ascii_keys_sort_by_utf8_bytes():
    keys = ["\uff5e", "\U0001f600", "a"]  # UTF-16 order would put the emoji first
    assert sampling.sort_keys(keys) == ["a", "\uff5e", "\U0001f600"]
