"""Employer categories (单位类别, R2: fitting sampling methods for different kinds of targets).

Some inspection items concern only some kinds of employers — wage payment on construction
projects (《保障农民工工资支付条例》) concerns 建筑施工企业, job-agency rules 职业介绍机构, labour
dispatch 劳务派遣单位. Employers carry their categories (the roster sheet's 单位类别 column), items
declare the categories they concern (适用单位类别, empty for all employers), and a campaign may
limit its strata to them (docs/sampling.md).

The categories are a fixed list, so that a typo in a sheet is refused rather than silently
leaving an employer out of every draw. They are stored joined by "、"; no name contains another,
so the draw's scan matches each with one LIKE on either database (`like_patterns`).
"""

from __future__ import annotations

from collections.abc import Iterable

from inspection.rosters.importing import split_list

CATEGORIES = ("建筑施工企业", "职业介绍机构", "劳务派遣单位", "人力资源服务机构")
# What people write in sheets for each category.
_ALIASES = {
    "建筑企业": "建筑施工企业", "建筑施工": "建筑施工企业", "施工企业": "建筑施工企业",
    "职业中介机构": "职业介绍机构", "职业介绍": "职业介绍机构", "职业中介": "职业介绍机构",
    "劳务派遣公司": "劳务派遣单位", "劳务派遣": "劳务派遣单位", "劳务派遣企业": "劳务派遣单位",
    "人力资源服务企业": "人力资源服务机构", "人力资源服务": "人力资源服务机构",
}
SEPARATOR = "、"
MAX_STORED = 200  # the columns' length


def allowed_text() -> str:
    return SEPARATOR.join(CATEGORIES)


def parse(value: str | Iterable[str]) -> tuple[list[str], list[str]]:
    """(known categories in the fixed order, unknown words) from a cell or a list."""
    words = split_list(value) if isinstance(value, str) else [w.strip() for w in value]
    known, unknown = set(), []
    for word in words:
        if not word:
            continue
        name = word if word in CATEGORIES else _ALIASES.get(word)
        if name is None:
            unknown.append(word)
        else:
            known.add(name)
    return [c for c in CATEGORIES if c in known], unknown


def problem(unknown: list[str]) -> str:
    return f"单位类别「{'、'.join(unknown)}」无效，应为：{allowed_text()}（可填多个，用顿号分隔）"


def join(names: Iterable[str]) -> str:
    return SEPARATOR.join(names)


def split(stored: str) -> list[str]:
    return [c for c in stored.split(SEPARATOR) if c]


def like_patterns(names: Iterable[str]) -> list[str]:
    return [f"%{name}%" for name in names]
