"""Listeners: each telephony tool's own events turned into ring events.

A listener watches one source (KDE Connect's D-Bus signal in :mod:`.kdeconnect`, baresip's
``ctrl_tcp`` stream in :mod:`.baresip`, ModemManager's call objects in :mod:`.modemmanager`)
and calls ``on_call(number, event, source, call)`` for every incoming call that rings, is
answered, ends or is missed; the command line hands that to the ring API. Reading each
source's frames is pure (a function of the bytes or the signal's arguments, tested without
a bus); the connection itself is kept by :func:`.listening.keep_listening`, which reconnects
with back-off and turns every failure into one line for the user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: What a listener reports, in the ring API's words.
RINGING, ANSWERED, ENDED, MISSED = "ringing", "answered", "ended", "missed"

#: ``on_call(number, event, source, call)``: a call event, handed on (to ``record_ring``);
#: ``call`` is the source's own id of the call ("" when it has none), grouping its events.
OnCall = Callable[[str, str, str, str], None]
#: One line for the user (stderr in ``callsheet listen``).
Say = Callable[[str], None]

#: The longest number a listener hands on; anything longer is bad input, not a phone number
#: (E.164 has at most 15 digits; SIP users and formatting make room for more, not for 10k).
MAX_NUMBER_LENGTH = 64


class BadEvent(ValueError):
    """An event a source sent that cannot be read (its text says what, for one line)."""


@dataclass(frozen=True)
class CallEvent:
    """One event of one incoming call: the number as the source gave it, and what happened."""

    number: str
    event: str
    source: str
    call: str = ""


def checked_number(number: object) -> str:
    """``number`` as a listener hands it on; BadEvent when it is not text or far too long.

    Empty text is kept: the ring API reads it as "number withheld".
    """
    if not isinstance(number, str):
        raise BadEvent(f"the number is not text ({type(number).__name__})")
    number = number.strip()
    if len(number) > MAX_NUMBER_LENGTH:
        raise BadEvent(f"the number is {len(number):,} characters long, not a phone number")
    return number
