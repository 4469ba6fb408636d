"""Suggested signals: found in four languages, stored apart, counted only once confirmed."""

from __future__ import annotations

import io
import json
import tomllib
from datetime import timedelta

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.exchange import export_json, merge
from callsheet.models.risk.suggestions import LEXICON_PATH, fold, load_lexicon, suggest
from callsheet.models.store.tables import Interaction, Signal
from callsheet.models.values.terms import SIGNALS
from tests.conftest import NOW


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("Our lawyer will contact you next week.", "legal_threat"),
        ("Am vorbit cu avocatul nostru.", "legal_threat"),
        ("Sprawą zajmie się nasz prawnik.", "legal_threat"),
        ("Этим займётся наш адвокат.", "legal_threat"),
        ("We are not paying for this version.", "refused_payment"),
        ("Nu plătesc până nu e gata.", "refused_payment"),
        ("Nu platesc pana nu e gata.", "refused_payment"),  # typed without diacritics
        ("Nie zapłacę za to.", "refused_payment"),
        ("Я не буду платить за это.", "refused_payment"),
        ("Can you add just one more page, for free?", "scope_creep"),
        ("Mulțumesc mult, treabă excelentă!", "praise"),
        ("Dziękuję bardzo, świetna robota.", "praise"),
        ("Огромное спасибо за работу!", "praise"),
        ("Вы пожалеете об этом.", "aggressive"),
        ("Złożymy reklamację.", "complaint"),
    ],
)
def test_each_language_suggests_the_signal_its_words_name(text, signal):
    assert signal in suggest(text)


def test_everyday_text_suggests_nothing():
    for text in (
        "Sue sent the process document; see you on Monday.",
        "Am trimis procesul-verbal, ne vedem luni.",
        "Przesyłam dokumenty, do zobaczenia w poniedziałek.",
        "Высылаю документы, до встречи в понедельник.",
        "I'm referring to the invoice from October.",
    ):
        assert suggest(text) == [], text


def test_the_lexicon_holds_only_known_languages_and_signals_and_every_entry_compiles():
    data = tomllib.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    assert set(data) == {"en", "ro", "pl", "ru"}
    for table in data.values():
        assert set(table) <= set(SIGNALS)
    lexicon = load_lexicon()
    assert lexicon.exact and lexicon.prefixes
    assert fold("Plătește ÎNCĂ ёлка łódź") == "plateste inca елка lodz"


def test_a_bad_lexicon_is_refused_naming_the_signal(tmp_path):
    bad = tmp_path / "lexicon.toml"
    bad.write_text('[en]\nrudee = ["idiot"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="rudee"):
        load_lexicon(bad)


def test_a_typed_entry_gets_suggestions_that_do_not_count_until_confirmed(db):
    ion = ops.add_client("Ion Ionescu", status="active", now=NOW)
    logged = ops.log_interaction(
        ion,
        channel="call",
        summary="He says they will not pay and will call their lawyer",
        at=NOW - timedelta(days=1),
        now=NOW,
    )
    assert logged.suggested_signals == ["refused_payment", "legal_threat"]
    ion = ops.find_client("Ion")
    assert ion.risk_score == 0
    assert not Signal.select().where(Signal.interaction == logged.id).exists()

    ops.resolve_suggestions(logged, confirm=["legal_threat"], now=NOW)
    ion = ops.find_client("Ion")
    assert ion.risk_score > 0
    stored = Interaction.get_by_id(logged.id)
    assert [s.kind for s in stored.signals] == ["legal_threat"]
    assert stored.suggested_signals == ["refused_payment"]

    ops.resolve_suggestions(stored, dismiss=None, now=NOW)
    stored = Interaction.get_by_id(logged.id)
    assert stored.suggested_signals == [] and stored.dismissed_signals == ["refused_payment"]
    assert [s.kind for s in stored.signals] == ["legal_threat"]


def test_a_signal_logged_by_hand_is_not_suggested_again(db):
    ion = ops.add_client("Ion", now=NOW)
    logged = ops.log_interaction(
        ion, summary="Mentioned a lawyer", signals=["legal_threat"], now=NOW
    )
    assert logged.suggested_signals == []


def _to_review():
    from callsheet.models.book import queries

    (section,) = [s for s in queries.triage(NOW).sections if s.kind == "suggestion"]
    return section.items


def test_triage_lists_entries_waiting_and_forgets_answered_and_archived_ones(db):
    ion = ops.add_client("Ion", now=NOW)
    anna = ops.add_client("Anna", now=NOW)
    first = ops.log_interaction(ion, summary="Nu plătesc", at=NOW - timedelta(hours=2), now=NOW)
    second = ops.log_interaction(
        ion, summary="Thanks so much!", at=NOW - timedelta(hours=1), now=NOW
    )
    ops.log_interaction(anna, summary="Our lawyer says no", now=NOW)
    ops.log_interaction(ion, summary="Sent the draft", now=NOW)
    items = _to_review()
    assert len(items) == 3
    assert items[-1].ref == first.id and items[-1].client_name == "Ion"
    assert items[-1].text == "suggested refused payment: Nu plătesc"
    assert items[-2].text.startswith("suggested praise")

    ops.resolve_suggestions(second, confirm=None, now=NOW)
    ops.set_archived(anna, True, now=NOW)
    assert [i.ref for i in _to_review()] == [first.id]


def test_suggestions_and_dismissals_survive_export_and_import(db, new_store):
    ion = ops.add_client("Ion", emails=["ion@carpati.example"], now=NOW)
    logged = ops.log_interaction(ion, summary="Not paying, our lawyer agrees", now=NOW)
    ops.resolve_suggestions(logged, dismiss=["legal_threat"], now=NOW)
    out = io.StringIO()
    export_json.write_export(out)
    document = json.loads(out.getvalue())
    (entry,) = document["clients"][0]["interactions"]
    assert entry["suggested_signals"] == ["refused_payment"]
    assert entry["dismissed_signals"] == ["legal_threat"]
    assert entry["signals"] == []
    assert "source" not in entry  # typed: the default is not written

    from callsheet.models.store.db import close_database
    from callsheet.models.store.opening import open_database

    close_database()
    open_database(new_store())
    merge.import_document(document, now=NOW)
    (copy,) = Interaction.select()
    assert copy.suggested_signals == ["refused_payment"]
    assert copy.dismissed_signals == ["legal_threat"]
    assert ops.find_client("Ion").risk_score == 0


def test_an_unknown_suggested_signal_in_a_document_is_named(db):
    document = {
        "format": "callsheet/1",
        "clients": [
            {
                "name": "Ana Pop",
                "interactions": [
                    {
                        "at": "2026-11-10T10:00:00+02:00",
                        "channel": "email",
                        "suggested_signals": ["rudee"],
                        "source": "pigeon",
                    }
                ],
            }
        ],
    }
    with pytest.raises(merge.FormatError) as error:
        merge.import_document(document, now=NOW)
    text = "\n".join(error.value.problems)
    assert "interactions[0].suggested_signals: unknown signal 'rudee'" in text
    assert "interactions[0].source: unknown source 'pigeon'" in text


def test_callsheet_log_says_what_it_suggests_and_the_score_ignores_it(cli):
    cli("add", "Ion Ionescu", "--status", "active")
    code, out, err = cli("log", "Ion", "--channel", "email", "Nu plătesc, vorbiți cu avocatul meu")
    assert code == 0, err
    assert "risk 0 (low)" in out
    assert "suggested signals" in out and "refused_payment, legal_threat" in out
    record = cli.json("show", "Ion", "--json")
    assert record["interactions"][0]["suggested_signals"] == ["refused_payment", "legal_threat"]
    assert record["interactions"][0]["signals"] == []
