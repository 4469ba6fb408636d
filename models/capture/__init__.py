"""Capture: the communication log filled from what already records it.

E-mail (:mod:`.mail`, Maildir trees, mbox files, .eml), calendar meetings (:mod:`.calendar`,
.ics), and phone calls (:mod:`.calllog`, Android call-log backups and CSV) become log entries
through one store path (:func:`.store.save`): deduplicated per client by an external key, so a
re-run adds nothing. :mod:`.suggestions` scans the text of every entry, captured or typed, for
the warning and positive signs of the lexicon and stores them as *suggestions*, which count
toward risk only once the user confirms them.
"""
