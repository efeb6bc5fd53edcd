"""What every script of the demo's staged history needs (suiji/demo/history.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from inspection.notices import particulars
from models.org import Staff
from suiji.demo.days import Days
from suiji.demo.history import History
from suiji.settings import Settings


@dataclass(frozen=True)
class Stage:
    history: History
    days: Days
    settings: Settings
    issuer: particulars.Issuer
    chief: Staff  # approves implementation plans (the 支队's head)
    initiator: Staff  # drafts campaigns, runs draws, publishes, writes reports
    min_delay: dt.timedelta  # R10: from a draw's commitment to its reveal
