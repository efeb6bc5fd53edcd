"""The layout's rules (DESIGN.md "Layout", docs/architecture.md), checked on the source itself.

- The import contracts in pyproject.toml (`lint-imports`) hold, and they do catch a wrong import.
- Adapters reach the domain's parts only through each part's public `__init__` (`__all__`).
- No module over 400 lines; no function over 60 lines without a reason written beside it.
"""

from __future__ import annotations

import ast
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["models", "inspection", "notifications", "bot", "miniprogram_api", "portal", "suiji",
            "tools"]
ADAPTERS = ["bot", "miniprogram_api", "portal", "notifications", "suiji"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# A function may run longer when a comment in the two lines above its `def` (or on it) says why.
LONG_REASON = "# long:"


def _sources(*folders: str) -> list[Path]:
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "*.py"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    return [ROOT / f for f in files if f.split("/", 1)[0] in folders
            and "/migrations/" not in f and (ROOT / f).is_file()]


def _copy_packages(dest: Path) -> None:
    for pkg in PACKAGES:
        shutil.copytree(ROOT / pkg, dest / pkg, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True,
                          text=True, env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
                          timeout=120)


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is in the test extra")
def test_import_contracts_hold_and_catch_a_domain_importing_an_adapter(tmp_path: Path) -> None:
    _copy_packages(tmp_path)
    kept = _lint_imports(tmp_path)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "0 broken" in kept.stdout

    errors = tmp_path / "inspection" / "errors.py"
    errors.write_text(errors.read_text() + "\nimport bot.parse  # a deliberate wrong import\n")
    broken = _lint_imports(tmp_path)
    assert broken.returncode == 1
    assert "The domain imports no adapter" in broken.stdout
    assert "BROKEN" in broken.stdout
    assert "inspection.errors -> bot.parse" in broken.stdout


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is in the test extra")
def test_import_contracts_catch_adapters_importing_each_other(tmp_path: Path) -> None:
    _copy_packages(tmp_path)
    routes = tmp_path / "portal" / "html.py"
    routes.write_text(routes.read_text() + "\nimport miniprogram_api.problems  # wrong\n")
    broken = _lint_imports(tmp_path)
    assert broken.returncode == 1
    assert "Adapters do not import each other BROKEN" in broken.stdout


def _parts() -> dict[str, set[str]]:
    """Each domain part and the names its `__init__` declares public."""
    parts: dict[str, set[str]] = {}
    for init in sorted((ROOT / "inspection").glob("*/__init__.py")):
        module = importlib.import_module(f"inspection.{init.parent.name}")
        parts[init.parent.name] = set(getattr(module, "__all__", []))
    return parts


def test_every_part_declares_its_public_modules() -> None:
    parts = _parts()
    assert {"rosters", "items", "planning", "draw", "callup", "fieldwork", "notices",
            "publication", "credit"} <= set(parts)
    for name, public in parts.items():
        modules = {p.stem for p in (ROOT / "inspection" / name).glob("*.py")} - {"__init__"}
        assert public == modules, f"inspection.{name}.__all__ must list its modules"


def _domain_imports(path: Path) -> list[tuple[int, str, list[str]]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and (
                node.module == "inspection" or node.module.startswith("inspection.")):
            found.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name, []) for a in node.names
                      if a.name.startswith("inspection.")]
    return found


def test_adapters_use_each_part_through_its_public_init() -> None:
    parts = _parts()
    core = {p.stem for p in (ROOT / "inspection").glob("*.py")} - {"__init__"}
    wrong = []
    for path in _sources(*ADAPTERS):
        for line, module, names in _domain_imports(path):
            where = f"{path.relative_to(ROOT)}:{line}"
            dotted = module.split(".")
            if module == "inspection":
                wrong += [f"{where} imports part {n} itself" for n in names
                          if n not in core and n in parts]
            elif len(dotted) == 2 and dotted[1] in parts:
                wrong += [f"{where} {module}.{n} is not public" for n in names
                          if n not in parts[dotted[1]]]
            elif len(dotted) == 2 and dotted[1] in core:
                wrong += [f"{where} {module}.{n} is private" for n in names if n.startswith("_")]
            else:
                wrong.append(f"{where} reaches into {module}")
    assert wrong == []


def _has_reason(lines: list[str], def_line: int) -> bool:
    window = lines[max(0, def_line - 3):def_line]
    return any(LONG_REASON in text for text in window)


def test_no_module_or_function_is_too_long() -> None:
    big, long = [], []
    for path in _sources(*PACKAGES, "tests", "benchmarks"):
        text = path.read_text()
        lines = text.splitlines()
        if len(lines) > MAX_MODULE_LINES:
            big.append(f"{path.relative_to(ROOT)} ({len(lines)} lines)")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                size = (node.end_lineno or node.lineno) - first + 1
                if size > MAX_FUNCTION_LINES and not _has_reason(lines, first):
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({size})")
    assert big == []
    assert long == []
