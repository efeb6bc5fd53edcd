"""One label table per enum: the Chinese word for a state is written once, so the notice page,
the report, the window and the staff app cannot drift apart (`models/enums.py` keeps the codes,
the domain module that owns an enum keeps its labels; the draw kinds' wording is the stdlib
verifier's, `inspection/draw/verifier.py`, which the domain reads)."""

from __future__ import annotations

import ast
import enum
import re
from collections import defaultdict
from pathlib import Path

from models import enums

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("inspection", "notifications", "bot", "miniprogram_api", "portal", "suiji")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Per-kind texts that are not a label: the notice's full printed title (its label is
# SHORT_TITLES), its number pattern, the heading of its list of items.
NOT_LABELS = {"TITLES", "NUMBER_WORDS", "ITEMS_HEADING"}
Enums = dict[str, set[str]]  # enum name -> its values


def _model_enums() -> Enums:
    return {name: {m.value for m in cls} for name, cls in vars(enums).items()
            if isinstance(cls, type) and issubclass(cls, enum.Enum)
            and cls.__module__ == enums.__name__}


def _domain_enums(trees: list[ast.Module]) -> Enums:
    """Enums declared in the code itself (e.g. a publication duty's state): a class whose base
    names an Enum, with its string members."""
    found: Enums = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                    "Enum" in ast.unparse(base) for base in node.bases):
                found[node.name] = {s.value.value for s in node.body
                                    if isinstance(s, ast.Assign)
                                    and isinstance(s.value, ast.Constant)
                                    and isinstance(s.value.value, str)}
    return found


def _aliases(tree: ast.Module, known: Enums) -> dict[str, str]:
    """Module-level `S = CampaignState`: the short name stands for the enum."""
    return {t.id: node.value.id for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Name) and node.value.id in known
            for t in node.targets if isinstance(t, ast.Name)}


def _enum_of(keys: list[ast.expr], known: Enums, aliases: dict[str, str]) -> str | None:
    """The enum a dict literal's keys belong to: `Enum.MEMBER` keys, or string keys that are the
    values of exactly one enum."""
    if all(isinstance(k, ast.Attribute) and isinstance(k.value, ast.Name) for k in keys):
        names = {aliases.get(k.value.id, k.value.id) for k in keys}  # type: ignore[attr-defined]
        return names.pop() if len(names) == 1 and names <= set(known) else None
    if all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in keys):
        wanted = {k.value for k in keys}  # type: ignore[attr-defined]
        owners = [n for n, values in known.items() if wanted <= values]
        return owners[0] if len(owners) == 1 else None
    return None


def _dicts(tree: ast.AST) -> list[tuple[str, ast.Dict]]:
    """Dict literals with the name they are bound to ("" when not bound to a plain name)."""
    named = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            named[id(node.value)] = next((t.id for t in targets if isinstance(t, ast.Name)), "")
    return [(named.get(id(n), ""), n) for n in ast.walk(tree) if isinstance(n, ast.Dict)]


def label_tables(sources: dict[str, str]) -> dict[str, list[str]]:
    """Where each enum's values are given Chinese words in a dict literal: {enum: [file:line]}."""
    trees = {place: ast.parse(text) for place, text in sources.items()}
    known = _model_enums() | _domain_enums(list(trees.values()))
    found: dict[str, list[str]] = defaultdict(list)
    for place, tree in trees.items():
        aliases = _aliases(tree, known)
        for name, node in _dicts(tree):
            if name in NOT_LABELS or len(node.keys) < 2 or None in node.keys:
                continue
            if not any(isinstance(v, ast.Constant) and isinstance(v.value, str)
                       and CJK.search(v.value) for v in node.values):
                continue
            owner = _enum_of([k for k in node.keys if k is not None], known, aliases)
            if owner is not None:
                found[owner].append(f"{place}:{node.lineno}")
    return found


def _sources() -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
            for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def test_one_label_table_per_enum() -> None:
    tables = label_tables(_sources())
    assert {name: places for name, places in tables.items() if len(places) > 1} == {}
    # The check sees tables at all: these enums have theirs.
    assert {"CallUpState", "InspectionState", "DrawKind", "DrawStatus", "ItemVersionStatus",
            "RectificationState", "FollowUpResult", "CampaignState", "DutyState",
            "PublicationKind", "MajorViolationCategory"} <= set(tables)


def test_a_second_table_is_found() -> None:
    second = {
        "portal/x.py": 'KIND = {"employers": "单位", "inspectors": "人员"}\n',
        "bot/y.py": ("from models.enums import CampaignState\nS = CampaignState\n"
                     'WORDS = {S.DRAFT: "草稿", S.CLOSED: "已结束"}\n'),
        "portal/z.py": 'LIST = {"employers": "employers", "inspectors": "inspectors"}\n',
    }
    tables = label_tables({**_sources(), **second})
    assert "portal/x.py:1" in tables["DrawKind"] and "bot/y.py:3" in tables["CampaignState"]
    assert not any("portal/z.py" in place for places in tables.values() for place in places)
