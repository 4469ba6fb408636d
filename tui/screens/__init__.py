"""The dashboard's screens: the main view (the ``dashboard`` package), its forms, the call sheet,
triage, records and search; the small dialogs they open are in tui/dialogs/.
"""
