"""Every command prints a refusal one way (suiji.commands.run_unit): the message and its code, then
each problem by row and field, on stderr; the exit status says so; nothing is changed."""

from __future__ import annotations

import ast

from inspection import errors
from models.audit import AuditEvent
from models.campaigns import Campaign
from models.enums import CampaignState
from tests import factories
from tests.suiji.cli_helpers import ROOT, run_cli

REFUSALS = {name for name, value in vars(errors).items()
            if isinstance(value, type) and issubclass(value, errors.DomainError)}


async def test_a_refusal_lists_its_problems_and_changes_nothing(settings, tmp_path):
    c = await factories.campaign(state=CampaignState.DRAFT)  # no leader, purpose, method …
    result = run_cli(settings, tmp_path, "campaign", "approve", c.code)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "操作失败：实施方案不完整，不能批准（validation_failed）"
    assert "「leader_id」：未指定执法检查组组长" in lines[1:]
    assert result.stdout == ""
    assert (await Campaign.get(id=c.id)).state == CampaignState.DRAFT
    assert not await AuditEvent.filter(action__startswith="campaign.").exists()


async def test_operator_tools_keep_their_exit_status(settings, tmp_path):
    result = run_cli(settings, tmp_path, "publication", "publish", "999999")
    assert result.returncode == 2
    assert result.stderr.strip() == "操作失败：公示任务不存在或无权查看（not_found）"


def test_no_command_handles_a_refusal_or_a_transaction_of_its_own() -> None:
    """The try/except copies and the per-command `in_transaction` stay gone: a command hands its
    unit of work to `run_unit`."""
    found = []
    for path in sorted((ROOT / "suiji" / "commands").glob("*.py")):
        if path.name == "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            caught = isinstance(node, ast.ExceptHandler) and node.type is not None and any(
                isinstance(n, ast.Name) and n.id in REFUSALS for n in ast.walk(node.type))
            opened = isinstance(node, ast.Name | ast.Attribute) and (
                getattr(node, "id", None) == "in_transaction"
                or getattr(node, "attr", None) == "in_transaction")
            imported = isinstance(node, ast.ImportFrom) and any(
                a.name == "in_transaction" for a in node.names)
            if caught or opened or imported:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []
