"""WCAG contrast of what a running app draws, read from the rendered screen.

The screen is taken as the snapshot tests take it (the compositor's full update, with the
screens under a modal), so every cell is a Rich segment with a style. Each cell's colours
are turned into the RGB a truecolor terminal shows:

- no colour (the terminal's default) is the theme's foreground or background;
- ``reverse`` swaps the two;
- ``dim`` is drawn by terminals as the foreground mixed halfway towards the background
  (VTE, xterm, kitty; Textual's own DimFilter uses the same 0.5), so it is measured so;
- Textual has already blended CSS alpha (``$primary 50%``) into opaque RGB.

WCAG 2.x relative luminance and contrast ratio, and what must reach what:

- text: 4.5:1. A terminal draws every cell in one font size (about 11-12 pt), under WCAG's
  "large" (18 pt, or 14 pt bold), so no text here counts as large, bold or not;
- box-drawing and block characters are not text: pane borders, the input frames (``▔▁▊▎``),
  scrollbars, the sparkline and triage's ``▌`` bar. None is the only carrier of anything (the
  sparkline's trend is also written out, "12 weeks: 56 → 97 (+41)"; the bar's kind is the
  heading above it), so WCAG 1.4.11 asks nothing of them; blank cells are not measured.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.color import Color
from rich.segment import Segment

TEXT_RATIO = 4.5
DIM_FACTOR = 0.5  # how far a terminal moves dim text towards its background


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[int, int, int]) -> float:
    r, g, b = (_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _rgb(color: Color | None, default: tuple[int, int, int]) -> tuple[int, int, int]:
    if color is None or color.is_default:
        return default
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def _mix(fg: tuple[int, int, int], bg: tuple[int, int, int], towards_bg: float):
    return tuple(round(f + (b - f) * towards_bg) for f, b in zip(fg, bg, strict=True))


def colours(segment: Segment, fg_default, bg_default) -> tuple[tuple, tuple]:
    """(foreground, background) RGB of ``segment`` as the terminal shows it."""
    style = segment.style
    if style is None:
        return fg_default, bg_default
    fg = _rgb(style.color, fg_default)
    bg = _rgb(style.bgcolor, bg_default)
    if style.reverse:
        fg, bg = bg, fg
    if style.dim:
        fg = _mix(fg, bg, DIM_FACTOR)
    return fg, bg


def _is_drawing(ch: str) -> bool:
    """Box-drawing and block characters: lines, frames, bars, not text."""
    return "\u2500" <= ch <= "\u259f"


@dataclass(frozen=True)
class Finding:
    """One run of text on one line in one pair of colours."""

    screen: str
    text: str
    fg: tuple
    bg: tuple
    ratio: float
    needed: float

    def __str__(self) -> str:
        hexes = "#{:02x}{:02x}{:02x}"
        return (
            f"{self.screen}: {self.text.strip()!r} {hexes.format(*self.fg)} on "
            f"{hexes.format(*self.bg)} = {self.ratio:.2f}:1 (needs {self.needed}:1)"
        )


def _is_picture(ch: str) -> bool:
    """An emoji: the terminal draws it in the font's own colours, not the style's."""
    return ord(ch) >= 0x1F000


def _readable_area(app):
    """The regions of the top screen that can be read and used.

    A dialog over a dimmed screen (a modal, or a screen with a see-through background) is
    measured inside its own widgets only: what it dims cannot be used while it is open
    (WCAG's inactive components), and that screen is measured on its own.
    """
    screen = app.screen
    if screen.styles.background.a >= 1:
        return None
    return list(_outermost_regions(screen))


def _outermost_regions(node):
    """The regions of ``node``'s outermost widgets that have one (a container that draws
    nothing has none: its widgets do); inner widgets may scroll past their container."""
    for child in node.children:
        if not child.display:
            continue
        if child.region.area:
            yield child.region
        else:
            yield from _outermost_regions(child)


def screen_lines(app) -> list[list[Segment]]:
    """The whole screen as the terminal receives it: a list of segments per line."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return [[s for strip in line for s in strip if not s.control] for line in update.strips]


def measure(app, screen: str) -> list[Finding]:
    """Every run of text on screen, with its contrast."""
    theme = app.current_theme
    fg_default = _hex(theme.foreground or "#e0e0e0")
    bg_default = _hex(theme.background or "#000000")
    areas = _readable_area(app)
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    found: dict[tuple, Finding] = {}
    for y, line in enumerate(update.strips):
        x = 0
        for strip in line:
            for segment in strip:
                if segment.control:
                    continue
                chars = []
                for ch in segment.text:
                    inside = areas is None or any(a.contains(x, y) for a in areas)
                    if inside and not _is_drawing(ch) and not _is_picture(ch):
                        chars.append(ch)
                    else:
                        chars.append(" ")
                    x += cell_len(ch)
                text = "".join(chars)
                if not text.strip():
                    continue
                fg, bg = colours(segment, fg_default, bg_default)
                key = (text.strip(), fg, bg)
                if key not in found:
                    found[key] = Finding(screen, text, fg, bg, ratio(fg, bg), TEXT_RATIO)
    return list(found.values())


def _hex(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def failing(findings: list[Finding]) -> list[Finding]:
    return sorted((f for f in findings if f.ratio < f.needed), key=lambda f: f.ratio)
