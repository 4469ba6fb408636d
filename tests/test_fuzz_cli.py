"""Hypothesis over every parser and CLI argument: stored and valid, or one named refusal.

The quick, in-suite cousin of ``bench/fuzz_cli.py`` (which runs >= 1,000 cases in real
subprocesses). Values mix what hostile and unlucky users send: control characters and
escape sequences, markup, right-to-left text, emoji, 10,000-character strings, lone
surrogates (invalid bytes from argv), extreme dates and numbers. Each property checks that
nothing raises past the entry point, that exit codes are 0, 1 or 2, that a refusal (2)
changed nothing, and that no raw control character is printed. Counts stay modest so
``make test`` stays fast.
"""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callsheet.models.store.db import close_database
from callsheet.models.store.opening import open_database
from callsheet.models.values.text import has_raw_controls

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "\x1b]2;PWNED\x07\x1b[2JEvil",
    "\x9b31mC1",
    "[bold red]x[/]",
    "[@click=app.quit]q[/]",
    "שלום \u202eevil",
    "👨\u200d👩\u200d👧",
    "x" * 10_000,
    "Ana \udcff Pop",  # what Python makes of an invalid byte in argv
    "\u2028",
    "%s {0}",
    "",
    " ",
]
DATES = [
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "99999999 days ago",
    "1e400 days ago",
    "in 3 days",
    "2026-02-30",
    "yesterday 99:99",
    "2 hours ago",
    "now",
]
NUMBERS = ["0", "-1", "1" + "0" * 40, "1e308", "nan", "12.5", "١٢", "9" * 19]

hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x2070), max_size=20),
)


def rows(db_path) -> tuple[int, int]:
    from callsheet.models.store.tables import Client, Interaction

    open_database(db_path)
    try:
        return Client.select().count(), Interaction.select().count()
    finally:
        close_database()


def check(result, before, after) -> None:
    code, out, err = result
    assert code in (0, 1, 2), err
    assert "Traceback" not in err
    assert not has_raw_controls(out) and not has_raw_controls(err), (out, err)
    if code == 2:
        assert after == before, err  # a refusal writes nothing


@pytest.fixture
def book(cli, db_path):
    cli("add", "Ana Pop", "--phone", "+40 721 234 567")
    return db_path


@FUZZ
@given(
    name=hostile,
    phone=st.one_of(st.none(), hostile, st.sampled_from(["1850", "+40 721 234 567"])),
    email=st.one_of(st.none(), hostile, st.just("a@b.ro")),
    status=st.one_of(st.none(), hostile, st.just("active")),
    salutation=st.one_of(st.none(), hostile),
)
def test_add_stores_or_refuses_any_argument(cli, book, name, phone, email, status, salutation):
    argv = ["add", name]
    for option, value in (
        ("--phone", phone),
        ("--email", email),
        ("--status", status),
        ("--salutation", salutation),
    ):
        if value is not None:
            argv += [option, value]
    before = rows(book)
    result = cli(*argv)
    check(result, before, rows(book))


@FUZZ
@given(
    client=st.one_of(st.just("1"), st.just("Ana"), hostile),
    text=hostile,
    at=st.one_of(st.none(), st.sampled_from(DATES), hostile),
    minutes=st.one_of(st.none(), st.sampled_from(NUMBERS), hostile),
    signal=st.one_of(st.none(), st.sampled_from(["rude", "rudee", "praise"]), hostile),
    tone=st.one_of(st.none(), st.sampled_from(["warm", "hostile"]), hostile),
)
def test_log_stores_or_refuses_any_argument(cli, book, client, text, at, minutes, signal, tone):
    argv = ["log", client, text or "x"]
    for option, value in (("--at", at), ("--minutes", minutes), ("--signal", signal)):
        if value is not None:
            argv += [option, value]
    if tone is not None:
        argv += ["--tone", tone]
    before = rows(book)
    check(cli(*argv), before, rows(book))


@FUZZ
@given(as_of=st.one_of(st.sampled_from(DATES), hostile), as_json=st.booleans())
def test_triage_and_risk_answer_any_as_of(cli, book, as_of, as_json):
    cli("log", "Ana", "--at", "2 hours ago", "\x1b[2J\x9b hello")
    for command in ("triage", "risk"):
        before = rows(book)
        argv = [command, "--as-of", as_of, *(["--json"] if as_json else [])]
        check(cli(*argv), before, rows(book))


@FUZZ
@given(
    command=st.sampled_from(["who", "show", "brief", "facts", "risk"]),
    value=st.one_of(hostile, st.sampled_from(["+40 721 234 567", "1", "Ana"])),
)
def test_read_commands_answer_any_argument_in_one_clean_line(cli, book, command, value):
    before = rows(book)
    check(cli(command, value), before, rows(book))


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(allow_nan=False),
        hostile,
        st.sampled_from(DATES),
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["name", "phones", "status", "at", "channel", "amount", "minutes", "signals"]
            )
            | st.text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)
client_objects = st.fixed_dictionaries(
    {"name": hostile},
    optional={
        "status": json_values,
        "phones": json_values,
        "emails": json_values,
        "tags": json_values,
        "interactions": st.lists(
            st.fixed_dictionaries(
                {"at": st.one_of(st.sampled_from(DATES), json_values)},
                optional={
                    "channel": json_values,
                    "duration_min": json_values,
                    "signals": json_values,
                },
            ),
            max_size=2,
        ),
        "invoices": st.lists(
            st.fixed_dictionaries(
                {"number": json_values, "amount": json_values, "issued": json_values}
            ),
            max_size=1,
        ),
        "time_entries": json_values,
        "notes": json_values,
    },
)


@FUZZ
@given(clients=st.lists(client_objects, max_size=3), skip=st.booleans())
def test_any_callsheet_document_imports_or_is_refused_whole(cli, book, tmp_path, clients, skip):
    path = tmp_path / "fuzz.json"
    path.write_text(
        json.dumps({"format": "callsheet/1", "clients": clients}, ensure_ascii=False),
        encoding="utf-8",
        errors="surrogatepass",
    )
    before = rows(book)
    check(cli("import", str(path), *(["--skip-bad"] if skip else [])), before, rows(book))


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.builds(
            lambda name, tel, end, encoding: (
                f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nTEL:{tel}\r\n{end}"
            ).encode(encoding, "replace"),
            hostile.map(lambda t: t.replace("\n", " ")),
            hostile.map(lambda t: t.replace("\n", " ")),
            st.sampled_from(["END:VCARD\r\n", "", "BEGIN:VCARD\r\n"]),
            st.sampled_from(["utf-8", "cp1252", "utf-16", "latin-1"]),
        ),
        st.builds(
            lambda name, phone, notes: f"Name;Phone;Notes\n{name};{phone};{notes}\n".encode(
                "utf-8", "surrogatepass"
            ),
            hostile,
            hostile,
            st.one_of(hostile, st.just("y" * 200_000)),
        ),
    ),
    kind=st.sampled_from(["csv", "vcf", "json"]),
)
def test_any_bytes_in_an_import_file_import_or_are_named(cli, book, tmp_path, data, kind):
    path = tmp_path / f"fuzz.{kind}"
    path.write_bytes(data)
    before = rows(book)
    check(cli("import", str(path)), before, rows(book))


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(hostile, st.sampled_from(DATES)))
def test_moments_parse_or_raise_a_when_error(text):
    from callsheet.models.values.when import FIRST_YEAR, LAST_YEAR, WhenError, parse_when

    try:
        moment = parse_when(text)
    except WhenError:
        return
    assert FIRST_YEAR <= moment.year <= LAST_YEAR


@settings(max_examples=200, deadline=None)
@given(value=json_values)
def test_amounts_minutes_and_choices_parse_or_raise_an_input_error(value):
    from callsheet.models.values import validate

    for check_ in (validate.cents, validate.minutes, validate.status, validate.signal):
        with contextlib.suppress(validate.InputError):
            check_(value)
