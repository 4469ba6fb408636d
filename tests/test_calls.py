"""The call sheet, `callsheet who`, saying no, and the dispute fact sheet."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.briefing.brief import brief_of
from callsheet.models.briefing.facts import fact_sheet, md
from callsheet.models.briefing.forms import render_markdown, render_text
from callsheet.models.briefing.saying_no import reply_outline
from tests.clock import NOW
from tests.factories import entry, invoice, ion_ionescu


@pytest.fixture
def ion(db):
    client = ion_ionescu(
        company="Carpați Soft",
        status="active",
        rapport="Prefers short calls",
        now=NOW - timedelta(days=400),
    )
    agreement = ops.add_agreement(client, title="Website", scope="Two design rounds", budget=8000)
    invoice(client, "14", 3000, date(2026, 9, 1), date(2026, 9, 15), agreement=agreement)
    invoice(client, "15", 1000, date(2026, 6, 1), date(2026, 6, 15), paid=date(2026, 7, 20))
    ops.add_time_entry(
        client,
        started_at=NOW - timedelta(days=30),
        minutes=240,
        note="Wireframes",
        agreement=agreement,
    )
    entry(client, "Changed his mind about the delivered design", "changed_mind", days_ago=20)
    entry(
        client,
        "Refuses to pay | wants it redone",
        "refused_payment",
        "aggressive",
        days_ago=10,
        tone="hostile",
    )
    entry(client, "I sent the wrong file", "own_mistake", days_ago=8)
    entry(client, "Wants a mobile app in the same budget", "scope_creep", days_ago=2)
    ops.add_follow_up(client, NOW + timedelta(days=1), "Send the priced change request")
    return client


def test_the_call_sheet_has_greeting_history_money_scope_risk_and_stance(ion):
    brief = brief_of(ion, NOW)
    assert brief.greeting == "Bună ziua, dl. Ionescu"  # 14:00 in Bucharest
    assert [c.summary for c in brief.last_contacts][0] == "Wants a mobile app in the same budget"
    assert len(brief.last_contacts) == 3
    assert brief.follow_ups[0][1] == "Send the priced change request"
    assert brief.overdue[0][0] == "14" and brief.owed_by_currency == {"EUR": 300000}
    assert brief.agreements[0].invoiced == {"EUR": 300000} and brief.agreements[0].minutes == 240
    # refused to pay, with 3,000 EUR overdue and little paid so far: facts first (rule 8)
    assert brief.risk.band == "high" and brief.stance.kind == "dispute"
    assert "3,000 EUR at stake" in brief.stance.text
    text = render_text(brief)
    for expected in (
        "CALL SHEET: Ion Ionescu",
        "Prefers short calls",
        "OVERDUE 14",
        "Website",
        "STANCE FOR THIS CALL",
    ):
        assert expected in text


def test_stance_follows_risk_status_and_the_value_of_the_relationship(db):
    calm = ops.add_client("Calm", status="active", now=NOW)
    assert brief_of(calm, NOW).stance.kind == "warm"
    creeper = ops.add_client("Creeper", status="active", now=NOW)
    ops.log_interaction(creeper, summary="more please", signals=["scope_creep"], at=NOW, now=NOW)
    assert brief_of(creeper, NOW).stance.kind == "say_no"
    threat = ops.add_client("Threat", status="active", now=NOW)
    ops.log_interaction(
        threat,
        summary="lawyer",
        signals=["legal_threat", "aggressive", "refused_payment"],
        at=NOW,
        now=NOW,
    )
    assert brief_of(threat, NOW).stance.kind == "firm"  # nothing at stake yet
    ops.add_invoice(
        threat, number="T1", amount=2000, issued=date(2026, 10, 1), due=date(2026, 10, 15), now=NOW
    )
    stance = brief_of(threat, NOW).stance
    assert stance.kind == "dispute" and "2,000 EUR at stake" in stance.text


def test_a_prospect_rude_on_the_first_call_is_declined_politely(db):
    prospect = ops.add_client("Prospect", status="prospect", now=NOW)
    ops.log_interaction(
        prospect, summary="shouted", signals=["rude", "aggressive"], tone="hostile", at=NOW, now=NOW
    )
    brief = brief_of(prospect, NOW)
    assert brief.stance.kind == "decline" and brief.risk.advice[0].startswith("Decline politely")
    assert "DECLINE POLITELY" in render_text(brief)


def test_a_valuable_client_in_a_dispute_gets_a_compromise_that_names_revenue_and_referrals(db):
    old_friend = ops.add_client("Old Friend", status="active", now=NOW - timedelta(days=3 * 365))
    for n in range(8):
        issued = date(2024, 1, 1) + timedelta(days=90 * n)
        paid = invoice(old_friend, f"P{n}", 9000, issued, issued + timedelta(days=14))
        ops.record_payment(paid, issued + timedelta(days=10), now=NOW)
    for _ in range(2):
        entry(old_friend, "sent a friend", "referral", days_ago=200)
    invoice(old_friend, "D1", 1500, date(2026, 10, 1), date(2026, 10, 20))
    entry(old_friend, "won't pay D1 as is", "refused_payment")
    stance = brief_of(old_friend, NOW).stance
    assert stance.kind == "compromise", stance
    assert "paid 72,000 EUR over" in stance.text and "2 referrals" in stance.text


def test_brief_json_has_the_stance_and_everything_the_call_sheet_shows(cli, tmp_path):
    cli("add", "Ion Ionescu", "--phone", "+40 721 234 567", "--status", "active")
    cli("log", "Ion", "--signal", "scope_creep", "Wants an app too")
    shown = cli.json("brief", "Ion", "--json")
    assert shown["stance"]["kind"] == "say_no" and shown["stance"]["text"]
    assert shown["name"] == "Ion Ionescu" and shown["greeting"].endswith("Ion Ionescu")
    assert shown["last_contacts"][0]["summary"] == "Wants an app too"
    assert shown["risk"]["score"] > 0 and shown["risk"]["factors"][0]["label"] == "scope creep"
    for key in ("follow_ups", "money", "agreements", "phones", "recent_scope_requests"):
        assert key in shown
    code, _, err = cli("brief", "Ion", "--json", "--markdown")
    assert code == 2


def test_markdown_call_sheet_escapes_user_text(db):
    client = ops.add_client("# Not a heading | pipe", now=NOW)
    ops.log_interaction(client, summary="*bold* [link](x)", at=NOW, now=NOW)
    out = render_markdown(brief_of(client, NOW))
    assert out.startswith("# Call sheet: \\# Not a heading \\| pipe")
    assert "\\*bold\\* \\[link\\](x)" in out


def test_the_reply_outline_says_what_was_agreed_and_offers_an_alternative(ion):
    outline = reply_outline(ion.id, NOW)
    assert "Wants a mobile app in the same budget" in outline
    assert "Two design rounds" in outline and "8,000 EUR" in outline
    assert "modificare cu preț separat" in outline and "Bună ziua, dl. Ionescu" in outline
    assert "Thank you" not in outline and ".;" not in outline and ".." not in outline


def test_the_fact_sheet_has_every_section_in_order_and_escapes_tables(ion):
    text = fact_sheet(ion, NOW)
    sections = [
        "## Summary",
        "## Timeline of facts",
        "## Who did what",
        "## Agreements and time spent",
        "## Money",
        "## Risk history",
        "## How we can repair this",
    ]
    positions = [text.index(s) for s in sections]
    assert positions == sorted(positions)
    assert "Refuses to pay \\| wants it redone" in text  # a pipe cannot break the table
    assert "| me |" in text and "I sent the wrong file" in text  # own mistakes are facts
    assert "**overdue 70 days**" in text and "paid late" in text
    assert "4.0 hours" in text
    timeline = text[text.index("## Timeline") : text.index("## Who did what")]
    assert timeline.index("Changed his mind") < timeline.index("Refuses to pay")
    assert "invoice 14 due, not paid (70 days overdue)" in timeline


def test_md_escapes_markdown_structure():
    assert md("# a | b\nc") == "\\# a \\| b c"


@pytest.mark.parametrize(
    "typed",
    [
        "+40 721 234 567",
        "0040721234567",
        "0721-234-567",
        "0721234567",
        "0721 234 567",
        "+40721234567",
        "(0721) 234 567",
    ],
)
def test_who_recognises_a_number_in_any_common_format(cli, typed):
    cli(
        "add",
        "Ion Ionescu",
        "--phone",
        "+40 721 234 567",
        "--salutation",
        "dl. Ionescu",
        "--language",
        "ro",
    )
    code, out, err = cli("who", typed)
    assert code == 0, err
    assert out.startswith("Ion Ionescu — ") and "dl. Ionescu" in out and "risk low" in out


def test_who_exits_1_with_a_clear_message_for_an_unknown_number(cli):
    cli("add", "Ion Ionescu", "--phone", "+40 721 234 567")
    code, out, err = cli("who", "+40 744 000 111")
    assert code == 1 and out == "" and "+40744000111" in err and "callsheet add" in err


def test_who_rejects_something_that_is_not_a_number(db, cli):
    code, _, err = cli("who", "12")
    assert code == 2 and "12" in err


def test_brief_and_facts_commands_print_and_write(cli, tmp_path):
    cli("add", "Ion Ionescu", "--phone", "+40 721 234 567")
    cli("log", "Ion", "--signal", "legal_threat", "Lawyer letter")
    code, out, err = cli("brief", "Ion")
    assert code == 0 and "CALL SHEET: Ion Ionescu" in out and "legal threat" in out
    code, out, _ = cli("brief", "Ion", "--markdown")
    assert out.startswith("# Call sheet: Ion Ionescu")
    target = tmp_path / "ion.md"
    code, _, err = cli("facts", "Ion", "-o", str(target))
    assert code == 0 and target.read_text(encoding="utf-8").startswith("# Fact sheet: Ion Ionescu")
    assert "Lawyer letter" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("language", "greeting", "phrase"),
    [
        ("pl", "Dzień dobry", "płatną zmianę"),
        ("ru", "Добрый день", "отдельную плату"),
        ("de", "Good afternoon", "priced change"),
    ],
)
def test_the_reply_outline_is_all_in_the_clients_language_or_all_in_english(
    db, language, greeting, phrase
):
    client = ops.add_client("Klient", language=language, now=NOW)
    ops.log_interaction(client, summary="More pages.", signals=["scope_creep"], at=NOW, now=NOW)
    outline = reply_outline(client.id, NOW)
    assert greeting in outline and phrase in outline
    assert 'More pages."' in outline and "More pages.." not in outline  # no doubled stop
    if language != "de":
        assert "Thank you" not in outline and "agreed" not in outline
