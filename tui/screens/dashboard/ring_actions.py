"""What the dashboard does when the phone rings (``callsheet ring``; the watch: tui/ringing.py).

- *ringing*: the caller's call sheet opens on top of whatever is open (a half-typed form
  stays underneath, as it was), with the terminal bell and, per ``notify`` in config.toml, a
  desktop notification (OSC 777 or OSC 9 through the terminal, or ``notify_command``); an
  unknown number opens caller lookup with the number filled in (``ctrl+n`` adds them), a
  withheld one says so;
- *answered*: the sheet's top line becomes a timer;
- *ended*: the log form opens filled in (a call, in, the minutes from answer to end, now):
  logging it is one ``ctrl+s``;
- *missed*: a "missed call" item in triage (counted in the header); ``l`` on it logs the
  call back and clears it, ``x`` clears it;
- two calls at once: the newest on top, each sheet naming the other on one line.

A mixin of :class:`~callsheet.tui.screens.dashboard.DashboardScreen`, like the other actions.
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING

from textual import work

from callsheet.models.book.queries import Attention
from callsheet.models.values.text import printable
from callsheet.tui.messages import Notice
from callsheet.tui.ringing import LiveCall, RingsArrived, RingWatch

if TYPE_CHECKING:
    from callsheet.models.capture.ring import Ring
    from callsheet.tui.screens.dashboard.host import DashboardHost
else:  # the host is for the type checker: at run time the mixin's base stays object
    DashboardHost = object

#: seconds a notification command may take before it is left to itself
NOTIFY_COMMAND_TIMEOUT_S = 10


def notification_sequence(title: str, body: str, environ: dict[str, str] | None = None) -> str:
    """A desktop notification sent through the terminal: OSC 9 where the terminal is known to
    read it (iTerm2, kitty, Windows Terminal), else OSC 777 (foot, urxvt, VTE, WezTerm,
    Ghostty). Only one: a terminal that reads both would show it twice."""
    environ = dict(os.environ) if environ is None else environ

    def clean(text: str) -> str:  # no control bytes, no field separator of OSC 777
        return printable(text).replace(";", ",")

    osc9 = (
        environ.get("TERM_PROGRAM") in ("iTerm.app", "WezTerm")
        or "KITTY_WINDOW_ID" in environ
        or "WT_SESSION" in environ
    )
    if osc9:
        return f"\x1b]9;{clean(title)}: {clean(body)}\x07"
    return f"\x1b]777;notify;{clean(title)};{clean(body)}\x07"


class RingActions(DashboardHost):
    """The phone's side of the dashboard (see the module docstring)."""

    #: the calls going on, by key, oldest first; and every call whose screen may be open
    _calls: dict[str, LiveCall]
    _shown_calls: list[LiveCall]

    def watch_the_phone(self) -> None:
        self._calls, self._shown_calls = {}, []
        self.ring_watch = RingWatch(self, self.app.now)
        self.ring_watch.start()

    def stop_watching_the_phone(self) -> None:
        watch = getattr(self, "ring_watch", None)
        if watch is not None:
            watch.stop()

    # by name, not @on: Textual collects @on handlers only from classes of its metaclass
    def on_rings_arrived(self, message: RingsArrived) -> None:
        self.app.mark("ring_heard")  # (bench: how much of ring_to_sheet_ms is the command)
        for ring in message.rings:
            name = message.names.get(ring.client_id) if ring.client_id is not None else None
            self._follow(
                ring, name, message.shown.get(ring.id, ring.number), message.briefs.get(ring.id)
            )
        self._redraw_calls()

    def _follow(self, ring: Ring, name: str | None, shown: str, brief: object = None) -> None:
        key = ring.call or ring.e164 or ring.number or "withheld"
        call = self._calls.get(key)
        if ring.event == "ringing":
            if call is not None and call.event == "ringing" and self._is_open(call):
                return  # the same ring told twice (a tool that repeats itself)
            call = LiveCall(
                key=key,
                event="ringing",
                client_id=ring.client_id,
                name=name or (shown if not ring.withheld else "number withheld"),
                number="" if ring.withheld else shown,
                source=ring.source,
                rang_at=ring.at,
            )
            self._calls.pop(key, None)
            self._calls[key] = call  # the newest last
            self._alert(call)
            self._open(call, brief)
            return
        if call is None:  # the dashboard opened in the middle of this call
            call = LiveCall(
                key=key,
                event=ring.event,
                client_id=ring.client_id,
                name=name or (shown if not ring.withheld else "number withheld"),
                number="" if ring.withheld else shown,
                source=ring.source,
                rang_at=ring.at,
            )
            self._calls[key] = call
            if ring.event == "answered":
                self._open(call)
        call.event = ring.event
        if ring.event == "answered":
            call.answered_at = ring.at
            return
        call.ended_at = ring.at
        call.answered_at = call.answered_at or ring.answered_at
        self._calls.pop(key, None)
        if ring.event == "missed":
            self.notify(f"Missed call from {call.name}: in triage.", markup=False, timeout=8)
            self.load_counts()
            if self.pane.in_triage:
                self.load_attention()
        elif ring.event == "ended" and call.client_id is not None:
            self._offer_log(call)

    def _is_open(self, call: LiveCall) -> bool:
        return call.screen is not None and call.screen in self.app.screen_stack

    def _open(self, call: LiveCall, brief: object = None) -> None:
        """The caller's sheet on top of whatever is open; caller lookup for an unknown number."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.call_sheet import CallSheetScreen
        from callsheet.tui.screens.caller_lookup import CallerLookupScreen

        if call.client_id is not None:
            sheet = CallSheetScreen(call.client_id, call=call, brief=brief)
            call.screen = sheet
            self.app.push_screen(sheet)
        elif call.number:
            lookup = CallerLookupScreen(call.number, call=call)
            call.screen = lookup
            self.app.push_screen(lookup, self._caller_found)
        else:
            self.notify("The phone is ringing: number withheld.", timeout=8)
            return
        self._shown_calls.append(call)

    def _redraw_calls(self) -> None:
        """Each open call screen: its own line, and one line per other call going on."""
        self._shown_calls = [call for call in self._shown_calls if self._is_open(call)]
        going_on = [c for c in self._calls.values() if c.event in ("ringing", "answered")]
        for call in self._shown_calls:
            others = [other.also() for other in reversed(going_on) if other is not call]
            show = getattr(call.screen, "show_call", None)
            if show is not None:
                show(others)

    def _offer_log(self, call: LiveCall) -> None:
        """The call ended: the log form, filled in, on top (its sheet stays under it)."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.call_sheet import CallSheetScreen
        from callsheet.tui.screens.forms import InteractionForm

        minutes = None
        if call.answered_at is not None and call.ended_at is not None:
            minutes = math.ceil((call.ended_at - call.answered_at).total_seconds() / 60)
        if isinstance(call.screen, CallSheetScreen) and self._is_open(call):
            call.screen.log_call(minutes)
            return
        assert call.client_id is not None
        prefill = {"channel": "call", "direction": "in", "when": "now"}
        if minutes is not None:
            prefill["minutes"] = str(minutes)
        form = InteractionForm(call.client_id, call.name, prefill=prefill)
        form.read_back = self._read_back
        self.app.push_screen(form, self._form_saved)

    # -- the bell and the desktop notification -------------------------------------------------
    def _alert(self, call: LiveCall) -> None:
        self.app.bell()
        title = "callsheet: the phone is ringing"
        body = f"{call.name} ({call.number})" if call.number != call.name else call.name
        kind = self.app.config.notify
        if kind == "osc":
            driver = self.app._driver
            if driver is not None and not self.app.is_headless:
                driver.write(notification_sequence(title, body))
        elif kind == "command":
            self._notify_command(title, body)

    @work(thread=True, group="notify", exit_on_error=False)
    def _notify_command(self, title: str, body: str) -> None:
        """``notify_command`` with {title} and {body} filled in, never through a shell."""
        # deferred: only a configured command needs it
        import subprocess

        command = [
            part.replace("{title}", printable(title)).replace("{body}", printable(body))
            for part in self.app.config.notify_command
        ]
        try:
            subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=NOTIFY_COMMAND_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as error:
            self.post_message(
                Notice(f"notify_command {command[0]!r} did not run: {error}", severity="warning")
            )

    # -- missed calls in triage: l logs the call back, x clears -----------------------------
    def missed_call_here(self) -> Attention | None:
        """The triage item under the cursor, when it is a missed call."""
        if not self.pane.in_triage:
            return None
        item = self.pane.attention.current
        return item if item is not None and item.kind == "missed_call" else None

    def call_back(self, item: Attention) -> None:
        """``l`` on a missed call: log the call back (out), which clears it; an unknown
        number opens caller lookup with it filled in instead."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.caller_lookup import CallerLookupScreen
        from callsheet.tui.screens.forms import InteractionForm

        if item.client_id is None:
            if not item.number:
                self.notify("The number was withheld: x clears it.", severity="warning")
                return
            self.app.push_screen(CallerLookupScreen(item.number), self._caller_found)
            return
        form = InteractionForm(
            item.client_id,
            item.client_name,
            prefill={"channel": "call", "direction": "out", "when": "now"},
        )
        form.read_back = self._read_back

        def logged(saved) -> None:
            if saved is not None:
                self.clear_missed_call(item, say=False)
            self._form_saved(saved)

        self.app.push_screen(form, logged)

    @work(thread=True, group="write", exit_on_error=False)
    def clear_missed_call(self, item: Attention, say: bool = True) -> None:
        """``x`` on a missed call (and a logged call back): it leaves triage."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.capture.ring import clear_missed

        ring_id = item.ref
        if ring_id is None or not self._patiently(lambda: clear_missed([ring_id], self.app.now())):
            return
        if say:
            self.post_message(Notice(f"Cleared: {item.text}"))
        self.app.call_from_thread(self.load_counts)
        self.app.call_from_thread(self.load_attention)
