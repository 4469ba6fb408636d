"""Small modal dialogs, each self-contained and answering one question: confirm (``y``/``n``,
or a typed name), help (the keys of the screen underneath), one log entry in full. They read
nothing from the database and import no screen, so any screen may open them.
"""

from callsheet.tui.dialogs.confirm import ConfirmScreen, TypedConfirmScreen
from callsheet.tui.dialogs.help import HelpScreen
from callsheet.tui.dialogs.log_entry import LogEntryScreen

__all__ = ["ConfirmScreen", "HelpScreen", "LogEntryScreen", "TypedConfirmScreen"]
