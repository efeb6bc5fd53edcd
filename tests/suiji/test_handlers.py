"""Every topic the domain writes has a handler in the worker's registry (else: "no handler")."""

import ast
import pathlib

from models.kv import MemoryKV
from suiji.handlers import build_handlers

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _topic_literals() -> set[str]:
    """String constants that look like topics, anywhere in the domain and adapters."""
    found: set[str] = set()
    for folder in ("inspection", "bot", "miniprogram_api", "portal", "notifications"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                        node.value.startswith(("timer.", "wecom.")) and " " not in node.value \
                        and node.value.count(".") == 1 and not node.value.endswith("."):
                    found.add(node.value)
    return found


def test_every_topic_has_a_handler():
    registry = set(build_handlers(wecom_client=None, kv=MemoryKV()))
    topics = _topic_literals()
    assert {"wecom.message", "wecom.update_card", "timer.callup_deadline",
            "timer.publication_due", "timer.rectification_due", "timer.report_due"} <= topics
    assert topics - registry == set()
