"""The installed ``callsheet`` command, run in another process the way a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

#: the entry point installed beside the interpreter that runs the tests
CALLSHEET = str(Path(sys.executable).with_name("callsheet"))


def callsheet(*args: str, db: Path | str) -> subprocess.CompletedProcess:
    """Run ``callsheet ARGS --db DB`` to the end; fails the test if it fails."""
    return subprocess.run([CALLSHEET, *args, "--db", str(db)], check=True, capture_output=True)
