"""The things a consultant keeps: clients, how to reach them, what happened, money and scope.

The vocabularies (statuses, channels, tones, signals) are defined here once; the command
line, the import formats and the dashboard all validate against these tuples.

Some columns on :class:`Client` are *derived* (``last_contact_at`` and the ``risk_*``
columns): they are kept up to date by the write operations in :mod:`callsheet.models.book.clients` and by
:mod:`callsheet.models.book.scoring`, so the dashboard can list 10,000 clients from one table without
touching the million-row log. They are never exported.
"""

from __future__ import annotations

import json

from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from callsheet.models.store.db import BaseModel, IsoDateField, TypedField, UtcDateTimeField


class JsonListField(TextField, TypedField):
    """A short list of strings (tags), stored as JSON text."""

    def db_value(self, value):
        return json.dumps(list(value or []), ensure_ascii=False)

    def python_value(self, value):
        return json.loads(value) if value else []


class SignalKindsField(TextField, TypedField):
    """A few signal names, stored space-separated: "" when empty, so one indexed range
    (``> ""``) finds the entries that have any."""

    def db_value(self, value):
        if isinstance(value, str):
            return value
        return " ".join(value or ())

    def python_value(self, value):
        return value.split() if value else []


class Client(BaseModel):
    id = AutoField()
    name = TextField()
    #: casefolded name, for exact and prefix lookups that ignore case
    name_key = TextField(index=True)
    salutation = TextField(default="")
    language = TextField(default="")
    company = TextField(default="")
    status = TextField(default="prospect")
    referred_by = ForeignKeyField("self", null=True, on_delete="SET NULL", backref="referrals")
    referred_by_text = TextField(default="")
    tags = JsonListField(default=list)
    notes = TextField(default="")
    #: what works with this person: tone, topics, what to avoid (domain rule 1)
    rapport = TextField(default="")
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()
    archived_at = UtcDateTimeField(null=True)

    # Derived, maintained on every write (see module docstring).
    last_contact_at = UtcDateTimeField(null=True)
    risk_score = IntegerField(default=0)
    risk_band = TextField(default="low")
    risk_as_of = UtcDateTimeField(null=True)
    #: the score a week before ``risk_as_of``, so triage can see who got worse
    risk_week_ago = IntegerField(default=0)
    #: "stay in touch every N days" (None: no cadence); lapsed cadences come up in triage
    cadence_days = IntegerField(null=True)
    #: one more at every write through the write path: an edit from a form opened on an
    #: older version is refused (callsheet.models.book.clients.StaleEdit); derived columns never bump it
    version = IntegerField(default=0)

    class Meta:
        indexes = ((("archived_at", "risk_score"), False),)

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class Phone(BaseModel):
    client = ForeignKeyField(Client, backref="phones", on_delete="CASCADE")
    #: normalised, for matching a caller (+40721234567)
    e164 = TextField(index=True)
    #: as the user typed or imported it, for display
    raw = TextField()
    kind = TextField(default="")

    class Meta:
        indexes = ((("client", "e164"), True),)


class Email(BaseModel):
    client = ForeignKeyField(Client, backref="emails", on_delete="CASCADE")
    #: lower-cased, for matching
    address = TextField(index=True)
    kind = TextField(default="")

    class Meta:
        indexes = ((("client", "address"), True),)


class Interaction(BaseModel):
    """One entry of the communication log: a call, email, meeting, message or note."""

    id = AutoField()
    client = ForeignKeyField(Client, backref="interactions", on_delete="CASCADE", index=False)
    occurred_at = UtcDateTimeField()
    channel = TextField()
    direction = TextField(default="in")
    duration_min = IntegerField(null=True)
    tone = TextField(null=True)
    summary = TextField(default="")
    #: one of SOURCES
    source = TextField(default="typed")
    #: what makes a captured entry unique for its client (Message-ID, UID + start, call
    #: time + number), so capturing the same thing twice logs it once; None when typed
    external_key = TextField(null=True)
    #: signals the text seems to mention (models/risk/suggestions.py): never risk until
    #: the user confirms them, which moves them to Signal rows
    suggested_signals = SignalKindsField(default="")
    #: suggestions the user set aside; never suggested again
    dismissed_signals = SignalKindsField(default="")
    version = IntegerField(default=0)  # see Client.version

    class Meta:
        # The log pane reads one client's entries newest first.
        indexes = (
            (("client", "occurred_at"), False),
            (("client", "external_key"), True),
            (("suggested_signals",), False),
        )


#: What a log entry says, in the order the log shows it: when, by which channel, which way,
#: how long, in what tone, and the summary (the log pages read them; the demo writes them).
ENTRY_FIELDS = (
    Interaction.occurred_at,
    Interaction.channel,
    Interaction.direction,
    Interaction.duration_min,
    Interaction.tone,
    Interaction.summary,
)


class Signal(BaseModel):
    """A warning sign, own mistake or positive sign attached to an interaction.

    ``client`` and ``at`` repeat the interaction's so the risk engine reads a client's
    signals from one small index without touching the log itself.
    """

    interaction = ForeignKeyField(Interaction, backref="signals", on_delete="CASCADE")
    client = ForeignKeyField(Client, on_delete="CASCADE", index=False)
    kind = TextField()
    at = UtcDateTimeField()

    class Meta:
        indexes = ((("client", "at"), False),)


class Agreement(BaseModel):
    client = ForeignKeyField(Client, backref="agreements", on_delete="CASCADE")
    title = TextField()
    scope = TextField(default="")
    budget_cents = IntegerField(null=True)
    currency = TextField(default="EUR")
    start = IsoDateField(null=True)
    end = IsoDateField(null=True)
    status = TextField(default="active")
    version = IntegerField(default=0)  # see Client.version


def _records_name(link: ForeignKeyField) -> str:
    """What a client and an agreement call their records of one kind (``client.invoices``):
    the kind's ``Meta.records_name``; the abstract :class:`AgreementRecord` has none."""
    return getattr(link.model._meta, "records_name", "+")


class AgreementRecord(BaseModel):
    """Money or time of a client that may count against one of their agreements (invoices,
    time entries): it goes with the client, and stays, unlinked, when the agreement goes."""

    client = ForeignKeyField(Client, backref=_records_name, on_delete="CASCADE")
    agreement = ForeignKeyField(Agreement, null=True, backref=_records_name, on_delete="SET NULL")


class Invoice(AgreementRecord):
    number = TextField()
    amount_cents = IntegerField()
    currency = TextField(default="EUR")
    issued = IsoDateField()
    due = IsoDateField(null=True)
    paid = IsoDateField(null=True)
    #: the client contests this invoice (refuses to pay it, in whole or part)
    disputed = BooleanField(default=False)
    version = IntegerField(default=0)  # see Client.version

    class Meta:
        records_name = "invoices"
        # "who owes money now" scans unpaid invoices by due date
        indexes = ((("paid", "due"), False),)


class Payment(BaseModel):
    """One part paid of an invoice. ``Invoice.paid`` is set when the parts cover the amount."""

    id = AutoField()
    invoice = ForeignKeyField(Invoice, backref="payments", on_delete="CASCADE")
    amount_cents = IntegerField()
    paid_on = IsoDateField()
    note = TextField(default="")


class TimeEntry(AgreementRecord):
    started_at = UtcDateTimeField()
    minutes = IntegerField()
    note = TextField(default="")
    version = IntegerField(default=0)  # see Client.version

    class Meta:
        records_name = "time_entries"


class FollowUp(BaseModel):
    client = ForeignKeyField(Client, backref="follow_ups", on_delete="CASCADE")
    due_at = UtcDateTimeField()
    text = TextField()
    done_at = UtcDateTimeField(null=True)
    version = IntegerField(default=0)  # see Client.version

    class Meta:
        indexes = ((("done_at", "due_at"), False),)


class CaptureMark(BaseModel):
    """How far capture has read a mail folder or file, so the next run reads only what is new."""

    #: the folder or mbox file, as an absolute path
    place = TextField(unique=True)
    #: nanoseconds: the newest file change time read (Maildir), or the mbox file's mtime
    mark = BigIntegerField()


class CalendarItem(BaseModel):
    """One .ics file of a calendar folder (vdir) as ``callsheet sync calendar`` last read it."""

    #: the vdir, as an absolute path
    collection = TextField()
    #: the file's name in it (vdir filenames are not UIDs, and are kept)
    filename = TextField()
    #: the UID of the file's first event or to-do
    uid = TextField()
    #: "mtime_ns;inode": an unchanged etag means an unchanged file
    etag = TextField()
    #: sha256 of the bytes: a file rewritten with the same text is not read again
    hash = TextField()
    #: epoch seconds after which the file is read again even unchanged (a meeting still to
    #: happen, or a repeating one); None: never
    due = BigIntegerField(null=True)
    #: JSON: [[client_id, external_key, event UID, occurrence, entry version], ...] the entries its
    #: events made, as the sync left them (an entry the user edited since is not overwritten)
    logged = TextField()

    class Meta:
        indexes = ((("collection", "filename"), True),)


class RiskCache(BaseModel):
    """Derived, like ``Client.risk_*``: the client's risk as ``risk --json`` prints it, written
    with the stored score (callsheet.models.book.scoring) and used while fresh (callsheet.models.book.risk_cache)."""

    client = ForeignKeyField(Client, primary_key=True, on_delete="CASCADE")
    as_of = UtcDateTimeField()
    score = IntegerField()
    band = TextField()
    #: the code, settings and time zone it was computed by (callsheet.models.book.risk_cache.made_by)
    made_by = TextField()
    document = TextField()


class ExchangeRate(BaseModel):
    """The ECB's reference rates the user imported (``callsheet rates import``): how many
    units of ``currency`` one euro bought on ``day``, as the file wrote it (text, so the
    rate is kept exactly; callsheet.models.book.rates turns it into rates into the home
    currency)."""

    day = IsoDateField()
    currency = TextField()
    per_euro = TextField()

    class Meta:
        indexes = ((("day", "currency"), True),)


class ContactSync(BaseModel):
    """One card of a contacts vdir as ``callsheet sync contacts`` last synced it (step 9)."""

    id = AutoField()
    #: None once the client is deleted: the next sync removes the card
    client = ForeignKeyField(Client, null=True, on_delete="SET NULL", backref="synced_cards")
    #: the vdir, as an absolute path
    collection = TextField()
    #: the card's file name in it, kept as found
    filename = TextField()
    uid = TextField()
    #: "mtime_ns;inode" of the file as last synced
    etag = TextField()
    #: SHA-256 of the file's bytes as last synced
    text_hash = TextField()
    #: a hash of each owned field as both sides had it at the last sync (JSON): the
    #: three-way merge's base (hashes, not values: forgetting a client leaves nothing here)
    fields = TextField()
    #: the fields of a card changed on both sides (comma-separated), "" when none
    conflict = TextField(default="")

    class Meta:
        indexes = ((("collection", "filename"), True), (("collection", "uid"), False))


class RingEvent(BaseModel):
    """What a telephony hook said about a call (``callsheet ring``): short-lived, pruned by
    the ring command; a missed call stays until it is dealt with (``cleared_at``)."""

    id = AutoField()
    at = UtcDateTimeField()
    #: ringing, answered, ended or missed (callsheet.models.capture.ring.EVENTS)
    event = TextField()
    #: the number as the hook handed it over; ``e164`` its normalised form (None: withheld
    #: or unreadable)
    number = TextField()
    e164 = TextField(null=True)
    withheld = BooleanField(default=False)
    source = TextField(default="")
    #: one call's events share it when the source names the call (baresip's id)
    call = TextField(default="")
    client = ForeignKeyField(Client, null=True, on_delete="CASCADE", backref="rings")
    cleared_at = UtcDateTimeField(null=True)

    class Meta:
        indexes = ((("at",), False), (("event", "cleared_at"), False))


ALL_MODELS = (
    Client,
    Phone,
    Email,
    Interaction,
    Signal,
    Agreement,
    Invoice,
    Payment,
    TimeEntry,
    FollowUp,
    CaptureMark,
    RiskCache,
    CalendarItem,
    ExchangeRate,
    ContactSync,
    RingEvent,
)
