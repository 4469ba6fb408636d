"""How the record commands (``entry``, ``invoice``, ``followup``, ``agreement``, ``time``,
``cadence``) print a record: its JSON object (a stable shape for scripts) and its one line.

Each kind's JSON object is a list of fields (:data:`FIELDS`), each value written by its
type (a day, a moment, an amount of money), so one function (:func:`shape`) serves every
kind; invoices and log entries add what lives in other tables (payments, signals).
"""

from __future__ import annotations

from datetime import date, datetime

from callsheet.models.values.text import printable


def moment(value) -> str | None:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.when import iso

    return iso(value) if value else None


def _money(cents: int | None):
    if cents is None:
        return None
    return cents // 100 if cents % 100 == 0 else cents / 100


def _written(attribute: str, value):
    """A field's value in JSON: money in units, a moment in ISO 8601 with offset, a day ISO."""
    if attribute.endswith("_cents"):
        return _money(value)
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


#: Each kind's fields, in the order its JSON object lists them: ``key`` for an attribute of
#: the same name, ``key=attribute`` where the model names it otherwise.
FIELDS = {
    "entry": "id client_id at=occurred_at channel direction duration_min tone",
    "invoice": "id client_id number amount=amount_cents currency issued due paid disputed",
    "followup": "id client_id due=due_at text done=done_at",
    "agreement": "id client_id title scope budget=budget_cents currency start end status",
    "time": "id client_id start=started_at minutes note",
}


def shape(kind: str, row) -> dict:
    """``row`` (a model instance of ``kind``) as the JSON object the commands print."""
    record = {}
    for field in FIELDS[kind].split():
        key, _, attribute = field.partition("=")
        record[key] = _written(attribute or key, getattr(row, attribute or key))
    if kind == "entry":
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.models.store.tables import Signal

        signals = Signal.select().where(Signal.interaction == row.id).order_by(Signal.id)
        record["signals"] = [s.kind for s in signals]
        record["summary"] = row.summary
    elif kind == "invoice":
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.models.book.records import paid_cents, payments_of

        record["agreement"] = row.agreement.title if row.agreement_id else None
        record["paid_so_far"] = _money(paid_cents(row))
        record["payments"] = [
            {
                "id": p.id,
                "amount": _money(p.amount_cents),
                "on": _written("paid_on", p.paid_on),
                "note": p.note,
            }
            for p in payments_of(row)
        ]
    elif kind == "time":
        record["agreement"] = row.agreement.title if row.agreement_id else None
    return record


#: The keys whose values are amounts of money (written in units in JSON).
MONEY_KEYS = frozenset({"amount", "budget", "paid_so_far"})


def money(units) -> str:
    """An amount as JSON writes it (1500.5) the way the dashboard shows it ("1,500.50")."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from decimal import Decimal

    # deferred: as above
    from callsheet.models.values.text import money_text

    return money_text(int(round(Decimal(str(units)) * 100)))


def _shown(key: str, value) -> str:
    if key in MONEY_KEYS and isinstance(value, int | float) and not isinstance(value, bool):
        return money(value)
    return printable(str(value))


def line(record: dict) -> str:
    """One record on one line: id first, then its fields as typed (control chars visible),
    amounts of money as the dashboard shows them ("1,500.50")."""
    fields = [
        f"{key}={_shown(key, value)}"
        for key, value in record.items()
        if key not in ("id", "client_id", "payments") and value not in (None, "", [])
    ]
    return f"#{record['id']}  " + "  ".join(fields)


def emit(args, record: dict, verb: str) -> int:
    """Print ``record`` after a command: as JSON with ``--json``, else ``verb`` and its line."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.tui.cli.common import print_json

    if args.json:
        print_json(record)
    else:
        print(f"{verb} {line(record)}")
        for payment in record.get("payments") or []:
            note = f" ({printable(payment['note'])})" if payment["note"] else ""
            amount = money(payment["amount"])
            print(f"    payment #{payment['id']}: {amount} on {payment['on']}{note}")
    return 0
