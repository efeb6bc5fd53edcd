"""The tests' WeCom callback keys, and the product's builders (suiji/playground/callbacks.py)
bound to them: callbacks exactly as WeCom sends them, AES-encrypted inner XML, SHA-1 signature."""

from __future__ import annotations

from suiji.playground import callbacks
from suiji.playground.callbacks import CallbackKeys

TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
CORP_ID = "ww1436e0e65a779aee"
AGENT_ID = "1000002"
KEYS = CallbackKeys(token=TOKEN, aes_key=AES_KEY, corp_id=CORP_ID, agent_id=AGENT_ID)


def text_xml(from_user: str, content: str, *, msg_id: str | None = None,
             create_time: int | None = None, to_user: str = CORP_ID) -> str:
    return callbacks.text_xml(KEYS, from_user, content, msg_id=msg_id, create_time=create_time,
                              to_user=to_user)


def card_event_xml(from_user: str, *, task_id: str, key: str, response_code: str,
                   reason: str | None = None, create_time: int | None = None) -> str:
    return callbacks.card_event_xml(KEYS, from_user, task_id=task_id, key=key,
                                    response_code=response_code, reason=reason,
                                    create_time=create_time)


def encrypt(inner: str, *, aes_key: str = AES_KEY, receive_id: str = CORP_ID) -> str:
    return callbacks.encrypt(inner, aes_key=aes_key, receive_id=receive_id)


def signed(inner: str, *, token: str = TOKEN, aes_key: str = AES_KEY,
           receive_id: str = CORP_ID, to_user: str = CORP_ID,
           at: float | None = None) -> tuple[dict[str, str], str]:
    """(query parameters, body) of one POST, signed for the moment `at` (now by default)."""
    keys = CallbackKeys(token=token, aes_key=aes_key, corp_id=CORP_ID, agent_id=AGENT_ID)
    return callbacks.signed(keys, inner, receive_id=receive_id, to_user=to_user, at=at)
