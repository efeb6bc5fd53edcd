"""Parsing WeCom callback XML safely.

defusedxml refuses DTDs and entity declarations outright (no billion laughs, no external
entities); bodies are size-limited by the route before they reach this module.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.crypto import CallbackMalformed

MAX_BODY = 64 * 1024  # WeCom callbacks are a few KiB at most
MAX_CONTENT = 2048  # characters of a text message we act on


def _parse(xml: str) -> ET.Element:
    try:
        root = fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise CallbackMalformed(f"bad XML: {type(exc).__name__}") from exc
    if root.tag != "xml":
        raise CallbackMalformed("root element is not <xml>")
    return root


def _text(root: ET.Element, tag: str) -> str:
    node = root.find(tag)
    return (node.text or "").strip() if node is not None else ""


@dataclass(frozen=True)
class Envelope:
    """The outer, still encrypted body."""

    to_user: str
    encrypt: str
    agent_id: str


def parse_envelope(xml: str) -> Envelope:
    root = _parse(xml)
    encrypt = _text(root, "Encrypt")
    if not encrypt:
        raise CallbackMalformed("no <Encrypt>")
    return Envelope(to_user=_text(root, "ToUserName"), encrypt=encrypt,
                    agent_id=_text(root, "AgentID"))


@dataclass(frozen=True)
class Inbound:
    """One decrypted message or event, in the fields the bot acts on."""

    msg_type: str  # "text", "event", others ignored
    from_user: str
    create_time: int
    to_user: str = ""
    event: str = ""  # e.g. "template_card_event"
    msg_id: str = ""
    content: str = ""
    task_id: str = ""
    event_key: str = ""
    response_code: str = ""
    agent_id: str = ""
    # template card selections: question_key -> option ids
    selected: dict[str, list[str]] = field(default_factory=dict)

    @property
    def dedup_key(self) -> str:
        """WeCom retries a callback it got no timely answer for; this names one delivery."""
        if self.msg_id:
            return f"msg:{self.msg_id}"
        return (f"evt:{self.from_user}:{self.create_time}:{self.event}:{self.task_id}:"
                f"{self.event_key}")

    def to_payload(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Inbound:
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in names})


def parse_message(xml: str) -> Inbound:
    root = _parse(xml)
    msg_type = _text(root, "MsgType")
    from_user = _text(root, "FromUserName")
    try:
        create_time = int(_text(root, "CreateTime") or "0")
    except ValueError as exc:
        raise CallbackMalformed("CreateTime is not a number") from exc
    if not msg_type or not from_user:
        raise CallbackMalformed("MsgType or FromUserName missing")
    selected: dict[str, list[str]] = {}
    for item in root.iterfind("SelectedItems/SelectedItem"):
        key = _text(item, "QuestionKey")
        ids = [(o.text or "").strip() for o in item.iterfind("OptionIds/OptionId")]
        if key:
            selected[key] = [i for i in ids if i]
    return Inbound(
        msg_type=msg_type, from_user=from_user, create_time=create_time,
        to_user=_text(root, "ToUserName"), event=_text(root, "Event"),
        msg_id=_text(root, "MsgId"), content=_text(root, "Content")[:MAX_CONTENT],
        task_id=_text(root, "TaskId"), event_key=_text(root, "EventKey"),
        response_code=_text(root, "ResponseCode"), agent_id=_text(root, "AgentID"),
        selected=selected,
    )
