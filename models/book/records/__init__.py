"""Correcting what was recorded: edit and delete every record, partial payments, cadences.

Everything a consultant records (log entries with their signals, invoices and their
payments, time entries, follow-ups, agreements) can be changed or removed here. Each
change is one transaction that validates before it writes, then refreshes the client's
derived columns (last contact, stored risk) through :mod:`callsheet.models.book.clients` and
:mod:`callsheet.models.book.scoring`, so risk, triage and the call sheet follow at once. Every edit and
delete returns a :class:`Change` that can be undone (the dashboard keeps a short stack of
them for the session).

Creating records (log entries, invoices, follow-ups, agreements) stays in
:mod:`callsheet.models.book.clients`. Who owns what here:

- :mod:`callsheet.models.book.records.undo`: finding a record by id, :class:`Change` and its undo;
- :mod:`callsheet.models.book.records.edits`: log entries, follow-ups, agreements, time entries;
- :mod:`callsheet.models.book.records.payments`: invoices and their partial payments;
- :mod:`callsheet.models.book.records.cadence`: "stay in touch every N days" and who has lapsed;
- :mod:`callsheet.models.values.dates`: natural dates in the user's language (``vineri``,
  ``w piątek``, ``next monday``) and when a snoozed follow-up comes back;
- :mod:`callsheet.models.book.records.listing`: one client's records, as the records screen lists them.

Callers use ``from callsheet.models.book import records`` and ``records.edit_invoice(...)``: the names
below are the whole public surface.
"""

from callsheet.models.book.records.cadence import (
    LapsedCadence,
    lapsed_cadence_query,
    lapsed_cadences,
    set_cadence,
)
from callsheet.models.book.records.edits import (
    close_agreement,
    delete_agreement,
    delete_follow_up,
    delete_interaction,
    delete_time_entry,
    edit_agreement,
    edit_follow_up,
    edit_interaction,
    edit_time_entry,
    get_agreement,
    get_follow_up,
    get_interaction,
    get_time_entry,
    snooze_follow_up,
)
from callsheet.models.book.records.listing import RecordLine, client_records
from callsheet.models.book.records.payments import (
    add_payment,
    delete_invoice,
    delete_payment,
    edit_invoice,
    get_invoice,
    get_payment,
    paid_cents,
    payments_of,
    remaining_cents,
)
from callsheet.models.book.records.undo import Change, RecordNotFound
from callsheet.models.values.dates import (
    DATE_LANGUAGES,
    SNOOZE_CHOICES,
    natural_date,
    natural_moment,
    snooze_until,
)

__all__ = [
    "DATE_LANGUAGES",
    "SNOOZE_CHOICES",
    "Change",
    "LapsedCadence",
    "RecordLine",
    "RecordNotFound",
    "add_payment",
    "client_records",
    "close_agreement",
    "delete_agreement",
    "delete_follow_up",
    "delete_interaction",
    "delete_invoice",
    "delete_payment",
    "delete_time_entry",
    "edit_agreement",
    "edit_follow_up",
    "edit_interaction",
    "edit_invoice",
    "edit_time_entry",
    "get_agreement",
    "get_follow_up",
    "get_interaction",
    "get_invoice",
    "get_payment",
    "get_time_entry",
    "lapsed_cadence_query",
    "lapsed_cadences",
    "natural_date",
    "natural_moment",
    "paid_cents",
    "payments_of",
    "remaining_cents",
    "set_cadence",
    "snooze_follow_up",
    "snooze_until",
]
