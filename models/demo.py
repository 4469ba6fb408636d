"""Realistic, reproducible sample data: a consultant's book of clients with a history.

The same seed and ``now`` always give the same database. Clients follow *personas* taken
from domain.md (good clients who refer others, late payers, scope creepers, no-show
complainers, aggressive clients, disputes that escalate to legal threats, old clients whose
troubles have faded), so every signal, every risk band and every screen has something to
show. Names, greetings and notes are in English, Romanian, Polish and Russian.

Rows go in with bulk inserts inside one transaction, with ids assigned here so signals can
point at their interactions without reading anything back: 10,000 clients and 1,000,000
interactions take well under two minutes.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from peewee import chunked, fn

from models.db import database, sync_id_sequences
from models.entities import (
    Agreement,
    Client,
    Email,
    FollowUp,
    Interaction,
    Invoice,
    Phone,
    Signal,
    TimeEntry,
)

# --- people ---------------------------------------------------------------------------
# (first name, last name, salutation, ascii for e-mail)
_PEOPLE = {
    "en": (
        [
            ("James", "Mr."),
            ("Olivia", "Ms."),
            ("Henry", "Mr."),
            ("Charlotte", "Ms."),
            ("George", "Mr."),
            ("Amelia", "Ms."),
            ("Thomas", "Mr."),
            ("Emily", "Ms."),
            ("William", "Mr."),
            ("Sophie", "Ms."),
        ],
        [
            "Smith",
            "Turner",
            "Hughes",
            "Walker",
            "Wright",
            "Baker",
            "Clarke",
            "Harris",
            "Lewis",
            "Morgan",
        ],
    ),
    "ro": (
        [
            ("Ion", "dl."),
            ("Ana", "dna."),
            ("Mihai", "dl."),
            ("Ioana", "dna."),
            ("Andrei", "dl."),
            ("Elena", "dna."),
            ("Radu", "dl."),
            ("Maria", "dna."),
            ("Vlad", "dl."),
            ("Cristina", "dna."),
        ],
        [
            "Ionescu",
            "Popescu",
            "Dumitrescu",
            "Stan",
            "Constantinescu",
            "Georgescu",
            "Marin",
            "Munteanu",
            "Ștefănescu",
            "Țurcanu",
        ],
    ),
    "pl": (
        [
            ("Anna", "Pani Anno"),
            ("Piotr", "Panie Piotrze"),
            ("Katarzyna", "Pani Kasiu"),
            ("Tomasz", "Panie Tomaszu"),
            ("Magdalena", "Pani Magdo"),
            ("Paweł", "Panie Pawle"),
            ("Agnieszka", "Pani Agnieszko"),
            ("Krzysztof", "Panie Krzysztofie"),
            ("Małgorzata", "Pani Małgosiu"),
            ("Michał", "Panie Michale"),
        ],
        [
            "Kowalski",
            "Nowak",
            "Wiśniewski",
            "Wójcik",
            "Kamiński",
            "Lewandowski",
            "Zieliński",
            "Szymański",
            "Dąbrowski",
            "Mazur",
        ],
    ),
    "ru": (
        [
            ("Иван", "Сергеевич"),
            ("Анна", "Викторовна"),
            ("Дмитрий", "Алексеевич"),
            ("Елена", "Павловна"),
            ("Сергей", "Иванович"),
            ("Ольга", "Николаевна"),
            ("Алексей", "Петрович"),
            ("Наталья", "Андреевна"),
            ("Михаил", "Юрьевич"),
            ("Татьяна", "Олеговна"),
        ],
        [
            "Петров",
            "Смирнов",
            "Кузнецов",
            "Соколов",
            "Попов",
            "Лебедев",
            "Козлов",
            "Новиков",
            "Морозов",
            "Волков",
        ],
    ),
}
_FEMININE_PL = {"Anna", "Katarzyna", "Magdalena", "Agnieszka", "Małgorzata"}
_FEMININE_RU = {"Анна", "Елена", "Ольга", "Наталья", "Татьяна"}
_TRANSLIT = str.maketrans(
    {
        "ă": "a",
        "â": "a",
        "î": "i",
        "ș": "s",
        "ț": "t",
        "Ș": "S",
        "Ț": "T",
        "ł": "l",
        "ś": "s",
        "ń": "n",
        "ą": "a",
        "ę": "e",
        "ó": "o",
        "ż": "z",
        "ź": "z",
        "ć": "c",
        "Ł": "L",
        "Ś": "S",
        "Ż": "Z",
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "sch",
        "ы": "y",
        "ь": "",
        "ъ": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "ё": "e",
    }
)
_COMPANIES = {
    "en": [
        "Northwind Ltd",
        "Harbour Analytics",
        "Bluebell Studio",
        "Kestrel Logistics",
        "Oakridge Partners",
        "",
    ],
    "ro": [
        "Carpați Soft SRL",
        "Dunărea Trans SA",
        "Lumina Design SRL",
        "Agro Bărăgan SRL",
        "Nord Consult SRL",
        "",
    ],
    "pl": [
        "Wisła Media sp. z o.o.",
        "Bursztyn IT",
        "Zielony Dom S.A.",
        "Kraków Print",
        "Tatry Tech",
        "",
    ],
    "ru": [
        "ООО «Северный ветер»",
        "ООО «Альфа-Проект»",
        "АО «Волга Логистик»",
        "ИП Морозов",
        "ООО «Светлый дом»",
        "",
    ],
}
_REGIONS = {
    "en": ("+44", "7{}{}{} {}{}{}{}{}{}"),
    "ro": ("+40", "7{}{} {}{}{} {}{}{}"),
    "pl": ("+48", "5{}{} {}{}{} {}{}{}"),
    "ru": ("+7", "9{}{} {}{}{}-{}{}-{}{}"),
}
_RAPPORT = {
    "en": [
        "Prefers short calls before 10am.",
        "Likes the numbers first, then the story.",
        "Call by surname; dislikes small talk.",
    ],
    "ro": [
        "Preferă discuțiile scurte, dimineața.",
        "Apreciază când i se spune pe nume.",
        "Vrea totul confirmat pe e-mail.",
    ],
    "pl": [
        "Lubi konkretne liczby na początku rozmowy.",
        "Zawsze dziękuje za szybkie odpowiedzi.",
        "Nie dzwonić po 17:00.",
    ],
    "ru": [
        "Любит, когда обращаются по имени-отчеству.",
        "Предпочитает письма звонкам.",
        "Сначала цифры, потом детали.",
    ],
}

# --- what happens -------------------------------------------------------------------
_ROUTINE = {
    "en": [
        "Weekly status call, all on track",
        "Sent the draft report for review",
        "Discussed next phase timeline",
        "Quick question about the invoice",
        "Reviewed feedback on the prototype",
        "Agreed on the meeting agenda",
    ],
    "ro": [
        "Apel săptămânal, totul conform planului",
        "Am trimis raportul preliminar",
        "Am discutat calendarul etapei următoare",
        "Întrebare scurtă despre factură",
        "Feedback la prototip",
        "Am stabilit agenda întâlnirii",
    ],
    "pl": [
        "Cotygodniowa rozmowa, wszystko zgodnie z planem",
        "Wysłałem wstępny raport",
        "Omówiliśmy harmonogram kolejnego etapu",
        "Krótkie pytanie o fakturę",
        "Uwagi do prototypu",
        "Ustaliliśmy agendę spotkania",
    ],
    "ru": [
        "Еженедельный созвон, всё по плану",
        "Отправил черновик отчёта",
        "Обсудили сроки следующего этапа",
        "Короткий вопрос по счёту",
        "Обсудили отзывы по прототипу",
        "Согласовали повестку встречи",
    ],
}
_SIGNAL_TEXT = {
    "changed_mind": (
        "Changed their mind about the delivered design; wants it redone",
        "S-a răzgândit după livrare; vrea refacerea designului",
        "Zmienił zdanie po dostarczeniu projektu; chce go od nowa",
        "Передумал после сдачи работы, хочет переделать",
    ),
    "refused_payment": (
        "Refuses to pay for the delivered phase",
        "Refuză plata pentru etapa livrată",
        "Odmawia zapłaty za dostarczony etap",
        "Отказывается оплачивать сданный этап",
    ),
    "late_payment": (
        "Invoice still unpaid; promised payment next week",
        "Factura încă neplătită; promite plata săptămâna viitoare",
        "Faktura wciąż nieopłacona; obiecuje zapłacić w przyszłym tygodniu",
        "Счёт всё ещё не оплачен, обещает на следующей неделе",
    ),
    "rude": (
        "Rude to my assistant on the phone",
        "Nepoliticos cu asistenta mea la telefon",
        "Niegrzeczny wobec mojej asystentki",
        "Грубо разговаривал с моим ассистентом",
    ),
    "aggressive": (
        "Raised voice, pressure to deliver by Friday",
        "A ridicat tonul, presiune pentru livrare până vineri",
        "Podniesiony głos, naciski na termin",
        "Повышал голос, давил на сроки",
    ),
    "missed_call": (
        "Missed the scheduled call, no notice",
        "Nu a răspuns la apelul programat",
        "Nie odebrał umówionego telefonu",
        "Пропустил запланированный звонок",
    ),
    "no_show": (
        "Did not show up for the review meeting",
        "Nu a venit la întâlnirea de evaluare",
        "Nie przyszedł na spotkanie",
        "Не пришёл на встречу",
    ),
    "complaint": (
        "Complains the result is not what they expected",
        "Se plânge că rezultatul nu e cel așteptat",
        "Skarży się, że efekt nie spełnia oczekiwań",
        "Жалуется, что результат не тот",
    ),
    "scope_creep": (
        "Asks for an extra mobile version within the same budget",
        "Cere și versiune mobilă în același buget",
        "Prosi o dodatkową wersję mobilną w tym samym budżecie",
        "Просит мобильную версию в том же бюджете",
    ),
    "legal_threat": (
        "Threatens to involve a lawyer over the delay",
        "Amenință cu avocatul din cauza întârzierii",
        "Grozi prawnikiem z powodu opóźnienia",
        "Угрожает обратиться к юристу",
    ),
    "own_mistake": (
        "My mistake: sent the wrong file version; acknowledged and fixed",
        "Greșeala mea: am trimis versiunea greșită; am recunoscut și corectat",
        "Mój błąd: wysłałem złą wersję pliku; przyznałem i poprawiłem",
        "Моя ошибка: отправил не ту версию; признал и исправил",
    ),
    "referral": (
        "Referred a colleague from another company",
        "A recomandat un coleg de la altă firmă",
        "Polecił znajomego z innej firmy",
        "Порекомендовал коллегу из другой компании",
    ),
    "praise": (
        "Very happy with the result, thanked the team",
        "Foarte mulțumit de rezultat",
        "Bardzo zadowolony z efektów",
        "Очень доволен результатом",
    ),
}
_LANG_INDEX = {"en": 0, "ro": 1, "pl": 2, "ru": 3}


@dataclass(frozen=True)
class Persona:
    name: str
    share: float
    #: signal kind -> chance that one interaction carries it
    signals: dict
    tones: tuple
    pays_late: float  # chance an invoice is paid late (or left overdue)
    #: how far back the interesting part of their history lies (dormant clients: long ago)
    recent: bool = True


_PERSONAS = (
    Persona(
        "good",
        0.45,
        {"praise": 0.03, "referral": 0.01, "own_mistake": 0.005, "missed_call": 0.005},
        ("warm", "warm", "neutral", "neutral"),
        0.05,
    ),
    Persona(
        "late_payer",
        0.14,
        {"late_payment": 0.06, "missed_call": 0.01, "praise": 0.005},
        ("neutral", "neutral", "tense"),
        0.7,
    ),
    Persona(
        "scope_creeper",
        0.12,
        {"scope_creep": 0.06, "changed_mind": 0.02, "complaint": 0.01, "own_mistake": 0.005},
        ("neutral", "tense", "warm"),
        0.2,
    ),
    Persona(
        "no_show_complainer",
        0.08,
        {"missed_call": 0.05, "no_show": 0.04, "complaint": 0.04},
        ("neutral", "tense"),
        0.3,
    ),
    Persona(
        "aggressive",
        0.05,
        {"rude": 0.05, "aggressive": 0.05, "legal_threat": 0.005, "complaint": 0.02},
        ("tense", "hostile", "neutral"),
        0.4,
    ),
    Persona(
        "dispute",
        0.03,
        {
            "changed_mind": 0.04,
            "refused_payment": 0.03,
            "legal_threat": 0.02,
            "complaint": 0.03,
            "own_mistake": 0.01,
        },
        ("tense", "hostile", "neutral"),
        0.8,
    ),
    Persona(
        "faded_trouble",
        0.13,
        {"rude": 0.04, "late_payment": 0.04, "praise": 0.01},
        ("neutral", "warm"),
        0.1,
        recent=False,
    ),
)


def _pick_persona(rng: random.Random) -> Persona:
    roll = rng.random()
    for persona in _PERSONAS:
        roll -= persona.share
        if roll <= 0:
            return persona
    return _PERSONAS[0]


def _phone(rng: random.Random, language: str) -> tuple[str, str]:
    prefix, pattern = _REGIONS[language]
    national = pattern.format(*(rng.randrange(10) for _ in range(pattern.count("{}"))))
    e164 = prefix + "".join(ch for ch in national if ch.isdigit())
    style = rng.random()
    if style < 0.5:
        raw = f"{prefix} {national}"
    elif style < 0.8 and language == "ro":
        raw = "0" + national  # as a Romanian client would type it
    else:
        raw = e164
    return e164, raw


def generate(
    n_clients: int = 500,
    n_interactions: int = 25_000,
    seed: int = 42,
    now: datetime | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict:
    """Fill the open (empty) database with sample data; return counts of what was made."""
    if Client.select().exists():
        raise ValueError("demo data goes into an empty database; choose another file with --db")
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    now_ts = int(now.timestamp())
    today = now.date()
    report = progress or (lambda stage, done, total: None)
    created_ts = now_ts - 4 * 365 * 86400

    clients, phones, emails, personas = [], [], [], []
    agreements, invoices, time_entries, follow_ups = [], [], [], []
    seen_e164: set[str] = set()
    for client_id in range(1, n_clients + 1):
        language = rng.choice(("en", "ro", "ro", "pl", "ru"))
        firsts, lasts = _PEOPLE[language]
        first, title = rng.choice(firsts)
        last = rng.choice(lasts)
        if language == "pl" and first in _FEMININE_PL and last.endswith("ski"):
            last = last[:-1] + "a"
        if language == "ru" and first in _FEMININE_RU:
            last = last + "а"
        name = f"{first} {last}"
        salutation = {
            "en": f"{title} {last}",
            "ro": f"{title} {last}",
            "pl": title,
            "ru": f"{first} {title}",
        }[language]
        persona = _pick_persona(rng)
        personas.append(persona)
        status = rng.choices(
            ("active", "prospect", "paused", "former", "declined"), (60, 12, 10, 12, 6)
        )[0]
        if persona.name == "dispute" and status == "prospect":
            status = "active"
        company = rng.choice(_COMPANIES[language])
        clients.append(
            {
                "id": client_id,
                "name": name,
                "name_key": name.casefold(),
                "salutation": salutation,
                "language": language,
                "company": company,
                "status": status,
                "referred_by": rng.randrange(1, client_id)
                if client_id > 5 and rng.random() < 0.12
                else None,
                "referred_by_text": "",
                "tags": '["vip"]' if rng.random() < 0.05 else "[]",
                "notes": "",
                "rapport": rng.choice(_RAPPORT[language]) if rng.random() < 0.6 else "",
                "created_at": created_ts + rng.randrange(0, 3 * 365 * 86400),
                "updated_at": now_ts,
                "archived_at": now_ts - rng.randrange(86400, 400 * 86400)
                if rng.random() < 0.03
                else None,
                "risk_score": 0,
                "risk_band": "low",
                "risk_week_ago": 0,
            }
        )
        for _ in range(rng.choice((1, 1, 1, 2))):
            e164, raw = _phone(rng, language)
            if e164 not in seen_e164:
                seen_e164.add(e164)
                phones.append(
                    {
                        "client": client_id,
                        "e164": e164,
                        "raw": raw,
                        "kind": rng.choice(("mobile", "work", "")),
                    }
                )
        local = f"{first}.{last}".lower().translate(_TRANSLIT)
        domain = (company.lower().translate(_TRANSLIT).split() or ["mail"])[0].strip(
            "«»\"'.,"
        ) or "mail"
        emails.append(
            {
                "client": client_id,
                "address": f"{local}.{client_id}@{domain}.example",
                "kind": "work",
            }
        )

        # money and scope: agreements with invoices and time spent on them
        if status in ("active", "paused", "former") or persona.name == "dispute":
            for _ in range(rng.choice((1, 1, 2, 3))):
                agreement_id = len(agreements) + 1
                start = today - timedelta(days=rng.randrange(20, 700))
                if any(
                    a["client"] == client_id and a["start"] == start.isoformat()
                    for a in agreements[-3:]
                ):
                    continue  # titles carry the start date and must be unique per client
                budget = rng.choice((2_000, 5_000, 8_000, 12_000, 25_000)) * 100
                agreements.append(
                    {
                        "id": agreement_id,
                        "client": client_id,
                        "title": rng.choice(
                            (
                                "Website redesign",
                                "Market analysis",
                                "CRM migration",
                                "Brand workshop",
                                "Audit",
                            )
                        )
                        + f" {start:%Y-%m-%d}",
                        "scope": "Discovery, two design rounds, delivery and one revision.",
                        "budget_cents": budget,
                        "currency": "EUR",
                        "start": start.isoformat(),
                        "end": (start + timedelta(days=rng.randrange(30, 240))).isoformat(),
                        "status": "active" if start > today - timedelta(days=200) else "done",
                    }
                )
                for n in range(rng.randrange(1, 5)):
                    issued = start + timedelta(days=30 * (n + 1))
                    if issued > today:
                        break
                    due = issued + timedelta(days=14)
                    amount = budget // rng.choice((2, 3, 4))
                    if rng.random() < persona.pays_late:
                        paid_day = due + timedelta(days=rng.randrange(5, 90))
                        paid = (
                            paid_day.isoformat()
                            if paid_day < today and rng.random() < 0.6
                            else None
                        )
                    else:
                        paid_day = issued + timedelta(days=rng.randrange(1, 14))
                        paid = paid_day.isoformat() if paid_day <= today else None
                    invoices.append(
                        {
                            "client": client_id,
                            "agreement": agreement_id,
                            "number": f"{issued.year}-{len(invoices) + 1:05d}",
                            "amount_cents": amount,
                            "currency": "EUR",
                            "issued": issued.isoformat(),
                            "due": due.isoformat(),
                            "paid": paid,
                            "disputed": persona.name == "dispute"
                            and paid is None
                            and rng.random() < 0.6,
                        }
                    )
                for _ in range(rng.randrange(2, 8)):
                    moment = datetime.combine(start, datetime.min.time(), UTC) + timedelta(
                        days=rng.randrange(0, 120), hours=rng.randrange(8, 17)
                    )
                    if moment < now:
                        time_entries.append(
                            {
                                "client": client_id,
                                "agreement": agreement_id,
                                "started_at": int(moment.timestamp()),
                                "minutes": rng.choice((30, 45, 60, 90, 120, 240)),
                                "note": rng.choice(
                                    ("Design work", "Calls and notes", "Implementation", "Review")
                                ),
                            }
                        )
        if status == "active" and rng.random() < 0.35:
            due = now_ts + rng.randrange(-5 * 86400, 10 * 86400)
            follow_ups.append(
                {
                    "client": client_id,
                    "due_at": due,
                    "text": rng.choice(
                        (
                            "Call back about the proposal",
                            "Send the revised quote",
                            "Check the payment arrived",
                            "Confirm the workshop date",
                        )
                    ),
                    "done_at": None,
                }
            )
        if rng.random() < 0.2:
            due = now_ts - rng.randrange(10 * 86400, 300 * 86400)
            follow_ups.append(
                {
                    "client": client_id,
                    "due_at": due,
                    "text": "Send meeting notes",
                    "done_at": due + 3600,
                }
            )

    # Interactions: a few clients have thousands, most have dozens (a Pareto spread).
    weights = [rng.paretovariate(1.2) for _ in range(n_clients)]
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)

    with database.atomic():
        for stage, model, rows in (
            ("clients", Client, clients),
            ("phones", Phone, phones),
            ("emails", Email, emails),
            ("agreements", Agreement, agreements),
            ("invoices", Invoice, invoices),
            ("time entries", TimeEntry, time_entries),
            ("follow-ups", FollowUp, follow_ups),
        ):
            for batch in chunked(rows, 500):
                model.insert_many(batch).execute()
            report(stage, len(rows), len(rows))

        next_interaction = (Interaction.select(fn.MAX(Interaction.id)).scalar() or 0) + 1
        batch, signal_batch, done = [], [], 0
        span = 3 * 365 * 86400
        fields = [
            Interaction.id,
            Interaction.client,
            Interaction.occurred_at,
            Interaction.channel,
            Interaction.direction,
            Interaction.duration_min,
            Interaction.tone,
            Interaction.summary,
        ]
        signal_fields = [Signal.interaction, Signal.client, Signal.kind, Signal.at]
        channels = ("call", "call", "email", "email", "meeting", "message", "note")
        for _ in range(n_interactions):
            index = bisect.bisect_left(cumulative, rng.random() * total)
            client_id = index + 1
            persona = personas[index]
            language = clients[index]["language"]
            # recent activity is denser: squaring skews moments toward now
            age = int(span * rng.random() ** 2)
            if not persona.recent and rng.random() < 0.8:
                age = span // 2 + int(span // 2 * rng.random())
            at = now_ts - age
            channel = rng.choice(channels)
            summary = rng.choice(_ROUTINE[language])
            tone = rng.choice(persona.tones) if channel in ("call", "meeting") else None
            kinds = [kind for kind, chance in persona.signals.items() if rng.random() < chance]
            if kinds:
                summary = _SIGNAL_TEXT[kinds[0]][_LANG_INDEX[language]]
                for kind in kinds:
                    signal_batch.append((next_interaction, client_id, kind, at))
            batch.append(
                (
                    next_interaction,
                    client_id,
                    at,
                    channel,
                    rng.choice(("in", "out")),
                    rng.choice((5, 10, 15, 30, 45, 60)) if channel in ("call", "meeting") else None,
                    tone,
                    summary,
                )
            )
            next_interaction += 1
            if len(batch) >= 4000:
                Interaction.insert_many(batch, fields=fields).execute()
                done += len(batch)
                batch = []
                report("interactions", done, n_interactions)
                # signals only after their interactions are in (foreign keys)
                if signal_batch:
                    Signal.insert_many(signal_batch, fields=signal_fields).execute()
                signal_batch = []
        if batch:
            Interaction.insert_many(batch, fields=fields).execute()
            done += len(batch)
            report("interactions", done, n_interactions)
        if signal_batch:
            Signal.insert_many(signal_batch, fields=signal_fields).execute()

        latest = Interaction.select(fn.MAX(Interaction.occurred_at)).where(
            Interaction.client == Client.id
        )
        Client.update(last_contact_at=latest).execute()
        sync_id_sequences(Client, Agreement, Interaction)

    from models.scoring import refresh_all

    refresh_all(now, progress=lambda done, total: report("risk", done, total))
    return {
        "clients": len(clients),
        "interactions": n_interactions,
        "signals": Signal.select().count(),
        "invoices": len(invoices),
        "follow_ups": len(follow_ups),
    }
