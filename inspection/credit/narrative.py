"""The campaign report's text (R19), written from its figures in the order a section hands a
report in: 基本情况, 抽查结果, 发现的主要问题, 处理情况, 下一步工作. Pure functions of the
figures; the PDF and the XLSX both print these paragraphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inspection.notices import issuing
from inspection.planning import sampling
from inspection.typeset import cn_date, cn_number
from models.enums import NoticeKind

SECTION_TITLES = ("一、基本情况", "二、抽查结果", "三、发现的主要问题", "四、处理情况", "五、下一步工作")
PUBLISH_PENALTY_DAYS = 20  # R17


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: list[str]


def percent(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "—"


def stratum(key: str) -> str:
    return sampling.stratum_label(key)


def _listing(parts: list[str]) -> str:
    return "、".join(p for p in parts if p)


def _who(fig: dict[str, Any]) -> str:
    """The call-up of inspectors (R15): sent, accepted, declined with the reason, replaced."""
    c = fig["callups"]
    if not c["called"]:
        return "本次抽查尚未召集执法检查人员。"
    text = f"从执法检查人员名录库中随机抽取执法检查人员，共发出召集{c['called']}人次，接受{c['accepted']}人"
    declines = fig["declines"]
    if declines:
        why = "；".join(f"{d['name']}：{d['reason'].rstrip('。') or '未说明事由'}" for d in declines)
        text += f"，因其他重要公务无法参加{len(declines)}人（{why}）"
    if c["replaced"]:
        text += f"，逾期未答复、由组长决定递补{c['replaced']}人"
    if c["skipped"]:
        text += f"，轮到时已不符合条件而跳过{c['skipped']}人"
    if c["substitutions"]:
        text += f"，按抽取顺序递补召集{c['substitutions']}人次"
    if c["waiting"]:
        text += f"，尚未答复{c['waiting']}人"
    leader = fig["campaign"].get("leader")
    return text + (f"。执法检查组组长由{leader}担任。" if leader else "。")


def basics(fig: dict[str, Any]) -> list[str]:
    camp = fig["campaign"]
    origin = "按照年度抽查计划" if camp.get("planned", True) else "根据工作需要"
    first = (f"{origin}，{camp.get('section', '')}于{cn_date(camp['field_start'])}至"
             f"{cn_date(camp['field_end'])}组织开展{camp['title']}（任务编号：{camp['code']}）。")
    if camp.get("purpose"):
        first += f"本次抽查的目的是{camp['purpose'].rstrip('。')}。"
    items = fig.get("items", [])
    if items:
        first += f"抽查事项{len(items)}项：{_listing([i['name'] for i in items])}。"
    drawn = fig["drawn"]
    if drawn["total"]:
        strata = _listing([f"{stratum(k)}{v}家" for k, v in drawn["by_stratum"].items()])
        second = (f"按照“双随机、一公开”要求，从监管对象名录库中随机抽取用人单位{drawn['total']}家"
                  f"（其中{strata}）；")
    else:
        second = "本次抽查尚未抽取用人单位；"
    return [first, second + _who(fig)]


def results(fig: dict[str, Any]) -> list[str]:
    ins, drawn = fig["inspections"], fig["drawn"]["total"]
    whole = drawn or ins["planned"]
    text = (f"截至报告生成之日，已完成检查{ins['inspected']}家，占抽取单位的"
            f"{percent(ins['inspected'], whole)}")
    if ins["planned"] > ins["inspected"]:
        text += f"，尚未完成{ins['planned'] - ins['inspected']}家"
    text += (f"。发现存在劳动保障违法行为的单位{ins['with_violations']}家，占已检查单位的"
             f"{percent(ins['with_violations'], ins['inspected'])}。")
    rows = fig["findings_by_item"]
    if rows:
        return [text + "各抽查事项的检查结果见下表和下图。"]
    return [text + "本次抽查尚无提交的检查结果，因此不附检查结果表和图。"]


def problems(fig: dict[str, Any]) -> list[str]:
    bad = sorted((r for r in fig["findings_by_item"] if r["noncompliant"]),
                 key=lambda r: -r["noncompliant"])
    if not bad:
        return ["本次抽查未发现劳动保障违法行为。"]
    where = _listing([f"{r['name']}（{r['noncompliant']}家）" for r in bad])
    out = [f"检查发现的问题主要集中在{where}。"]
    for i, r in enumerate(bad, 1):
        text = f"（{cn_number(i)}）{r['name']}：{r['noncompliant']}家单位不符合要求"
        if r.get("examples"):
            text += f"，主要表现为{'；'.join(r['examples'])}"
        out.append(text + "。")
    return out


def handling(fig: dict[str, Any]) -> list[str]:
    rect, pen = fig["rectification"], fig["penalties"]
    if not rect["orders"] and not pen["count"]:
        return ["本次抽查未下达限期改正指令书，也未作出行政处罚决定。"]
    out = []
    if rect["orders"]:
        parts = [f"已整改{rect['rectified']}份" if rect["rectified"] else "",
                 f"整改中{rect['open']}份" if rect["open"] else "",
                 f"逾期未改正转立案查处{rect['escalated']}份" if rect["escalated"] else "",
                 f"撤销{rect['cancelled']}份" if rect["cancelled"] else ""]
        out.append(f"对发现的违法行为，依法下达限期改正指令书{rect['orders']}份，其中{_listing(parts)}。")
    if pen["count"]:
        out.append(f"作出行政处罚决定{pen['count']}件（其中一般程序{pen['general']}件），罚款合计"
                   f"人民币{pen['amount_yuan']}元。")
    served = fig.get("notices", {})
    if served:
        listed = _listing([f"{issuing.SHORT_TITLES[NoticeKind(k)]}{v}份" for k, v in served.items()])
        out.append(f"共向被检查单位送达文书：{listed}。")
    return out


def next_steps(fig: dict[str, Any]) -> list[str]:
    ins, rect, pen = fig["inspections"], fig["rectification"], fig["penalties"]
    steps = []
    if ins["planned"] > ins["inspected"]:
        steps.append(f"对尚未完成检查的{ins['planned'] - ins['inspected']}家单位，查明原因，尽快完成检查。")
    if rect["open"]:
        steps.append(f"对尚在整改期限内的{rect['open']}家单位跟踪督促，期满及时复查；逾期不改正的，依法立案查处。")
    if rect["escalated"]:
        steps.append(f"对转立案查处的{rect['escalated']}家单位依法办理，按时结案。")
    publish = "在抽查公示窗口公示抽查结果"
    if pen["general"]:
        publish += f"，一般程序行政处罚决定自作出之日起{PUBLISH_PENALTY_DAYS}个工作日内公示"
    steps.append(publish + "；将检查结果记入用人单位劳动保障守法诚信档案。")
    bad = [r for r in fig["findings_by_item"] if r["noncompliant"]]
    if bad:
        worst = max(bad, key=lambda r: r["noncompliant"])
        steps.append(f"针对{worst['name']}问题较为集中的情况，加强政策宣传和用工指导，并作为下一轮抽查的"
                     "重点事项。")
    steps.append("梳理本次抽查中发现的制度和政策问题，完善抽查事项清单和抽查工作机制。")
    return [f"{i}. {s}" for i, s in enumerate(steps, 1)]


def sections(fig: dict[str, Any]) -> list[Section]:
    builders = (basics, results, problems, handling, next_steps)
    return [Section(t, b(fig)) for t, b in zip(SECTION_TITLES, builders, strict=True)]
