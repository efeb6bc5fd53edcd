"""deploy/nginx.conf lets through what the application accepts (an employer's upload on /n/)."""

from __future__ import annotations

import re
from pathlib import Path

from portal.notices import MAX_UPLOAD

CONF = Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf"
UNITS = {"k": 1024, "m": 1024 * 1024, "g": 1024 ** 3, "": 1}


def _limit(location: str) -> int:
    block = re.search(r"location " + re.escape(location) + r" \{(.*?)\n    \}", CONF.read_text(),
                      re.S)
    assert block, location
    size = re.search(r"client_max_body_size (\d+)([kmg]?);", block.group(1))
    assert size, location
    return int(size.group(1)) * UNITS[size.group(2)]


def test_the_notice_page_takes_the_largest_upload_the_application_accepts():
    assert _limit("/n/") >= MAX_UPLOAD + 64 * 1024
