"""Markdown that user text cannot break: one line of it, escaped for inline text or a table.

Shared by the call sheet (:mod:`models.briefing`) and the dispute fact sheet
(:mod:`models.facts`), so neither has to import the other.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md(text: str | None) -> str:
    """User text made safe for one line of Markdown (inline, or a table cell)."""
    flat = " ".join((text or "").split())
    flat = "".join(ch for ch in flat if ch.isprintable())
    return _SPECIAL.sub(r"\\\1", flat)
