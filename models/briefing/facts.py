"""The dispute fact sheet (domain rule 8): the facts first, as a Markdown document.

What happened and when (the timeline of signal-bearing interactions and money events),
who did what (the client's warning signs and the consultant's own mistakes side by side),
time spent, money invoiced, paid, overdue and disputed, the risk history, and an empty
"How we can repair this" section for the user to write. User text is escaped so a ``|``
or a leading ``#`` in a summary cannot break the document's structure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path

from callsheet.models.book import scoring
from callsheet.models.book.scoring import client_since
from callsheet.models.store.files import default_folder, private_text_file, slug_of
from callsheet.models.store.tables import (
    Agreement,
    Client,
    Interaction,
    Invoice,
    Payment,
    Signal,
    TimeEntry,
)
from callsheet.models.values.text import markdown_inline as md
from callsheet.models.values.text import money_text
from callsheet.models.values.when import to_zone


def _day(moment) -> str:
    return (
        f"{to_zone(moment):%Y-%m-%d %H:%M}"
        if isinstance(moment, datetime)
        else f"{moment:%Y-%m-%d}"
    )


def fact_sheet(client: Client | int, as_of: datetime) -> str:
    client = client if isinstance(client, Client) else Client.get_by_id(client)
    today = to_zone(as_of).date()
    lines = [f"# Fact sheet: {md(client.name)}", ""]
    about = [
        client.company,
        client.status,
        f"client since {to_zone(client_since(client)):%Y-%m-%d}",
    ]
    lines += [
        f"{md(' · '.join(a for a in about if a))}  ",
        f"Prepared {to_zone(as_of):%Y-%m-%d %H:%M} by callsheet.",
        "",
    ]

    # -- money -----------------------------------------------------------------------------
    invoices = list(
        Invoice.select().where(Invoice.client == client).order_by(Invoice.issued, Invoice.id)
    )
    payments: defaultdict[int, list] = defaultdict(list)  # partial payments, by invoice
    for payment in (
        Payment.select()
        .join(Invoice)
        .where(Invoice.client == client)
        .order_by(Payment.paid_on, Payment.id)
    ):
        payments[payment.invoice_id].append(payment)
    totals: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for invoice in invoices:
        bucket = totals[invoice.currency]
        bucket["invoiced"] += invoice.amount_cents
        part = sum(p.amount_cents for p in payments[invoice.id] if p.paid_on <= today)
        if invoice.paid and invoice.paid <= today:
            bucket["paid"] += invoice.amount_cents
            continue
        bucket["paid"] += part
        if invoice.due and invoice.due < today:
            bucket["overdue"] += invoice.amount_cents - part
        if invoice.disputed:
            bucket["disputed"] += invoice.amount_cents - part
    minutes = sum(
        t.minutes for t in TimeEntry.select(TimeEntry.minutes).where(TimeEntry.client == client)
    )
    risk = scoring.explain(client.id, as_of)
    trend = scoring.trend_of(client.id, as_of)

    lines += ["## Summary", ""]
    lines.append(f"- Risk now: **{risk.score}/100 ({risk.band})**; 12 weeks ago: {trend[0]}/100.")
    for currency, bucket in sorted(totals.items()):
        lines.append(
            f"- Money ({currency}): invoiced {money_text(bucket['invoiced'])}, paid {money_text(bucket['paid'])}, "
            f"overdue {money_text(bucket['overdue']) or '0'}, disputed {money_text(bucket['disputed']) or '0'}."
        )
    converted = risk.money.overdue_home
    if len(risk.money.overdue) > 1 or converted.foreign or converted.uncounted:
        # currencies are never added: one figure only at the user's rates, shown with them
        lines.append(f"- Overdue in {converted.home}: {converted.text()}.")
    if not totals:
        lines.append("- No invoices recorded.")
    lines.append(f"- Time spent: {minutes / 60:.1f} hours.")
    lines.append("")

    # -- timeline --------------------------------------------------------------------------
    signals = defaultdict(list)
    for interaction_id, kind in (
        Signal.select(Signal.interaction, Signal.kind)
        .where((Signal.client == client) & (Signal.at <= as_of))
        .tuples()
    ):
        signals[interaction_id].append(kind)
    events = []
    for interaction in (
        Interaction.select()
        .where(Interaction.id.in_(list(signals)))
        .order_by(Interaction.occurred_at)
    ):
        kinds = signals[interaction.id]
        who = "me" if kinds == ["own_mistake"] else "client"
        events.append(
            (
                interaction.occurred_at,
                who,
                f"{interaction.channel} ({interaction.direction})"
                + (f", {interaction.tone}" if interaction.tone else "")
                + f": {interaction.summary}",
                ", ".join(k.replace("_", " ") for k in kinds),
            )
        )
    for invoice in invoices:
        issued_at = datetime.combine(invoice.issued, datetime.min.time(), as_of.tzinfo)
        amount = f"{money_text(invoice.amount_cents)} {invoice.currency}"
        events.append(
            (
                issued_at,
                "me",
                f"invoice {invoice.number} issued, {amount}"
                + (f", due {invoice.due}" if invoice.due else ""),
                "",
            )
        )
        if invoice.paid and invoice.paid <= today:
            late = (invoice.paid - invoice.due).days if invoice.due else 0
            events.append(
                (
                    datetime.combine(invoice.paid, datetime.min.time(), as_of.tzinfo),
                    "client",
                    f"invoice {invoice.number} paid" + (f", {late} days late" if late > 0 else ""),
                    "late payment" if late > 0 else "paid on time",
                )
            )
        elif invoice.disputed:
            events.append(
                (
                    datetime.combine(
                        invoice.due or invoice.issued, datetime.min.time(), as_of.tzinfo
                    ),
                    "client",
                    f"invoice {invoice.number} disputed, unpaid",
                    "refused payment",
                )
            )
        elif invoice.due and invoice.due < today:
            events.append(
                (
                    datetime.combine(invoice.due, datetime.min.time(), as_of.tzinfo),
                    "client",
                    f"invoice {invoice.number} due, not paid ({(today - invoice.due).days} days overdue)",
                    "late payment",
                )
            )
    events.sort(key=lambda e: e[0])
    lines += ["## Timeline of facts", ""]
    if events:
        lines += ["| When | Who | What happened | Signals |", "|---|---|---|---|"]
        lines += [
            f"| {_day(at)} | {who} | {md(what)} | {md(kinds)} |" for at, who, what, kinds in events
        ]
    else:
        lines.append("No signals or money events recorded.")
    lines.append("")

    # -- who did what ----------------------------------------------------------------------
    counts = Counter(kind for kinds in signals.values() for kind in kinds)
    lines += ["## Who did what", "", "### The client", ""]
    client_kinds = [(k, n) for k, n in counts.most_common() if k != "own_mistake"]
    lines += [
        f"- {k.replace('_', ' ')}: {n} time{'s' if n > 1 else ''}" for k, n in client_kinds
    ] or ["- Nothing recorded."]
    lines += ["", "### Me (my own mistakes, acknowledged)", ""]
    mistakes = [e for e in events if e[1] == "me" and "own mistake" in e[3]]
    lines += [f"- {_day(at)}: {md(what)}" for at, _, what, _ in mistakes] or ["- None recorded."]
    lines.append("")

    # -- time and agreements -------------------------------------------------------------------
    lines += ["## Agreements and time spent", ""]
    agreements = list(
        Agreement.select().where(Agreement.client == client).order_by(Agreement.start)
    )
    minutes_by: defaultdict[int | None, int] = defaultdict(int)
    for entry in TimeEntry.select().where(TimeEntry.client == client):
        minutes_by[entry.agreement_id] += entry.minutes
    if agreements:
        lines += ["| Agreement | Scope | Budget | Period | Time spent |", "|---|---|---|---|---|"]
        for a in agreements:
            budget = (
                f"{money_text(a.budget_cents)} {a.currency}" if a.budget_cents is not None else ""
            )
            lines.append(
                f"| {md(a.title)} | {md(a.scope)} | {budget} | {a.start or ''} to {a.end or ''} "
                f"| {minutes_by.get(a.id, 0) / 60:.1f} h |"
            )
    else:
        lines.append("No agreement recorded.")
    if minutes_by.get(None):
        lines.append(f"\nTime outside any agreement: {minutes_by[None] / 60:.1f} h.")
    lines.append("")

    # -- money ---------------------------------------------------------------------------------
    lines += ["## Money", ""]
    if invoices:
        lines += ["| Invoice | Amount | Issued | Due | Paid | State |", "|---|---|---|---|---|---|"]
        for invoice in invoices:
            if invoice.paid and invoice.paid <= today:
                state = "paid late" if invoice.due and invoice.paid > invoice.due else "paid"
            elif invoice.disputed:
                state = "**disputed**"
            elif invoice.due and invoice.due < today:
                state = f"**overdue {(today - invoice.due).days} days**"
            else:
                state = "open"
            lines.append(
                f"| {md(invoice.number)} | {money_text(invoice.amount_cents)} {invoice.currency} | "
                f"{invoice.issued} | {invoice.due or ''} | {invoice.paid or ''} | {state} |"
            )
            for payment in payments[invoice.id]:
                note = f" ({md(payment.note)})" if payment.note else ""
                lines.append(
                    f"| ↳ payment | {money_text(payment.amount_cents)} {invoice.currency} | | "
                    f"| {payment.paid_on} | part paid{note} |"
                )
    else:
        lines.append("No invoices recorded.")
    lines.append("")

    # -- risk history ----------------------------------------------------------------------------
    lines += ["## Risk history", "", "| Week of | Score |", "|---|---|"]
    for weeks_back, score in zip(range(len(trend) - 1, -1, -1), trend, strict=True):
        lines.append(f"| {to_zone(as_of - timedelta(weeks=weeks_back)):%Y-%m-%d} | {score} |")
    lines += ["", "Why the score is what it is now:", ""]
    lines += [
        f"- {f.points:+d} {f.label} ({len(f.evidence)} event{'s' if len(f.evidence) != 1 else ''})"
        for f in risk.factors
    ] or ["- No warning signs."]
    lines += [
        "",
        "## How we can repair this",
        "",
        "_To be written: what each side can do, the costs, and whether the "
        "fight is worth it (the value of the relationship, short and long term)._",
        "",
        "- ",
        "",
    ]
    return "\n".join(lines)


def write_fact_sheet(client_id: int, as_of: datetime, path: Path | str | None = None) -> Path:
    """Write the fact sheet to ``path`` (default: the data directory's fact-sheets/ folder).

    Owner-only (0600, in 0700 folders it creates): a fact sheet is evidence about a person.
    """
    client = Client.get_by_id(client_id)
    text = fact_sheet(client, as_of)
    if path is None:
        path = default_folder() / f"{slug_of(client)}-{to_zone(as_of):%Y-%m-%d}.md"
    with private_text_file(path) as stream:
        stream.write(text)
    return Path(path)
