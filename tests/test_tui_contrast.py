"""Every screen of the snapshot tests reaches WCAG AA contrast in the dark and light themes.

Each screen is driven as its snapshot is (the same keys, the same demo book, the same sizes),
then every styled run of text on the screen is measured from the rendered segments
(tests/contrast.py says how colours, dim and reverse are read, and why 4.5:1 applies to
every piece of text). Besides the snapshot screens: the cursor on a blurred list (the log),
the mouse over a footer key and over a row, the command palette, a client with nothing
logged, and the first screen of an empty database.
"""

from __future__ import annotations

import pytest

from callsheet.models.demo import generate
from tests.clock import NOW
from tests.contrast import failing, measure
from tests.test_tui_records_snapshots import _records
from tests.test_tui_snapshots import SCREENS, SIZES, _keys, _still
from tests.tui_helpers import make_app, settle

THEMES = ("dark", "light")


async def _hover(pilot):
    await settle(pilot)
    await pilot.hover("#clients", offset=(10, 3))
    await pilot.hover("Footer FooterKey")
    await _still(pilot)


async def _palette(pilot):
    await settle(pilot)
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)
    await pilot.press(*"tri")
    await pilot.pause(0.5)


async def _log_focused(pilot):
    """The log has the focus: its cursor, and the client list's blurred cursor."""
    await settle(pilot)
    pilot.app.screen.log_view.focus()
    await _still(pilot)


EXTRA = {
    "narrow-pane": _keys("z"),
    # the theme switched while running (T): what was drawn before is drawn again
    "switched-theme": _keys("T"),
    "records": _records,
    "hover": _hover,
    "palette": _palette,
    "log-focused": _log_focused,
}


@pytest.fixture
def demo_book(db):
    generate(120, 4000, seed=42, now=NOW)


async def _findings(screen: str, run_before, theme: str, size: tuple[int, int]):
    app = make_app(theme=theme)
    async with app.run_test(size=size) as pilot:
        await run_before(pilot)
        return measure(app, f"{screen} {size[0]}x{size[1]} {app.theme}")


def _lowest(findings) -> str:
    """The lowest ratio measured (printed: ``pytest -s`` shows it for the record)."""
    return str(min(findings, key=lambda f: f.ratio))


def _report(findings) -> str:
    bad = failing(findings)
    return f"{len(bad)} runs of text under WCAG AA:\n" + "\n".join(map(str, bad[:40]))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", [*SCREENS, *EXTRA])
async def test_every_screen_is_readable(demo_book, screen, theme):
    run_before = SCREENS.get(screen) or EXTRA[screen]
    sizes = SIZES.values() if screen in SCREENS else [(160, 48)]
    findings = []
    for size in sizes:
        findings += await _findings(screen, run_before, theme, size)
    assert findings, "nothing measured"
    print("lowest:", _lowest(findings))
    assert not failing(findings), _report(findings)


@pytest.mark.parametrize("theme", THEMES)
async def test_empty_book_and_empty_log_are_readable(db, theme):
    """The first screen of an empty database, then a client with nothing logged."""
    from callsheet.models.book.clients import add_client

    findings = await _findings("empty database", _keys(), theme, (160, 48))
    add_client(name="Ana Pop", company="Pop SRL")
    findings += await _findings("nothing logged", _keys(), theme, (160, 48))
    assert any("Nothing logged yet" in f.text for f in findings)
    print("lowest:", _lowest(findings))
    assert not failing(findings), _report(findings)
