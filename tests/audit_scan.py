"""What the code can write into the audit trail, read from the source (R21): every action string
`audit.record` can be given — literals, both sides of a conditional, names traced to their
assignments or to every call site of the function whose parameter they are, f-strings expanded
over an enum parameter's values — and every key of a dict literal given as `before`/`after`."""

from __future__ import annotations

import ast
import enum
import itertools
from dataclasses import dataclass, field
from pathlib import Path

from models import enums

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("inspection", "notifications", "bot", "miniprogram_api", "portal", "suiji", "tools")
Scope = ast.FunctionDef | ast.AsyncFunctionDef | ast.Module


def sources() -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
            for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def _enum_values(annotation: ast.expr | None) -> set[str] | None:
    cls = getattr(enums, ast.unparse(annotation), None) if annotation is not None else None
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        return {str(m.value) for m in cls}
    return None


@dataclass
class Scan:
    actions: dict[str, set[str]] = field(default_factory=dict)  # action -> where
    fields: dict[str, set[str]] = field(default_factory=dict)  # before/after key -> where
    unresolved: list[str] = field(default_factory=list)


class _Code:
    def __init__(self, texts: dict[str, str]) -> None:
        self.trees = {place: ast.parse(text) for place, text in texts.items()}
        self.parent: dict[int, ast.AST] = {}
        self.place: dict[int, str] = {}
        self.functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        self.calls: list[ast.Call] = []
        for place, tree in self.trees.items():
            for node in ast.walk(tree):
                self.place[id(node)] = place
                for child in ast.iter_child_nodes(node):
                    self.parent[id(child)] = node
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    self.functions.setdefault(node.name, []).append(node)
                if isinstance(node, ast.Call):
                    self.calls.append(node)

    def scope(self, node: ast.AST) -> Scope:
        while not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module):
            node = self.parent[id(node)]
        return node

    def where(self, node: ast.AST) -> str:
        return f"{self.place[id(node)]}:{getattr(node, 'lineno', 0)}"

    def strings(self, expr: ast.expr, scan: Scan, seen: frozenset[str] = frozenset()) -> set[str]:
        """Every string `expr` can evaluate to; what cannot be traced goes to scan.unresolved."""
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.IfExp):
            return self.strings(expr.body, scan, seen) | self.strings(expr.orelse, scan, seen)
        if isinstance(expr, ast.JoinedStr):
            parts: list[set[str]] = []
            for part in expr.values:
                if isinstance(part, ast.FormattedValue):
                    parts.append(self._formatted(part.value, scan, seen))
                else:
                    parts.append(self.strings(part, scan, seen))
            return {"".join(p) for p in itertools.product(*parts)}
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):  # "a." + ("b" if x else "c")
            return {left + right for left in self.strings(expr.left, scan, seen)
                    for right in self.strings(expr.right, scan, seen)}
        if isinstance(expr, ast.Name):
            return self._name(expr, scan, seen)
        scan.unresolved.append(f"{self.where(expr)}: {ast.unparse(expr)}")
        return set()

    def _formatted(self, expr: ast.expr, scan: Scan, seen: frozenset[str]) -> set[str]:
        # `f"campaign.{to.value}"` with `to: CampaignState`: every value of the enum
        if isinstance(expr, ast.Attribute) and expr.attr == "value" and isinstance(expr.value, ast.Name):
            scope = self.scope(expr)
            if not isinstance(scope, ast.Module):
                for arg in scope.args.args + scope.args.kwonlyargs:
                    if arg.arg == expr.value.id and (values := _enum_values(arg.annotation)):
                        return values
        return self.strings(expr, scan, seen)

    def _name(self, expr: ast.Name, scan: Scan, seen: frozenset[str]) -> set[str]:
        scope = self.scope(expr)
        key = f"{self.where(scope)}:{expr.id}"
        if key in seen:
            return set()
        seen = seen | {key}
        found: set[str] = set()
        assigned = [n.value for n in ast.walk(scope) if isinstance(n, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == expr.id for t in n.targets)]
        for value in assigned:
            found |= self.strings(value, scan, seen)
        if isinstance(scope, ast.Module):
            return found
        positional = [a.arg for a in scope.args.posonlyargs + scope.args.args]
        params = positional + [a.arg for a in scope.args.kwonlyargs]
        if expr.id not in params:
            if not assigned:
                scan.unresolved.append(f"{self.where(expr)}: {expr.id}")
            return found
        defaults = dict(zip(positional[::-1], scope.args.defaults[::-1], strict=False))
        defaults |= {a.arg: d for a, d in zip(scope.args.kwonlyargs, scope.args.kw_defaults,
                                             strict=True) if d is not None}
        if expr.id in defaults:
            found |= self.strings(defaults[expr.id], scan, seen)
        index = positional.index(expr.id) if expr.id in positional else None
        for call in self.calls:
            func = call.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name != scope.name:
                continue
            for kw in call.keywords:
                if kw.arg == expr.id:
                    found |= self.strings(kw.value, scan, seen)
            if index is not None and index < len(call.args):
                found |= self.strings(call.args[index], scan, seen)
        return found

    def dict_keys(self, expr: ast.expr) -> set[str]:
        """Keys of a dict literal given as before/after, or of the dict a local name is bound
        to (with `name["key"] = ...` added later)."""
        keys: set[str] = set()
        if isinstance(expr, ast.Dict):
            keys |= {k.value for k in expr.keys if isinstance(k, ast.Constant)
                     and isinstance(k.value, str)}
        elif isinstance(expr, ast.Name):
            scope = self.scope(expr)
            for n in ast.walk(scope):
                if isinstance(n, ast.Assign | ast.AnnAssign):
                    targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                    if any(isinstance(t, ast.Name) and t.id == expr.id for t in targets) \
                            and n.value is not None:
                        keys |= self.dict_keys(n.value)
                    for t in targets:
                        if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) \
                                and t.value.id == expr.id and isinstance(t.slice, ast.Constant):
                            keys.add(str(t.slice.value))
        elif isinstance(expr, ast.Call) and ast.unparse(expr.func).endswith("snapshot") \
                and len(expr.args) > 1 and isinstance(expr.args[1], ast.List):
            keys |= {e.value for e in expr.args[1].elts if isinstance(e, ast.Constant)}
        return keys


def scan(texts: dict[str, str]) -> Scan:
    code, out = _Code(texts), Scan()
    for call in code.calls:
        if ast.unparse(call.func) not in ("audit.record", "record"):
            continue
        for kw in call.keywords:
            if kw.arg == "action":
                for action in code.strings(kw.value, out):
                    out.actions.setdefault(action, set()).add(code.where(call))
            if kw.arg in ("before", "after"):
                for key in code.dict_keys(kw.value):
                    out.fields.setdefault(key, set()).add(code.where(call))
    return out
