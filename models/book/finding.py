"""Finding a client by what the user typed, or by a phone number or e-mail address.

The command line, the "who is calling" screen and the write path in :mod:`callsheet.models.book.clients`
all look clients up here, so an id, a name in any case, a unique prefix, a number and an
address answer the same everywhere; an ambiguous answer names every candidate with its id.
"""

from __future__ import annotations

from collections.abc import Sequence

from callsheet.models.store.tables import Client, Email, Phone


class ClientNotFound(LookupError):
    """No client, or more than one, answers to what the user typed."""


class AmbiguousClient(ClientNotFound):
    """Several clients (or nothing typed) answer: the person must say more (exit 2, not 1)."""


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


#: How many prefix matches an ambiguity message names before it says how many more there are.
_PREFIX_LISTED = 20


def _match_list(clients: Sequence[Client]) -> str:
    """Each client as "Name (#id, Company)", so the user can tell them apart and use the id."""
    return ", ".join(f"{c.name} (#{c.id}{', ' + c.company if c.company else ''})" for c in clients)


def find_client(ref: str | int, include_archived: bool = True) -> Client:
    """The client named by ``ref``: an id, an exact name (any case), or a unique prefix.

    When more than one client answers, the error names every one with its id (a prefix
    that matches very many names the first few and how many more), so the user can retry
    with the id at once.
    """
    text = str(ref).strip()
    query = Client.select()
    if not include_archived:
        query = query.where(Client.archived_at.is_null())
    if text.isascii() and text.isdigit() and len(text) <= 18:  # "²" is a digit to str.isdigit
        client = query.where(Client.id == int(text)).first()
        if client:
            return client
    key = name_key(text)
    if not key:
        raise AmbiguousClient("no client given")
    exact = list(query.where(Client.name_key == key).order_by(Client.id))
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise AmbiguousClient(
            f"{len(exact)} clients are named {text!r}: {_match_list(exact)}; use the id"
        )
    # Prefix match via a range on the index: LIKE would not use it and would treat % and _.
    prefixed = query.where((Client.name_key >= key) & (Client.name_key < key + "\U0010ffff"))
    first = list(prefixed.order_by(Client.name_key, Client.id).limit(_PREFIX_LISTED + 1))
    if len(first) == 1:
        return first[0]
    if not first:
        raise ClientNotFound(f"no client matches {text!r}")
    if len(first) <= _PREFIX_LISTED:
        message = (
            f"{text!r} matches several clients ({len(first)}): {_match_list(first)}; use the id"
        )
    else:
        total = prefixed.count()
        message = (
            f"{text!r} matches several clients ({total:,}): {_match_list(first[:_PREFIX_LISTED])} "
            f"and {total - _PREFIX_LISTED:,} more; type more of the name or use the id"
        )
    raise AmbiguousClient(message)


def find_by_phone(e164: str) -> Client | None:
    phone = (
        Phone.select(Phone, Client)
        .join(Client)
        .where(Phone.e164 == e164)
        .order_by(Client.archived_at.is_null(False), Client.id)
        .first()
    )
    return phone.client if phone else None


def find_by_email(address: str) -> Client | None:
    email = Email.select(Email, Client).join(Client).where(Email.address == address.lower()).first()
    return email.client if email else None


def find_by_typed_phone(typed: str, region: str | None) -> tuple[str | None, Client | None]:
    """A number as a phone or a person typed it, in any common format: its key and its client.

    The international form ("+40 721…", "0040 721…") is tried first without loading the
    numbering plans (a caller display usually shows it); then every key
    :func:`~callsheet.models.values.phones.lookup_keys` reads (``011`` before a country
    code, the national form in the default ``region``, a number an import kept as typed). The key is the E.164 form, or the kept-as-typed key,
    or None. Raises :class:`callsheet.models.values.phones.PhoneError` for text that is no
    phone number and matches nobody. `callsheet who`, `callsheet ring` and the dashboard's
    "who is calling" all answer through here.
    """
    # deferred: `callsheet who` and `ring` load the numbering plans only when they must
    from callsheet.models.values.phones import international_digits, lookup_keys

    quick = international_digits(typed)
    client = find_by_phone(quick) if quick else None
    if client is not None:
        return quick, client
    # "+", "00" and "011" before a country code, the national form in ``region``, the
    # number as an import kept it: each key it may be stored under, most likely first
    keys, error = lookup_keys(typed, region)
    for key in keys:
        client = find_by_phone(key)
        if client is not None:
            return key, client
    if error is not None:
        raise error
    return (keys[0] if keys else None), None
