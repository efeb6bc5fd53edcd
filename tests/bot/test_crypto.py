"""Callback crypto against Tencent's official vectors (wecom/tencent_vectors.json)."""

import json
from pathlib import Path

import pytest

from bot.crypto import CallbackCrypto, CallbackRejected
from bot.parse import parse_envelope, parse_message
from notifications.wecom.config import CallbackConfig

# A copy of the shared file, so the suite runs from a clean clone.
VECTORS = json.loads((Path(__file__).parent / "tencent_vectors.json").read_text())


def crypto(corp_id: str | None = None) -> CallbackCrypto:
    return CallbackCrypto(CallbackConfig(VECTORS["token"], VECTORS["aes_key"],
                                         corp_id or VECTORS["corp_id"]))


def test_url_check_vector():
    v = VECTORS["verify"]
    plain = crypto().verify_url(msg_signature=v["msg_signature"], timestamp=v["timestamp"],
                                nonce=v["nonce"], echostr=v["echostr"])
    assert plain == "1288432023552776189"


def test_post_vector():
    p = VECTORS["post"]
    env = parse_envelope(p["body"])
    inner = crypto().decrypt(msg_signature=p["msg_signature"], timestamp=p["timestamp"],
                             nonce=p["nonce"], encrypt=env.encrypt)
    msg = parse_message(inner)
    assert (msg.from_user, msg.content, msg.msg_id) == ("ChenJiaShun", "你好", "1456453720")
    assert msg.dedup_key == "msg:1456453720"


def test_forged_signature_refused():
    v = VECTORS["verify"]
    with pytest.raises(CallbackRejected):
        crypto().verify_url(msg_signature="0" * 40, timestamp=v["timestamp"], nonce=v["nonce"],
                            echostr=v["echostr"])


def test_wrong_corp_id_refused():
    p = VECTORS["post"]
    env = parse_envelope(p["body"])
    with pytest.raises(CallbackRejected):
        crypto("wwsomeoneelse00000").decrypt(msg_signature=p["msg_signature"],
                                             timestamp=p["timestamp"], nonce=p["nonce"],
                                             encrypt=env.encrypt)
