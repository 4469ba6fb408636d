"""Realistic, reproducible sample data: a consultant's book of clients with a history.

The same seed and ``now`` always give the same database. Clients follow *personas* taken
from domain.md (good clients who refer others, late payers, scope creepers, no-show
complainers, aggressive clients, disputes that escalate to legal threats, old clients whose
troubles have faded), so every signal, every risk band and every screen has something to
show. Names, greetings and notes are in English, Romanian, Polish and Russian.

This module is the generator and writer; :mod:`callsheet.models.demo.people` holds who the clients
are, :mod:`callsheet.models.demo.events` what happens to them (texts and personas), and
:mod:`callsheet.models.demo.history` the shape of each history. Their random draws happen in one
fixed order for a seed to give the same book (the snapshot tests and the README rely on it).

Rows go in with bulk inserts inside one transaction, with ids assigned here so signals can
point at their interactions without reading anything back: 10,000 clients and 1,000,000
interactions take well under two minutes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from peewee import chunked, fn

from callsheet.models.book.scoring import refresh_all
from callsheet.models.demo import events, history
from callsheet.models.demo.history import DAY
from callsheet.models.demo.people import COMPANIES, RAPPORT, TRANSLIT, person, phone_number
from callsheet.models.store import tables as entities
from callsheet.models.store.db import database, sync_id_sequences
from callsheet.models.store.tables import ENTRY_FIELDS, Client, Interaction, Signal

#: the share of a demo book that is archived (kept, out of the list)
ARCHIVED_SHARE = 0.03
#: the book the dashboard's "load demo data" makes, and ``callsheet demo``'s default
DEMO_CLIENTS = 500
DEMO_INTERACTIONS = 25_000


def archived_count(n_clients: int) -> int:
    """How many of ``n_clients`` demo clients are archived (the rest are in the list)."""
    return int(n_clients * ARCHIVED_SHARE)


def generate(
    n_clients: int = DEMO_CLIENTS,
    n_interactions: int = DEMO_INTERACTIONS,
    seed: int = 42,
    now: datetime | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict:
    """Fill the open (empty) database with sample data; return counts of what was made.

    Each client's history has a shape: a first and a last contact that fit their status
    (active clients heard from lately, former ones long ago, archived ones quiet for
    months before they were archived), bursts of entries around projects, invoices and
    time spent on those projects, and a handful of signs that fit their persona.
    """
    if Client.select().exists():
        raise ValueError("demo data goes into an empty database; choose another file with --db")
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    now_ts = int(now.timestamp())
    today = now.date()
    report = progress or (lambda stage, done, total: None)

    # Rows for insert_many, one dict per row, grouped by table.
    Rows = list[dict[str, Any]]
    clients: Rows = []
    phones: Rows = []
    emails: Rows = []
    agreements: Rows = []
    invoices: Rows = []
    time_entries: Rows = []
    follow_ups: Rows = []
    plans: list[history.Plan] = []
    seen_e164: set[str] = set()
    archived_ids = set(rng.sample(range(1, n_clients + 1), archived_count(n_clients)))
    for client_id in range(1, n_clients + 1):
        who = person(rng)
        language, name = who.language, who.name
        persona = history.pick_persona(rng)
        archived = client_id in archived_ids
        if archived:
            status = "former" if rng.random() < 0.7 else "declined"
        else:
            status = rng.choices(
                ("active", "prospect", "paused", "former", "declined"), (60, 12, 10, 12, 6)
            )[0]
        if persona.name == "dispute" and status in ("prospect", "declined"):
            status = "active"
        start, last = history.span(rng, status, archived, now_ts)
        start, last = history.working_hours(start, rng), history.working_hours(last, rng)
        if last > now_ts - 600:  # later today: the working day before, then
            last = min(history.working_hours(last - DAY, rng), now_ts - 600)
        if start > last - DAY:  # even a short history spans a few days
            start = history.working_hours(last - rng.randrange(2, 20) * DAY, rng)
        plan = history.Plan(
            persona, language, start, last, history.projects(rng, start, last, status)
        )
        plans.append(plan)
        company = rng.choice(COMPANIES[language])
        tags = []
        if rng.random() < 0.05:
            tags.append("vip")
        if status == "active" and rng.random() < 0.1:
            tags.append("retainer")
        clients.append(
            {
                "id": client_id,
                "name": name,
                "name_key": name.casefold(),
                "salutation": who.salutation,
                "language": language,
                "company": company,
                "status": status,
                "referred_by": rng.randrange(1, client_id)
                if client_id > 5 and rng.random() < 0.12
                else None,
                "referred_by_text": "",
                "tags": tags,  # a list: the field stores it as JSON
                "notes": "",
                "rapport": rng.choice(RAPPORT[language]) if rng.random() < 0.6 else "",
                "created_at": start - rng.randrange(0, 14 * DAY),
                "updated_at": now_ts,
                # archived after at least two months of silence, and at least a day ago
                "archived_at": min(last + rng.randrange(60, 300) * DAY, now_ts - DAY)
                if archived
                else None,
                "last_contact_at": None,  # set below, once each log's size is known
                "risk_score": 0,
                "risk_band": "low",
                "risk_week_ago": 0,
            }
        )
        for _ in range(rng.choice((1, 1, 1, 2))):
            e164, raw = phone_number(rng, language)
            if e164 not in seen_e164:
                seen_e164.add(e164)
                phones.append(
                    {
                        "client": client_id,
                        "e164": e164,
                        "raw": raw,
                        "kind": rng.choice(("mobile", "work", "")),
                    }
                )
        local = f"{who.first}.{who.last_name}".lower().translate(TRANSLIT)
        domain = (company.lower().translate(TRANSLIT).split() or ["mail"])[0].strip(
            "«»\"'.,"
        ) or "mail"
        emails.append(
            {
                "client": client_id,
                "address": f"{local}.{client_id}@{domain}.example",
                "kind": "work",
            }
        )

        # money and scope: one agreement per project, invoiced monthly, time spent on it
        titles_used: set[str] = set()
        for begin, end in plan.projects:
            start_day = datetime.fromtimestamp(begin, UTC).date()
            end_day = datetime.fromtimestamp(end, UTC).date()
            title_text = (
                rng.choice(
                    (
                        "Website redesign",
                        "Market analysis",
                        "CRM migration",
                        "Brand workshop",
                        "Audit",
                    )
                )
                + f" {start_day:%Y-%m-%d}"
            )
            if title_text in titles_used:
                continue  # titles are unique per client
            titles_used.add(title_text)
            agreement_id = len(agreements) + 1
            budget = rng.choice((2_000, 5_000, 8_000, 12_000, 25_000)) * 100
            current = status == "active" and end >= plan.last
            agreements.append(
                {
                    "id": agreement_id,
                    "client": client_id,
                    "title": title_text,
                    "scope": "Discovery, two design rounds, delivery and one revision.",
                    "budget_cents": budget,
                    "currency": "EUR",
                    "start": start_day.isoformat(),
                    "end": (
                        end_day + timedelta(days=rng.randrange(20, 90)) if current else end_day
                    ).isoformat(),
                    "status": "active" if current else "done",
                }
            )
            months = max(1, (end_day - start_day).days // 30)
            for n in range(months):
                issued = start_day + timedelta(days=30 * (n + 1))
                if issued > today:
                    break
                due = issued + timedelta(days=rng.choice((14, 14, 30)))
                if persona.recent:
                    late = rng.random() < persona.pays_late
                else:  # their late payments are long past
                    late = (today - issued).days > 365 and rng.random() < 0.5
                if late:
                    paid_day = due + timedelta(days=rng.randrange(5, 120))
                    paid = paid_day.isoformat() if paid_day < today else None
                else:
                    paid_day = issued + timedelta(days=rng.randrange(1, 14))
                    paid = paid_day.isoformat() if paid_day <= today else None
                if status in ("former", "declined") and persona.name != "dispute":
                    paid = paid or due.isoformat()  # a finished relationship is settled
                invoices.append(
                    {
                        "client": client_id,
                        "agreement": agreement_id,
                        "number": f"{issued.year}-{len(invoices) + 1:05d}",
                        "amount_cents": budget // months,
                        "currency": "EUR",
                        "issued": issued.isoformat(),
                        "due": due.isoformat(),
                        "paid": paid,
                        "disputed": persona.name == "dispute"
                        and paid is None
                        and rng.random() < 0.6,
                    }
                )
            for _ in range(rng.randrange(2, 8)):
                moment = history.working_hours(begin + rng.randrange(max(end - begin, 1)), rng)
                if moment < now_ts:
                    time_entries.append(
                        {
                            "client": client_id,
                            "agreement": agreement_id,
                            "started_at": moment,
                            "minutes": rng.choice((30, 45, 60, 90, 120, 240)),
                            "note": rng.choice(
                                ("Design work", "Calls and notes", "Implementation", "Review")
                            ),
                        }
                    )
        open_chance = {"active": 0.3, "paused": 0.1, "prospect": 0.4}.get(status, 0)
        if not archived and rng.random() < open_chance:
            follow_ups.append(
                {
                    "client": client_id,
                    "due_at": now_ts + rng.randrange(-5 * DAY, 10 * DAY),
                    "text": rng.choice(
                        (
                            "Call back about the proposal",
                            "Send the revised quote",
                            "Check the payment arrived",
                            "Confirm the workshop date",
                        )
                    ),
                    "done_at": None,
                }
            )
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            done_at = plan.start + rng.randrange(max(plan.last - plan.start, 1))
            follow_ups.append(
                {
                    "client": client_id,
                    "due_at": done_at,
                    "text": "Send meeting notes",
                    "done_at": done_at,
                }
            )

    # How many entries each client's log has: a few for prospects, up to a few hundred for
    # long relationships (never more than eight times the average).
    status_weight = {"active": 1.0, "paused": 0.7, "former": 0.6, "prospect": 0.08}
    weights = [
        rng.lognormvariate(0, 0.7)
        * status_weight.get(row["status"], 0.05)
        * (0.5 + ((plan.last - plan.start) / (365 * DAY)) ** 0.5)
        for row, plan in zip(clients, plans, strict=True)
    ]
    entry_counts = history.entry_counts(rng, weights, n_interactions)
    for row, plan, count in zip(clients, plans, entry_counts, strict=True):
        # every history ends with a contact at plan.last (see _write_histories)
        row["last_contact_at"] = plan.last if count else None

    with database.atomic():
        for stage, model, rows in (
            ("clients", Client, clients),
            ("phones", entities.Phone, phones),
            ("emails", entities.Email, emails),
            ("agreements", entities.Agreement, agreements),
            ("invoices", entities.Invoice, invoices),
            ("time entries", entities.TimeEntry, time_entries),
            ("follow-ups", entities.FollowUp, follow_ups),
        ):
            for batch in chunked(rows, 500):
                model.insert_many(batch).execute()
            report(stage, len(rows), len(rows))

        _write_histories(rng, plans, entry_counts, n_interactions, report)
        # ids were assigned here, not by the database (PostgreSQL's sequences must follow)
        sync_id_sequences(Client, entities.Agreement, Interaction)

    refresh_all(now, progress=lambda done, total: report("risk", done, total))
    return {
        "clients": len(clients),
        "archived": len(archived_ids),
        "interactions": n_interactions,
        "signals": Signal.select().count(),
        "invoices": len(invoices),
        "follow_ups": len(follow_ups),
    }


def _write_histories(
    rng: random.Random,
    plans: list[history.Plan],
    entry_counts: list[int],
    n_interactions: int,
    report: Callable[[str, int, int], None],
) -> None:
    """Write every client's log; each ends with a contact (not a note) at ``plan.last``."""
    fields = [Interaction.id, Interaction.client, *ENTRY_FIELDS]
    signal_fields = [Signal.interaction, Signal.client, Signal.kind, Signal.at]
    next_id = (Interaction.select(fn.MAX(Interaction.id)).scalar() or 0) + 1
    batch, signal_batch, done = [], [], 0
    minutes = (5, 10, 15, 30, 45, 60)
    for client_id, (plan, count) in enumerate(zip(plans, entry_counts, strict=True), start=1):
        if not count:
            continue
        moments = history.moments(rng, plan, count)
        channels = rng.choices(events.CHANNELS, events.CHANNEL_WEIGHTS, k=count)
        channels[-1] = rng.choice(("call", "email", "meeting", "message"))  # the last contact
        directions = rng.choices(("in", "out"), k=count)
        routine = events.ROUTINE[plan.language]
        spoken_texts = rng.choices([routine[i] for i in events.SPOKEN], k=count)
        written_texts = rng.choices([routine[i] for i in events.WRITTEN], k=count)
        tones = rng.choices(plan.persona.tones, k=count)
        signs: dict[int, list[str]] = {}
        for kind, index in history.incidents(rng, plan.persona, count):
            kinds_here = signs.setdefault(index, [])
            if kind not in kinds_here:  # one entry carries a sign once
                kinds_here.append(kind)
        notes = events.NOTES[plan.language]
        language = events.LANG_INDEX[plan.language]
        for index in range(count):
            channel = channels[index]
            kinds = signs.get(index)
            tone = tones[index]
            summary = (spoken_texts if channel in ("call", "meeting") else written_texts)[index]
            if kinds:
                channel, sign_tone = events.SIGNAL_CHANNEL[kinds[0]]
                tone = sign_tone or tone
                summary = events.SIGNAL_TEXT[kinds[0]][language]
                for kind in kinds:
                    signal_batch.append((next_id, client_id, kind, moments[index]))
            elif channel == "note":
                summary = rng.choice(notes)
            spoken = channel in ("call", "meeting")
            batch.append(
                (
                    next_id,
                    client_id,
                    moments[index],
                    channel,
                    "out" if channel == "note" else directions[index],
                    rng.choice(minutes) if spoken else None,
                    tone if spoken else None,
                    summary,
                )
            )
            next_id += 1
        if len(batch) >= 4000:
            done += _flush(batch, fields, signal_batch, signal_fields)
            batch, signal_batch = [], []
            report("interactions", done, n_interactions)
    done += _flush(batch, fields, signal_batch, signal_fields)
    report("interactions", done, n_interactions)


def _flush(batch, fields, signal_batch, signal_fields) -> int:
    for rows in chunked(batch, 4000):
        Interaction.insert_many(rows, fields=fields).execute()
    # signals only after their interactions are in (foreign keys)
    for rows in chunked(signal_batch, 4000):
        Signal.insert_many(rows, fields=signal_fields).execute()
    return len(batch)
