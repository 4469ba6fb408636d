"""The shape of the code: the domain free of the interface, and what an import pulls in.

The contracts between packages are import-linter's (pyproject.toml, run by ``make test``);
these tests check what a contract cannot: what a real process loads (style.md, habit 1).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"


def _imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_models_never_import_textual_or_the_interface():
    offenders = [
        f"{path.name}: {module}"
        for path in MODELS.rglob("*.py")
        for module in _imported_modules(path)
        if module.split(".")[0] in {"textual", "rich"}
        or module == "callsheet.tui"
        or module.startswith("callsheet.tui.")
    ]
    assert offenders == []


def _loaded_by(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_the_who_command_never_loads_textual(tmp_path):
    # `who` answers a ringing phone: it must not pay for the dashboard's library.
    db = tmp_path / "book.db"
    code = (
        "from callsheet.tui.cli import main\n"
        f"main(['--db', {str(db)!r}, 'add', 'Ana Pop', '--phone', '+40 721 234 567'])\n"
        f"main(['--db', {str(db)!r}, 'who', '+40721234567'])\n"
    )
    loaded = _loaded_by(code)
    assert "callsheet.models.book.finding" in loaded  # the lookup really ran
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


@pytest.mark.parametrize(
    "package",
    ["callsheet.models.values", "callsheet.models.risk"],
)
def test_the_pure_packages_never_load_the_database_library(package):
    modules = sorted(
        f"{package}.{path.stem}"
        for path in (MODELS / package.split(".")[-1]).glob("*.py")
        if path.stem != "__init__"
    )
    loaded = _loaded_by("\n".join(f"import {m}" for m in modules))
    assert set(modules) <= loaded
    assert not {m for m in loaded if m.split(".")[0] in {"peewee", "playhouse", "textual"}}


def _function_imports(path: Path):
    """(line, first line of the import group) of every import inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for body in _bodies(node):
            group_start = None
            previous_end = None
            for statement in body:
                if isinstance(statement, ast.Import | ast.ImportFrom):
                    if previous_end is None or statement.lineno != previous_end + 1:
                        group_start = statement.lineno
                    previous_end = statement.end_lineno
                    yield statement.lineno, group_start
                else:
                    previous_end = None


def _bodies(node: ast.AST):
    for child in ast.walk(node):
        for field in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(child, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield block


def test_an_import_inside_a_function_says_why_it_is_deferred():
    # style.md: an import inside a function defers a slow import and says so; it never
    # hides an import circle (import-linter's acyclic contract sees every import).
    unexplained = []
    for top in ("models", "tui"):
        for path in sorted((ROOT / top).rglob("*.py")):
            lines = path.read_text(encoding="utf-8").splitlines()
            for line, group in set(_function_imports(path)):
                above = lines[group - 2].strip() if group >= 2 else ""
                if not (above.startswith("#") and "deferred" in above):
                    unexplained.append(f"{path.relative_to(ROOT)}:{line}")
    assert sorted(unexplained) == []
