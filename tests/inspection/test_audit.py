"""R21: every change leaves a chained audit event; any edit, deletion or reordering is found."""

import ast
from pathlib import Path

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from inspection import audit
from models.audit import AuditEvent
from models.org import Section

pytestmark = pytest.mark.usefixtures("clean_db")


async def _three_events() -> None:
    for i in range(3):
        async with in_transaction():
            section = await Section.create(code=f"S{i}", name=f"科室{i}")
            await audit.record(actor="cli", action="section.create", obj=section,
                               after=audit.snapshot(section))


async def test_chain_verifies():
    await _three_events()
    count, brk = await audit.verify_chain()
    assert (count, brk) == (3, None)
    events = await AuditEvent.all().order_by("seq")
    assert events[0].prev_hash == audit.GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].after["name"] == "科室2"


async def test_event_rolls_back_with_its_change():
    try:
        async with in_transaction():
            section = await Section.create(code="X", name="回滚")
            await audit.record(actor="cli", action="section.create", obj=section)
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert await AuditEvent.all().count() == 0
    assert await Section.all().count() == 0


async def test_edited_event_is_found():
    await _three_events()
    ev = await AuditEvent.get(seq=2)
    await connections.get("default").execute_query(
        "UPDATE audit_event SET actor = 'staff:99' WHERE id = " + str(ev.id))
    count, brk = await audit.verify_chain()
    assert count == 1 and brk is not None and brk.seq == 2


async def test_deleted_event_is_found():
    await _three_events()
    await AuditEvent.filter(seq=2).delete()
    count, brk = await audit.verify_chain()
    assert count == 1 and brk is not None and brk.seq == 3


async def test_reordered_events_are_found():
    await _three_events()
    # Swap the contents of events 1 and 2 (keeping their positions).
    one, two = await AuditEvent.get(seq=1), await AuditEvent.get(seq=2)
    await AuditEvent.filter(id=one.id).update(seq=-1)
    await AuditEvent.filter(id=two.id).update(seq=1)
    await AuditEvent.filter(id=one.id).update(seq=2)
    count, brk = await audit.verify_chain()
    assert count == 0 and brk is not None and brk.seq == 1


def _actor_literals(tree: ast.AST) -> list[int]:
    """Lines where an actor is written as a literal: `actor=<literal>` in a call, `actor = ...`,
    `ACTOR = ...`, `actor: str = ...`, or a parameter `actor` defaulting to one."""
    values: list[ast.expr | None] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "actor":
            values.append(node.value)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id.lower() == "actor" for t in targets):
                values.append(node.value)
        elif isinstance(node, ast.arguments):
            params = [*node.posonlyargs, *node.args]
            pairs = [*zip(params[len(params) - len(node.defaults):], node.defaults, strict=True),
                     *zip(node.kwonlyargs, node.kw_defaults, strict=True)]
            values += [default for param, default in pairs if param.arg == "actor"]
    lines = []
    for value in values:
        # `actor or ...`, `a if c else b`: any literal inside counts.
        for v in ast.walk(value) if value is not None else ():
            if isinstance(v, ast.JoinedStr) or (isinstance(v, ast.Constant)
                                                 and isinstance(v.value, str)):
                lines.append(v.lineno)
                break
    return sorted(lines)


def test_actors_are_spelled_by_the_audit_helpers() -> None:
    """No module writes an actor string of its own: `audit.staff_actor`, `employer_actor`,
    `wecom_actor` and the constants are the one spelling (R21: traceable by who)."""
    root = Path(__file__).resolve().parents[2]
    found = []
    for folder in ("inspection", "notifications", "bot", "miniprogram_api", "portal", "suiji"):
        for path in sorted((root / folder).rglob("*.py")):
            if path == root / "inspection" / "audit.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [f"{path.relative_to(root)}:{line}" for line in _actor_literals(tree)]
    assert found == []
    assert audit.staff_actor(12) == "staff:12" and audit.employer_actor(7) == "employer:notice:7"
    assert audit.wecom_actor("zhangsan") == "wecom:zhangsan"
    assert (audit.SYSTEM, audit.CLI, audit.PUBLIC) == ("system", "cli", "public")


def test_the_actor_check_sees_each_spelling() -> None:
    source = """
record(actor="cli")
actor = f"staff:{s.id}"
ACTOR = "cli"
actor: str = "system"
def f(*, actor: str = "system"): ...
def g(actor="public"): ...
record(actor=actor or "public")
fine = audit.staff_actor(3)
record(actor=audit.employer_actor(n.id) if mine else audit.PUBLIC)
"""
    assert _actor_literals(ast.parse(source)) == [2, 3, 4, 5, 6, 7, 8]
