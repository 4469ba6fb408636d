"""bench/mail.py runs end to end at a tiny scale and prints its figures as one JSON object."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_mail_bench_prints_first_run_rerun_and_rescan_times():
    done = subprocess.run(
        [sys.executable, "-m", "bench.mail", "--messages", "60"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout)
    assert {"mail_ms", "mail_rerun_ms", "mail_rescan_ms"} <= set(figures)
    assert figures["messages_read"] > 60  # a share of the messages is filed twice
    assert figures["entries_logged"] > 0
    assert figures["rerun_logged"] == 0 and figures["rescan_logged"] == 0
