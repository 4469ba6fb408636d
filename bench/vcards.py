"""10,000 vCards, and the time to import them against the time khard takes to list them.

The cards are made here from a seeded generator (names, two phones, an e-mail, a company, a
UID each), written both as one .vcf file (what a phone or Google exports, what callsheet
imports) and as a vdir of one file per card (what khard reads). khard, a terminal address
book that reads cards with vobject as callsheet does, is the tool such users leave; both run
in the same bench run, so their ratio holds on any machine.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST = [
    "Ana",
    "Ion",
    "Maria",
    "Andrei",
    "Elena",
    "Piotr",
    "Anna",
    "Tomasz",
    "Olga",
    "Dmitri",
    "James",
    "Emily",
    "Sophie",
    "Mihai",
    "Ioana",
    "Agnieszka",
    "Katarzyna",
    "Sergei",
]
LAST = [
    "Popescu",
    "Ionescu",
    "Dumitrescu",
    "Kowalski",
    "Nowak",
    "Wiśniewska",
    "Ivanov",
    "Smirnova",
    "Smith",
    "Jones",
    "Lewis",
    "Ștefănescu",
    "Dąbrowska",
    "Кузнецов",
]
COMPANY = ["Carpați Soft", "Bursztyn IT", "Tatry Tech", "Oakridge Ltd", "Nord Consult"]


def cards(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    made = []
    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        made.append(
            "\r\n".join(
                [
                    "BEGIN:VCARD",
                    "VERSION:3.0",
                    f"UID:bench-{n}",
                    f"FN:{first} {last}",
                    f"N:{last};{first};;;",
                    f"ORG:{rng.choice(COMPANY)}",
                    f"TEL;TYPE=CELL:+40 72{n:07d}",  # unique: no card merges into another
                    f"TEL;TYPE=WORK:+48 50{n:07d}",
                    f"EMAIL;TYPE=WORK:{first.lower()}.{n}@example.org",
                    "END:VCARD",
                ]
            )
        )
    return made


def measure(callsheet: str, count: int = 10_000) -> dict:
    """Import ``count`` cards into a fresh database, and let khard list them; times in ms."""
    result: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        made = cards(count)
        book = root / "cards.vcf"
        book.write_text("\r\n".join(made) + "\r\n", encoding="utf-8")
        vdir = root / "vdir"
        vdir.mkdir()
        for n, card in enumerate(made):
            (vdir / f"bench-{n}.vcf").write_text(card + "\r\n", encoding="utf-8")
        env = dict(os.environ, CALLSHEET_REGION="RO")
        started = time.perf_counter()
        subprocess.run(
            [callsheet, "import", str(book), "--db", str(root / "import.db")],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        result["import_vcf_10k_ms"] = round((time.perf_counter() - started) * 1000)
        import sqlite3

        connection = sqlite3.connect(root / "import.db")
        result["cards_imported"] = connection.execute("SELECT COUNT(*) FROM client").fetchone()[0]
        connection.close()
        khard = Path(sys.executable).parent / "khard"
        if khard.exists():
            config = root / "khard.conf"
            config.write_text(
                f"[addressbooks]\n[[bench]]\npath = {vdir}\n\n[general]\ndefault_action = list\n",
                encoding="utf-8",
            )
            started = time.perf_counter()
            listed = subprocess.run(
                [str(khard), "-c", str(config), "list"],
                capture_output=True,
                text=True,
                env=env,
            )
            elapsed = round((time.perf_counter() - started) * 1000)
            if listed.returncode == 0:
                result["khard_list_10k_ms"] = elapsed
                result["import_vs_khard"] = round(result["import_vcf_10k_ms"] / elapsed, 2)
            else:
                result["khard_error"] = listed.stderr.strip().splitlines()[-1:]
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(measure(str(Path(sys.executable).parent / "callsheet"))))
