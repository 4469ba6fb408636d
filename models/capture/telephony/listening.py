"""Keeping a listener connected: reconnect with back-off, one line for every failure.

A *session* is one connection to a source: it calls ``connected()`` once it listens, runs
until the source closes or ``stop`` is set, and raises for a failure (a refused port, a bus
that went away). :func:`keep_listening` runs sessions until ``stop`` is set, waiting 1, 2,
5, 10, then 30 s between failed attempts (back to 1 s after a session that connected), and
says each failure in one line. ``deliver`` hands one event on and keeps a failure of the
receiving end (a busy database) to one line too: a listener never stops for bad input.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from callsheet.models.capture.telephony import CallEvent, OnCall, Say
from callsheet.models.values.text import printable, short_reason

#: Seconds between attempts after each consecutive failure (the last one repeats).
BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)

Session = Callable[[Callable[[], None]], None]


def keep_listening(
    name: str,
    session: Session,
    say: Say,
    stop: threading.Event,
    *,
    delays: Sequence[float] = BACKOFF,
) -> None:
    """Run ``session`` again and again until ``stop`` is set; never raises for a failure."""
    failures = 0
    while not stop.is_set():
        was_connected = False

        def connected() -> None:
            nonlocal was_connected, failures
            was_connected, failures = True, 0

        try:
            session(connected)
            problem = "the connection closed"
        except Exception as error:  # noqa: BLE001 - a listener outlives any failure
            problem = short_reason(error) or type(error).__name__
        if stop.is_set():
            return
        delay = delays[min(failures, len(delays) - 1)]
        failures += 1
        state = "lost the connection" if was_connected else "cannot connect"
        say(f"{name}: {state} ({printable(problem)}); trying again in {delay:g} s")
        stop.wait(delay)


def deliver(event: CallEvent, on_call: OnCall, say: Say) -> None:
    """Hand ``event`` to ``on_call``; a failure there is one line and the listener goes on."""
    try:
        on_call(event.number, event.event, event.source, event.call)
    except Exception as error:  # noqa: BLE001 - the listener outlives any one event
        reason = short_reason(error) or type(error).__name__
        say(
            f"{event.source}: could not record the {event.event} call from "
            f"{printable(event.number) or 'a withheld number'}: {printable(reason)}"
        )


def tell(say: Say, source: str, problem: str) -> None:
    """One line about input a source sent that was left out."""
    say(f"{source}: left out: {printable(problem)}")
