"""Invoices and their payments: correcting an invoice, paying it in full or in parts.

An invoice counts as paid (``Invoice.paid``) on the day its parts first cover the amount;
until then what is overdue is what remains (:func:`remaining_cents`), not the whole amount.
Every change refreshes the client's stored risk and can be undone. Each one re-reads and
locks the invoice inside its transaction (:func:`callsheet.models.book.clients.locked`): what is owed is
what the last commit says, so two "pay the rest" at once record one payment, not two.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from peewee import fn

from callsheet.models.book.bulk_writes import refresh_derived
from callsheet.models.book.clients import check_version, follow, locked, write_row
from callsheet.models.book.records.undo import Change, RecordNotFound, delete_record, finder, row_of
from callsheet.models.store.db import database
from callsheet.models.store.tables import Agreement, Invoice, Payment
from callsheet.models.values import validate
from callsheet.models.values.text import money_text
from callsheet.models.values.validate import InputError
from callsheet.models.values.when import utcnow

get_invoice: Callable[[int | str], Invoice] = finder(Invoice, "invoice")


def paid_cents(invoice: Invoice) -> int:
    """What has been paid of the invoice so far (all of it once it is marked paid)."""
    if invoice.paid is not None and not invoice.payments.exists():
        return invoice.amount_cents
    return int(
        Payment.select(fn.COALESCE(fn.SUM(Payment.amount_cents), 0))
        .where(Payment.invoice == invoice.id)
        .scalar()
    )


def remaining_cents(invoice: Invoice) -> int:
    """What is still owed on the invoice: overdue money is this, not the whole amount."""
    return max(invoice.amount_cents - paid_cents(invoice), 0)


def _settle(invoice: Invoice) -> None:
    """Mark the invoice fully paid on the day its parts covered it, or unpaid if they don't."""
    payments = list(
        Payment.select(Payment.amount_cents, Payment.paid_on)
        .where(Payment.invoice == invoice.id)
        .order_by(Payment.paid_on, Payment.id)
    )
    if not payments:
        return
    total, settled_on = 0, None
    for payment in payments:
        total += payment.amount_cents
        if total >= invoice.amount_cents:
            settled_on = payment.paid_on
            break
    if invoice.paid != settled_on:
        write_row(invoice, {"paid": settled_on})


def _locked_invoice(invoice: Invoice) -> Invoice:
    fresh = locked(Invoice, invoice.id)
    if fresh is None:
        raise RecordNotFound(f"no invoice #{invoice.id}")
    return fresh


def edit_invoice(
    invoice: Invoice,
    *,
    number: str | None = None,
    amount: str | int | float | None = None,
    currency: str | None = None,
    issued: date | None = None,
    due: date | None = ...,  # type: ignore[assignment]
    paid: date | None = ...,  # type: ignore[assignment]
    disputed: bool | None = None,
    agreement: Agreement | None = ...,  # type: ignore[assignment]
    version: int | None = None,
    now: datetime | None = None,
) -> Change:
    """Correct an invoice's number, amount, dates, currency, dispute flag or agreement.

    Only the fields named are written, over the invoice as it is now; ``version`` is the
    one the form was opened on (:class:`~callsheet.models.book.clients.StaleEdit` if it changed since).
    """
    changes: dict = {}
    if number is not None:
        if not str(number).strip():
            raise InputError("number", "an invoice needs a number")
        changes["number"] = str(number).strip()
    if amount is not None:
        changes["amount_cents"] = validate.cents(amount)
        if changes["amount_cents"] <= 0:
            raise InputError("amount", "an invoice amount must be above 0")
    if issued is not None:
        changes["issued"] = issued
    if due is not ...:
        changes["due"] = due
    if paid is not ...:
        changes["paid"] = paid
    if disputed is not None:
        changes["disputed"] = disputed
    if agreement is not ...:
        changes["agreement"] = agreement
    with database.atomic():
        fresh = _locked_invoice(invoice)
        check_version(fresh, version, f"invoice {fresh.number}")
        if currency is not None:
            changes["currency"] = validate.currency(currency, fresh.currency)
        issued_on, due_on = changes.get("issued", fresh.issued), changes.get("due", fresh.due)
        if due_on and due_on < issued_on:
            raise InputError("due", f"due date {due_on} is before the issue date {issued_on}")
        before = [row_of(fresh), *(row_of(p) for p in fresh.payments)]
        write_row(fresh, changes)
        if amount is not None:
            _settle(fresh)
        refresh_derived([fresh.client], now or utcnow())
    follow(invoice, fresh)
    return Change(f"edited invoice {fresh.number}", fresh.client_id, before)


def delete_invoice(invoice: Invoice, now: datetime | None = None) -> Change:
    """Remove an invoice and its payments (undoable)."""
    description = f"deleted invoice {invoice.number}"
    return delete_record(invoice, description, invoice.payments, True, now)


def add_payment(
    invoice: Invoice,
    *,
    amount: str | int | float | None = None,
    paid_on: date,
    note: str = "",
    now: datetime | None = None,
) -> tuple[Payment, Change]:
    """Record a payment (all that remains when ``amount`` is None); settle the invoice when covered.

    What remains is read inside the transaction, the invoice locked: a second payment
    made at the same moment waits, then sees the first.
    """
    with database.atomic():
        fresh = _locked_invoice(invoice)
        remaining = remaining_cents(fresh)
        if remaining <= 0:
            raise InputError("amount", f"invoice {fresh.number} is already paid in full")
        cents = remaining if amount in (None, "") else validate.cents(amount)
        if cents <= 0:
            raise InputError("amount", "a payment must be above 0")
        if cents > remaining:
            raise InputError(
                "amount",
                f"{money_text(cents)} is more than the {money_text(remaining)} "
                f"{fresh.currency} still owed on invoice {fresh.number}",
            )
        before = [row_of(fresh)]
        payment = Payment.create(
            invoice=fresh, amount_cents=cents, paid_on=paid_on, note=note.strip()
        )
        _settle(fresh)
        refresh_derived([fresh.client], now or utcnow())
    follow(invoice, fresh)
    change = Change(
        f"recorded a payment on invoice {fresh.number}",
        fresh.client_id,
        before,
        created=[(Payment, payment.id)],
    )
    return payment, change


get_payment: Callable[[int | str], Payment] = finder(Payment, "payment")


def delete_payment(payment: Payment, now: datetime | None = None) -> Change:
    with database.atomic():
        invoice = _locked_invoice(payment.invoice)
        current = Payment.get_or_none(Payment.id == payment.id)
        if current is None:
            raise RecordNotFound(f"no payment #{payment.id}")
        before = [row_of(invoice), row_of(current)]
        current.delete_instance()
        if invoice.payments.exists():
            _settle(invoice)
        elif invoice.paid is not None:
            write_row(invoice, {"paid": None})
        refresh_derived([invoice.client], now or utcnow())
    return Change(f"deleted a payment on invoice {invoice.number}", invoice.client_id, before)


def payments_of(invoice: Invoice | int) -> list[Payment]:
    return list(Payment.select().where(Payment.invoice == invoice).order_by(Payment.paid_on))


# -- follow-ups -------------------------------------------------------------------------
