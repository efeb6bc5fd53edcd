"""Build WeCom callbacks exactly as WeCom does: AES-encrypted inner XML, SHA-1 msg_signature."""

from __future__ import annotations

import base64
import secrets
import time
from xml.sax.saxutils import escape

from wechatpy.enterprise.crypto import PrpCrypto

from bot.crypto import signature

TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
CORP_ID = "ww1436e0e65a779aee"
AGENT_ID = "1000002"


def text_xml(from_user: str, content: str, *, msg_id: str | None = None,
             create_time: int | None = None, to_user: str = CORP_ID) -> str:
    return (f"<xml><ToUserName><![CDATA[{to_user}]]></ToUserName>"
            f"<FromUserName><![CDATA[{from_user}]]></FromUserName>"
            f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
            f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
            f"<MsgId>{msg_id or secrets.randbelow(10**15)}</MsgId>"
            f"<AgentID>{AGENT_ID}</AgentID></xml>")


def card_event_xml(from_user: str, *, task_id: str, key: str, response_code: str,
                   reason: str | None = None, create_time: int | None = None) -> str:
    selected = ""
    if reason is not None:
        selected = ("<SelectedItems><SelectedItem><QuestionKey><![CDATA[reason]]></QuestionKey>"
                    f"<OptionIds><OptionId><![CDATA[{reason}]]></OptionId></OptionIds>"
                    "</SelectedItem></SelectedItems>")
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{from_user}]]></FromUserName>"
            f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
            "<MsgType><![CDATA[event]]></MsgType>"
            "<Event><![CDATA[template_card_event]]></Event>"
            f"<EventKey><![CDATA[{key}]]></EventKey><TaskId><![CDATA[{task_id}]]></TaskId>"
            "<CardType><![CDATA[button_interaction]]></CardType>"
            f"<ResponseCode><![CDATA[{escape(response_code)}]]></ResponseCode>"
            f"<AgentID>{AGENT_ID}</AgentID>{selected}</xml>")


def encrypt(inner: str, *, aes_key: str = AES_KEY, receive_id: str = CORP_ID) -> str:
    key = base64.b64decode(aes_key + "=")
    return PrpCrypto(key).encrypt(inner, receive_id).decode()


def signed(inner: str, *, token: str = TOKEN, aes_key: str = AES_KEY,
           receive_id: str = CORP_ID, to_user: str = CORP_ID,
           at: float | None = None) -> tuple[dict[str, str], str]:
    """(query parameters, body) of one POST, signed for the moment `at` (now by default)."""
    enc = encrypt(inner, aes_key=aes_key, receive_id=receive_id)
    ts, nonce = str(int(time.time() if at is None else at)), str(secrets.randbelow(10**10))
    params = {"msg_signature": signature(token, ts, nonce, enc), "timestamp": ts, "nonce": nonce}
    body = (f"<xml><ToUserName><![CDATA[{to_user}]]></ToUserName>"
            f"<Encrypt><![CDATA[{enc}]]></Encrypt><AgentID><![CDATA[{AGENT_ID}]]></AgentID></xml>")
    return params, body
