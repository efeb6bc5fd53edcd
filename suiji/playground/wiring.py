"""Starting the playground with `suiji serve`: the stand-in on a port of its own, the WeCom
settings pointing at it, and the `/dev/` routes."""

from __future__ import annotations

import hashlib
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from aiohttp import web

from suiji.playground.callbacks import CallbackKeys, random_keys
from suiji.playground.standin import WeComStandIn
from suiji.settings import Settings

# A corp id in WeCom's form ("ww" and 16 hex digits) that no real corp has: 'playground' in hex.
CORP_ID = "ww706c617967726f"
AGENT_ID = 1000002


@dataclass
class Playground:
    standin: WeComStandIn
    keys: CallbackKeys
    sock: socket.socket


def prepare(settings: Settings) -> tuple[Settings, Playground]:
    """The stand-in (not yet listening: its socket is bound, so its address is known now) and the
    settings with WeCom pointing at it. Its keys are new in every process; what it delivered is
    kept in the data folder, one file per database, so cards survive a restart."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    keys = random_keys(CORP_ID, AGENT_ID)
    database = hashlib.sha256(settings.database_url.encode()).hexdigest()[:12]
    standin = WeComStandIn(corp_id=CORP_ID, secret=secrets.token_urlsafe(24), agent_id=AGENT_ID,
                           state_file=settings.data_dir / "playground" / f"wecom-{database}.json")
    wired = settings.model_copy(update={
        "wecom_corp_id": CORP_ID, "wecom_agent_id": AGENT_ID, "wecom_secret": standin.secret,
        "wecom_api_base": f"http://127.0.0.1:{port}", "wecom_token": keys.token,
        "wecom_aes_key": keys.aes_key})
    return wired, Playground(standin, keys, sock)


def context(playground: Playground) -> Callable[[web.Application], AsyncIterator[None]]:
    """The stand-in's cleanup context: listening before anything sends, closed last."""
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        await playground.standin.start(sock=playground.sock)
        yield
        await playground.standin.close()

    return ctx
