"""Sampling rules (随机抽查规则, R5, R11, R12, R20) and who may be drawn.

A campaign's `rules` JSON (documented with its defaults in docs/sampling.md):

    {"strata": {"A": {"ratio": 0.03}, "B": {"count": 10}, "C": {"ratio": 0.1},
                "ungraded": {"ratio": 0.05}, "blacklist": {"all": true}},
     "filters": {"townships": [...], "industries": [...], "headcount_min": 0, "headcount_max": 99,
                 "categories": [...] or "item_categories": true},
     "min_interval_days": {"A": 365, ...}, "max_per_year": {"A": 1, ...},
     "exclusions": [{"uscc": "9150...", "reason": "已列入专项整治，另行检查"}]}

Strata and frequency limits shape eligibility, never the ranking (DESIGN.md "The draw"). The
eligibility scan reads three columns of the employer roster in one query, so that a roster of a
million employers is a single pass.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Any

from inspection.errors import Problem, ValidationFailed
from inspection.planning import roster_scan
from inspection.rosters import categories
from inspection.rosters import uscc as uscc_code
from models.campaigns import Campaign
from models.enums import StaffStatus
from models.items import ItemVersion
from models.org import Staff

GRADE_STRATA = ("A", "B", "C", "ungraded")
BLACKLIST = roster_scan.BLACKLIST
EMPLOYER_STRATA = (*GRADE_STRATA, BLACKLIST)
INSPECTOR_STRATUM = "inspectors"
# What a stratum is called wherever people read it (the public draw pages, the campaign report);
# the draw record keeps the keys, which the verifier hashes.
STRATUM_LABELS = {"A": "A级", "B": "B级", "C": "C级", "ungraded": "未评级",
                  BLACKLIST: "拖欠农民工工资失信联合惩戒对象名单", INSPECTOR_STRATUM: "执法检查人员"}
# R11/R12 defaults: high-integrity employers are drawn less and less often, low-grade ones more
# (重点检查); blacklisted employers are all drawn and exempt from the frequency limits (R12, R23).
DEFAULT_STRATA: dict[str, dict[str, Any]] = {
    "A": {"ratio": 0.03}, "B": {"ratio": 0.05}, "C": {"ratio": 0.15},
    "ungraded": {"ratio": 0.05}, BLACKLIST: {"all": True},
}
DEFAULT_MIN_INTERVAL_DAYS: dict[str, int] = {"A": 365, "B": 180, "C": 90, "ungraded": 180,
                                             BLACKLIST: 0}
DEFAULT_MAX_PER_YEAR: dict[str, int | None] = {"A": 1, "B": 2, "C": 4, "ungraded": 2,
                                               BLACKLIST: None}
MAX_FILTER_VALUES = 200
MAX_EXCLUSIONS = 500
MAX_EXCLUSION_REASON = 200
PLAN_EXCLUSION = "plan_exclusion"

# Reason codes of exclusions, recorded with the draw, and their Chinese labels for the public page.
REASONS = {
    PLAN_EXCLUSION: "实施方案确定不列入",
    "recent_inspection": "距上次检查未满最短间隔",
    "yearly_limit": "本年度检查次数已达上限",
    "certificate_expires": "执法证在检查期间到期",
    "no_certificate": "无有效执法证",
    "inactive": "人员状态非在岗",
}


def stratum_label(key: str) -> str:
    return STRATUM_LABELS.get(key, key)


@dataclass
class Rules:
    strata: dict[str, dict[str, Any]]
    townships: list[str] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    headcount_min: int | None = None
    headcount_max: int | None = None
    min_interval_days: dict[str, int] = field(default_factory=dict)
    max_per_year: dict[str, int | None] = field(default_factory=dict)
    # R2: only employers of these categories (any of them); empty: every employer.
    categories: list[str] = field(default_factory=list)
    # R2: only employers of the categories the campaign's items concern (resolved at commit).
    item_categories: bool = False
    # Employers the implementation plan (R14) leaves out, each with its reason: USCC -> reason.
    exclusions: dict[str, str] = field(default_factory=dict)

    def count_for(self, stratum: str, candidates: int) -> int:
        """How many to draw from a stratum of `candidates`: a ratio rounds up (R11: enough)."""
        spec = self.strata[stratum]
        if spec.get("all"):
            return candidates
        if "count" in spec:
            return int(spec["count"])
        return math.ceil(float(spec["ratio"]) * candidates - 1e-9)


def _int(value: Any, lo: int, hi: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi


def _check_stratum_spec(name: str, spec: Any, problems: list[Problem]) -> None:
    where = f"rules.strata.{name}"
    if not isinstance(spec, dict) or len(spec) != 1 or next(iter(spec)) not in (
            "ratio", "count", "all"):
        problems.append(Problem("每个分层须且只须设定 ratio（比例）、count（数量）或 all（全部）之一",
                                field=where))
        return
    (kind, value), = spec.items()
    if kind == "ratio" and not (isinstance(value, int | float) and not isinstance(value, bool)
                                and 0 < value <= 1):
        problems.append(Problem("抽取比例须大于 0 且不超过 1", field=where))
    if kind == "count" and not _int(value, 0, 1_000_000):
        problems.append(Problem("抽取数量须为 0 至 1000000 的整数", field=where))
    if kind == "all" and value is not True:
        problems.append(Problem("all 只能为 true", field=where))


def _str_list(raw: dict[str, Any], name: str, problems: list[Problem]) -> list[str]:
    values = raw.get(name, [])
    if not isinstance(values, list) or len(values) > MAX_FILTER_VALUES or not all(
            isinstance(v, str) and 0 < len(v) <= 64 for v in values):
        problems.append(Problem(f"须为不超过 {MAX_FILTER_VALUES} 项的文字列表",
                                field=f"rules.filters.{name}"))
        return []
    return list(values)


def _category_filter(filters: dict[str, Any], problems: list[Problem]) -> tuple[list[str], bool]:
    """R2: `categories` (a list) or `item_categories: true` (those the items concern)."""
    by_items = filters.get("item_categories", False)
    if not isinstance(by_items, bool):
        problems.append(Problem("item_categories 只能为 true 或 false",
                                field="rules.filters.item_categories"))
        by_items = False
    chosen = _str_list(filters, "categories", problems)
    known, unknown = categories.parse(chosen)
    if unknown:
        problems.append(Problem(categories.problem(unknown), field="rules.filters.categories"))
    if known and by_items:
        problems.append(Problem("单位类别只能直接指定，或按抽查事项的适用单位类别确定，二者选一",
                                field="rules.filters.categories"))
    return known, by_items


def _exclusions(raw: Any, problems: list[Problem]) -> dict[str, str]:
    """R14: employers the plan leaves out, each with a reason that is recorded and published
    with the draw like every other exclusion."""
    if raw is None:
        return {}
    if not isinstance(raw, list) or len(raw) > MAX_EXCLUSIONS:
        problems.append(Problem(f"不列入的单位须为不超过 {MAX_EXCLUSIONS} 项的列表",
                                field="rules.exclusions"))
        return {}
    out: dict[str, str] = {}
    for i, entry in enumerate(raw):
        where = f"rules.exclusions.{i}"
        if not isinstance(entry, dict) or set(entry) - {"uscc", "reason"}:
            problems.append(Problem("每项须写明统一社会信用代码和理由", field=where))
            continue
        code, reason = entry.get("uscc"), entry.get("reason")
        if not isinstance(code, str) or not uscc_code.is_valid(code.strip().upper()):
            problems.append(Problem("统一社会信用代码无效", field=f"{where}.uscc"))
            continue
        code = code.strip().upper()
        if not isinstance(reason, str) or not reason.strip():
            problems.append(Problem("请写明不列入的理由", field=f"{where}.reason"))
        elif len(reason.strip()) > MAX_EXCLUSION_REASON:
            problems.append(Problem(f"理由不能超过 {MAX_EXCLUSION_REASON} 字",
                                    field=f"{where}.reason"))
        elif code in out:
            problems.append(Problem("该单位已列出", field=f"{where}.uscc"))
        else:
            out[code] = reason.strip()
    return out


async def categories_of(*, item_version_ids: list[int]) -> list[str]:
    """The employer categories these item versions concern (R2); empty when any of them
    concerns every employer, as then no employer may be left out."""
    stored = await ItemVersion.filter(id__in=item_version_ids).values_list(
        "categories", flat=True)
    names: set[str] = set()
    for value in stored:
        if not value:
            return []
        names.update(categories.split(str(value)))
    return [c for c in categories.CATEGORIES if c in names]


def parse_rules(raw: Any) -> Rules:
    """Validate a campaign's rules and fill in the documented defaults."""
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise ValidationFailed([Problem("抽查规则须为对象", field="rules")])
    problems: list[Problem] = []
    unknown = set(raw) - {"strata", "filters", "min_interval_days", "max_per_year", "exclusions"}
    if unknown:
        problems.append(Problem(f"未知的规则项：{', '.join(sorted(unknown))}", field="rules"))
    strata = raw.get("strata", DEFAULT_STRATA)
    if not isinstance(strata, dict) or not strata or set(strata) - set(EMPLOYER_STRATA):
        problems.append(Problem("分层只能是 A、B、C、ungraded（未评级）、blacklist（黑名单）",
                                field="rules.strata"))
        strata = {}
    for name, spec in strata.items():
        _check_stratum_spec(name, spec, problems)
    filters = raw.get("filters", {})
    if not isinstance(filters, dict):
        problems.append(Problem("筛选条件须为对象", field="rules.filters"))
        filters = {}
    bounds: dict[str, int | None] = {}
    for name in ("headcount_min", "headcount_max"):
        value = filters.get(name)
        if value is not None and not _int(value, 0, 10_000_000):
            problems.append(Problem("职工人数须为非负整数", field=f"rules.filters.{name}"))
            value = None
        bounds[name] = value
    intervals = dict(DEFAULT_MIN_INTERVAL_DAYS)
    yearly: dict[str, int | None] = dict(DEFAULT_MAX_PER_YEAR)
    for name, target, lo, nullable in (("min_interval_days", intervals, 0, False),
                                       ("max_per_year", yearly, 1, True)):
        given = raw.get(name, {})
        if not isinstance(given, dict) or set(given) - set(EMPLOYER_STRATA):
            problems.append(Problem("须按分层（A、B、C、ungraded、blacklist）设定", field=f"rules.{name}"))
            continue
        for stratum, value in given.items():
            if (value is None and nullable) or _int(value, lo, 3660):
                target[stratum] = value
            else:
                problems.append(Problem("取值无效", field=f"rules.{name}.{stratum}"))
    chosen, by_items = _category_filter(filters, problems)
    rules = Rules(strata=strata, townships=_str_list(filters, "townships", problems),
                  industries=_str_list(filters, "industries", problems),
                  headcount_min=bounds["headcount_min"], headcount_max=bounds["headcount_max"],
                  min_interval_days=intervals, max_per_year=yearly, categories=chosen,
                  item_categories=by_items,
                  exclusions=_exclusions(raw.get("exclusions"), problems))
    if problems:
        raise ValidationFailed(problems, "抽查规则有误")
    return rules


@dataclass
class Sample:
    # Per stratum: keys sorted by UTF-8 bytes (the frozen roster) and how many to draw.
    candidates: dict[str, list[str]]
    counts: dict[str, int]
    exclusions: list[dict[str, Any]]


def sort_keys(keys: list[str]) -> list[str]:
    # DESIGN.md: ascending by UTF-8 bytes, which is code-point order, i.e. Python's str order
    # (not UTF-16 order, and not a database collation's order).
    return sorted(keys)


async def _inspections_in_year(year: int) -> dict[str, int]:
    # A merged visit (R20) is one inspection row, so it counts once however many campaigns share it.
    q = roster_scan.Sql()
    rows = await q.rows(
        "SELECT e.uscc, COUNT(*) FROM inspection i JOIN employer e ON e.id = i.employer_id "  # noqa: S608
        f"WHERE i.window_start >= {q.p(dt.date(year, 1, 1))} "
        f"AND i.window_start <= {q.p(dt.date(year, 12, 31))} GROUP BY e.uscc")
    return {r[0]: int(r[1]) for r in rows}


async def sample_employers(campaign: Campaign, rules: Rules) -> Sample:
    """Freeze the employer strata of a campaign: R11 ratio and frequency, R12 grades, R23."""
    ids = await ItemVersion.filter(campaign_items__campaign_id=campaign.id).values_list(
        "id", flat=True)
    return await employer_candidates(field_start=campaign.field_start, rules=rules,
                                     item_version_ids=[int(i) for i in ids])  # type: ignore[call-overload]


async def employer_candidates(*, field_start: dt.date, rules: Rules,
                              item_version_ids: list[int]) -> Sample:
    """Who each stratum's candidates are under `rules` for a field window opening on
    `field_start`. The commit freezes exactly this (through `sample_employers`); the campaign
    form previews it for rules not yet saved, so the count it shows is the count frozen."""
    start = field_start
    if rules.item_categories:
        rules = replace(rules, categories=await categories_of(item_version_ids=item_version_ids))
    days = {s: rules.min_interval_days.get(s, 0) for s in rules.strata}
    # Excluded if inspected fewer than `days` before the first field day (the visit's earliest).
    cutoffs = {s: start - dt.timedelta(days=d) for s, d in days.items() if d > 0}
    found = await roster_scan.scan(scope=rules, on=start, strata=list(rules.strata),
                                   cutoffs=cutoffs)
    exclusions: list[dict[str, Any]] = [
        {"key": key, "stratum": stratum, "reason": "recent_inspection",
         "detail": f"上次检查 {last}，最短间隔 {days[stratum]} 天"}
        for key, stratum, last in found.recent]
    yearly = await _inspections_in_year(start.year)
    candidates: dict[str, list[str]] = {}
    for stratum, keys in found.keys.items():
        limit = rules.max_per_year.get(stratum)
        at_limit = {u: n for u, n in yearly.items() if limit is not None and n >= limit}
        if at_limit:
            exclusions += [{"key": u, "stratum": stratum, "reason": "yearly_limit",
                            "detail": f"{start.year} 年已检查 {at_limit[u]} 次，上限 {limit} 次"}
                           for u in keys if u in at_limit]
            keys = [u for u in keys if u not in at_limit]
        if rules.exclusions:  # R14: left out by the plan, with its reason
            exclusions += [{"key": u, "stratum": stratum, "reason": PLAN_EXCLUSION,
                            "detail": rules.exclusions[u]} for u in keys if u in rules.exclusions]
            keys = [u for u in keys if u not in rules.exclusions]
        candidates[stratum] = sort_keys(keys)
    counts = {s: rules.count_for(s, len(keys)) for s, keys in candidates.items()}
    exclusions.sort(key=lambda e: (e["stratum"], e["key"]))
    return Sample(candidates, counts, exclusions)


async def sample_inspectors(campaign: Campaign) -> Sample:
    """Eligible: active, certificate valid through the whole field window, in the campaign's
    sections (all sections when the campaign names none). R8, R10, R15."""
    section_ids = [s.id for s in await campaign.inspector_sections.all()]
    return await inspector_candidates(section_ids=section_ids, field_end=campaign.field_end,
                                      needed=campaign.inspectors_needed)


async def inspector_candidates(*, section_ids: list[int], field_end: dt.date,
                               needed: int) -> Sample:
    """The inspectors' stratum as the commit freezes it (and the campaign form previews it)."""
    query = Staff.filter(is_inspector=True)
    if section_ids:
        query = query.filter(section_id__in=section_ids)
    keys: list[str] = []
    exclusions: list[dict[str, Any]] = []
    for staff in await query.order_by("id"):
        label = staff.cert_no or f"staff:{staff.id}"
        if staff.status != StaffStatus.ACTIVE:
            reason, detail = "inactive", f"状态：{staff.status.value}"
        elif not staff.cert_no or staff.cert_valid_until is None:
            reason, detail = "no_certificate", "未登记执法证"
        elif staff.cert_valid_until < field_end:
            reason, detail = "certificate_expires", (
                f"执法证有效期至 {staff.cert_valid_until.isoformat()}，"
                f"检查期至 {field_end.isoformat()}")
        else:
            keys.append(staff.cert_no)
            continue
        exclusions.append({"key": label, "stratum": INSPECTOR_STRATUM, "reason": reason,
                           "detail": detail})
    candidates = {INSPECTOR_STRATUM: sort_keys(keys)}
    return Sample(candidates, {INSPECTOR_STRATUM: needed}, exclusions)
