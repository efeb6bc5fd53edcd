"""JSON logs, one object a line, for journald and log shippers."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def setup_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # aiohttp's access log line is already structured enough; keep it but in JSON.
    logging.getLogger("tortoise").setLevel("WARNING")
    logging.getLogger("aiosqlite").setLevel("WARNING")


# A notice's QR token is the key to its page (and the employer's uploads); one-time OAuth codes
# and tokens in query strings are secrets too. nginx masks them in its log; so does this one.
_NOTICE_TOKEN = re.compile(r"(/n/[A-Za-z0-9_-]{4})[A-Za-z0-9_-]+")
_SECRET_PARAM = re.compile(r"([?&](?:code|token|access_token|state)=)[^&\s]*")


def mask_secrets(path_qs: str) -> str:
    return _SECRET_PARAM.sub(r"\1…", _NOTICE_TOKEN.sub(r"\1…", path_qs))


class AccessLogger(AbstractAccessLogger):
    """aiohttp's access line (client, request line, status, size, seconds) with secrets masked."""

    @property
    def enabled(self) -> bool:
        # aiohttp skips `log` when this is false: no line built and masked per request when the
        # level is above INFO (SUIJI_LOG_LEVEL=WARNING in production compose, the benchmarks).
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        line = (f"{request.remote} \"{request.method} {mask_secrets(request.path_qs)} "
                f"HTTP/{request.version.major}.{request.version.minor}\" {response.status} "
                f"{response.body_length} {time:.6f}")
        self.logger.info(line)
