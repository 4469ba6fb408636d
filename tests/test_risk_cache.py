"""``risk --json`` prints the documents stored with fresh scores (models/book/risk_cache.py), byte
for byte what computing them gives, and computes every client whose document is stale,
missing, or made by other code, settings or time zone."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from callsheet.models.book import risk_cache, scoring
from callsheet.models.risk.model import DEFAULT_MODEL
from callsheet.models.store.db import close_database
from callsheet.models.store.opening import open_store
from callsheet.models.store.tables import Client, RiskCache


def _book(cli) -> None:
    cli("add", "Calm Client")
    cli("add", "Angry Client")
    cli("log", "Angry", "--signal", "aggressive", "--at", "2026-11-20", "Shouted at my assistant")


def _stored(db_path, change) -> None:
    """Change the stored scores or documents directly in the store, as another program could."""
    open_store(db_path)
    change()
    close_database()


def _angry_summaries(listed: list[dict]) -> list[str]:
    angry = next(c for c in listed if c["name"] == "Angry Client")
    return [e["summary"] for f in angry["factors"] for e in f["evidence"]]


def test_stored_documents_print_exactly_as_computing_them_would(cli, db_path):
    _book(cli)
    moment = datetime.now(UTC).replace(microsecond=0)
    _stored(db_path, lambda: scoring.refresh_all(moment))
    code, stored, _ = cli("risk", "--json")
    code_computed, computed, _ = cli("risk", "--json", "--as-of", moment.isoformat())
    assert code == code_computed == 0
    assert stored == computed
    assert [c["name"] for c in json.loads(stored)] == ["Angry Client", "Calm Client"]
    _, low, _ = cli("risk", "--json", "--band", "low")
    assert [c["name"] for c in json.loads(low)] == ["Calm Client"]


def test_a_fresh_document_is_printed_and_a_stale_one_recomputed(cli, db_path):
    _book(cli)

    def mark_stored() -> None:
        for row in RiskCache.select():
            marked = row.document.replace("Shouted at my assistant", "from the store")
            RiskCache.update(document=marked).where(RiskCache.client == row.client_id).execute()

    _stored(db_path, mark_stored)
    assert _angry_summaries(cli.json("risk", "--json")) == ["from the store"]

    def age(hours: int):
        def change() -> None:
            old = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours)
            Client.update(risk_as_of=old).execute()
            RiskCache.update(as_of=old).execute()

        return change

    _stored(db_path, age(5))  # still fresh
    assert _angry_summaries(cli.json("risk", "--json")) == ["from the store"]
    _stored(db_path, age(7))  # older than the dashboard lets scores get: computed again
    assert _angry_summaries(cli.json("risk", "--json")) == ["Shouted at my assistant"]


def test_a_document_made_by_other_code_or_settings_is_recomputed(cli, db_path):
    _book(cli)

    def mark_and_disown() -> None:
        RiskCache.update(made_by="older code").execute()
        for row in RiskCache.select():
            marked = row.document.replace("Shouted at my assistant", "from the store")
            RiskCache.update(document=marked).where(RiskCache.client == row.client_id).execute()

    _stored(db_path, mark_and_disown)
    assert _angry_summaries(cli.json("risk", "--json")) == ["Shouted at my assistant"]
    assert risk_cache.made_by(DEFAULT_MODEL) != risk_cache.made_by(replace(DEFAULT_MODEL, table={}))


def test_a_write_rewrites_the_clients_document(cli, db_path):
    _book(cli)
    cli("log", "Angry", "--signal", "rude", "--at", "2026-11-21", "Called me names")
    summaries = _angry_summaries(cli.json("risk", "--json"))
    assert sorted(summaries) == ["Called me names", "Shouted at my assistant"]
    open_store(db_path)
    angry = Client.get(Client.name == "Angry Client")
    document = json.loads(RiskCache.get_by_id(angry.id).document)
    close_database()
    assert document["score"] == angry.risk_score
    assert {e["summary"] for f in document["factors"] for e in f["evidence"]} == set(summaries)


def test_the_dashboards_refresh_rewrites_documents_of_other_code(cli, db_path):
    _book(cli)
    _stored(db_path, lambda: RiskCache.update(made_by="older code").execute())
    open_store(db_path)
    # scores are fresh, but every document was made by other code: all are redone
    assert scoring.refresh_stale(datetime.now(UTC).replace(microsecond=0)) == 2
    assert {row.made_by for row in RiskCache.select()} == {
        risk_cache.made_by(scoring.current_model())
    }
    assert scoring.refresh_stale(datetime.now(UTC).replace(microsecond=0)) == 0
    close_database()


def test_only_the_stale_clients_are_computed_beside_the_stored_ones(cli, db_path):
    _book(cli)

    def mark_all_disown_angry() -> None:
        scoring.refresh_all(datetime.now(UTC).replace(microsecond=0))  # both have one
        for row in RiskCache.select():
            marked = row.document.replace('"advice": [', '"advice": ["from the store", ', 1)
            RiskCache.update(document=marked).where(RiskCache.client == row.client_id).execute()
        angry = Client.get(Client.name == "Angry Client")
        RiskCache.update(made_by="older code").where(RiskCache.client == angry.id).execute()

    _stored(db_path, mark_all_disown_angry)
    listed = {c["name"]: c for c in cli.json("risk", "--json")}
    assert "from the store" in listed["Calm Client"]["advice"]
    assert "from the store" not in listed["Angry Client"]["advice"]
    assert _angry_summaries(list(listed.values())) == ["Shouted at my assistant"]
