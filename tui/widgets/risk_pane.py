"""The risk pane: score and band, the factors with their evidence, advice, and the trend.

Everything shown is built as ``rich.text.Text`` from plain strings, so a summary such as
``[@click=app.quit]`` is printed as typed.
"""

from __future__ import annotations

from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Sparkline, Static

from models.risk import Risk
from tui.widgets.lists import BAND_STYLE, fit, signal_style

EVIDENCE_SHOWN = 3


class RiskPane(VerticalScroll, can_focus=True):
    """Why the selected client scores what they do."""

    def compose(self) -> ComposeResult:
        yield Static(id="risk-score")
        yield Sparkline([0], id="risk-trend")
        yield Static(id="risk-trend-label", classes="dim")
        yield Static(id="risk-factors")
        yield Static(id="risk-advice")

    def show(self, name: str, risk: Risk | None, trend: list[int]) -> None:
        score = self.query_one("#risk-score", Static)
        if risk is None:
            score.update(Text("No client selected.", style="dim italic"))
            self.query_one("#risk-factors", Static).update("")
            self.query_one("#risk-advice", Static).update("")
            self.query_one("#risk-trend", Sparkline).display = False
            self.query_one("#risk-trend-label", Static).update("")
            return
        header = Text()
        header.append(f"{risk.score:>3}", style=BAND_STYLE[risk.band] + Style(bold=True))
        header.append(" / 100  ")
        header.append(risk.band.upper(), style=BAND_STYLE[risk.band])
        header.append("\n")
        header.append(fit(name, 60), style="bold")
        score.update(header)
        sparkline = self.query_one("#risk-trend", Sparkline)
        sparkline.data = trend or [0]
        # a flat zero line would draw as full bars: show the words only
        sparkline.display = bool(trend) and max(trend) > 0
        label = self.query_one("#risk-trend-label", Static)
        if trend:
            change = trend[-1] - trend[0]
            label.update(Text(f"12 weeks: {trend[0]} → {trend[-1]} ({change:+d})", style="dim"))
        factors = Text()
        if not risk.factors:
            factors.append("No warning signs.\n", style="dim")
        for factor in risk.factors:
            factors.append(f"{factor.points:+4d} ", style="bold")
            factors.append(f" {factor.signal.replace('_', ' ')} ", style=signal_style(factor.signal))
            factors.append(f"  {len(factor.evidence)}×\n", style="dim")
            for evidence in factor.evidence[:EVIDENCE_SHOWN]:
                factors.append(f"  {_day(evidence.at)}  ", style="dim")
                factors.append(fit(evidence.summary, 200) + "\n")
            if len(factor.evidence) > EVIDENCE_SHOWN:
                factors.append(f"  … {len(factor.evidence) - EVIDENCE_SHOWN} earlier\n", style="dim")
        if risk.own_mistakes:
            factors.append("\nYour own mistakes (facts, not counted):\n", style="dim")
            for evidence in risk.own_mistakes[:EVIDENCE_SHOWN]:
                factors.append(f"  {_day(evidence.at)}  ", style="dim")
                factors.append(fit(evidence.summary, 200) + "\n")
        self.query_one("#risk-factors", Static).update(factors)
        advice = Text("Advice\n", style="bold")
        for line in risk.advice:
            advice.append("• " + line + "\n")
        self.query_one("#risk-advice", Static).update(advice)


def _day(moment: datetime) -> str:
    return f"{moment.astimezone():%d %b %Y}"
