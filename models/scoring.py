"""Stored risk scores: keeping every client's score current without rereading the log.

(Placeholder until the risk engine lands: it owns this module.)
"""

from __future__ import annotations

from datetime import datetime

from models.entities import Client


def refresh_client(client: Client, now: datetime) -> None:
    """Recompute and store ``client``'s risk as of ``now``."""
