"""The call sheet screen: everything to read in the seconds before a call (domain rules 1, 6-8)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from callsheet.models.values.text import printable
from callsheet.tui.messages import ReportsWorkerFailures
from callsheet.tui.screens.keys import keys_of

if TYPE_CHECKING:
    from textual.timer import Timer

    from callsheet.tui.app import CallsheetApp
    from callsheet.tui.ringing import LiveCall

_key = keys_of("call_sheet")

#: heading -> component class (colours in styles/app.tcss)
_HEADING = {
    "Stance for this call": "call-sheet--stance",
    "Risk": "call-sheet--risk",
    "Money": "call-sheet--money",
}
#: what matters in the seconds before a call comes first, so the stance is above the fold:
#: who (greeting), stance, money, last contacts; then follow-ups, scope, the risk's detail
_ORDER = ("Stance for this call", "Money", "Last contacts", "Open follow-ups", "Scope", "Risk")


def lead_with_what_matters(sections: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """The call sheet's sections in screen order: the first (the person) stays first."""
    first, rest = sections[:1], sections[1:]
    rank = {heading: index for index, heading in enumerate(_ORDER)}
    return first + sorted(rest, key=lambda section: rank.get(section[0], len(_ORDER)))


def draw_call_line(screen: Screen, call: LiveCall | None, others: list[str]) -> bool:
    """The ``#ring-line`` of a screen a ring opened (the call sheet, caller lookup): the
    call's state, then one line for each other call going on. False when there is nothing
    to draw (no call, or the screen is not composed yet: its on_mount draws it)."""
    line = next(screen.query("#ring-line").results(Static), None)
    if line is None:
        return False
    if call is None:
        line.display = False
        return False
    # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
    from callsheet.models.values.when import utcnow

    text = Text(printable(call.status(utcnow())), style="bold reverse")
    for other in others:
        text.append("\n" + printable(other), style="bold")
    line.update(text)
    line.display = True
    return True


class CallSheetScreen(ReportsWorkerFailures, ModalScreen[None]):
    if TYPE_CHECKING:
        app = getters.app(CallsheetApp)  # Textual types ``app`` as any App

    COMPONENT_CLASSES = set(_HEADING.values())
    BINDINGS = [
        _key("escape,q,c", "close", "Close"),
        _key("l", "log", "Log this call", "Log the call you are about to make"),
        _key("o", "outline", "Saying no", "Reply outline for a request beyond scope"),
        _key("F", "facts", "Fact sheet", "Write the dispute fact sheet"),
    ]

    def __init__(self, client_id: int, call: LiveCall | None = None, brief: object = None) -> None:
        super().__init__()
        self.client_id = client_id
        #: the sheet, when the opener read it already (a ring: tui/ringing.py)
        self._ready = brief
        self.brief = None
        self.text = ""
        #: the phone call that opened this sheet (callsheet ring), if one did
        self.call = call
        if call is not None:
            self.add_class("-ringing")  # opaque: see app.tcss
        #: the other calls going on, one line each (the dashboard keeps them current)
        self.others: list[str] = []
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="call-sheet"):
            yield Static("", id="ring-line")
            yield VerticalScroll(Static(Text("Loading…", style="italic"), id="call-sheet-body"))
            yield Static(
                Text("l log this call   o saying no   F fact sheet   escape close"), classes="dim"
            )

    def on_mount(self) -> None:
        self.show_call()
        if self._ready is not None:
            self._show(self._ready)  # painted whole in the first frame
        else:
            self.load()

    # -- the phone call that opened it (tui/screens/dashboard/ring_actions.py) ---------------
    def show_call(self, others: list[str] | None = None) -> None:
        """Redraw the call's line (ringing, a timer once answered, ended, missed) and one
        line for each other call going on."""
        if others is not None:
            self.others = others
        if not draw_call_line(self, self.call, self.others) or self.call is None:
            return
        if self.call.event == "answered" and self._timer is None:
            self._timer = self.set_interval(1.0, self.show_call)
        elif self.call.event != "answered" and self._timer is not None:
            self._timer.stop()
            self._timer = None

    def log_call(self, minutes: int | None) -> None:
        """After the call: the log form filled in (a call, its direction, how long, now)."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.forms import InteractionForm

        name = self.brief.name if self.brief is not None else self.call.name if self.call else ""
        prefill = {"channel": "call", "direction": "in", "when": "now"}
        if minutes is not None:
            prefill["minutes"] = str(minutes)
        self.app.push_screen(InteractionForm(self.client_id, name, prefill=prefill), self._logged)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.briefing.brief import brief_of

        brief = brief_of(self.client_id, self.app.now())
        self.app.call_from_thread(self._show, brief)

    def _show(self, brief) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.briefing.forms import sections

        self.brief = brief
        parts: list = []
        for index, (heading, lines) in enumerate(lead_with_what_matters(sections(brief))):
            if index == 0:
                parts.append(Text(printable(heading), style="bold underline"))
            else:
                style = (
                    self.get_component_rich_style(_HEADING[heading], partial=True)
                    if heading in _HEADING
                    else "bold"
                )
                parts += [Text(""), Text(heading, style=style)]
            # each line indented, and so are its wrapped continuations
            parts += [Padding(Text(printable(line)), (0, 0, 0, 2)) for line in lines]
        self.query_one("#call-sheet-body", Static).update(Group(*parts))
        #: the sheet as plain text, in screen order (for tests and copying)
        self.text = "\n".join(
            part.plain if isinstance(part, Text) else part.renderable.plain for part in parts
        )
        self.app.mark("call_sheet")
        if self.call is not None:  # the bench's ring_to_sheet_ms ends once this is painted
            self.call_after_refresh(self.app.mark, "ring_sheet")
        if brief.recent_scope_requests:
            self.notify(
                "Recent requests beyond scope: press o for a 'saying no' outline.", timeout=5
            )

    def action_close(self) -> None:
        self.dismiss(None)

    def action_log(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.forms import InteractionForm

        if self.brief is not None:
            self.app.push_screen(InteractionForm(self.client_id, self.brief.name), self._logged)

    def _logged(self, saved) -> None:
        if saved is not None:
            self.notify(saved.what, markup=False)
            self.load()
            dashboard = next(
                (s for s in self.app.screen_stack if hasattr(s, "refresh_client")), None
            )
            if dashboard is not None:
                dashboard.refresh_client(saved.client_id)

    def action_outline(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.reply_outline import ReplyOutlineScreen

        self.app.push_screen(ReplyOutlineScreen(self.client_id))

    def action_facts(self) -> None:
        self._facts()

    @work(thread=True, exit_on_error=False)
    def _facts(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.briefing.facts import write_fact_sheet

        path = write_fact_sheet(self.client_id, self.app.now())
        self.app.call_from_thread(
            self.notify, f"Fact sheet written to {path}", timeout=8, markup=False
        )
