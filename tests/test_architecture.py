"""The domain package stays free of the user interface (style.md, habit 1)."""

from __future__ import annotations

import ast
from pathlib import Path

MODELS = Path(__file__).resolve().parent.parent / "models"


def _imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_models_never_import_textual_or_tui():
    offenders = [
        f"{path.name}: {module}"
        for path in MODELS.rglob("*.py")
        for module in _imported_modules(path)
        if module.split(".")[0] in {"textual", "tui", "rich"}
    ]
    assert offenders == []
