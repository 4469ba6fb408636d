"""Constants the tests share: the fixed "now" nothing in a test may read from the clock."""

from __future__ import annotations

from datetime import UTC, datetime

#: A fixed "now" so that nothing in a test depends on the clock.
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
