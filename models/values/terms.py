"""The words callsheet records with: statuses, channels, directions, tones and signals.

Pure values (no database): the tables in :mod:`callsheet.models.store.tables` store them,
:mod:`callsheet.models.values.validate` checks them, the risk model counts them.
"""

from __future__ import annotations

STATUSES = ("prospect", "active", "paused", "declined", "former")
CHANNELS = ("call", "email", "meeting", "message", "note")
#: The channels that are contact with the client, in either direction: a note (or a saved
#: outline) is the consultant writing to themselves, so it never moves the last contact.
CONTACT_CHANNELS = ("call", "email", "meeting", "message")
DIRECTIONS = ("in", "out")
TONES = ("warm", "neutral", "tense", "hostile")
AGREEMENT_STATUSES = ("draft", "active", "done", "cancelled")

#: Warning signs named by practitioners (domain rule 2).
WARNING_SIGNALS = (
    "changed_mind",
    "refused_payment",
    "late_payment",
    "rude",
    "aggressive",
    "missed_call",
    "no_show",
    "complaint",
    "scope_creep",
    "legal_threat",
)
#: The consultant's own mistakes: facts for the record, never client risk (rule 4).
OWN_SIGNALS = ("own_mistake",)
#: Where a log entry came from: typed by the user, or captured (models/capture).
SOURCES = ("typed", "mail", "calendar", "phone")
#: Signs of a healthy relationship (rule 5). ``paid_on_time`` is usually derived from
#: invoices but may also be logged by hand.
POSITIVE_SIGNALS = ("referral", "praise", "paid_on_time")
SIGNALS = WARNING_SIGNALS + OWN_SIGNALS + POSITIVE_SIGNALS
