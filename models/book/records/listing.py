"""One client's records as the dashboard's records screen lists them: open follow-ups,
agreements, invoices with their payments, time entries and the newest log entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from callsheet.models.store.tables import (
    Agreement,
    FollowUp,
    Interaction,
    Invoice,
    Payment,
    Signal,
    TimeEntry,
)
from callsheet.models.values.text import money_text
from callsheet.models.values.when import to_zone


@dataclass(frozen=True, slots=True)
class RecordLine:
    """One record of a client as the records screen lists it."""

    kind: str  # entry, invoice, payment, follow_up, agreement, time
    id: int
    #: epoch seconds the record is dated at (for sorting within its kind)
    when: int
    #: what the line says, user text included (the screen shows it literally)
    text: str
    #: the whole text, for the pager (a long log entry)
    full: str = ""


def client_records(
    client_id: int, entries: int = 200, also_entry: int | None = None
) -> list[RecordLine]:
    """A client's open follow-ups, agreements, invoices with payments, time and newest log.

    Grouped by kind in the order a consultant corrects them most, each kind in one order,
    newest first (a follow-up by when it is due, an invoice by its issue day with its
    payments newest first under it, time by its start, the log by when it happened); log
    entries last, the newest ``entries`` of them (the dashboard's log pane pages through
    the rest), and ``also_entry`` (a search hit) even when it is older.
    """

    def stamp(day: date | None) -> int:
        return int(datetime.combine(day, time(12)).timestamp()) if day else 0

    lines: list[RecordLine] = []
    for f in (
        FollowUp.select()
        .where(FollowUp.client == client_id)
        .order_by(FollowUp.due_at.desc(), FollowUp.id.desc())
    ):
        state = "done" if f.done_at else f"due {to_zone(f.due_at):%Y-%m-%d %H:%M}"
        lines.append(RecordLine("follow_up", f.id, int(f.due_at.timestamp()), f"{state}: {f.text}"))
    for a in (
        Agreement.select()
        .where(Agreement.client == client_id)
        .order_by(Agreement.start.desc(nulls="LAST"), Agreement.id.desc())
    ):
        budget = f", {money_text(a.budget_cents)} {a.currency}" if a.budget_cents else ""
        dates = f", {a.start or '…'} to {a.end or '…'}" if a.start or a.end else ""
        lines.append(
            RecordLine(
                "agreement", a.id, stamp(a.start), f"{a.title} ({a.status}{budget}{dates})", a.scope
            )
        )
    invoices = list(
        Invoice.select()
        .where(Invoice.client == client_id)
        .order_by(Invoice.issued.desc(), Invoice.id.desc())
    )
    payments: dict[int, list[Payment]] = {}
    for p in Payment.select().where(Payment.invoice.in_([i.id for i in invoices])):
        payments.setdefault(p.invoice_id, []).append(p)
    for i in invoices:
        paid = sum(p.amount_cents for p in payments.get(i.id, []))
        if i.paid:
            state = f"paid {i.paid}"
        elif paid:
            state = f"{money_text(i.amount_cents - paid)} still owed, due {i.due or '—'}"
        else:
            state = f"unpaid, due {i.due or '—'}"
        disputed = ", DISPUTED" if i.disputed else ""
        lines.append(
            RecordLine(
                "invoice",
                i.id,
                stamp(i.issued),
                f"{i.number}: {money_text(i.amount_cents)} {i.currency}, {state}{disputed}",
            )
        )
        for p in sorted(payments.get(i.id, []), key=lambda p: (p.paid_on, p.id), reverse=True):
            note = f" ({p.note})" if p.note else ""
            lines.append(
                RecordLine(
                    "payment",
                    p.id,
                    stamp(p.paid_on),
                    f"  ↳ {money_text(p.amount_cents)} {i.currency} paid {p.paid_on}{note}",
                )
            )
    for t in (
        TimeEntry.select()
        .where(TimeEntry.client == client_id)
        .order_by(TimeEntry.started_at.desc(), TimeEntry.id.desc())
    ):
        lines.append(
            RecordLine(
                "time",
                t.id,
                int(t.started_at.timestamp()),
                f"{to_zone(t.started_at):%Y-%m-%d %H:%M} {t.minutes} min {t.note}",
            )
        )
    kinds: dict[int, list[str]] = {}
    log = list(
        Interaction.select()
        .where(Interaction.client == client_id)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(entries)
    )
    if also_entry is not None and all(e.id != also_entry for e in log):
        log += list(
            Interaction.select().where(
                (Interaction.id == also_entry) & (Interaction.client == client_id)
            )
        )
    for s in Signal.select(Signal.interaction, Signal.kind).where(
        Signal.interaction.in_([e.id for e in log])
    ):
        kinds.setdefault(s.interaction_id, []).append(s.kind)
    for e in log:
        tags = f" [{', '.join(kinds[e.id])}]" if kinds.get(e.id) else ""
        lines.append(
            RecordLine(
                "entry",
                e.id,
                int(e.occurred_at.timestamp()),
                f"{to_zone(e.occurred_at):%Y-%m-%d %H:%M} {e.channel} {e.direction}: "
                f"{e.summary}{tags}",
                e.summary,
            )
        )
    return lines
