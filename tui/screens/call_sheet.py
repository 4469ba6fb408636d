"""The call sheet screen: everything to read in the seconds before a call (domain rules 1, 6-8)."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.row_list import printable

_HEADING = {
    "Stance for this call": "bold reverse #e0b050",
    "Risk": "bold #ff6060",
    "Money": "bold #e0b050",
}


class CallSheetScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,c", "close", "Close", id="call_sheet.close"),
        Binding(
            "l",
            "log",
            "Log this call",
            id="call_sheet.log",
            tooltip="Log the call you are about to make",
        ),
        Binding(
            "o",
            "outline",
            "Saying no",
            id="call_sheet.outline",
            tooltip="Reply outline for a request beyond scope",
        ),
        Binding(
            "F",
            "facts",
            "Fact sheet",
            id="call_sheet.facts",
            tooltip="Write the dispute fact sheet",
        ),
    ]

    def __init__(self, client_id: int) -> None:
        super().__init__()
        self.client_id = client_id
        self.brief = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="call-sheet"):
            yield VerticalScroll(Static(Text("Loading…", style="dim"), id="call-sheet-body"))
            yield Static(
                Text("l log this call   o saying no   F fact sheet   escape close", style="dim")
            )

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        from models.briefing import brief_of

        brief = brief_of(self.client_id, self.app.now())
        self.app.call_from_thread(self._show, brief)

    def _show(self, brief) -> None:
        from models.briefing import sections

        self.brief = brief
        text = Text()
        for index, (heading, lines) in enumerate(sections(brief)):
            if index == 0:
                text.append(printable(heading) + "\n", style="bold underline")
            else:
                text.append("\n" + heading + "\n", style=_HEADING.get(heading, "bold"))
            for line in lines:
                text.append("  " + printable(line) + "\n")
        self.query_one("#call-sheet-body", Static).update(text)
        self.app.mark("call_sheet")
        if brief.recent_scope_requests:
            self.notify(
                "Recent requests beyond scope: press o for a 'saying no' outline.", timeout=5
            )

    def action_close(self) -> None:
        self.dismiss(None)

    def action_log(self) -> None:
        from tui.screens.forms import InteractionForm

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
        from tui.screens.reply_outline import ReplyOutlineScreen

        self.app.push_screen(ReplyOutlineScreen(self.client_id))

    def action_facts(self) -> None:
        self._facts()

    @work(thread=True)
    def _facts(self) -> None:
        from models.facts import write_fact_sheet

        path = write_fact_sheet(self.client_id, self.app.now())
        self.app.call_from_thread(
            self.notify, f"Fact sheet written to {path}", timeout=8, markup=False
        )
