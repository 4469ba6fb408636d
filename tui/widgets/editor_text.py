"""Handing text to the user's own programs: ``$EDITOR`` for a multi-line field, ``$PAGER`` to read.

``EditorTextArea`` is the multi-line field of the record forms (a summary, a scope): ``ctrl+e``
hands its text to ``$EDITOR`` in a private temporary file and takes back what was saved;
:func:`show_in_pager` shows a long entry or the fact sheet with the dashboard suspended.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile

from textual.binding import Binding
from textual.widgets import TextArea


def external_command(variable: str, fallback: str) -> list[str]:
    """The user's $PAGER / $EDITOR as an argument list (they may carry options: "less -R")."""
    return shlex.split(os.environ.get(variable) or fallback)


def edit_in_editor(app, text: str) -> str | None:
    """Hand ``text`` to $EDITOR in a private temporary file; return what was saved, or None."""
    fd, path = tempfile.mkstemp(prefix="callsheet-", suffix=".txt")  # 0600 by mkstemp
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        with app.suspend():
            result = subprocess.run([*external_command("EDITOR", "vi"), path], check=False)
        if result.returncode != 0:
            return None
        with open(path, encoding="utf-8") as handle:
            return handle.read().rstrip("\n")
    finally:
        os.unlink(path)


def show_in_pager(app, text: str) -> None:
    """Show ``text`` in $PAGER (less by default) with the dashboard suspended."""
    with app.suspend():
        subprocess.run(external_command("PAGER", "less"), input=text.encode("utf-8"), check=False)


class EditorTextArea(TextArea):
    """A multi-line field; ``ctrl+e`` edits its text in $EDITOR."""

    BINDINGS = [
        Binding(
            "ctrl+e",
            "external_edit",
            "Edit in $EDITOR",
            id="text_area.external_edit",
            tooltip="Edit this text in your $EDITOR",
        )
    ]

    @property
    def value(self) -> str:
        return self.text

    def action_external_edit(self) -> None:
        try:
            edited = edit_in_editor(self.app, self.text)
        except Exception as error:  # noqa: BLE001 - no terminal to suspend, no editor found
            self.notify(f"Cannot open $EDITOR: {error}", severity="error", markup=False)
            return
        if edited is not None:
            self.text = edited
