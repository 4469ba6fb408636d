"""Each client's risk as ``callsheet risk --json`` prints it, kept beside the stored score.

Scoring every client with its evidence, stance and advice takes about 0.3 ms of Python per
client: 3 s at 10,000 clients, 30 s at 100,000. The document is written whenever the stored
score is (:mod:`callsheet.models.book.scoring`: after every write to a client, after imports, and by the
dashboard's refresh of scores older than six hours), so ``risk --json`` prints the stored
documents and computes only the clients whose document is missing or stale.

A document counts only when all of these hold:
- it was computed with the stored score (same ``as_of`` as ``client.risk_as_of``), so a write
  that refreshed the score refreshed it too;
- within :data:`FRESH_FOR` of now: the same staleness the dashboard's list accepts;
- by this code and this risk model, in this time zone (:func:`made_by`: a hash of the modules
  that shape the document, the ``[risk]`` settings and the zone evidence times are printed in).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import time
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime, timedelta

from peewee import JOIN

from callsheet.models.risk.document import risk_json
from callsheet.models.risk.model import Risk, RiskModel
from callsheet.models.store.db import database, execute_many
from callsheet.models.store.tables import Client, RiskCache
from callsheet.models.values.text import json_safe

#: how old a stored document may be and still be printed as "now" (the dashboard refreshes
#: stored scores older than this; see tui/sync.py)
FRESH_FOR = timedelta(hours=6)

#: the modules whose code decides what a document says, by import name
_SHAPERS = (
    "callsheet.models.risk.model",
    "callsheet.models.risk.settings",
    "callsheet.models.risk.evidence",
    "callsheet.models.risk.stance",
    "callsheet.models.risk.vocabulary",
    "callsheet.models.risk.document",
    "callsheet.models.book.scoring",
    "callsheet.models.book.risk_cache",
    "callsheet.models.values.money",
    "callsheet.models.values.text",
)
_code_hash: str | None = None


def _source_of(module: str) -> str:
    """A module's source by its import name, wherever the file lies (installed or not)."""
    spec = importlib.util.find_spec(module)
    source = spec.loader.get_source(module) if spec and spec.loader else None  # type: ignore[attr-defined]
    if source is None:
        raise RuntimeError(f"the risk cache cannot read the code of {module}")
    return source


def made_by(model: RiskModel) -> str:
    """What a document depends on besides the client's events: code, settings, time zone."""
    global _code_hash
    if _code_hash is None:
        digest = hashlib.sha256()
        for name in _SHAPERS:
            digest.update(_source_of(name).encode())
        _code_hash = digest.hexdigest()[:16]
    zone = f"{time.tzname}{time.timezone}{time.altzone}"
    # sets print in a different order in each process: a canonical form, not repr()
    canonical = json.dumps(asdict(model), sort_keys=True, default=sorted)
    # a rate's day is shown in the document too (a float's JSON has no room for it)
    canonical += repr(sorted((c, str(getattr(r, "day", ""))) for c, r in model.rates.items()))
    settings = hashlib.sha256(f"{canonical}|{zone}".encode()).hexdigest()[:16]
    return f"{_code_hash}:{settings}"


def document(risk: Risk) -> str:
    """The risk's JSON as ``risk --json`` prints it, without the client's id and name."""
    return json_safe(json.dumps(risk_json(risk), ensure_ascii=False))


def client_line(client_id: int, name: str, doc: str) -> str:
    """One client of ``risk --json``: id and name, then the stored document's fields."""
    head = json_safe(json.dumps({"id": client_id, "name": name}, ensure_ascii=False))
    return head[:-1] + ", " + doc[1:]


def store(risks: Iterable[tuple[int, Risk]], as_of: datetime, model: RiskModel) -> None:
    """Write (client id, risk) documents as of ``as_of``; call inside the score's transaction.

    One prepared upsert run for every row (both backends know ``ON CONFLICT``): building a
    peewee query per batch cost more than the import it followed.
    """
    stamp = made_by(model)
    moment = RiskCache.as_of.db_value(as_of)
    rows = [
        (client_id, moment, risk.score, risk.band, stamp, document(risk))
        for client_id, risk in risks
    ]
    execute_many(_UPSERT, rows)


_COLUMNS = ("client_id", "as_of", "score", "band", "made_by", "document")
_UPSERT = (
    f'INSERT INTO "{RiskCache._meta.table_name}" ('
    + ", ".join(f'"{column}"' for column in _COLUMNS)
    + ") VALUES ("
    + ", ".join("?" for _ in _COLUMNS)
    + ') ON CONFLICT ("client_id") DO UPDATE SET '
    + ", ".join(f'"{column}" = excluded."{column}"' for column in _COLUMNS[1:])
)


def fresh(
    now: datetime, model: RiskModel, band: str | None = None, include_archived: bool = False
) -> tuple[list[tuple[int, str, int, str]], list[int]]:
    """(id, name, score, document) of every client whose document is fresh (in ``band``),
    and the ids of the clients who need computing (whatever their stored band)."""
    stamp = made_by(model)
    oldest = RiskCache.as_of.db_value(now - FRESH_FOR)
    query = Client.select(
        Client.id,
        Client.name,
        Client.risk_as_of,
        RiskCache.as_of,
        RiskCache.score,
        RiskCache.band,
        RiskCache.made_by,
        RiskCache.document,
    ).join(RiskCache, JOIN.LEFT_OUTER, on=(RiskCache.client == Client.id))
    if not include_archived:
        query = query.where(Client.archived_at.is_null())
    usable, stale = [], []
    # one statement, so one snapshot: scores and documents as one write left them
    for client_id, name, risk_as_of, as_of, score, kind, by, doc in database.execute(query):
        if doc is not None and by == stamp and as_of == risk_as_of and as_of >= oldest:
            if band is None or kind == band:
                usable.append((client_id, name, score, doc))
        else:
            stale.append(client_id)
    return usable, stale
