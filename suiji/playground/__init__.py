"""The playground (docs/playground.md): in development without WeCom, `suiji serve` runs the WeCom
stand-in (`standin.py`), points the WeCom client and the callback at it, and serves `/dev/`,
where a newcomer acts as any demo staff member: sees the cards and texts WeCom would show them,
clicks the cards' buttons and types chat commands (sent as real signed, encrypted callbacks to
our own `/wecom/callback`, `callbacks.py`), and opens the staff app as them.

Anywhere else (another SUIJI_ENV, or WeCom configured) nothing of it runs and `/dev/` is 404.
"""

from __future__ import annotations

from suiji.settings import Settings

PATH = "/dev/"


def enabled(settings: Settings) -> bool:
    """Development only, and only while no real WeCom app or callback is configured."""
    return (settings.env == "development" and not settings.wecom_enabled
            and not settings.wecom_callback_enabled)
