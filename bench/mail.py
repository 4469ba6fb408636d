"""Mail capture at scale: ``python -m bench.mail [--messages 10000]``.

Writes a Maildir tree (nested folders, plain, HTML and multipart mail, some attachments, a
share of copies filed in two folders, a share from people who are not clients) and a
database of 500 clients, then times the real ``callsheet mail`` process end to end:

- mail_10k_ms: the first run over the whole store (every message parsed, entries logged);
- mail_rerun_ms: the same command again (the daily case: only what arrived since is read);
- mail_rescan_ms: ``--rescan`` (every message parsed again, nothing new to log).

Prints ONE JSON object on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CALLSHEET = str(BIN / "callsheet")
ME = "me@consult.example"

_LINES = [
    "Please find the revised offer attached.",
    "Nu plătesc factura până nu primim livrarea completă.",
    "Dziękuję bardzo za szybką odpowiedź.",
    "Можно ли перенести встречу на четверг?",
    "Could you add just one more page to the site?",
    "The payment was sent this morning.",
    "We need to talk about the timeline.",
]


def _message(n: int, sender: str, to: str, rng: random.Random) -> bytes:
    line = rng.choice(_LINES)
    body = "\n".join(
        [
            "Hello,",
            "",
            line,
            "",
            *(f"Detail {i} of the project plan." for i in range(20)),
            "--",
            "X",
        ]
    )
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(1_760_000_000 + n * 600))
    head = (
        f"From: Person {n} <{sender}>\nTo: {to}\nSubject: =?UTF-8?Q?Project_update_{n}_=C8=99?=\n"
        f"Date: {date}\nMessage-ID: <bench-{n}@example>\nMIME-Version: 1.0\n"
    )
    kind = n % 10
    if kind < 5:
        return (head + "Content-Type: text/plain; charset=utf-8\n\n" + body + "\n").encode()
    html = "<html><body>" + "".join(f"<p>{p}</p>" for p in body.splitlines()) + "</body></html>"
    parts = [
        "--alt\nContent-Type: text/plain; charset=utf-8\n\n" + body + "\n",
        "--alt\nContent-Type: text/html; charset=utf-8\n\n" + html + "\n",
    ]
    message = head + 'Content-Type: multipart/alternative; boundary="alt"\n\n' + "".join(parts)
    message += "--alt--\n"
    if kind == 9:  # an attachment: the parser walks past 40 KB of base64
        attachment = base64.encodebytes(rng.randbytes(30_000)).decode()
        message = (
            head
            + 'Content-Type: multipart/mixed; boundary="mix"\n\n--mix\n'
            + message[len(head) :]
            + "--mix\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n"
            + attachment
            + "--mix--\n"
        )
    return message.encode()


def build(root: Path, db: Path, messages: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    folders = ["INBOX", "INBOX/.Clients", "INBOX/.Clients.Old", "Archive/2025", "Sent"]
    for folder in folders:
        for sub in ("cur", "new", "tmp"):
            (root / folder / sub).mkdir(parents=True, exist_ok=True)
    clients = [f"client{i}@clients.example" for i in range(500)]
    for n in range(messages):
        if n % 5 == 4:
            sender, to, folder = ME, rng.choice(clients), "Sent"
        else:
            known = rng.random() < 0.7
            sender = rng.choice(clients) if known else f"stranger{n % 900}@other.example"
            to, folder = ME, rng.choice(folders[:4])
        data = _message(n, sender, to, rng)
        (root / folder / "cur" / f"{1_760_000_000 + n}.M{n}P1.bench:2,S").write_bytes(data)
        if n % 50 == 0:  # the same message filed a second time
            (root / "Archive/2025/cur" / f"{1_760_000_000 + n}.M{n}P2.bench:2,S").write_bytes(data)
    env = {**os.environ, "CALLSHEET_CONFIG": str(db.with_suffix(".toml"))}
    script = (
        "from callsheet.models.store.opening import open_database; from callsheet.models.book import clients as ops\n"
        f"open_database({str(db)!r})\n"
        "from callsheet.models.store.db import database\n"
        "with database.atomic():\n"
        "    for i in range(500):\n"
        "        ops.add_client(f'Client {i}', emails=[f'client{i}@clients.example'])\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, env=env)


def timed(args: list[str], env: dict) -> tuple[float, dict]:
    start = time.perf_counter()
    done = subprocess.run(args, check=True, env=env, capture_output=True, text=True)
    elapsed = (time.perf_counter() - start) * 1000
    return round(elapsed, 1), json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mail")
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="callsheet-mail-bench-") as tmp:
        root, db = Path(tmp) / "Mail", Path(tmp) / "bench.db"
        print(f"[bench] writing {args.messages:,} messages", file=sys.stderr)
        build(root, db, args.messages)
        env = {**os.environ, "CALLSHEET_CONFIG": str(db.with_suffix(".toml"))}
        command = [CALLSHEET, "mail", str(root), "--me", ME, "--db", str(db), "--json"]
        first_ms, first = timed(command, env)
        rerun_ms, rerun = timed(command, env)
        rescan_ms, rescan = timed([*command, "--rescan"], env)
    key = f"mail_{args.messages // 1000}k_ms" if args.messages >= 1000 else "mail_ms"
    result = {
        key: first_ms,
        "mail_rerun_ms": rerun_ms,
        "mail_rescan_ms": rescan_ms,
        "messages_read": first["messages"],
        "entries_logged": first["logged"],
        "rerun_logged": rerun["logged"],
        "rescan_logged": rescan["logged"],
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
