"""What every correction shares: finding a record by the id the user typed, the undoable
:class:`Change`, and the refresh of a client's derived columns (last contact, stored risk)
after a change.

An edit or delete keeps the rows as they were (read, locked, inside its transaction);
undoing writes them back with their original ids, children included (an entry's signals,
an invoice's payments, the invoices and time entries an agreement was linked to), as a new
version of each row, so a form opened before the undo knows it is stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from peewee import IntegrityError, Model

from callsheet.models.book.bulk_writes import refresh_derived
from callsheet.models.book.clients import locked
from callsheet.models.store.db import database
from callsheet.models.store.tables import Client
from callsheet.models.values.text import a_or_an
from callsheet.models.values.validate import InputError
from callsheet.models.values.when import utcnow


class RecordNotFound(LookupError):
    """No record of that kind has the id the user gave (like an unknown client: exit 1)."""


@dataclass
class Change:
    """One edit or delete, with what it takes to put things back as they were."""

    #: what happened, in words for a notification ("deleted the call of 24 Nov")
    description: str
    client_id: int
    #: the rows as they were (model, column values), parents before children
    before: list[tuple[type[Model], dict]] = field(default_factory=list)
    #: rows the change created, removed again by an undo (model, id)
    created: list[tuple[type[Model], int]] = field(default_factory=list)
    #: links the change cut (an agreement's invoices and time entries): model, field, ids
    links: list[tuple[type[Model], str, int, list[int]]] = field(default_factory=list)
    #: children the change rewrote (an entry's signals): model, parent field, parent id;
    #: an undo removes the current ones before the old ones in ``before`` come back
    replaced: list[tuple[type[Model], str, int]] = field(default_factory=list)

    def undo(self, now: datetime | None = None) -> None:
        """Write the rows back as they were, in one transaction, and refresh the client.

        Raises :class:`InputError` (and writes nothing) when that is no longer possible:
        the client, or the record a row belonged to, was deleted since.
        """
        try:
            self._undo(now)
        except IntegrityError:
            raise InputError(
                "undo", f"cannot undo ({self.description}): what it belonged to is gone"
            ) from None

    def _undo(self, now: datetime | None) -> None:
        with database.atomic():
            for model, row_id in reversed(self.created):
                model.delete().where(model._meta.primary_key == row_id).execute()
            for model, parent_field, parent_id in self.replaced:
                model.delete().where(getattr(model, parent_field) == parent_id).execute()
            for model, values in self.before:
                key = model._meta.primary_key
                restored: dict = {k: v for k, v in values.items() if k not in (key.name, "version")}
                if "version" in model._meta.fields:  # written back as one more version
                    restored["version"] = model.version + 1
                updated = model.update(restored).where(key == values[key.name]).execute()
                if not updated:
                    model.insert(**values).execute()
            for model, field_name, target, ids in self.links:
                if ids:
                    model.update({field_name: target}).where(model.id.in_(ids)).execute()
            client = Client.get_or_none(Client.id == self.client_id)
            if client is not None:
                refresh_derived([client], now or utcnow())


def row_of(instance: Model) -> tuple[type[Model], dict]:
    """The record as it is now (model, column values): what an undo writes back."""
    return type(instance), dict(instance.__data__)


def finder(model: type[Model], what: str) -> Callable[[int | str], Any]:
    """The ``get_…`` of one record kind: the record with the id the user typed ("12" or
    "#12"), :class:`InputError` when it is not a number, :class:`RecordNotFound` when no
    ``what`` has it."""

    def get(record_id: int | str) -> Any:
        try:
            number = int(str(record_id).lstrip("#"))
        except ValueError:
            raise InputError("id", f"{record_id!r} is not {a_or_an(what)} id") from None
        record = model.get_or_none(model.id == number)
        if record is None:
            raise RecordNotFound(f"no {what} #{number}")
        return record

    return get


def delete_record(
    record: Model,
    description: str,
    children: Iterable[Model] = (),
    refresh: bool = False,
    now: datetime | None = None,
) -> Change:
    """Delete ``record`` with its ``children`` (they cascade) in one transaction, keeping
    them for an undo; ``refresh``: the client's derived columns follow (a log entry or an
    invoice went)."""
    with database.atomic():
        current = locked(type(record), record.get_id())
        if current is None:
            raise RecordNotFound(f"no {type(record).__name__.lower()} #{record.get_id()}")
        before = [row_of(current), *(row_of(child) for child in children)]
        client = record.client if refresh else None
        record.delete_instance(recursive=True)
        if client is not None:
            refresh_derived([client], now or utcnow())
    return Change(description, record.client_id, before)
