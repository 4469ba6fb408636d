"""callsheet/1 and the formats a consultant's other tools speak: vCard, CSV, iCalendar
out, time trackers; checking a document and merging it into the book.
"""
