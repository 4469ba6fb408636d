"""How good is the score? The backtest of ``callsheet risk --backtest`` on the dashboard.

Per band, the share of invoices paid late (more than 14 days after due, or still unpaid that
long) when the client was scored on the issue day from what came before, as a horizontal
bar of block characters with the figure, its 95% interval and the counts beside it; the
AUC and the Brier score; the late share of the invoices issued in each of the last twelve
months; and the caveat when there are too few cases. Computed in a worker (a second or two
at 10,000 clients). The bars take the band colours of the theme, the text the theme's own,
so the dark and the light theme both read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from callsheet.tui.messages import ReportsWorkerFailures
from callsheet.tui.screens.keys import keys_of

if TYPE_CHECKING:
    from callsheet.models.risk.backtest import Backtest
    from callsheet.tui.app import CallsheetApp

_key = keys_of("score_check")

#: a bar's last cell, by eighths filled
_EIGHTHS = " ▏▎▍▌▋▊▉"
_FULL = "█"


def bar(share: float, scale: float, width: int) -> str:
    """``share`` of ``scale`` as a bar ``width`` cells long at most, to an eighth of a cell
    (a share above nothing shows at least a sliver)."""
    if scale <= 0 or width <= 0:
        return ""
    eighths = round(min(share / scale, 1.0) * width * 8)
    if share > 0 and eighths == 0:
        eighths = 1
    whole, part = divmod(eighths, 8)
    return _FULL * whole + (_EIGHTHS[part] if part else "")


def _percent(share: float) -> str:
    return f"{share:.2%}" if 0 < share < 0.01 else f"{share:.1%}"


def _scale(shares: list[float]) -> float:
    """The share a full bar stands for: the largest, rounded up to the next tenth."""
    top = max(shares, default=0.0)
    tenths = int(top * 10 - 1e-9) + 1
    return min(max(tenths, 1) / 10, 1.0)


def report(result: Backtest, width: int, band_style, dim="dim") -> Text:
    """The screen's text for ``width`` columns (``band_style(band)``: a band's style)."""
    text = Text()
    text.append("How good is the score?\n", style="bold underline")
    text.append(
        "Each invoice scored as of its issue day, from what was recorded before it, against"
        " whether it was paid more than 14 days after due (or is still unpaid that long).\n",
        style=dim,
    )
    if not result.invoices:
        text.append("\nNo invoice with a known outcome yet: nothing to measure.\n")
        return text
    text.append(
        f"\n{result.invoices:,} invoices, {result.outcomes:,} late"
        f" ({_percent(result.base_rate)}); {result.unknown:,} not known yet.\n\n"
    )
    text.append("Late payment by band\n", style="bold")
    scale = _scale([b.rate for b in result.bands])
    # "watch " + bar + " 27.7%  26.7-28.7%" + "  7,763 inv, 2,152 late"
    figures = [
        (b, f" {_percent(b.rate):>6}  {_percent(b.low)}-{_percent(b.high)}") for b in result.bands
    ]
    counts = [
        f"  {b.invoices:,} invoices, {b.outcomes:,} late" + ("  too few cases" if b.few else "")
        for b in result.bands
    ]
    tail = max(len(f) for _, f in figures)
    room = width - 7 - tail
    show_counts = room - max(len(c) for c in counts) >= 12
    if show_counts:
        room -= max(len(c) for c in counts)
    room = max(room, 8)
    for (band, figure), count in zip(figures, counts, strict=True):
        drawn = bar(band.rate, scale, room)
        text.append(f"{band.band:<6} ", style=band_style(band.band))
        text.append(drawn, style=band_style(band.band))
        text.append(" " * (room - len(drawn)) + f"{figure:<{tail}}")
        if show_counts:
            text.append(count, style=dim)
        text.append("\n")
    text.append(f"{'':7}full bar = {_percent(scale)}; 95% Wilson intervals\n", style=dim)
    if not show_counts:
        for band, count in zip(result.bands, counts, strict=True):
            text.append(f"{'':7}{band.band}:{count.strip()}\n", style=dim)
    text.append("\n")
    if result.auc is None:
        text.append("AUC: none (every invoice had the same outcome)\n")
    else:
        area, low, high = result.auc
        text.append(f"AUC {area:.3f}", style="bold")
        text.append(f"  95% {low:.3f}-{high:.3f}  (0.5 is chance, 1 ranks every late one first)\n")
    skill = 1 - result.brier / result.brier_base if result.brier_base else 0.0
    text.append(f"Brier {result.brier:.4f}", style="bold")
    text.append(
        f"  against {result.brier_base:.4f} for the base rate alone ({skill:+.1%});"
        " binned, cross-validated by client\n"
    )
    text.append(
        "Bands ordered (high above watch above low): " + ("yes" if result.ordered else "NO") + "\n"
    )
    text.append("\nLate payment by month of issue, last 12 months\n", style="bold")
    months = list(result.months)
    month_scale = _scale([m.rate for m in months])
    month_room = max(width - 8 - 30, 8)
    for month in months:
        if not month.invoices:
            text.append(f"{month.month} ", style=dim)
            text.append("no invoice with a known outcome\n", style=dim)
            continue
        drawn = bar(month.rate, month_scale, month_room)
        text.append(f"{month.month} ")
        text.append(drawn, style=band_style("watch"))
        text.append(" " * (month_room - len(drawn)))
        text.append(f" {_percent(month.rate):>6} of {month.invoices:,}")
        text.append(f" +{month.pending:,} open\n" if month.pending else "\n", style=dim)
    text.append(f"{'':8}full bar = {_percent(month_scale)}", style=dim)
    if any(m.pending for m in months):
        text.append(
            "; +N open: not yet 14 days past due, left out (their late ones are still to"
            " come, so those months read low)",
            style=dim,
        )
    text.append("\n")
    if result.few:
        text.append(
            f"\nToo few cases: {result.outcomes} late invoices (under 30). These figures say"
            " little yet; they firm up as the book grows.\n",
            style="bold",
        )
    return text


class ScoreCheckScreen(ReportsWorkerFailures, ModalScreen[None]):
    """The backtest's figures, drawn."""

    if TYPE_CHECKING:
        app = getters.app(CallsheetApp)  # Textual types ``app`` as any App

    COMPONENT_CLASSES = {"mark--band-low", "mark--band-watch", "mark--band-high", "mark--dim"}
    BINDINGS = [
        _key("escape,q", "close", "Close"),
        _key("ctrl+r", "reload", "Again", "Replay the book again (after new invoices)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: Backtest | None = None
        #: what the screen shows, as plain text (for tests)
        self.text = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="call-sheet score-check"):
            yield VerticalScroll(
                Static(Text("Replaying the book…", style="dim"), id="score-check-body")
            )
            yield Static(Text("ctrl+r again   escape close", style="dim"))

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book.backtest import backtest

        result = backtest("late", self.app.now())
        self.app.call_from_thread(self._show, result)

    def _show(self, result: Backtest) -> None:
        self.result = result
        self._draw()

    def _draw(self) -> None:
        if self.result is None:
            return
        body = self.query_one("#score-check-body", Static)
        # two columns kept for the scroll bar, which shows once the text is longer than the box
        width = max((body.size.width or self.size.width - 8) - 2, 40)

        def band_style(band: str):
            return self.get_component_rich_style(f"mark--band-{band}", partial=True)

        text = report(self.result, width, band_style, self.get_component_rich_style("mark--dim"))
        body.update(text)
        self.text = text.plain

    def on_resize(self) -> None:
        self.call_after_refresh(self._draw)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:  # a new theme: redraw in its colours
            self._draw()

    def action_reload(self) -> None:
        self.query_one("#score-check-body", Static).update(Text("Replaying the book…", style="dim"))
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)
