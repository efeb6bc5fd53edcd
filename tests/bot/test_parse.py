"""Safe XML parsing: no DTDs, no entities, clear rejection of malformed bodies."""

import pytest

from bot.crypto import CallbackMalformed
from bot.parse import parse_envelope, parse_message
from tests.wecom_callbacks import card_event_xml, text_xml

BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "<xml><Encrypt>&lol2;</Encrypt></xml>")
EXTERNAL = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            "<xml><Encrypt>&e;</Encrypt></xml>")


@pytest.mark.parametrize("body", [BOMB, EXTERNAL, "<xml><Encrypt>abc", "not xml",
                                  "<other><Encrypt>x</Encrypt></other>", "<xml></xml>"])
def test_bad_envelopes(body):
    with pytest.raises(CallbackMalformed):
        parse_envelope(body)


def test_text_message():
    msg = parse_message(text_xml("zhangsan", "公务 区里开会", msg_id="42", create_time=7))
    assert (msg.msg_type, msg.from_user, msg.content, msg.msg_id) == (
        "text", "zhangsan", "公务 区里开会", "42")
    assert msg.dedup_key == "msg:42"


def test_card_event_with_selection():
    msg = parse_message(card_event_xml("zhangsan", task_id="t1", key="decline",
                                       response_code="RC", reason="meeting", create_time=9))
    assert msg.event == "template_card_event" and msg.task_id == "t1"
    assert msg.selected == {"reason": ["meeting"]} and msg.response_code == "RC"
    assert msg.dedup_key == "evt:zhangsan:9:template_card_event:t1:decline"


def test_message_without_sender_is_malformed():
    with pytest.raises(CallbackMalformed):
        parse_message("<xml><MsgType>text</MsgType></xml>")
