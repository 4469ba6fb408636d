"""Fuzz the real ``callsheet`` command: N hostile cases, each in its own process.

    python -m bench.fuzz_cli --cases 1000 --seed 1 [--workers 2] [--keep DIR]

Every case runs the installed entry point (``python -c "from callsheet.tui.cli import main"``) with
argv given as *bytes*, so invalid UTF-8 reaches it as it would from a shell. The values are
drawn from what a hostile or unlucky user sends: control characters and escape sequences,
Rich markup, right-to-left text, emoji, 10,000-character strings, invalid bytes, dates
such as ``9999-12-31T23:59:59-14:00`` or ``99999999 days ago``, huge and negative numbers,
and generated import files (callsheet/1 JSON with mistyped or deeply nested fields, CSV and
vCard in odd encodings, cut short, with 200 kB fields).

Each case is judged on three counts and the totals are printed as one JSON object:

- ``tracebacks``: "Traceback" on stderr, or an exit status outside README's table (0 ok,
  1 nothing done, 2 bad input, 3 database busy or unusable; 4 is a bug, so it counts);
- ``partial_writes``: a case that failed (exit 2) yet changed the database, or a database
  whose ``PRAGMA integrity_check`` is not ok afterwards;
- ``raw_escapes``: a C0 control (other than newline, tab, CR), DEL or a C1 control in
  anything printed.

The cases are drawn from ``random.Random(seed)``, so a run is repeatable; failing cases
are listed with their argv (``repr`` of the bytes) to reproduce them by hand. Not part of
``make test`` (about 0.3 s a case); ``tests/test_fuzz_cli.py`` is its quick in-suite cousin.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

#: Raw bytes a terminal would act on, as they appear in UTF-8 output.
RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")

HOSTILE_TEXT = [
    "\x1b]2;PWNED\x07\x1b[2JEvil",
    "\x1b[31mred\x1b[0m",
    "\x9b31mC1 csi",
    "\x07bell\x08\x7f",
    "[bold red]markup[/]",
    "[@click=app.quit]quit[/]",
    "שלום עולם",
    "\u202eevil\u202c",
    "👨\u200d👩\u200d👧 family",
    "Ștefan Țurcanu",
    "Дмитрий",
    "x" * 10_000,
    "",
    " ",
    "\n\n",
    "a\tb\rc",
    "%s %n {0} ${HOME}",
    "'; DROP TABLE client; --",
    "\u2028line\u2029para",
    "\x00nul",
    "-",
    "--",
    "--db",
]
INVALID_BYTES = [b"\xff", b"Ana \xc3\x28 Pop", b"\xed\xa0\x80", b"\x80\x81", b"caf\xe9"]
DATES = [
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "99999999 days ago",
    "in 99999999 years",
    "1e400 days ago",
    "2026-02-30",
    "2026-11-20T25:61",
    "yesterday 99:99",
    "tomorrow",
    "in 3 days",
    "2 hours ago",
    "now",
    "2026-11-20",
    "1899-12-31",
    "2201-01-01",
    "-1",
    "",
]
NUMBERS = [
    "0",
    "-1",
    "12",
    "1" + "0" * 40,
    "9" * 19,
    "1e308",
    "nan",
    "inf",
    "-0",
    "12.5",
    "1,200.50",
    "١٢",
    "",
]
PHONES = [
    "+40 721 234 567",
    "0721 234 567",
    "1850",
    "+",
    "00",
    "tel:+40721234567",
    "+1" + "2" * 300,
    "📞",
    "+40 721 234 567\x1b[2J",
]
SIGNALS = ["rude", "praise", "rudee", "", "RUDE", "own_mistake"]
CHOICES = ["call", "email", "fax", "in", "out", "sideways", "warm", "hostile", "", "ACTIVE"]


def pick_text(rng: random.Random) -> bytes:
    if rng.random() < 0.15:
        return rng.choice(INVALID_BYTES)
    text = rng.choice(HOSTILE_TEXT)
    if rng.random() < 0.3:
        text += rng.choice(HOSTILE_TEXT)[:50]
    return text.encode("utf-8", "surrogatepass")


def pick(rng: random.Random, values: list[str]) -> bytes:
    if rng.random() < 0.1:
        return pick_text(rng)
    return rng.choice(values).encode()


# --- generated import files -----------------------------------------------------------------


def _json_document(rng: random.Random) -> bytes:
    client: dict = {"name": rng.choice(HOSTILE_TEXT[:12] + ["Ana Pop", "Bob Stone"])}
    mutations = [
        lambda: client.update(status=rng.choice([7, ["active"], None, "vip", {"a": 1}])),
        lambda: client.update(
            phones=[rng.choice(PHONES), {"number": 5}, ["x"]][: rng.randint(1, 3)]
        ),
        lambda: client.update(emails=[rng.choice(["a@b.ro", "nope", 3, "x" * 400 + "@a.ro"])]),
        lambda: client.update(
            interactions=[
                {
                    "at": rng.choice(DATES + [5, None]),
                    "channel": rng.choice(CHOICES + [None, 1]),
                    "duration_min": rng.choice([None, 10**40, -3, 12, "12", 1.5]),
                    "signals": rng.choice([["rude"], ["rudee"], "rude", [1], []]),
                    "summary": rng.choice(HOSTILE_TEXT),
                }
            ]
        ),
        lambda: client.update(
            invoices=[
                {
                    "number": rng.choice(["1", 2, None, ""]),
                    "amount": rng.choice([10**30, -5, 0, 12.5, "lots", float("1e308")]),
                    "issued": rng.choice(DATES),
                }
            ]
        ),
        lambda: client.update(
            time_entries=[{"start": rng.choice(DATES), "minutes": rng.choice([None, 60, -1])}]
        ),
        lambda: client.update(follow_ups=[{"due": rng.choice(DATES), "text": "call"}]),
        lambda: client.update(nickname="x"),
        lambda: client.update(notes="n" * rng.choice([10, 200_000])),
        lambda: client.update(tags=rng.choice([["a"], "a", [1], [["a"]]])),
    ]
    for mutation in rng.sample(mutations, rng.randint(0, 3)):
        mutation()
    document: object = {"format": "callsheet/1", "clients": [client]}
    roll = rng.random()
    if roll < 0.05:
        return b'{"format": "callsheet/1", "clients": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    if roll < 0.1:
        return b'{"format": "callsheet/1", "clients": [{"name": "\xff\xfe"}]}'
    if roll < 0.15:
        return json.dumps(document)[: rng.randint(1, 40)].encode()
    if roll < 0.2:
        document = rng.choice([[], "x", {"format": "callsheet/2"}, {"format": "callsheet/1"}])
    return json.dumps(document, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")


def _csv_file(rng: random.Random) -> bytes:
    name = rng.choice(HOSTILE_TEXT[:12] + ["Ana Pop"]).replace("\n", " ")
    rows = [
        "Name;Phone;E-mail Address;Notes",
        f"{name};{rng.choice(PHONES)};a@b.ro;note",
        f'"Quoted\nName";{rng.choice(PHONES)};;"' + "x" * rng.choice([5, 200_000]) + '"',
        "Only;Two",
    ]
    text = "\r\n".join(rows[: rng.randint(1, 4)]) + "\r\n"
    encoding = rng.choice(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"])
    data = text.encode(encoding, "replace")
    if rng.random() < 0.2:
        data += bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D])  # undefined in cp1252
    return data


def _vcf_file(rng: random.Random) -> bytes:
    cards = []
    for n in range(rng.randint(1, 4)):
        lines = ["BEGIN:VCARD", "VERSION:" + rng.choice(["2.1", "3.0", "4.0"])]
        lines.append("FN:" + rng.choice(HOSTILE_TEXT[:12] + [f"Card {n}"]).replace("\n", " "))
        lines.append(
            rng.choice(
                [
                    f"TEL:{rng.choice(PHONES)}",
                    "TEL;VALUE=uri;TYPE=cell:tel:1850;phone-context=+40",
                    "TEL;TYPE=CELL:+40 721 000 " + str(100 + n),
                    "EMAIL:broken@",
                    "NOTE;ENCODING=QUOTED-PRINTABLE:=C8=98tefan=",
                    "FN broken line",
                ]
            )
        )
        if rng.random() > 0.2:  # sometimes the END line is missing
            lines.append("END:VCARD")
        cards.append("\r\n".join(lines))
    data = ("\r\n".join(cards) + "\r\n").encode("utf-8", "surrogatepass")
    if rng.random() < 0.2:
        data = data.replace(b"Card", b"Ca\xffrd")
    return data


# --- cases ----------------------------------------------------------------------------------


#: (option, values to draw from) each added to a case with probability 0.4
ADD_OPTIONS = (
    (b"--phone", PHONES),
    (b"--email", ["a@b.ro", "nope", "x" * 400]),
    (b"--status", CHOICES),
    (b"--salutation", HOSTILE_TEXT),
    (b"--company", HOSTILE_TEXT),
    (b"--tag", HOSTILE_TEXT),
)
LOG_OPTIONS = (
    (b"--at", DATES),
    (b"--minutes", NUMBERS),
    (b"--channel", CHOICES),
    (b"--direction", CHOICES),
    (b"--tone", CHOICES),
    (b"--signal", SIGNALS),
)


def _optional(rng: random.Random, argv: list[bytes], options) -> list[bytes]:
    for option, values in options:
        if rng.random() < 0.4:
            argv += [option, pick(rng, values)]
    return argv


def make_case(rng: random.Random, workdir: Path, number: int) -> list[bytes]:
    """One argv (without the program name) for a random command."""
    kind = rng.choice(
        ["add", "add", "log", "log", "who", "show", "list", "risk", "brief", "facts", "triage"]
        + ["import_json", "import_json", "import_csv", "import_vcf", "export", "bad_db"]
    )
    if kind == "add":
        return _optional(rng, [b"add", pick_text(rng)], ADD_OPTIONS)
    if kind == "log":
        who = rng.choice([b"1", b"2", b"Ana", pick_text(rng)])
        return _optional(rng, [b"log", who, pick_text(rng)], LOG_OPTIONS)
    if kind == "who":
        return [b"who", pick(rng, PHONES)]
    if kind in ("show", "brief", "facts"):
        argv = [kind.encode(), rng.choice([b"1", b"2", b"3", pick_text(rng)])]
        if kind == "show" and rng.random() < 0.5:
            argv.append(b"--json")
        if kind == "brief" and rng.random() < 0.5:
            argv.append(b"--markdown")
        if kind == "facts" and rng.random() < 0.3:
            argv += [b"-o", pick_text(rng)[:100].replace(b"/", b"_") + b".md"]
        return argv
    if kind == "list":
        return [b"list"] + ([b"--json"] if rng.random() < 0.5 else [])
    if kind in ("risk", "triage"):
        argv = [kind.encode()] + ([b"--json"] if rng.random() < 0.5 else [])
        if rng.random() < 0.5:
            argv += [b"--as-of", pick(rng, DATES)]
        return argv
    if kind.startswith("import_"):
        suffix = kind.split("_")[1]
        maker = {"json": _json_document, "csv": _csv_file, "vcf": _vcf_file}[suffix]
        path = workdir / f"case-{number}.{suffix}"
        path.write_bytes(maker(rng))
        argv = [b"import", str(path).encode()]
        for flag in (b"--dry-run", b"--skip-bad"):
            if rng.random() < 0.3:
                argv.append(flag)
        return argv
    if kind == "export":
        target = rng.choice(
            [b"/proc/version/x.json", b"/etc/passwd/x", str(workdir / "out.json").encode()]
            + [str(workdir / "no-such-dir" / "x.json").encode(), pick_text(rng)[:200]]
            + [pick_text(rng)[:100].replace(b"/", b"_") + b".json"]
        )
        return [
            b"export",
            b"--format",
            rng.choice([b"json", b"csv", b"vcf", b"ics"]),
            b"-o",
            target,
        ]
    # bad_db: the --db itself is hostile
    return [
        b"list",
        b"--db",
        rng.choice([b"/proc/x.db", b"/etc/passwd/x.db", pick_text(rng)[:200]]),
    ]


def fingerprint(db: Path) -> tuple[str, str]:
    """(a hash of every row, the integrity check) of the SQLite file ``db``."""
    if not db.exists():
        return "", "ok"
    connection = sqlite3.connect(db)
    try:
        digest = hashlib.sha256()
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                digest.update(repr(row).encode())
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        return digest.hexdigest(), integrity
    finally:
        connection.close()


def run_case(argv: list[bytes], db: Path, timeout: float) -> dict:
    """Run one case against ``db`` (from its directory, so relative paths land there)."""
    has_db = b"--db" in argv
    command = [
        sys.executable,
        "-c",
        "import sys; from callsheet.tui.cli import main; sys.exit(main())",
    ]
    command += argv + ([] if has_db else [b"--db", str(db).encode()])
    before = fingerprint(db)
    env = {**os.environ, "CALLSHEET_REGION": "RO", "TZ": "Europe/Bucharest"}
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            timeout=timeout,
            env=env,
            stdin=subprocess.DEVNULL,
            cwd=db.parent,
        )
        code, out, err = result.returncode, result.stdout, result.stderr
    except subprocess.TimeoutExpired:
        code, out, err = "timeout", b"", b""
    after = fingerprint(db)
    problems = []
    if b"Traceback" in err or code not in (0, 1, 2, 3):
        problems.append("traceback")
    if (code == 2 and after[0] != before[0]) or after[1] != "ok":
        problems.append("partial_write")
    if RAW_CONTROL.search(out) or RAW_CONTROL.search(err):
        problems.append("raw_escape")
    return {"argv": argv, "code": code, "problems": problems, "stderr": err[-600:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--show", type=int, default=40, help="list at most this many failures")
    parser.add_argument("--keep", type=Path, default=None, help="keep the databases and files here")
    args = parser.parse_args(argv)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="callsheet-fuzz-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    # Each worker writes to its own database, seeded with two clients so log/show/who hit.
    # An argument cannot hold a NUL byte (the kernel ends it there); files still do.
    cases = [
        (number, [a.replace(b"\x00", b"") for a in make_case(rng, workdir, number)])
        for number in range(args.cases)
    ]
    dbs = [workdir / f"fuzz-{worker}.db" for worker in range(args.workers)]
    for db in dbs:
        for seed_argv in (
            [b"add", b"Ana Pop", b"--phone", b"+40 721 234 567"],
            [b"add", b"Bob Stone", b"--email", b"bob@example.ro"],
        ):
            run_case(seed_argv, db, args.timeout)

    def work(worker: int) -> list[dict]:
        return [
            {"number": number, **run_case(argv, dbs[worker], args.timeout)}
            for number, argv in cases[worker :: args.workers]
        ]

    started = time.monotonic()
    with ThreadPoolExecutor(args.workers) as pool:
        results = [r for batch in pool.map(work, range(args.workers)) for r in batch]
    failed = [r for r in results if r["problems"]]
    totals = {
        "cases": len(results),
        "tracebacks": sum("traceback" in r["problems"] for r in results),
        "partial_writes": sum("partial_write" in r["problems"] for r in results),
        "raw_escapes": sum("raw_escape" in r["problems"] for r in results),
        "exit_codes": {
            str(code): sum(r["code"] == code for r in results)
            for code in sorted({r["code"] for r in results}, key=str)
        },
        "seconds": round(time.monotonic() - started, 1),
        "seed": args.seed,
    }
    for result in sorted(failed, key=lambda r: r["number"])[: args.show]:
        last = result["stderr"].decode("utf-8", "backslashreplace").strip().splitlines()[-1:]
        print(
            f"case {result['number']}: {', '.join(result['problems'])} (exit {result['code']}): "
            f"{[a[:80] for a in result['argv']]!r}\n  {last[0] if last else ''}",
            file=sys.stderr,
        )
    print(json.dumps(totals))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
