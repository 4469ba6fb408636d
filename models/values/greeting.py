"""How to greet a client: "Bună ziua, dl. Ionescu" (domain rule 1).

Kept apart from the call sheet so ``callsheet who``, run on every incoming call, imports
only this and the phone look-up.
"""

from __future__ import annotations

from datetime import datetime

from callsheet.models.values.when import to_zone

_HELLO = {
    "en": ("Good morning", "Good afternoon", "Good evening"),
    "ro": ("Bună dimineața", "Bună ziua", "Bună seara"),
    "pl": ("Dzień dobry", "Dzień dobry", "Dobry wieczór"),
    "ru": ("Доброе утро", "Добрый день", "Добрый вечер"),
}


def greeting_for(language: str, salutation: str, name: str, at: datetime) -> str:
    """The greeting in their language for the local time of day, with their salutation or name."""
    hour = to_zone(at).hour
    part = 0 if hour < 12 else 1 if hour < 18 else 2
    hello = _HELLO.get((language or "en").lower()[:2], _HELLO["en"])[part]
    return f"{hello}, {salutation or name}"
