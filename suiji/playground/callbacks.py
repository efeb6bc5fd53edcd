"""WeCom callbacks built exactly as WeCom sends them: the inner XML of a text message or a
template-card click, AES-encrypted for the corp and signed (SHA-1 `msg_signature`).

The playground sends these to our own `/wecom/callback`; the tests and benchmarks build theirs
here too (tests/wecom_callbacks.py holds their fixed test keys).
"""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass
from xml.sax.saxutils import escape

from wechatpy.enterprise.crypto import PrpCrypto

from bot.crypto import signature


@dataclass(frozen=True)
class CallbackKeys:
    """The WeCom app's callback settings: SUIJI_WECOM_TOKEN, _AES_KEY, _CORP_ID and the agent."""

    token: str
    aes_key: str
    corp_id: str
    agent_id: str


def _cdata(value: str) -> str:
    # CDATA cannot hold "]]>": split it across two sections, as any XML writer would.
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_xml(keys: CallbackKeys, from_user: str, content: str, *, msg_id: str | None = None,
             create_time: int | None = None, to_user: str | None = None) -> str:
    return (f"<xml><ToUserName>{_cdata(to_user or keys.corp_id)}</ToUserName>"
            f"<FromUserName>{_cdata(from_user)}</FromUserName>"
            f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
            f"<MsgType><![CDATA[text]]></MsgType><Content>{_cdata(content)}</Content>"
            f"<MsgId>{msg_id or secrets.randbelow(10**15)}</MsgId>"
            f"<AgentID>{escape(keys.agent_id)}</AgentID></xml>")


def card_event_xml(keys: CallbackKeys, from_user: str, *, task_id: str, key: str,
                   response_code: str, reason: str | None = None,
                   create_time: int | None = None) -> str:
    """A click on a `button_interaction` card's button; `reason`: the drop-down's choice."""
    selected = ""
    if reason is not None:
        selected = ("<SelectedItems><SelectedItem><QuestionKey><![CDATA[reason]]></QuestionKey>"
                    f"<OptionIds><OptionId>{_cdata(reason)}</OptionId></OptionIds>"
                    "</SelectedItem></SelectedItems>")
    return (f"<xml><ToUserName>{_cdata(keys.corp_id)}</ToUserName>"
            f"<FromUserName>{_cdata(from_user)}</FromUserName>"
            f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
            "<MsgType><![CDATA[event]]></MsgType>"
            "<Event><![CDATA[template_card_event]]></Event>"
            f"<EventKey>{_cdata(key)}</EventKey><TaskId>{_cdata(task_id)}</TaskId>"
            "<CardType><![CDATA[button_interaction]]></CardType>"
            f"<ResponseCode><![CDATA[{escape(response_code)}]]></ResponseCode>"
            f"<AgentID>{escape(keys.agent_id)}</AgentID>{selected}</xml>")


def encrypt(inner: str, *, aes_key: str, receive_id: str) -> str:
    key = base64.b64decode(aes_key + "=")
    return PrpCrypto(key).encrypt(inner, receive_id).decode()


def signed(keys: CallbackKeys, inner: str, *, receive_id: str | None = None,
           to_user: str | None = None, at: float | None = None) -> tuple[dict[str, str], str]:
    """(query parameters, body) of one POST to the callback, signed for the moment `at` (now by
    default); `receive_id`, `to_user`: another corp's, to test a refusal."""
    enc = encrypt(inner, aes_key=keys.aes_key, receive_id=receive_id or keys.corp_id)
    ts, nonce = str(int(time.time() if at is None else at)), str(secrets.randbelow(10**10))
    params = {"msg_signature": signature(keys.token, ts, nonce, enc), "timestamp": ts,
              "nonce": nonce}
    body = (f"<xml><ToUserName>{_cdata(to_user or keys.corp_id)}</ToUserName>"
            f"<Encrypt><![CDATA[{enc}]]></Encrypt>"
            f"<AgentID>{_cdata(keys.agent_id)}</AgentID></xml>")
    return params, body


def random_keys(corp_id: str, agent_id: int) -> CallbackKeys:
    """Fresh callback keys (the playground's, one set per process): a 32-character token and a
    43-character EncodingAESKey, as the WeCom console generates them."""
    aes = base64.b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    return CallbackKeys(token=secrets.token_urlsafe(24)[:32], aes_key=aes, corp_id=corp_id,
                        agent_id=str(agent_id))
