"""Keys handled one after the other, each where the user meant it (issue 23.3).

Textual hands a key to the focused widget's message queue and takes the next key at once.
A key that does its work on the way back up (every binding that is not a priority one:
``tab`` moving focus, ``backspace`` in an Input, ``l`` opening a form) is handled only after
it has bubbled through the widget, its parents and the screen back to the app; keys that
arrived meanwhile (a paste, a fast typist, a terminal that sends a burst) were already given
to the widget that had focus before. So text typed just after ``tab`` landed in the previous
field, and in the filter ``backspace 0 7 2 2`` inserted the digits before the backspace
deleted one of them.

:class:`KeysInOrder` holds every key until the one before it has been handled all the way:
the app follows the key up the widgets it bubbles through with a callback queued behind it
on each (a message queue is first in, first out, so the callback runs after that widget has
handled the key), then on the app itself (which runs the key's binding), then up the same
widgets once more (behind what the binding posted to them: enter in the filter posts
``Input.Submitted``, whose handler focuses the list), and last on the screen on top (a form
the key opened composes and focuses its first field before the callback runs there). Only
then is the next key given out, to whatever has focus by then. A key whose path breaks (its widget
closed while the key was on the way) releases the next after ``KEY_PATIENCE`` at most.

A screen may hold the keys a little longer with a true ``holds_keys``: a form that is saving
does (tui/screens/form_screen.py), so that ``ctrl+s l`` typed at once saves, closes the form
and opens the next one instead of typing ``l`` into the form being saved.
"""

from __future__ import annotations

from collections import deque
from functools import partial

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.timer import Timer

#: seconds after which a key that never reported back stops holding the keys after it (also
#: the longest a screen's ``holds_keys`` holds them: a save waiting for a locked database
#: must not keep ``escape`` from the form)
KEY_PATIENCE = 0.5
#: how often a screen that holds the keys is asked again (seconds)
HOLD_POLL = 0.01


class KeysInOrder(App):
    """An app that gives out a key only after the one before it was handled."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held_keys: deque[events.Key] = deque()
        #: the key being handled (its bubbling not yet followed to the end)
        self._key_in_flight: events.Key | None = None
        self._key_timer: Timer | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._held_keys.append(event)
            await self._give_next()
            return
        await super().on_event(event)

    async def _give_next(self) -> None:
        """Give out the oldest key held, unless one is still being handled."""
        if self._key_in_flight is None and self._held_keys:
            await self._give_out(self._held_keys.popleft())

    async def _give_out(self, key: events.Key) -> None:
        self._key_in_flight = key
        self._key_timer = self.set_timer(KEY_PATIENCE, lambda: self._key_handled(key))
        # Textual's own dispatch: priority bindings, else the focused widget (or the screen)
        await super().on_event(key)
        target: MessagePump = self.focused or self.screen
        if not target.call_later(self._after_node, key, target, target):
            self._key_handled(key)

    def _after_node(self, key: events.Key, node: MessagePump, target: MessagePump | None) -> None:
        """Runs in ``node``'s queue behind ``key``: follow it to the parent it bubbled to.

        Two passes up from the widget the key went to: the first behind the key itself, up
        to the app, which runs the key's binding; the second (``target`` None) behind what
        that binding posted to the widget and what bubbles from it (enter in the filter:
        ``Input.Submitted``, whose handler moves the focus to the list)."""
        parent = node._parent
        if (
            isinstance(parent, MessagePump)
            and parent is not self
            and parent.call_later(self._after_node, key, parent, target)
        ):
            return
        if not self.call_later(self._after_app, key, target):
            self._key_handled(key)

    def _after_app(self, key: events.Key, target: MessagePump | None) -> None:
        """The app has run the key's binding: follow what it posted (the second pass), then
        let the screen on top finish composing."""
        if target is not None and target.call_later(self._after_node, key, target, None):
            return
        try:
            screen = self.screen
        except Exception:  # noqa: BLE001 - no screen (the app is closing)
            self._key_handled(key)
            return
        if not screen.call_later(self.call_later, self._screen_ready, key):
            self._key_handled(key)

    def _screen_ready(self, key: events.Key) -> None:
        """Done, unless the screen in front still works on it (a form saving: the keys after
        ``ctrl+s`` are for the screen the save goes back to, not for the form)."""
        if key is not self._key_in_flight:
            return
        if getattr(self.screen, "holds_keys", False):
            self.set_timer(HOLD_POLL, partial(self._screen_ready, key))
            return
        self._key_handled(key)

    def _key_handled(self, key: events.Key) -> None:
        """The key is done: the next one held is given out from the app's own queue."""
        if key is not self._key_in_flight:
            return  # already released (by its callback or by the patience timer)
        self._key_in_flight = None
        if self._key_timer is not None:
            self._key_timer.stop()
            self._key_timer = None
        if self._held_keys:
            self.call_later(self._give_next)
