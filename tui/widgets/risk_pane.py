"""The risk pane: score and band, a 12-week sparkline, the factors with their evidence, the
stance and advice; ``$`` shows what the score would be if the unpaid invoices were paid.

Drawn line by line like the lists (a ``ScrollView`` with ``render_line`` over text wrapped
once per width), so showing another client repaints only this pane and never re-lays out
the screen: with Static widgets each update cost a full-screen layout (~30 ms). Everything
is built as ``rich.text.Text`` from plain strings, so a summary such as
``[@click=app.quit]`` is printed as typed.
"""

from __future__ import annotations

import re
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.scroll_view import ScrollView
from textual.strip import Strip

from callsheet.models.risk.model import Risk
from callsheet.models.values.when import day_text
from callsheet.tui.widgets.lists import MARK_CLASSES, Marks, fit
from callsheet.tui.widgets.row_list import set_virtual_height

EVIDENCE_SHOWN = 3
BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    """Scores 0-100 as bars, on an absolute scale so 12 weeks at 0 is a flat floor."""
    return "".join(BARS[min(len(BARS) - 1, value * len(BARS) // 101)] for value in values)


class RiskPane(Marks, ScrollView, can_focus=True):
    """Why the selected client scores what they do."""

    DEFAULT_CSS = """
    RiskPane { overflow-y: scroll; overflow-x: hidden; }
    """
    COMPONENT_CLASSES = MARK_CLASSES

    BINDINGS = [
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="risk.up"),
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="risk.down"),
        Binding(
            "dollar_sign",
            "what_if_paid",
            "If paid",
            key_display="$",
            id="risk.what_if_paid",
            tooltip="The score if the unpaid invoices were paid today (stores nothing)",
        ),
        Binding(
            "b",
            "screen.score_check",
            "How good is the score?",
            id="risk.score_check",
            tooltip="Backtest: late payment per band as scored on each issue day, AUC, trend",
        ),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.paragraphs: list[Text] = [Text("No client selected.", style="italic")]
        #: per paragraph, how far its wrapped lines are indented (hanging indent)
        self.indents: list[int] = [0]
        self._lines: list[Strip] = []
        self._width = -1
        self._shown: tuple[str, Risk | None, list[int]] = ("", None, [])
        self.now: datetime | None = None
        #: whether the what-if line is shown; it stays on from one client to the next
        self.what_if_shown = False

    def show(
        self, name: str, risk: Risk | None, trend: list[int], now: datetime | None = None
    ) -> None:
        self._shown = (name, risk, trend)
        self.now = now or self.now
        self.paragraphs = self._compose_text(name, risk, trend)
        self.indents = [getattr(p, "indent", 0) for p in self.paragraphs]
        self._width = -1
        self.scroll_to(y=0, animate=False, immediate=True)
        self._wrap()
        self.refresh()

    def on_mount(self) -> None:
        # published once the new theme's styles are in force (a style update comes before)
        self.app.theme_changed_signal.subscribe(self, self._new_theme)

    def _new_theme(self, theme) -> None:
        if self._shown[1] is not None:  # a new theme: redraw in its colours
            self.paragraphs = self._compose_text(*self._shown)
            self.indents = [getattr(p, "indent", 0) for p in self.paragraphs]
            self._width = -1
            self._wrap()
            self.refresh()

    def action_what_if_paid(self) -> None:
        """Show or hide the score as it would be if the unpaid invoices were paid today."""
        self.what_if_shown = not self.what_if_shown
        name, risk, trend = self._shown
        self.paragraphs = self._compose_text(name, risk, trend)
        self.indents = [getattr(p, "indent", 0) for p in self.paragraphs]
        self._width = -1
        self._wrap()
        self.refresh()

    @property
    def text(self) -> str:
        """Everything the pane says, as plain text (for tests and the call sheet)."""
        return "\n".join(p.plain for p in self.paragraphs)

    def _compose_text(self, name: str, risk: Risk | None, trend: list[int]) -> list[Text]:
        if risk is None:
            return [Text("No client selected.", style="italic")]
        out = []
        header = Text()
        header.append(f"{risk.score:>3}", style=self.band_style(risk.band) + Style(bold=True))
        header.append(" / 100  ")
        header.append(risk.band.upper(), style=self.band_style(risk.band))
        out.append(header)
        out.append(Text(fit(name, 200), style="bold"))
        if self.what_if_shown:
            out.append(self._what_if_text(risk))
        if trend:
            line = Text(sparkline(trend), style=self.band_style(risk.band))
            line.append(
                f"  12 weeks: {trend[0]} → {trend[-1]} ({trend[-1] - trend[0]:+d})",
                style=self.mark("dim"),
            )
            out.append(line)
        out.append(Text(""))
        if not risk.factors:
            out.append(Text("No warning signs.", style=self.mark("dim")))
        else:
            out.append(_Formula(f"points {risk.points.formula()}", style=self.mark("dim")))
        if risk.floor:
            line = Text("At least watch: ", style=self.band_style("watch"))
            line.append(fit(f"{risk.floor.reason} ({risk.floor.evidence.summary})", 300))
            out.append(line)
        for factor in risk.factors:
            line = Text()
            line.append(f"{factor.points:+4d} ", style="bold")
            line.append(f" {factor.label} ", style=self.signal_style(factor.signal))
            line.append(f"  {len(factor.evidence)}×", style=self.mark("dim"))
            out.append(line)
            for evidence in factor.evidence[:EVIDENCE_SHOWN]:
                out.append(self._evidence(evidence))
            if len(factor.evidence) > EVIDENCE_SHOWN:
                out.append(
                    Text(
                        f"  … {len(factor.evidence) - EVIDENCE_SHOWN} earlier",
                        style=self.mark("dim"),
                    )
                )
        if risk.own_mistakes:
            out.append(Text(""))
            out.append(Text("Your own mistakes (facts, not counted):", style=self.mark("dim")))
            for evidence in risk.own_mistakes[:EVIDENCE_SHOWN]:
                out.append(self._evidence(evidence))
        out.append(Text(""))
        stance = Text("Stance: ", style="bold")
        stance.append(risk.stance.title.upper(), style="bold reverse")
        out.append(stance)
        out.append(Text(fit(risk.stance.text, 600)))
        out.append(Text(""))
        out.append(Text("Advice", style="bold"))
        for advice in risk.advice:
            out.append(_hanging(Text("• " + advice), 2))
        return out

    def _evidence(self, evidence) -> Text:
        """ "  21 Jan  what happened", wrapped lines indented under "what happened"."""
        day = day_text(evidence.at, self.now or evidence.at)
        line = Text("  ")
        line.append(f"{day}  ", style=self.mark("dim"))
        line.append(fit(evidence.summary, 300))
        return _hanging(line, 2 + len(day) + 2)

    def _what_if_text(self, risk: Risk) -> Text:
        what = risk.what_if
        if what is None:
            return Text("$ nothing unpaid: paying changes nothing", style=self.mark("dim"))
        line = Text("$ if ")
        line.append(
            f"invoice {fit(what.paid[0], 40)} was"
            if len(what.paid) == 1
            else f"{len(what.paid)} unpaid invoices were"
        )
        line.append(" paid today: ")
        line.append(f"{risk.score}", style=self.band_style(risk.band))
        line.append(" → ")
        line.append(
            f"{what.score} ({what.band})", style=self.band_style(what.band) + Style(bold=True)
        )
        return line

    def _wrap(self) -> None:
        width = max(self.scrollable_content_region.width, 10)
        if width == self._width:
            return
        console = self.app.console
        lines: list[Strip] = []
        for paragraph, indent in zip(self.paragraphs, self.indents, strict=False):
            wrapped = (
                _formula_lines(paragraph, width)
                if isinstance(paragraph, _Formula)
                else _wrap_hanging(console, paragraph, width, indent)
            )
            for line in wrapped:
                lines.append(Strip(list(line.render(console))))
        self._lines = lines
        self._width = width
        set_virtual_height(self, len(lines))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_offset.y) + y
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        return (
            self._lines[index].crop(0, width).extend_cell_length(width).apply_style(self.rich_style)
        )

    def on_resize(self) -> None:
        self._wrap()
        self.refresh()


class _Formula(Text):
    """The points formula: broken only before its operators, never inside a term."""


def _formula_lines(formula: Text, width: int) -> list[Text]:
    """``formula`` on one line if it fits, else a term per line from its operators on
    ("+ behaviour 67" under "points 165 = money 98"), indented by two."""
    if formula.cell_len <= width:
        return [formula]
    plain = formula.plain
    cuts = [m.start() + 1 for m in re.finditer(r" [+-] ", plain)]
    pieces = [formula[a:b] for a, b in zip([0, *cuts], [*cuts, len(plain)], strict=True)]
    lines: list[Text] = []
    for piece in pieces:
        if lines and lines[-1].cell_len + piece.cell_len <= width:
            lines[-1] = lines[-1] + piece
        else:
            lines.append(piece if not lines else Text("  ") + piece)
    for line in lines:
        line.rstrip()  # in place: the space before the operator that starts the next line
    return lines


class _Hanging(Text):
    """A paragraph whose wrapped lines start ``indent`` cells in."""

    indent = 0


def _hanging(text: Text, indent: int) -> Text:
    paragraph = _Hanging()
    paragraph.append_text(text)
    paragraph.indent = indent
    return paragraph


def _wrap_hanging(console, paragraph: Text, width: int, indent: int) -> list[Text]:
    """``paragraph`` wrapped to ``width``, every line after the first indented by ``indent``."""
    if indent <= 0 or indent >= width - 4 or paragraph.cell_len <= width:
        return list(paragraph.wrap(console, width, overflow="fold")) or [Text("")]
    head, body = paragraph[:indent], paragraph[indent:]
    wrapped = list(body.wrap(console, width - indent, overflow="fold")) or [Text("")]
    lines = [head + wrapped[0]]
    lines += [Text(" " * indent) + line for line in wrapped[1:]]
    return lines
