"""Power loss right after an acknowledgement loses nothing (SQLite on a real ext4 volume).

The harness is bench/power.py's: a 64 MB ext4 image on a loop device, the dashboard open on a
database there, and after each acknowledged write (a command's exit 0, the dashboard's
"Logged call with ..." notice) the image is copied at once, without any sync: what ext4 had
not yet written is gone from the copy, as after a power cut. The copy is repaired by e2fsck
and the entry looked for. With ``synchronous=NORMAL`` (callsheet's setting before) the same
harness lost 5/5 command-line writes and 3/3 dashboard saves; ``python -m bench power
--synchronous normal`` repeats that figure. Needs root and loop devices (CI has both);
elsewhere it is reported as skipped, with the reason.
"""

from __future__ import annotations

import threading

import pytest

from bench.power import Unavailable, ext4_volume, trials
from callsheet.models.store.db import database
from callsheet.models.store.opening import open_database

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def volume(tmp_path):
    try:
        with ext4_volume(tmp_path) as mounted:
            yield mounted
    except Unavailable as error:
        pytest.skip(f"no loop-mounted file system on this machine: {error}")


async def test_a_power_cut_right_after_the_acknowledgement_loses_nothing(volume, tmp_path):
    figures = await trials(volume, tmp_path, cli=5, dashboard=3)

    assert figures.acknowledged == {"cli": 5, "dashboard": 3}
    assert figures.lost == {"cli": [], "dashboard": []}


def test_every_connection_syncs_at_each_commit_including_worker_threads(tmp_path):
    open_database(tmp_path / "callsheet.db")
    seen = [database.obj.execute_sql("PRAGMA synchronous").fetchone()[0]]

    def worker() -> None:  # as a dashboard thread worker: its own connection
        seen.append(database.obj.execute_sql("PRAGMA synchronous").fetchone()[0])
        database.obj.close()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()

    assert database.obj.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert seen == [2, 2]  # FULL: in WAL mode, the WAL is fsynced at every commit
