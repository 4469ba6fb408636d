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
