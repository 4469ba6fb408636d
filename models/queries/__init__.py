"""The dashboard's read queries: compact rows for the client list, one client's log, triage.

Everything here returns plain tuples/dataclasses (no Textual) and is shaped for speed at
10,000-100,000 clients. :mod:`models.queries.listing` reads the client list and a
client's log; :mod:`models.queries.attention` is triage, a list of groups each of which is
one query giving both its items and its count, so the dashboard's header, the triage view
and ``callsheet triage`` can never disagree.

Callers use ``from models import queries`` and ``queries.triage(...)``: the names below are
the whole public surface.
"""

from models.queries.attention import (
    HEADER_KINDS,
    RISK_RISE_POINTS,
    TRIAGE_GROUPS,
    TRIAGE_STATUSES,
    Attention,
    Triage,
    TriageGroup,
    TriageMoment,
    TriageSection,
    in_triage,
    needs_attention,
    query_group,
    register_triage_group,
    suggestions_to_review,
    triage,
    triage_counts,
    triage_groups,
)
from models.queries.listing import ClientRow, LogRow, client_rows, log_rows

__all__ = [
    "HEADER_KINDS",
    "RISK_RISE_POINTS",
    "TRIAGE_GROUPS",
    "TRIAGE_STATUSES",
    "Attention",
    "ClientRow",
    "LogRow",
    "Triage",
    "TriageGroup",
    "TriageMoment",
    "TriageSection",
    "client_rows",
    "in_triage",
    "log_rows",
    "needs_attention",
    "query_group",
    "register_triage_group",
    "suggestions_to_review",
    "triage",
    "triage_counts",
    "triage_groups",
]
