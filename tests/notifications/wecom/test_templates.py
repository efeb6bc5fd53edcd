"""Rendering outbox facts into WeCom bodies: every template, within WeCom's field limits."""

from __future__ import annotations

from typing import Any

import pytest

from inspection.messages import Template
from notifications.wecom import cards, render
from notifications.wecom.texts import TEXT_BYTES, clip_bytes

BASE = "https://suiji.example.gov.cn"
LONG = "重庆市涪陵区某某建筑劳务有限责任公司第二分公司" * 4
CODE = "2026-FL-003"
DEADLINE = "2026-03-03T01:00:00+00:00"
TEAMS = [{"code": f"JC2026-{i:04d}", "employer": LONG, "names": ["检查员甲", "检查员乙"]}
         for i in range(60)]
# Facts as large as the domain can make them: long names, many employers and inspections.
SAMPLES: dict[Template, dict[str, Any]] = {
    Template.TEXT: {"content": "长" * 3000},
    Template.CALLUP_CARD: {
        "task_id": "callup-1-1-abcdef", "code": CODE, "title": LONG, "items": [LONG] * 20,
        "field_start": "2026-03-16", "field_end": "2026-03-27", "leader": "刘组长",
        "note": LONG, "deadline": DEADLINE, "employers": [LONG] * 40},
    Template.CALLUP_REMINDER: {"code": CODE, "title": LONG, "deadline": DEADLINE},
    Template.CALLUP_ESCALATION: {"code": CODE, "name": "检查员甲", "deadline": DEADLINE},
    Template.CALLUP_REPLACED: {"code": CODE},
    Template.CALLUP_EXTENDED: {"code": CODE, "deadline": DEADLINE},
    Template.CALLUP_CHASE: {"code": CODE, "title": LONG, "deadline": DEADLINE},
    Template.CALLUP_WITHDRAWN: {"code": CODE, "name": "检查员甲", "reason": LONG,
                                "visits": [t["code"] for t in TEAMS], "called": ["检查员乙"] * 10},
    Template.REPLACEMENT_JOINED: {"code": CODE, "name": "检查员乙",
                                  "short": [t["code"] for t in TEAMS]},
    Template.RECUSAL_APPLIED: {"code": CODE, "name": "检查员甲", "left": [t["code"] for t in TEAMS],
                               "begun": [t["code"] for t in TEAMS], "ended": True,
                               "called": ["检查员乙"] * 10},
    Template.ORDER_EXHAUSTED: {"code": CODE, "title": LONG, "missing": 3},
    Template.TEAM_FORMED: {"code": CODE, "title": LONG, "members": ["检查员甲"] * 30,
                           "employers": [LONG] * 80, "for_leader": True},
    Template.ASSIGNMENT_CARD: {"campaign_id": 7, "code": CODE, "fingerprint": "0123456789abcdef",
                               "teams": TEAMS},
    Template.ASSIGNMENT_ANNOUNCEMENT: {"code": CODE, "teams": TEAMS},
    Template.REPORT_DUE: {"code": CODE, "title": LONG, "due_on": "2026-10-15",
                          "provisional": True, "working_days": 10, "late": 3},
    Template.PUBLICATION_DUE: {"kind": "penalty", "title": LONG, "due_on": "2026-11-03",
                               "provisional": True, "stage": "overdue"},
    Template.RECTIFICATION_OVERDUE: {"employer": LONG, "deadline": "2026-05-06",
                                     "provisional": True},
    Template.CERTIFICATE_EXPIRY: {"section": LONG, "name": "检查员甲", "cert_no": "渝执00001",
                                  "valid_until": "2027-01-28", "days_left": 59},
    Template.CALENDAR_MISSING: {"year": 2027},
    Template.EMPLOYER_UPLOAD: {"employer": LONG, "title": "限期改正指令书", "number": "涪人社监改〔2026〕1号",
                               "file": LONG, "code": CODE},
    Template.CALLUP_ANSWERED: {"state": "declined"},
    Template.ASSIGNMENT_CONFIRMED: {},
}


def payload(template: Template) -> dict[str, Any]:
    out = {"template": str(template), "to": ["zhangsan", "lisi"], "facts": SAMPLES[template]}
    if template in render.UPDATES:
        out["response_code"] = "RC-1"
    return out


def test_every_template_has_a_renderer_and_a_sample():
    assert set(render.CARDS) | set(render.TEXTS) | set(render.UPDATES) == set(Template)
    assert set(SAMPLES) == set(Template)


# WeCom's "发送应用消息" (developer.work.weixin.qq.com/document/path/90236, template_card; the
# same table in path/90372), as recorded in docs/callup.md: 建议不超过 … 个字 for each field.
DOCUMENTED = {"source.desc": 20, "main_title.title": 36, "main_title.desc": 44,
              "sub_title_text": 160, "horizontal_content_list": 6, "horizontal.keyname": 5,
              "horizontal.value": 30, "jump_list": 3, "jump.title": 18, "button_list": 6,
              "button.text": 10, "option_list": 10, "option.text": 16, "task_id.bytes": 128}


def test_limits_are_the_documented_ones():
    assert {k: v for k, v in cards.LIMITS.items() if k != "replace_name"} == DOCUMENTED
    assert TEXT_BYTES == 2048  # 文本消息 content: 最长不超过2048个字节


def _card_within_limits(card: dict[str, Any]) -> None:
    limits = cards.LIMITS
    assert len(card["source"]["desc"]) <= limits["source.desc"]
    assert len(card["main_title"]["title"]) <= limits["main_title.title"]
    assert len(card["main_title"]["desc"]) <= limits["main_title.desc"]
    assert len(card["sub_title_text"]) <= limits["sub_title_text"]
    rows = card.get("horizontal_content_list", [])
    assert len(rows) <= limits["horizontal_content_list"]
    for row in rows:
        assert len(row["keyname"]) <= limits["horizontal.keyname"]
        assert len(row["value"]) <= limits["horizontal.value"]
    assert len(card.get("jump_list", [])) <= limits["jump_list"]
    for jump in card.get("jump_list", []):
        assert len(jump["title"]) <= limits["jump.title"]
    assert 0 < len(card["button_list"]) <= limits["button_list"]
    for button in card["button_list"]:
        assert len(button["text"]) <= limits["button.text"]
    options = card.get("button_selection", {}).get("option_list", [])
    assert len(options) <= limits["option_list"]
    for option in options:
        assert len(option["text"]) <= limits["option.text"]
    assert len(card["task_id"].encode()) <= limits["task_id.bytes"]


@pytest.mark.parametrize("template", list(Template))
def test_every_template_renders_within_wecoms_limits(template: Template):
    if template in render.UPDATES:
        sent = render.update_body(payload(template))
        assert sent["userids"] == ["zhangsan", "lisi"] and sent["response_code"] == "RC-1"
        assert 0 < len(sent["button"]["replace_name"]) <= cards.LIMITS["replace_name"]
        return
    for base_url in ("", BASE):
        sent = render.message_body({**payload(template), "campaign_id": 7}, base_url=base_url)
        assert sent["touser"] == "zhangsan|lisi"
        if template in render.CARDS:
            assert sent["msgtype"] == "template_card"
            _card_within_limits(sent["template_card"])
        else:
            assert sent["msgtype"] == "text"
            words = sent["text"]["content"]
            assert 0 < len(words.encode()) <= TEXT_BYTES
            assert "None" not in words and "{" not in words  # every fact found its place


def test_call_up_card_lays_out_the_facts():
    facts = {**SAMPLES[Template.CALLUP_CARD], "title": "2026年春季工资支付专项检查",
             "items": ["工资支付情况"], "employers": None, "note": ""}
    card = render.message_body({"template": "callup_card", "to": ["insp1"], "facts": facts})
    body = card["template_card"]
    assert body["task_id"] == "callup-1-1-abcdef"
    assert [b["key"] for b in body["button_list"]] == [cards.ACCEPT, cards.DECLINE]
    assert body["button_selection"]["question_key"] == cards.REASON_QUESTION
    values = {r["keyname"]: r["value"] for r in body["horizontal_content_list"]}
    # R14: without employers in the facts the card has no such row at all.
    assert values == {"抽查编号": CODE, "检查时间": "3月16日至3月27日",
                      "组长": "刘组长", "答复期限": "3月3日 9:00"}
    assert body["sub_title_text"] == "抽查事项：工资支付情况"


def test_confirm_key_round_trip():
    key = cards.confirm_key(7, "0123456789abcdef")
    assert cards.parse_confirm_key(key) == ("7", "0123456789abcdef")
    assert cards.parse_confirm_key(cards.ACCEPT) is None
    card = render.message_body(payload(Template.ASSIGNMENT_CARD))["template_card"]
    assert card["button_list"][0]["key"] == key


def test_clip_bytes_cuts_at_a_character():
    assert clip_bytes("短") == "短"
    cut = clip_bytes("长" * 3000)
    assert len(cut.encode()) <= TEXT_BYTES and cut.endswith("…")
    assert set(cut[:-1]) == {"长"}  # no broken character before the ellipsis


@pytest.mark.parametrize("bad", [
    {"template": "no_such_template", "to": ["a"], "facts": {}},
    {"template": "callup_reminder", "to": [], "facts": SAMPLES[Template.CALLUP_REMINDER]},
    {"template": "callup_reminder", "to": ["a"], "facts": {"code": CODE}},
    {"template": "callup_answered", "to": ["a"], "facts": {"state": "declined"}},
    {"touser": "a"},
])
def test_what_cannot_be_rendered_is_refused(bad: dict[str, Any]):
    with pytest.raises(render.RenderError):
        render.message_body(bad)


def test_a_legacy_body_is_passed_through():
    legacy = {"touser": "a", "msgtype": "text", "text": {"content": "旧消息"}}
    assert render.message_body(legacy) is legacy
    update = {"userids": ["a"], "response_code": "RC", "button": {"replace_name": "已接受"}}
    assert render.update_body(update) is update



@pytest.mark.parametrize("template,campaign_id,screen", [
    (Template.CALLUP_CARD, 7, "/callups"),
    (Template.ASSIGNMENT_CARD, 7, "/campaigns/7/proposal"),
])
def test_cards_open_their_screen_in_the_app(template: Template, campaign_id: int, screen: str):
    sent = render.message_body({**payload(template), "campaign_id": campaign_id}, base_url=BASE)
    assert sent["template_card"]["card_action"] == {"type": 1, "url": f"{BASE}/app/#{screen}"}
    # Without a base URL (tests, legacy callers) no link is made up.
    assert "card_action" not in render.message_body(payload(template))["template_card"]


@pytest.mark.parametrize("template,facts,screen", [
    (Template.CALLUP_REMINDER, {}, "/callups"),
    (Template.CALLUP_CHASE, {}, "/callups"),
    (Template.CALLUP_EXTENDED, {}, "/callups"),
    (Template.CALLUP_ESCALATION, {}, "/campaigns/7"),
    (Template.CALLUP_WITHDRAWN, {}, "/campaigns/7"),
    (Template.REPLACEMENT_JOINED, {}, "/campaigns/7/assign"),
    (Template.REPLACEMENT_JOINED, {"short": []}, "/campaigns/7"),
    (Template.RECUSAL_APPLIED, {"left": []}, "/campaigns/7"),
    (Template.TEAM_FORMED, {"for_leader": True}, "/campaigns/7"),
    (Template.TEAM_FORMED, {"for_leader": False}, "/inspections"),
    (Template.ASSIGNMENT_ANNOUNCEMENT, {}, "/inspections"),
    (Template.RECTIFICATION_OVERDUE, {"inspection_id": 12, "order_id": 3},
     "/inspections/12/orders/3"),
    (Template.EMPLOYER_UPLOAD, {"inspection_id": 12}, "/inspections/12/uploads"),
    (Template.CERTIFICATE_EXPIRY, {}, "/desk/certificates"),
    (Template.CALENDAR_MISSING, {}, "/desk/calendar"),
])
def test_messages_link_to_their_screen(template: Template, facts: dict[str, Any], screen: str):
    row = {**payload(template), "campaign_id": 7}
    row["facts"] = {**row["facts"], **facts}
    words = render.message_body(row, base_url=BASE)["text"]["content"]
    # At the end, whole, however long the facts: WeCom cuts a text after 2048 bytes.
    assert words.endswith(f'\n<a href="{BASE}/app/#{screen}">{render.LINK_TEXT}</a>')
    assert len(words.encode()) <= TEXT_BYTES


@pytest.mark.parametrize("template", [Template.CALLUP_REPLACED, Template.TEXT,
                                      Template.REPORT_DUE])
def test_messages_about_nothing_to_open_have_no_link(template: Template):
    words = render.message_body({**payload(template), "campaign_id": 7},
                                base_url=BASE)["text"]["content"]
    assert "<a " not in words


def test_a_provisional_deadline_says_so_and_an_expired_certificate_is_told_as_such():
    def text(template: Template, **facts: Any) -> str:
        body = render.message_body(
            {"template": str(template), "to": ["u"], "facts": {**SAMPLES[template], **facts}})
        return str(body["text"]["content"])

    for template in (Template.REPORT_DUE, Template.PUBLICATION_DUE,
                     Template.RECTIFICATION_OVERDUE):
        assert "（暂定，待国务院公布节假日安排后确认）" in text(template)
        assert "暂定" not in text(template, provisional=False)
    assert "已于2027年1月28日到期" in text(Template.CERTIFICATE_EXPIRY, days_left=-2)
    assert "还剩 59 天" in text(Template.CERTIFICATE_EXPIRY)
