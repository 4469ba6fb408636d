"""``callsheet sync contacts VDIR``: two-way sync with a contacts vdir (issue 25 item 1).

Real files in a vdir under tmp_path and a real store; the real vCards of other programs'
exports (tests/fixtures/vcards) go through a round trip. The CardDAV server and vdirsyncer
are in tests/test_sync_contacts_servers.py.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from callsheet.models.book import clients as ops
from callsheet.models.book.contact_points import PhoneInput
from callsheet.models.exchange.card_edit import _extents, for_reading
from callsheet.models.exchange.contact_sync import sync_contacts
from callsheet.models.exchange.vcard import read_cards
from callsheet.models.store.db import close_database
from callsheet.models.store.opening import open_database
from callsheet.models.store.tables import Client, ContactSync, Interaction, Phone
from tests.clock import NOW

VCARDS = Path(__file__).parent / "fixtures" / "vcards"
OWNED = {"FN", "N", "TEL", "EMAIL", "ORG", "LANG", "NOTE"}


def sync(folder: Path, **options):
    options.setdefault("region", "RO")
    return sync_contacts(folder, **options)


def card_file(folder: Path, name: str, lines: list[str], newline: str = "\r\n") -> Path:
    path = folder / name
    path.write_bytes((newline.join(["BEGIN:VCARD", *lines, "END:VCARD"]) + newline).encode())
    return path


def stats(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def client(name: str) -> Client:
    return Client.get(Client.name == name)


def phones_of(name: str) -> set[str]:
    return {p.e164 for p in Phone.select().join(Client).where(Client.name == name)}


@pytest.fixture
def vdir(tmp_path) -> Path:
    folder = tmp_path / "contacts"
    folder.mkdir()
    return folder


def test_clients_become_cards_and_a_second_run_rewrites_nothing(db, vdir):
    ops.add_client(
        "Ion Popescu", phones=["0721 234 567"], emails=["ion@example.ro"], region="RO", now=NOW
    )
    ops.add_client("Ana Pop", company="Pop SRL", language="ro", notes="Likes mornings", now=NOW)
    gone = ops.add_client("Old Client", now=NOW)
    ops.set_archived(gone, True, now=NOW)

    report = sync(vdir)
    assert len(report.written) == 2  # the archived client gets no card
    files = sorted(vdir.iterdir())
    assert [stat.S_IMODE(p.stat().st_mode) for p in files] == [0o600, 0o600]
    texts = [p.read_bytes().decode() for p in files]
    ion = next(t for t in texts if "Ion Popescu" in t)
    assert "TEL:+40721234567\r\n" in ion and "EMAIL:ion@example.ro\r\n" in ion
    uid = re.search(r"UID:(.+)\r\n", ion).group(1)
    assert next(p for p in files if "Ion" in p.read_bytes().decode()).name == f"{uid}.vcf"
    ana = next(t for t in texts if "Ana Pop" in t)
    assert "ORG:Pop SRL" in ana and "LANG:ro" in ana and "NOTE:Likes mornings" in ana

    before = stats(vdir)
    again = sync(vdir)
    assert again.files_written == 0 and again.unchanged == 2
    assert (again.added, again.updated, again.merged) == ([], [], [])
    assert stats(vdir) == before


def test_cards_become_clients_and_an_empty_book_takes_the_whole_vdir(db, vdir):
    card_file(
        vdir, "a.vcf", ["VERSION:3.0", "UID:a-1", "FN:Ion Popescu", "TEL;TYPE=CELL:0721 234 567"]
    )
    card_file(
        vdir, "b.vcf", ["VERSION:4.0", "UID:b-2", "FN:Anna Kowalska", "EMAIL:anna@example.pl"]
    )
    (vdir / "c.vcf.tmp").write_text("BEGIN:VCARD\nFN:Half Written\nEND:VCARD\n")
    (vdir / "README").write_text("not a card")

    report = sync(vdir)
    assert sorted(report.added) == ["Anna Kowalska (b.vcf)", "Ion Popescu (a.vcf)"]
    assert report.written == [] and report.bad == []
    assert phones_of("Ion Popescu") == {"+40721234567"}
    assert Phone.get(Phone.e164 == "+40721234567").kind == "mobile"
    assert {r.uid for r in ContactSync.select()} == {"a-1", "b-2"}
    before = stats(vdir)
    assert sync(vdir).files_written == 0
    assert stats(vdir) == before


def test_a_card_changed_in_the_vdir_updates_only_the_fields_callsheet_owns(db, vdir):
    ion = ops.add_client(
        "Ion Popescu", phones=["+40721234567"], status="active", tags=["vip"], rapport="Warm"
    )
    sync(vdir)
    path = next(vdir.iterdir())
    text = (
        path.read_bytes()
        .decode()
        .replace("TEL:+40721234567", "TEL:+40721234567\r\nTEL;TYPE=WORK:0744 111 222")
    )
    text = text.replace("FN:Ion Popescu", "FN:Ion I. Popescu").replace(
        "END:VCARD", "NOTE:New desk\r\nEND:VCARD"
    )
    path.write_text(text, newline="")

    report = sync(vdir)
    assert report.updated == [f"#{ion.id} Ion I. Popescu: name, phones, notes"]
    assert report.edited == []  # the card is the source: not written back
    fresh = Client.get_by_id(ion.id)
    assert (fresh.name, fresh.notes, fresh.status, fresh.tags, fresh.rapport) == (
        "Ion I. Popescu",
        "New desk",
        "active",
        ["vip"],
        "Warm",
    )
    assert {(p.e164, p.kind) for p in fresh.phones} == {
        ("+40721234567", ""),
        ("+40744111222", "work"),
    }


def test_a_phone_added_in_callsheet_is_written_into_the_card_in_place(db, vdir):
    lines = [
        "VERSION:3.0",
        "PRODID:-//Apple Inc.//iPhone OS 17.0//EN",
        "UID:ios-1",
        "N:Popescu;Ion;;;",
        "FN:Ion Popescu",
        "item1.TEL;type=pref:+40 721 234 567",
        "item1.X-ABLabel:_$!<Mobile>!$_",
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDA",
        " QNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDB",
        "X-SOCIALPROFILE;type=twitter:x-apple:ionpopescu",
        "CATEGORIES:Clients,Bucharest",
        "X-CUSTOM;X-PARAM=1:keep me",
    ]
    path = card_file(vdir, "Ion Popescu.vcf", lines, newline="\n")
    sync(vdir)
    ion = client("Ion Popescu")
    ops.update_client(
        ion,
        phones=[
            *[PhoneInput(p.raw, p.kind) for p in ion.phones],
            PhoneInput("0744 111 222", "work"),
        ],
        region="RO",
    )

    report = sync(vdir)
    assert report.edited == ["Ion Popescu.vcf: phones"]
    assert sorted(p.name for p in vdir.iterdir()) == ["Ion Popescu.vcf"]  # filename kept
    text = path.read_bytes().decode()
    assert text == "\n".join(
        ["BEGIN:VCARD", *lines[:7], "TEL;TYPE=WORK:+40744111222", *lines[7:], "END:VCARD", ""]
    )
    before = stats(vdir)
    assert sync(vdir).files_written == 0
    assert stats(vdir) == before


def test_a_new_card_merges_with_the_client_of_the_same_phone_and_says_so(db, vdir):
    ion = ops.add_client("Ion Popescu", phones=["+40721234567"], notes="Since 2019")
    card_file(
        vdir,
        "x.vcf",
        ["VERSION:3.0", "UID:x", "FN:Ionel", "TEL:0721 234 567", "EMAIL:ion@example.ro"],
    )
    report = sync(vdir)
    assert report.merged == [f"Ionel (x.vcf) -> #{ion.id} Ion Popescu (same phone +40721234567)"]
    assert report.added == []
    assert Client.select().count() == 1
    assert [e.address for e in Client.get_by_id(ion.id).emails] == ["ion@example.ro"]
    # the client as stored is what both sides agree on now
    text = (vdir / "x.vcf").read_bytes().decode()
    assert "FN:Ion Popescu" in text and "NOTE:Since 2019" in text and "UID:x" in text
    assert sync(vdir).files_written == 0


def test_a_card_deleted_on_the_phone_archives_its_client_and_keeps_the_history(db, vdir):
    ion = ops.add_client("Ion Popescu", phones=["+40721234567"])
    ops.log_interaction(ion, summary="Called about the offer", now=NOW)
    sync(vdir)
    next(vdir.iterdir()).unlink()

    report = sync(vdir)
    assert report.archived == [f"#{ion.id} Ion Popescu ({report.archived[0].split('(')[1]}"]
    fresh = Client.get_by_id(ion.id)
    assert fresh.archived
    assert Interaction.select().where(Interaction.client == ion.id).count() == 1
    assert ContactSync.select().count() == 0
    # archived: no new card for it; brought back: a new card
    assert sync(vdir).written == []
    ops.set_archived(fresh, False)
    assert len(sync(vdir).written) == 1


def test_a_client_deleted_in_callsheet_removes_its_card_and_an_archived_one_keeps_it(db, vdir):
    ion = ops.add_client("Ion Popescu", phones=["+40721234567"])
    ana = ops.add_client("Ana Pop", phones=["+40744111222"])
    sync(vdir)
    ops.delete_client(ion)
    ops.set_archived(ana, True)
    report = sync(vdir)
    assert len(report.removed) == 1
    remaining = list(vdir.iterdir())
    assert len(remaining) == 1 and "Ana Pop" in remaining[0].read_bytes().decode()
    assert ContactSync.select().count() == 1


def test_both_sides_changed_in_one_field_is_a_conflict_left_untouched_until_prefer(
    cli, db_path, vdir
):
    assert cli("add", "Ion Popescu", "--phone", "+40721234567")[0] == 0
    assert cli("sync", "contacts", str(vdir))[0] == 0
    path = next(vdir.iterdir())
    path.write_text(
        path.read_bytes().decode().replace("FN:Ion Popescu", "FN:Ion Popescu Jr"), newline=""
    )
    open_database(db_path)
    ops.update_client(client("Ion Popescu"), name="Ion Popescu Sr")
    close_database()
    card_before = path.read_bytes()

    code, out, err = cli("sync", "contacts", str(vdir))
    assert code == 0, err
    assert "1 conflicts" in out
    assert "name: callsheet 'Ion Popescu Sr'" in out and "vdir      'Ion Popescu Jr'" in out
    assert path.read_bytes() == card_before
    report = cli.json("sync", "contacts", str(vdir), "--json")
    assert report["conflicts"][0]["fields"] == {
        "name": {"callsheet": "Ion Popescu Sr", "vdir": "Ion Popescu Jr"}
    }
    assert report["files_written"] == 0

    report = cli.json("sync", "contacts", str(vdir), "--json", "--prefer", "vdir")
    assert report["conflicts"] == [] and report["updated"][0].endswith("Ion Popescu Jr: name")
    assert cli.json("list", "--json")[0]["name"] == "Ion Popescu Jr"
    assert cli.json("sync", "contacts", str(vdir), "--json")["files_written"] == 0


def test_edits_of_different_fields_on_both_sides_are_merged(db, vdir):
    ion = ops.add_client("Ion Popescu", phones=["+40721234567"])
    sync(vdir)
    path = next(vdir.iterdir())
    path.write_text(
        path.read_bytes().decode().replace("END:VCARD", "ORG:Popescu SRL\r\nEND:VCARD"), newline=""
    )
    ops.update_client(ion, notes="Prefers e-mail")
    report = sync(vdir)
    assert report.conflicts == []
    assert report.updated == [f"#{ion.id} Ion Popescu: company"]
    assert report.edited == [f"{path.name}: notes"]
    assert Client.get_by_id(ion.id).company == "Popescu SRL"
    assert (
        "NOTE:Prefers e-mail" in path.read_bytes().decode()
        and "ORG:Popescu SRL" in path.read_bytes().decode()
    )


def test_dry_run_writes_nothing_and_bad_cards_are_named_in_one_line(cli, db_path, vdir):
    assert cli("add", "Ion Popescu", "--phone", "+40721234567")[0] == 0
    card_file(vdir, "broken.vcf", ["VERSION:3.0", "FN Ana Pop without a colon"])
    card_file(vdir, "ana.vcf", ["VERSION:3.0", "UID:ana", "FN:Ana Pop"])
    before = stats(vdir)
    report = cli.json("sync", "contacts", str(vdir), "--dry-run", "--json")
    assert report["dry_run"] and report["added"] == ["Ana Pop (ana.vcf)"]
    assert len(report["cards_written"]) == 1
    assert report["not_read"] == [
        "broken.vcf: card 1 (line 1): line 3: 'FN Ana Pop without a colon' has no ':' between "
        "a field and its value; fix or delete that line"
    ]
    assert stats(vdir) == before
    assert [c["name"] for c in cli.json("list", "--json")] == ["Ion Popescu"]
    code, out, err = cli("sync", "contacts", str(vdir))
    assert code == 0 and "not read: broken.vcf: card 1" in out and "Traceback" not in out + err
    assert [c["name"] for c in cli.json("list", "--json")] == ["Ana Pop", "Ion Popescu"]


def test_a_missing_vdir_is_one_line_and_exit_2(cli, tmp_path):
    code, out, err = cli("sync", "contacts", str(tmp_path / "nowhere"))
    assert code == 2 and "no such folder" in err and err.count("\n") == 1


# --- real cards of other programs survive the round trip ------------------------------------


def _split_cards(data: bytes) -> list[bytes]:
    return re.findall(rb"BEGIN:VCARD.*?END:VCARD\r?\n?", data, re.S | re.I)


def _not_owned(text: str) -> list[str]:
    """The physical lines of a card outside the fields callsheet owns (and their groups)."""
    lines = text.split("\n")
    card = read_cards(for_reading(text))[0][0]
    extents = _extents(lines, card)
    owned_groups = {e.prop.group for e in extents if e.prop.name in OWNED and e.prop.group}
    skip: set[int] = set()
    for extent in extents:
        if extent.prop.name in OWNED or (extent.prop.group and extent.prop.group in owned_groups):
            skip.update(range(extent.start, extent.end))
    return [line for index, line in enumerate(lines) if index not in skip]


REAL = sorted(p.name for p in VCARDS.glob("*.vcf"))


@pytest.mark.parametrize("file", REAL)
def test_real_cards_keep_every_byte_outside_the_owned_fields(db, vdir, file):
    cards = _split_cards((VCARDS / file).read_bytes())
    for number, data in enumerate(cards, 1):
        (vdir / f"{number}-{file}").write_bytes(data)
    first = sync(vdir)
    assert first.bad == [], first.bad
    originals = {p.name: p.read_bytes() for p in vdir.iterdir()}
    written_back = set(first.edited)  # cards merged into one client take its union
    for index, found in enumerate(Client.select().order_by(Client.id)):
        ops.update_client(
            found,
            phones=[*[PhoneInput(p.raw, p.kind) for p in found.phones], f"+40 744 000 {index:03d}"],
            notes=found.notes + "\nCalled from callsheet",
            region="RO",
        )
    report = sync(vdir)
    assert report.conflicts == [] and report.bad == []
    assert len(report.edited) == len(cards)
    for path in vdir.iterdir():
        old = originals[path.name].decode("utf-8", "surrogateescape")
        new = path.read_bytes().decode("utf-8", "surrogateescape")
        assert _not_owned(new) == _not_owned(old), (path.name, written_back)
        unfolded = re.sub(r"\r?\n[ \t]", "", new)
        assert "+40744000" in unfolded and "Called from callsheet" in unfolded
        version = re.search(r"^VERSION:.*$", old, re.M)
        if version:
            assert version.group(0) in new
    again = sync(vdir)
    assert again.files_written == 0 and again.updated == [] and again.conflicts == []


def test_the_report_as_json_names_every_change(cli, db_path, vdir):
    assert cli("add", "Ion Popescu", "--phone", "+40721234567")[0] == 0
    report = cli.json("sync", "contacts", str(vdir), "--json")
    assert report["cards"] == 0 and report["files_written"] == 1
    assert report["cards_written"][0].endswith(".vcf: Ion Popescu")
    assert set(report) >= {"added", "merged", "updated", "archived", "conflicts", "not_read"}
    json.dumps(report)
    assert os.listdir(vdir) == [report["cards_written"][0].split(":")[0]]


# --- any interleaving of edits on both sides converges ---------------------------------------

SIDES_FIELDS = ("name", "company", "notes", "phone")


def _edit_card(path: Path, field: str, value: str, tick: int) -> None:
    """Change a card as another program would: its own text edit, written atomically."""
    text = path.read_bytes().decode()
    prop = {"name": "FN", "company": "ORG", "notes": "NOTE", "phone": "TEL"}[field]
    lines = [line for line in text.split("\r\n") if line]
    kept = [line for line in lines if not re.match(rf"(item\d+\.)?{prop}[;:]", line)]
    kept.insert(len(kept) - 1, f"{prop}:{value}")
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(("\r\n".join(kept) + "\r\n").encode())
    os.replace(temporary, path)
    os.utime(path, ns=(tick * 1_000_000_000, tick * 1_000_000_000))


def _card_values(path: Path) -> dict:
    from callsheet.models.exchange.card_edit import owned_fields

    card = read_cards(for_reading(path.read_bytes().decode()))[0][0]
    owned = owned_fields(card, "RO")[0]
    return {
        "name": owned.name,
        "company": owned.company,
        "notes": owned.notes,
        "phone": {key for key, _raw, _kind in owned.phones},
    }


def _client_values(client_id: int) -> dict:
    found = Client.get_by_id(client_id)
    return {
        "name": found.name,
        "company": found.company,
        "notes": found.notes,
        "phone": {p.e164 for p in found.phones},
    }


def _phone_key(value: str) -> set[str]:
    return {"+" + value.replace(" ", "").lstrip("+")}


_edits = st.tuples(
    st.sampled_from(("callsheet", "vdir")),
    st.integers(0, 1),
    st.sampled_from(SIDES_FIELDS),
    st.integers(1, 2),
)
_steps = st.lists(st.one_of(_edits, _edits, st.just(("sync",))), max_size=16)


@pytest.mark.sqlite_only  # one SQLite file per example; the engine is the same on both
@settings(max_examples=60, deadline=None)
@given(steps=_steps)
@example(  # a conflict, kept until --prefer; then edits of different fields, merged
    steps=[
        ("callsheet", 0, "name", 1),
        ("vdir", 0, "name", 2),
        ("vdir", 0, "phone", 1),
        ("sync",),
        ("vdir", 1, "notes", 1),
        ("callsheet", 1, "company", 2),
        ("callsheet", 1, "phone", 2),
        ("sync",),
    ]
)
def test_any_interleaving_of_edits_and_syncs_converges_and_loses_no_edit(tmp_path_factory, steps):
    # a folder per example, kept (the next command reopens the last store before its own)
    scratch = tmp_path_factory.mktemp("interleaving")
    folder = scratch / "contacts"
    folder.mkdir()
    open_database(scratch / "book.db")
    try:
        _run_interleaving(folder, steps)
    finally:
        close_database()


def _run_interleaving(folder: Path, steps) -> None:
    ids = [
        ops.add_client(f"Client {i}", phones=[f"+40 72{i} 000 000"], now=NOW).id for i in range(3)
    ]
    sync(folder)
    files = {
        r.client_id: folder / r.filename for r in ContactSync.select() if r.client_id is not None
    }
    start = {i: _client_values(ids[i]) for i in range(3)}
    base = {i: dict(start[i]) for i in range(3)}
    sides = {"callsheet": {i: dict(start[i]) for i in range(3)}}
    sides["vdir"] = {i: dict(start[i]) for i in range(3)}
    tick = 10

    def value_of(field: str, i: int, k: int):
        if field == "phone":
            return f"+40 73{i} 000 {k:03d}"
        return {"name": f"Client {i} v{k}", "company": f"Company {k}", "notes": f"Note {k}"}[field]

    def model_sync(prefer: str | None) -> set[int]:
        conflicted = set()
        for i in range(3):
            ours, theirs = sides["callsheet"][i], sides["vdir"][i]
            both = {
                f
                for f in SIDES_FIELDS
                if ours[f] != base[i][f] and theirs[f] != base[i][f] and ours[f] != theirs[f]
            }
            if both and prefer is None:
                conflicted.add(i)
                continue
            merged = {}
            for f in SIDES_FIELDS:
                take_theirs = theirs[f] != base[i][f] and (f not in both or prefer == "vdir")
                merged[f] = theirs[f] if take_theirs else ours[f]
            base[i] = dict(merged)
            sides["callsheet"][i], sides["vdir"][i] = dict(merged), dict(merged)
        return conflicted

    def check(report, conflicted: set[int]) -> None:
        assert {c.client_id for c in report.conflicts} == {ids[i] for i in conflicted}
        assert report.added == [] and report.merged == [] and report.bad == []
        for i in range(3):
            assert _client_values(ids[i]) == sides["callsheet"][i]
            assert _card_values(files[ids[i]]) == sides["vdir"][i]
        assert Client.select().count() == 3
        assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in files.values())

    for step in steps:
        if step[0] == "sync":
            conflicted = model_sync(None)
            check(sync(folder), conflicted)
            continue
        side, i, field, k = step
        value = value_of(field, i, k)
        if side == "callsheet":
            if field == "phone":
                ops.update_client(Client.get_by_id(ids[i]), phones=[value])
            else:
                ops.update_client(Client.get_by_id(ids[i]), **{field: value})
        else:
            tick += 1
            _edit_card(files[ids[i]], field, value, tick)
        sides[side][i][field] = _phone_key(value) if field == "phone" else value

    check(sync(folder, prefer="callsheet"), model_sync("callsheet"))
    for i in range(3):  # converged: both sides equal
        assert sides["callsheet"][i] == sides["vdir"][i]
    before = stats(folder)
    settled = sync(folder)
    assert settled.files_written == 0 and settled.updated == [] and settled.conflicts == []
    assert stats(folder) == before


def test_the_bench_figure_syncs_a_book_into_a_vdir_and_back_at_a_tiny_scale():
    import sys

    from bench.contacts_sync import measure

    figures = measure(str(Path(sys.executable).parent / "callsheet"), clients=30)
    assert figures["sync_contacts_cards"] == 30 and figures["sync_contacts_clients_added"] == 30
    assert figures["sync_contacts_again_files_written"] == 0
    assert figures["sync_contacts_back_again_files_written"] == 0
    assert figures["sync_contacts_mtimes_kept"] is True


def test_deleting_a_duplicate_card_keeps_the_client_that_still_has_one(db, vdir):
    card_file(vdir, "a.vcf", ["VERSION:3.0", "UID:a", "FN:Ion Popescu", "TEL:+40721234567"])
    card_file(vdir, "b.vcf", ["VERSION:3.0", "UID:b", "FN:Ion P.", "TEL:+40721234567"])
    report = sync(vdir)
    assert len(report.added) == 1 and len(report.merged) == 1
    (vdir / "b.vcf").unlink()
    report = sync(vdir)
    assert report.archived == [] and not client("Ion Popescu").archived
    (vdir / "a.vcf").unlink()
    assert len(sync(vdir).archived) == 1
