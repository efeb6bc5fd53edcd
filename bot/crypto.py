"""WeCom callback crypto: signature check and AES decryption with wechatpy's `WeChatCrypto`.

The outer XML is parsed by `bot.parse` (defusedxml) and only the `Encrypt` string is handed to
wechatpy, so wechatpy's own XML parsing never sees untrusted markup. The signature is compared in
constant time before any decryption; wechatpy then checks it again and checks that the receive id
inside the ciphertext is our corp id (a message encrypted for another corp is refused).
"""

from __future__ import annotations

import hashlib
import hmac

from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException

from notifications.wecom.config import CallbackConfig


class CallbackRejected(Exception):
    """The callback is not from WeCom for our corp: answer 403 and change nothing."""


class CallbackMalformed(Exception):
    """The callback is syntactically broken: answer 400 and change nothing."""


def signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """WeCom's msg_signature: SHA-1 of the four values sorted and concatenated."""
    parts = sorted([token, timestamp, nonce, encrypt])
    return hashlib.sha1("".join(parts).encode(), usedforsecurity=False).hexdigest()


class CallbackCrypto:
    def __init__(self, config: CallbackConfig) -> None:
        self._config = config
        self._crypto = WeChatCrypto(config.token, config.aes_key, config.corp_id)

    @property
    def corp_id(self) -> str:
        return self._config.corp_id

    def _check(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        expected = signature(self._config.token, timestamp, nonce, encrypt)
        if not hmac.compare_digest(expected.encode(), msg_signature.encode()):
            raise CallbackRejected("bad signature")

    def _decrypt(self, call: str, *args: object) -> str:
        try:
            result = getattr(self._crypto, call)(*args)
        except InvalidSignatureException as exc:
            raise CallbackRejected("bad signature") from exc
        except Exception as exc:
            # InvalidCorpIdException (another corp's receive id) is a rejection; anything else
            # here (bad base64, bad padding, bad length prefix) is garbage that was signed with
            # our token, which only WeCom has, so treat it as a rejection as well.
            raise CallbackRejected(type(exc).__name__) from exc
        return str(result)

    def verify_url(self, *, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """The GET URL check: return the decrypted echostr to answer with."""
        self._check(msg_signature, timestamp, nonce, echostr)
        return self._decrypt("check_signature", msg_signature, timestamp, nonce, echostr)

    def decrypt(self, *, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> str:
        """A POSTed message: return the inner XML."""
        self._check(msg_signature, timestamp, nonce, encrypt)
        return self._decrypt("decrypt_message", {"Encrypt": encrypt}, msg_signature,
                             timestamp, nonce)

    def encrypt(self, xml: str, *, nonce: str, timestamp: str) -> str:
        """Encrypt and sign a body as WeCom does (used by tests, benchmarks and the stand-in)."""
        return str(self._crypto.encrypt_message(xml, nonce, timestamp))
