"""The verbs of the record commands (tui/cli/edit.py): each verb's options, declared above
the function that reads them, and what it does (dates in words, '' clears a field, an
option left out leaves it), through callsheet.models.book.records or callsheet.models.book.clients.

A verb on a record is ``change(row, args, now)`` and returns the word its printed line
starts with ("changed", "paid", ...); ``add`` is ``add(client, args, now, config)`` and
returns the new row. :func:`verb` and :func:`option` (decorators, bottom to top) collect
them into :data:`VERBS`, in the order ``--help`` lists them.
"""

from __future__ import annotations

from collections.abc import Callable

from callsheet.models.values.terms import AGREEMENT_STATUSES, CHANNELS, DIRECTIONS, SIGNALS, TONES
from callsheet.tui.cli.common import Arg, arg

#: kind: {verb: (what it does, its help, its options)}; kinds and verbs in ``--help`` order.
VERBS: dict[str, dict[str, tuple[Callable, str, list[Arg]]]] = {}

DATE_HELP = 'ISO 8601 or words: "tomorrow 10:00", "next monday", "vineri", "w piątek"'
CLIENT = arg("client", help="client id, exact name, or unique prefix")


def verb(kind: str, name: str, help_text: str):
    """Declare ``callsheet KIND NAME``, run by the decorated function."""

    def declare(change):
        VERBS.setdefault(kind, {})[name] = (change, help_text, getattr(change, "options", []))
        return change

    return declare


def option(*flags: str, **options):
    """One option of the verb below (``parser.add_argument(*flags, **options)``)."""
    return with_options(arg(*flags, **options))


def with_options(*specs: Arg):
    """Options of the verb below, in the order given."""

    def add(change):
        change.options = [*specs, *getattr(change, "options", [])]
        return change

    return add


def _one_of(values) -> str:
    return f"one of: {', '.join(values)}"


SIGNALS_HELP = f"replaces the signals; repeatable; {_one_of(SIGNALS)}"


#: What an agreement's ``add`` and ``edit`` both take.
AGREEMENT_TERMS = (
    arg("--scope", default=None, help="what is included"),
    arg("--budget", default=None, help="1200 or 1200.50 ('' clears it)"),
    arg("--currency", default=None),
    arg("--start", default=None, metavar="DATE"),
    arg("--end", default=None, metavar="DATE"),
    arg("--status", default=None, help=_one_of(AGREEMENT_STATUSES)),
)

#: The noun in callsheet.models.book.records' get_*/delete_* functions, per kind.
NOUNS = {
    "entry": "interaction",
    "invoice": "invoice",
    "followup": "follow_up",
    "agreement": "agreement",
    "time": "time_entry",
}


def _given(value):
    """An option left out (None) as the models' "leave it as it is" (``...``)."""
    return ... if value is None else value


def _date(text: str | None, now, field: str, keep=...):
    """A date option: None when left out (``keep``), cleared by '', else read naturally."""
    if text is None:
        return keep
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.dates import read_date

    return read_date(text, field, now)


def _moment(text: str | None, now, field: str, prefer: str, happened: bool = False):
    """A moment option, read naturally; None when left out or empty."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.dates import read_moment

    return read_moment(text, field, now, prefer=prefer, required=False, happened=happened)


def _currency(config) -> str:
    return getattr(config, "currency", "EUR") or "EUR"


# -- the verbs, kind by kind ---------------------------------------------------------------


@verb("entry", "edit", "change a log entry; options left out stay")
@option("--text", default=None, help="the new summary")
@option("--at", default=None, metavar="WHEN", help=DATE_HELP)
@option("--channel", default=None, help=_one_of(CHANNELS))
@option("--direction", default=None, help=_one_of(DIRECTIONS))
@option("--minutes", default=None, help="duration ('' clears it)")
@option("--tone", default=None, help=f"{_one_of(TONES)} ('' clears it)")
@option("--signal", action="append", default=None, metavar="S", help=SIGNALS_HELP)
@option("--no-signals", action="store_true", help="remove every signal")
def entry_edit(entry, args, now) -> str:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.records import edit_interaction
    from callsheet.models.values.validate import InputError

    if args.signal is not None and args.no_signals:
        raise InputError("signal", "give --signal or --no-signals, not both")
    edit_interaction(
        entry,
        summary=args.text,
        at=_moment(args.at, now, "at", "past", happened=True),
        channel=args.channel,
        direction=args.direction,
        minutes=_given(args.minutes),
        tone=_given(args.tone),
        signals=[] if args.no_signals else args.signal,
        now=now,
    )
    return "changed"


@verb("invoice", "add", "add an invoice")
@with_options(CLIENT)
@option("number", help="the invoice number")
@option("amount", help="1200 or 1200.50")
@option("--issued", default="today", metavar="DATE", help=DATE_HELP)
@option("--due", default=None, metavar="DATE", help=DATE_HELP)
@option("--currency", default=None, help="three letters (default from config)")
@option("--agreement", default=None, metavar="TITLE", help="the agreement it bills")
@option("--disputed", action="store_true", help="the client contests it")
def invoice_add(client, args, now, config):
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import add_invoice

    return add_invoice(
        client,
        number=args.number,
        amount=args.amount,
        issued=_date(args.issued, now, "issued"),
        due=_date(args.due, now, "due", keep=None),
        currency=args.currency,
        disputed=args.disputed,
        agreement=agreement_named(client, args.agreement),
        default_currency=_currency(config),
        now=now,
    )


def agreement_named(client, title: str | None):
    if not title:
        return None
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.store.tables import Agreement
    from callsheet.models.values.validate import InputError

    found = Agreement.get_or_none((Agreement.client == client) & (Agreement.title == title))
    if found is None:
        raise InputError("agreement", f"{client.name} has no agreement {title!r}")
    return found


@verb("invoice", "edit", "change an invoice; options left out stay")
@option("--number", default=None)
@option("--amount", default=None)
@option("--currency", default=None)
@option("--issued", default=None, metavar="DATE")
@option("--due", default=None, metavar="DATE", help="('' clears it)")
def invoice_edit(invoice, args, now) -> str:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.records import edit_invoice

    edit_invoice(
        invoice,
        number=args.number,
        amount=args.amount,
        currency=args.currency,
        issued=_date(args.issued, now, "issued", keep=None),
        due=_date(args.due, now, "due"),
        now=now,
    )
    return "changed"


@verb("invoice", "pay", "record a payment (all that remains, or a part)")
@option("amount", nargs="?", default=None, help="a partial amount")
@option("--on", default="today", metavar="DATE", help="when it arrived")
@option("--note", default="")
def invoice_pay(invoice, args, now) -> str:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.records import add_payment

    paid_on = _date(args.on, now, "on")
    add_payment(invoice, amount=args.amount, paid_on=paid_on, note=args.note, now=now)
    return "paid"


@verb("invoice", "dispute", "mark an invoice contested by the client")
@option("--withdrawn", action="store_true", help="the dispute is over")
def invoice_dispute(invoice, args, now) -> str:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.records import edit_invoice

    edit_invoice(invoice, disputed=not args.withdrawn, now=now)
    return "changed"


@verb("followup", "add", "add a follow-up")
@with_options(CLIENT)
@option("text", nargs="+", help="what to do")
@option("--due", default="tomorrow", metavar="WHEN", help=DATE_HELP)
def followup_add(client, args, now, config):
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import add_follow_up
    from callsheet.models.values.dates import read_moment

    due = read_moment(args.due, "due", now, prefer="future")
    return add_follow_up(client, due, " ".join(args.text))


@verb("followup", "done", "mark a follow-up done")
@option("--reopen", action="store_true", help="not done after all")
def followup_done(follow_up, args, now) -> str:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.records import edit_follow_up

    edit_follow_up(follow_up, done_at=None if args.reopen else now)
    return "reopened" if args.reopen else "done"


@verb("followup", "snooze", "move a follow-up later")
@option("until", nargs="+", help='"tomorrow", "next week" or a date')
def followup_snooze(follow_up, args, now) -> str:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.records import snooze_follow_up, snooze_until

    snooze_follow_up(follow_up, snooze_until(" ".join(args.until), now, field="until"))
    return "snoozed"


@verb("followup", "edit", "change a follow-up's text or due moment")
@option("--text", default=None)
@option("--due", default=None, metavar="WHEN", help=DATE_HELP)
def followup_edit(follow_up, args, now) -> str:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.records import edit_follow_up

    due = _moment(args.due, now, "due", "future")
    edit_follow_up(follow_up, text=args.text, due_at=due)
    return "changed"


@verb("agreement", "add", "add an agreement")
@with_options(CLIENT, arg("title", help="unique per client"), *AGREEMENT_TERMS)
def agreement_add(client, args, now, config):
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import add_agreement
    from callsheet.models.store.tables import Agreement
    from callsheet.models.values.validate import InputError

    title = args.title.strip()
    if Agreement.get_or_none((Agreement.client == client) & (Agreement.title == title)):
        raise InputError("title", f"{client.name} already has an agreement {title!r}")
    return add_agreement(
        client,
        title=args.title,
        scope=args.scope or "",
        budget=args.budget,
        currency=args.currency,
        start=_date(args.start, now, "start", keep=None),
        end=_date(args.end, now, "end", keep=None),
        status=args.status or "active",
        default_currency=_currency(config),
    )


@verb("agreement", "edit", "change an agreement")
@with_options(*AGREEMENT_TERMS, arg("--title", default=None))
def agreement_edit(agreement, args, now) -> str:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.records import edit_agreement

    edit_agreement(
        agreement,
        title=args.title,
        scope=args.scope,
        budget=_given(args.budget),
        currency=args.currency,
        start=_date(args.start, now, "start"),
        end=_date(args.end, now, "end"),
        status=args.status,
    )
    return "changed"


@verb("agreement", "close", "close an agreement as done")
@option("--cancelled", action="store_true", help="cancelled rather than done")
def agreement_close(agreement, args, now) -> str:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.records import close_agreement

    close_agreement(agreement, "cancelled" if args.cancelled else "done")
    return "closed"


@verb("time", "add", "record time spent for a client")
@with_options(CLIENT)
@option("minutes", help="how long, in minutes (90)")
@option("--start", default="now", metavar="WHEN", help=f"when the work started; {DATE_HELP}")
@option("--note", default="", help="what the time went on")
@option("--agreement", default=None, metavar="TITLE", help="the agreement it counts for")
def time_add(client, args, now, config):
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import add_time_entry
    from callsheet.models.values.dates import read_moment

    return add_time_entry(
        client,
        started_at=read_moment(args.start, "start", now, prefer="past"),
        minutes=args.minutes,
        note=args.note,
        agreement=agreement_named(client, args.agreement),
    )


@verb("time", "edit", "change a time entry")
@option("--minutes", default=None)
@option("--start", default=None, metavar="WHEN", help=DATE_HELP)
@option("--note", default=None)
def time_edit(entry, args, now) -> str:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.records import edit_time_entry

    start = _moment(args.start, now, "start", "past")
    edit_time_entry(entry, started_at=start, minutes=args.minutes, note=args.note)
    return "changed"


def delete(row, args, now) -> str:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book import records

    getattr(records, f"delete_{NOUNS[args.kind]}")(row)
    return "deleted"


#: Every kind's last verb, ``delete``, with what it takes along.
for _kind, _help in (
    ("entry", "delete a log entry and its signals"),
    ("invoice", "delete an invoice and its payments"),
    ("followup", "delete a follow-up"),
    ("agreement", "delete an agreement (its invoices stay)"),
    ("time", "delete a time entry"),
):
    verb(_kind, "delete", _help)(delete)
