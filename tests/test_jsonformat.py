"""callsheet/1: import, export, merging, and refusing bad documents whole."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from callsheet.models.book.clients import add_client
from callsheet.models.exchange import export_json, merge
from callsheet.models.store.db import close_database
from callsheet.models.store.opening import open_database
from callsheet.models.store.tables import Client, Interaction, Invoice, Signal
from tests.conftest import NOW

FIXTURE = Path(__file__).parent / "fixtures" / "every-field.json"


def _export() -> dict:
    stream = io.StringIO()
    export_json.write_export(stream)
    return json.loads(stream.getvalue())


def test_a_hand_written_file_with_every_field_comes_back_unchanged(db):
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    merge.import_document(document, region="RO", now=NOW)
    exported = _export()
    assert exported == document


def test_export_import_export_is_exact_on_demo_data(new_store):
    from callsheet.models.demo import generate

    open_database(new_store())
    generate(40, 2500, seed=11, now=NOW)
    first = _export()
    close_database()
    open_database(new_store())
    merge.import_document(first, region="RO", now=NOW)
    assert _export() == first


def test_importing_the_same_document_twice_changes_nothing(db):
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    merge.import_document(document, region="RO", now=NOW)
    report = merge.import_document(document, region="RO", now=NOW)
    assert report.added == [] and len(report.merged) == 2 and report.interactions == 0
    assert (
        Client.select().count() == 2
        and Interaction.select().count() == 3
        and Invoice.select().count() == 2
    )


def test_a_client_with_a_known_phone_is_merged_not_duplicated(db):
    existing = add_client("Ion I.", phones=["0721234567"], region="RO", now=NOW)
    document = {
        "format": "callsheet/1",
        "clients": [
            {
                "name": "Ion Ionescu",
                "phones": ["+40 721 234 567"],
                "company": "Carpați Soft",
                "interactions": [
                    {"at": "2026-11-01T10:00:00+02:00", "channel": "call", "summary": "hello"}
                ],
            }
        ],
    }
    report = merge.import_document(document, region="RO", now=NOW)
    assert report.added == [] and report.merged
    [client] = Client.select()
    assert client.id == existing.id and client.name == "Ion I." and client.company == "Carpați Soft"
    assert Interaction.select().count() == 1


def test_a_client_with_a_known_email_is_merged(db):
    add_client("Ana", emails=["ana@example.ro"], now=NOW)
    merge.import_document(
        {"format": "callsheet/1", "clients": [{"name": "Ana Pop", "emails": ["ANA@example.ro"]}]},
        now=NOW,
    )
    assert Client.select().count() == 1


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: c.update(nickname="Ionel"), "unknown field 'nickname'"),
        (
            lambda c: c["interactions"][1]["signals"].append("rudee"),
            "interactions[1].signals: unknown signal 'rudee'",
        ),
        (
            lambda c: c["interactions"][0].update(channel="fax"),
            "interactions[0].channel: unknown channel 'fax'",
        ),
        (lambda c: c.update(status="vip"), "status: unknown status 'vip'"),
        (lambda c: c["invoices"][0].update(amount="lots"), "invoices[0].amount"),
        (lambda c: c["phones"].append(["12"]), "phones[2]: expected text or an object, got a list"),
        (lambda c: c["time_entries"][0].update(minutes=None), "time_entries[0].minutes"),
        (lambda c: c["invoices"][0].update(amount=-5), "invoices[0].amount"),
        (lambda c: c["interactions"][0].update(duration_min=10**40), "duration_min"),
        (lambda c: c.update(status=["active"]), "status: expected text, got a list"),
        (lambda c: c.update(notes="x" * 200_000), "notes"),
        (
            lambda c: c["interactions"][0].update(at="9999-12-31T23:59:59-14:00"),
            "interactions[0].at: the date '9999-12-31T23:59:59-14:00' is outside the years",
        ),
        (lambda c: c["interactions"][0].update(at="last tuesday-ish"), "interactions[0].at"),
    ],
)
def test_a_bad_field_is_named_with_its_client_and_nothing_is_written(db, change, message):
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    change(document["clients"][0])
    with pytest.raises(merge.FormatError) as error:
        merge.import_document(document, region="RO", now=NOW)
    assert any(
        message in problem and "'Ion Ionescu'" in problem for problem in error.value.problems
    )
    assert Client.select().count() == 0


def test_skip_bad_imports_the_good_clients_and_lists_the_rest(db):
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    document["clients"][0]["status"] = "vip"
    report = merge.import_document(document, region="RO", skip_bad=True, now=NOW)
    assert [c.name for c in Client.select()] == ["Anna Kowalska"]
    assert len(report.skipped) == 1 and "Ion Ionescu" in report.skipped[0]


def test_dry_run_reports_but_writes_nothing(db):
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    report = merge.import_document(document, region="RO", dry_run=True, now=NOW)
    assert report.added == ["Ion Ionescu", "Anna Kowalska"]
    assert Client.select().count() == 0 and Signal.select().count() == 0


def test_import_sets_last_contact_and_links_the_referrer(db):
    merge.import_document(json.loads(FIXTURE.read_text(encoding="utf-8")), region="RO", now=NOW)
    ion = Client.get(Client.name == "Ion Ionescu")
    assert ion.referred_by.name == "Anna Kowalska"
    # the fixture's newest entry is a note, which is not contact: the call before it is
    newest_contact = (
        Interaction.select()
        .where(Interaction.channel != "note")
        .order_by(Interaction.occurred_at.desc())
        .first()
    )
    assert newest_contact.channel == "call" and ion.last_contact_at == newest_contact.occurred_at


def test_cli_import_then_export_gives_the_file_back(cli, tmp_path):
    code, out, err = cli("import", str(FIXTURE))
    assert code == 0, err
    code, out, err = cli("export", "-o", str(tmp_path / "out.json"))
    assert code == 0, err
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8")) == json.loads(
        FIXTURE.read_text(encoding="utf-8")
    )


def test_cli_reports_a_json_syntax_error_with_its_line(cli, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "callsheet/1",\n "clients": [\n  {"name": "x",}\n]}\n')
    code, out, err = cli("import", str(bad))
    assert code == 2 and "line 3" in err
