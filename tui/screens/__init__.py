"""The dashboard's screens: the main view, its forms, the call sheet, triage, records."""
