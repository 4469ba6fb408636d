"""The phone rings: one entry point for every telephony tool, and how a dashboard hears of it.

A hook or a listener (KDE Connect, baresip, Twinkle, Asterisk, ModemManager) hands over a
number as the tool shows it: national ("0721 234 567"), international ("+40…", "0040…"),
a SIP URI (``sip:+40721234567@host``, ``"Ion" <sip:0721234567@host;user=phone>``), a
``tel:`` URI, or nothing at all ("", "-1", "-2", "anonymous": the number is withheld).
:func:`record_ring` matches it to a client through the same look-up as ``callsheet who``
(:func:`callsheet.models.book.finding.find_by_typed_phone`), writes one ``ring_event`` row
and prunes old ones, in one short transaction that gives up after two seconds on a stuck
lock: a ringing phone never waits on the database. Every open dashboard on the store sees
the row through its change watch (callsheet.models.store.watch) and reads it with
:func:`rings_after`.

Events: ``ringing``, ``answered``, ``ended``, ``missed``. An ``ended`` that follows a
``ringing`` of the same call with no ``answered`` between them is stored as ``missed``
(baresip and most softphones only say "closed"), so a listener can pass events through.
A missed call waits in triage (kind ``missed_call``) until it is cleared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import unquote

from callsheet.models.book.finding import find_by_typed_phone
from callsheet.models.store.db import database, is_sqlite
from callsheet.models.store.tables import Client, Phone, RingEvent
from callsheet.models.values.greeting import greeting_for
from callsheet.models.values.phones import PhoneError
from callsheet.models.values.text import printable
from callsheet.models.values.when import utcnow

if TYPE_CHECKING:
    from peewee import Database

EVENTS = ("ringing", "answered", "ended", "missed")

#: what telephony tools send when the caller hid their number (KDE Connect and Android
#: "-1"/"-2"; SIP "anonymous"; Asterisk and modems "unknown", "private", "restricted")
_WITHHELD = frozenset(
    {
        "",
        "-1",
        "-2",
        "-3",
        "anonymous",
        "private",
        "unknown",
        "restricted",
        "withheld",
        "unavailable",
        "blocked",
        "anonymous@anonymous.invalid",
    }
)

#: the number as received is kept this long at most (a hook may hand over anything)
NUMBER_KEPT_CHARS = 100
#: ring events are kept a day; a missed call until it is cleared, at most this long
KEEP_RINGS = timedelta(days=1)
KEEP_MISSED = timedelta(days=30)
#: how long a ring waits for a locked database before it gives up (it still answers)
PATIENCE_S = 2.0
#: an ``answered``/``ended`` belongs to a ringing of the same number this recent
CALL_SPAN = timedelta(hours=4)


@dataclass(frozen=True)
class Caller:
    """Who a number belongs to, as far as the book knows."""

    #: the number as received, made printable and cut to :data:`NUMBER_KEPT_CHARS`
    number: str
    #: the number the hook meant, URI parts removed ("+40721234567" from a SIP URI)
    dialled: str
    #: E.164 (or an import's kept-as-typed key); None when withheld or unreadable
    e164: str | None
    withheld: bool
    client_id: int | None = None
    name: str | None = None
    greeting: str | None = None
    archived: bool = False
    risk_score: int | None = None
    risk_band: str | None = None
    #: why the number could not be read ("phone 'abc' is not a possible number"), if so
    problem: str | None = None


@dataclass(frozen=True)
class RingResult(Caller):
    """What :func:`record_ring` did: the caller, the event as stored and its row id."""

    event: str = "ringing"
    source: str = ""
    #: the ``ring_event`` row, or None when the database stayed locked (nothing stored)
    ring_id: int | None = None
    at: datetime | None = None


class RingNotRecorded(Exception):
    """The database stayed locked past :data:`PATIENCE_S`: the caller is known (``result``),
    the ring was not stored."""

    def __init__(self, message: str, result: RingResult):
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class Ring:
    """One ring event as a dashboard reads it."""

    id: int
    at: datetime
    event: str
    number: str
    e164: str | None
    withheld: bool
    source: str
    call: str
    client_id: int | None
    #: for ``ended`` (and ``missed``): when the call was answered, if it was
    answered_at: datetime | None = None


def dialled_number(raw: str) -> str:
    """The number inside what a telephony tool hands over: the user part of a SIP URI,
    the number of a ``tel:`` URI, else the text itself, stripped."""
    text = (raw or "").strip()
    bracket = re.search(r"<([^>]*)>", text)  # '"Ion" <sip:0721…@host>'
    if bracket:
        text = bracket.group(1).strip()
    lowered = text.lower()
    for scheme in ("sips:", "sip:", "tel:"):
        if lowered.startswith(scheme):
            text = text[len(scheme) :]
            if scheme != "tel:":
                text = text.split("@", 1)[0]
            text = unquote(text.split(";", 1)[0]).strip()
            break
    return text


def is_withheld(dialled: str) -> bool:
    return dialled.strip().strip('"').lower() in _WITHHELD


def identify(raw: str, region: str | None, at: datetime | None = None) -> Caller:
    """Who is calling from ``raw`` (any format): reads only, never writes."""
    number = printable(raw or "")[:NUMBER_KEPT_CHARS]
    dialled = dialled_number(raw or "")[:NUMBER_KEPT_CHARS]
    if is_withheld(dialled):
        return Caller(number=number, dialled="", e164=None, withheld=True)
    try:
        key, client = find_by_typed_phone(dialled, region)
    except PhoneError as error:
        return Caller(number, dialled, None, False, problem=printable(str(error)))
    if client is None:
        return Caller(number, dialled, key, False)
    return Caller(
        number,
        dialled,
        key,
        False,
        client_id=client.id,
        name=client.name,
        greeting=greeting_for(client.language, client.salutation, client.name, at or utcnow()),
        archived=client.archived_at is not None,
        risk_score=client.risk_score,
        risk_band=client.risk_band,
    )


def record_ring(
    db: Database | None,
    number: str,
    event: str = "ringing",
    source: str = "",
    *,
    at: datetime | None = None,
    region: str | None = None,
    call: str = "",
    patience_s: float = PATIENCE_S,
) -> RingResult:
    """Match ``number``, store the ring event for every open dashboard, prune old ones.

    ``db`` is the open store (None: the one callsheet.models.store.opening opened);
    ``region`` reads national numbers (the config's ``default_region``); ``call`` groups
    one call's events when the source names its calls. Raises :class:`ValueError` for an
    unknown ``event`` and :class:`RingNotRecorded` (carrying the caller in ``.result``)
    when the store stayed locked for ``patience_s``.
    """
    if event not in EVENTS:
        raise ValueError(f"event {event!r}: one of {', '.join(EVENTS)}")
    at = at or utcnow()
    db = db if db is not None else database.obj
    with db.bind_ctx([Client, Phone, RingEvent]) if db is not database.obj else _nothing():
        caller = identify(number, region, at)
        source = printable(source or "")[:NUMBER_KEPT_CHARS]
        call = printable(call or "")[:NUMBER_KEPT_CHARS]
        try:
            ring_id, event = _store(db, caller, event, source, call, at, patience_s)
        except Exception as error:
            if not _is_lock_wait(error):
                raise
            raise RingNotRecorded(
                f"the database stayed locked for {patience_s:g} s: the ring was not stored",
                RingResult(**vars(caller), event=event, source=source, at=at),
            ) from None
    return RingResult(**vars(caller), event=event, source=source, ring_id=ring_id, at=at)


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _store(
    db: Database,
    caller: Caller,
    event: str,
    source: str,
    call: str,
    at: datetime,
    patience_s: float,
) -> tuple[int, str]:
    sqlite = is_sqlite(db)
    if not sqlite:
        return _write(db, caller, event, source, call, at, patience_s)
    # one attempt that waits at most patience_s for the write lock, then the usual wait again
    before = db.execute_sql("PRAGMA busy_timeout").fetchone()[0]
    db.execute_sql(f"PRAGMA busy_timeout = {int(patience_s * 1000)}")
    try:
        return _write(db, caller, event, source, call, at, patience_s)
    finally:
        db.execute_sql(f"PRAGMA busy_timeout = {int(before)}")


def _write(
    db: Database,
    caller: Caller,
    event: str,
    source: str,
    call: str,
    at: datetime,
    patience_s: float,
) -> tuple[int, str]:
    sqlite = is_sqlite(db)
    with db.atomic():
        if not sqlite:
            db.execute_sql(f"SET LOCAL lock_timeout = '{int(patience_s * 1000)}ms'")
        if event == "ended" and _rang_unanswered(caller, call, at):
            event = "missed"
        row = RingEvent.create(
            at=at,
            event=event,
            number=caller.number,
            e164=caller.e164,
            withheld=caller.withheld,
            source=source,
            call=call,
            client=caller.client_id,
        )
        prune(at)
    return row.id, event


def _same_call(caller: Caller, call: str):
    if call:
        return RingEvent.call == call
    if caller.e164:
        return RingEvent.e164 == caller.e164
    return RingEvent.number == caller.number


def _rang_unanswered(caller: Caller, call: str, at: datetime) -> bool:
    """Whether this call's last event (ringing or answered) was a ringing."""
    last = (
        RingEvent.select(RingEvent.event)
        .where(_same_call(caller, call), RingEvent.at >= at - CALL_SPAN)
        .where(RingEvent.event.in_(("ringing", "answered", "ended", "missed")))
        .order_by(RingEvent.id.desc())
        .first()
    )
    return last is not None and last.event == "ringing"


def prune(now: datetime) -> int:
    """Delete ring events older than a day; missed calls once cleared, or after 30 days."""
    old = RingEvent.at < now - KEEP_RINGS
    kept_missed = (RingEvent.event == "missed") & RingEvent.cleared_at.is_null()
    return (
        RingEvent.delete()
        .where(old & (~kept_missed | (RingEvent.at < now - KEEP_MISSED)))
        .execute()
    )


def _is_lock_wait(error: BaseException) -> bool:
    # deferred: the busy test loads peewee's error classes
    from callsheet.models.store.busy import is_busy

    if is_busy(error):
        return True
    return getattr(error, "sqlstate", None) == "55P03" or "lock timeout" in str(error).lower()


def last_ring_id() -> int:
    """The newest ring event's id (0 when none): a dashboard shows only rings after it."""
    row = RingEvent.select(RingEvent.id).order_by(RingEvent.id.desc()).first()
    return row.id if row else 0


def rings_after(ring_id: int, limit: int = 20) -> list[Ring]:
    """Ring events stored after ``ring_id``, oldest first (an ``ended`` with its answer time)."""
    rows = list(
        RingEvent.select().where(RingEvent.id > ring_id).order_by(RingEvent.id.desc()).limit(limit)
    )
    rings = []
    for row in reversed(rows):
        answered_at = None
        if row.event in ("ended", "missed"):
            caller = Caller(row.number, "", row.e164, row.withheld)
            answer = (
                RingEvent.select(RingEvent.at)
                .where(
                    _same_call(caller, row.call),
                    RingEvent.id < row.id,
                    RingEvent.at >= row.at - CALL_SPAN,
                    RingEvent.event == "answered",
                )
                .order_by(RingEvent.id.desc())
                .first()
            )
            answered_at = answer.at if answer else None
        rings.append(
            Ring(
                id=row.id,
                at=row.at,
                event=row.event,
                number=row.number,
                e164=row.e164,
                withheld=row.withheld,
                source=row.source,
                call=row.call,
                client_id=row.client_id,
                answered_at=answered_at,
            )
        )
    return rings


def clear_missed(ring_ids: list[int], now: datetime) -> int:
    """Mark missed calls as dealt with (called back, logged, or dismissed)."""
    if not ring_ids:
        return 0
    with database.obj.atomic():
        return (
            RingEvent.update(cleared_at=now)
            .where(RingEvent.id.in_(ring_ids), RingEvent.event == "missed")
            .execute()
        )


def clear_missed_of(client_id: int, now: datetime) -> int:
    """Clear every missed call of a client (a call logged with them answers them all)."""
    with database.obj.atomic():
        return (
            RingEvent.update(cleared_at=now)
            .where(
                RingEvent.client == client_id,
                RingEvent.event == "missed",
                RingEvent.cleared_at.is_null(),
            )
            .execute()
        )
