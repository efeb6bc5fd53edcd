"""Long lists go to the staff app instead of being cut; dates without leading zeros; prompts
that show what to type."""

from __future__ import annotations

import re
from typing import Any

import pytest

from inspection.messages import Template
from notifications import replies
from notifications.wecom import cards, fit, render
from notifications.wecom.texts import TEXT_BYTES
from tests.notifications.wecom.test_templates import BASE, CODE, LONG, SAMPLES, TEAMS, payload

EMPLOYERS = [f"重庆市涪陵区第{i}建筑劳务有限公司" for i in range(40)]


def _body(template: Template, base_url: str = BASE, **facts: Any) -> dict[str, Any]:
    row = {**payload(template), "campaign_id": 7}
    row["facts"] = {**row["facts"], **facts}
    return render.message_body(row, base_url=base_url)


def test_names_keep_whole_entries_and_say_how_many():
    assert fit.names(["甲", "乙", "丙"], 2, unit="人") == "甲、乙等 3 人"
    assert fit.names(["甲", "乙"], 2) == "甲、乙"
    text, cut = fit.fit_names(EMPLOYERS, 30, unit="家")
    assert cut and len(text) <= 30 and text.endswith("等 40 家")
    assert all(name in EMPLOYERS for name in text.removesuffix("等 40 家").split("、"))


def test_a_call_up_card_with_many_employers_links_the_app():
    card = _body(Template.CALLUP_CARD, employers=EMPLOYERS, items=["工资支付情况"] * 30,
                 note="")["template_card"]
    row = {r["keyname"]: r["value"] for r in card["horizontal_content_list"]}["被检查单位"]
    assert row.endswith("等 40 家") and "…" not in row
    assert card["sub_title_text"].startswith("抽查事项：工资支付情况；") and "等 30 项" in card[
        "sub_title_text"]
    assert card["jump_list"] == [{"type": 1, "title": cards.MORE_TITLE,
                                  "url": f"{BASE}/app/#/callups"}]
    # Everything fits: no link at the end (the card itself still opens the app).
    small = _body(Template.CALLUP_CARD, employers=EMPLOYERS[:1], items=["工资支付情况"],
                  note="")["template_card"]
    assert "jump_list" not in small and small["card_action"]["url"] == f"{BASE}/app/#/callups"


def test_the_proposal_card_lists_whole_inspections_and_links_the_rest():
    card = _body(Template.ASSIGNMENT_CARD)["template_card"]
    lines = card["sub_title_text"].split("\n")
    assert lines[-1].startswith("……另有 ") and lines[-1].endswith(" 项检查")
    shown = len(lines) - 1
    assert lines[-1] == f"……另有 {len(TEAMS) - shown} 项检查"
    assert lines[:-1] == [cards.team_line(t) for t in TEAMS[:shown]]
    assert card["jump_list"][0]["url"] == f"{BASE}/app/#/campaigns/7/proposal"


MANY = [f"JC2026-{i:04d}" for i in range(300)]


@pytest.mark.parametrize("template,facts", [
    (Template.TEAM_FORMED, {}), (Template.ASSIGNMENT_ANNOUNCEMENT, {}),
    (Template.CALLUP_WITHDRAWN, {"visits": MANY}), (Template.RECUSAL_APPLIED, {"left": MANY}),
    (Template.REPLACEMENT_JOINED, {"short": MANY})])
def test_a_long_text_keeps_whole_entries_and_ends_with_the_app(template: Template,
                                                               facts: dict[str, Any]):
    words = _body(template, **facts)["text"]["content"]
    assert len(words.encode()) <= TEXT_BYTES
    text, _, link = words.rpartition("\n<a href=")
    assert link.startswith(f'"{BASE}/app/#/') and text.endswith(fit.MORE_IN_APP)
    assert "…" not in text.replace("……另有", "")  # nothing clipped mid-entry
    assert re.search(r"等 \d+ (项|人|家)|……另有 \d+ 项检查", text)


def test_a_long_reply_keeps_whole_lines():
    lines = [f"{i}. 检查员{i} 已接受" for i in range(300)]
    words = _body(Template.TEXT, content="\n".join(lines))["text"]["content"]
    assert len(words.encode()) <= TEXT_BYTES
    kept = words.split("\n")
    assert kept[-1].startswith("……另有 ") and kept[-1].endswith("行" + fit.MORE_IN_APP)
    assert kept[:-1] == lines[:len(kept) - 1]


DATE = re.compile(r"\d{4}-\d{2}-\d{2}|(?<!\d)0\d月|月0\d日|(?<!\d)0\d:\d\d")


@pytest.mark.parametrize("template", [t for t in Template if t not in render.UPDATES])
def test_dates_have_no_leading_zeros(template: Template):
    sent = _body(template, base_url="")
    card = sent.get("template_card")
    words = (str(card) if card else sent["text"]["content"])
    assert not DATE.search(words.replace(SAMPLES[template].get("task_id", ""), "")), words[:300]


def test_a_year_is_written_when_the_window_is_not_in_the_deadlines_year():
    import datetime as dt

    assert fit.span("2026-03-16", "2026-03-27", near=dt.date(2026, 3, 2)) == "3月16日至3月27日"
    assert fit.span("2026-12-28", "2027-01-08", near=dt.date(2026, 12, 20)) == (
        "2026年12月28日至2027年1月8日")


# A prompt names what to type; a placeholder is never the only thing inside the quotes.
PLACEHOLDERS = ("事由", "姓名", "检查编号", "小时")


@pytest.mark.parametrize("template", [t for t in Template if t not in render.UPDATES
                                      and t not in render.CARDS])
def test_prompts_cannot_be_misread(template: Template):
    words = _body(template, base_url="", **({"short": ["JC2026-0003"], "left": ["JC2026-0003"]}
                                          if template in (Template.REPLACEMENT_JOINED,
                                                          Template.RECUSAL_APPLIED) else {}))
    text = words["text"]["content"]
    for quoted in re.findall(r"回复“([^”]*)”", text):
        assert not any(p in quoted for p in PLACEHOLDERS), (template, quoted)
    if "事由" in text or "姓名" in text:
        assert "例如" in text, text


def test_the_reason_prompt_after_a_decline_click():
    from inspection.callup import calls
    from models.enums import CallUpState

    answer = calls.Answer(code=CODE, title="工资支付专项检查", state=CallUpState.CALLED)
    assert replies.reason_needed(answer) == (
        f"您选择了因公务无法参加 {CODE}，请回复事由，例如：参加区政府专项检查")


def test_a_long_title_is_the_only_thing_clipped():
    card = _body(Template.CALLUP_CARD, title=LONG)["template_card"]
    assert card["main_title"]["title"].endswith("…")
