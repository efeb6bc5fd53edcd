"""Mini-program sessions in the key-value store (Redis in production): a random 256-bit bearer
token, stored only as its SHA-256, expiring after 12 idle hours and at most 7 days after login,
revocable one by one (logout) or all of one member of staff at once (suspension).

The token is `<staff id>.<random>`: knowing whose session it claims to be lets one MGET read the
session and that person's revocation generation together (one Redis round trip on every request
instead of two). The prefix grants nothing: the stored record is found by the hash of the whole
token and must name the same staff id.

WeCom's `session_key` stays on the server, encrypted with a key derived from SUIJI_SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass

from cryptography.fernet import Fernet

from models.kv import KeyValue

IDLE_TTL = 12 * 3600
MAX_AGE = 7 * 24 * 3600
_REFRESH_EVERY = 300
_GEN_TTL = 30 * 24 * 3600  # longer than MAX_AGE, so a revocation outlives every older session


@dataclass(frozen=True)
class Session:
    key: str  # KV key (hash of the token), never the token itself
    staff_id: int
    userid: str
    created: float
    generation: str


def _key(token: str) -> str:
    return "mp:session:" + hashlib.sha256(token.encode()).hexdigest()


def _gen_key(staff_id: int) -> str:
    return f"mp:staff-generation:{staff_id}"


def _fernet(secret_key: str) -> Fernet:
    raw = hashlib.sha256(("suiji-mp-session-key\n" + secret_key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(raw))


async def create(kv: KeyValue, *, secret_key: str, staff_id: int, userid: str,
                 session_key: str) -> str:
    token = f"{staff_id}.{secrets.token_urlsafe(32)}"  # 256 random bits
    generation = await kv.get(_gen_key(staff_id)) or "0"
    record = {"staff_id": staff_id, "userid": userid, "created": time.time(),
              "seen": time.time(),
              "generation": generation,
              "session_key": _fernet(secret_key).encrypt(session_key.encode()).decode()}
    await kv.set(_key(token), json.dumps(record), ttl=IDLE_TTL)
    return token


async def authenticate(kv: KeyValue, token: str) -> Session | None:
    if not token or len(token) > 128:
        return None
    claimed, dot, _ = token.partition(".")
    if not dot or not claimed.isdigit() or len(claimed) > 10:
        return None
    key = _key(token)
    raw, generation = await kv.get_many([key, _gen_key(int(claimed))])
    if raw is None:
        return None
    record = json.loads(raw)
    age = time.time() - float(record["created"])
    if int(record["staff_id"]) != int(claimed):
        return None
    if age > MAX_AGE or (generation or "0") != record["generation"]:
        await kv.delete(key)
        return None
    if time.time() - float(record.get("seen", 0)) > _REFRESH_EVERY:
        # Sliding expiry, written at most every few minutes rather than on every request.
        record["seen"] = time.time()
        await kv.set(key, json.dumps(record), ttl=min(IDLE_TTL, MAX_AGE - age))
    return Session(key, int(record["staff_id"]), record["userid"], float(record["created"]),
                   record["generation"])


async def revoke(kv: KeyValue, session: Session) -> None:
    await kv.delete(session.key)


async def revoke_all(kv: KeyValue, staff_id: int) -> None:
    """End every session of one member of staff (e.g. when suspended or leaving)."""
    await kv.incr(_gen_key(staff_id), ttl=_GEN_TTL)


async def session_key_of(kv: KeyValue, *, secret_key: str, session: Session) -> str | None:
    raw = await kv.get(session.key)
    if raw is None:
        return None
    token = json.loads(raw)["session_key"]
    return _fernet(secret_key).decrypt(token.encode()).decode()
