"""Realistic, reproducible sample data: a consultant's book of clients with a history.

The same seed and ``now`` always give the same database. Clients follow *personas* taken
from domain.md (good clients who refer others, late payers, scope creepers, no-show
complainers, aggressive clients, disputes that escalate to legal threats, old clients whose
troubles have faded), so every signal, every risk band and every screen has something to
show. Names, greetings and notes are in English, Romanian, Polish and Russian.

Rows go in with bulk inserts inside one transaction, with ids assigned here so signals can
point at their interactions without reading anything back: 10,000 clients and 1,000,000
interactions take well under two minutes.

(Over 450 lines on purpose: one seeded generator; its random draws must happen in one fixed
order for a seed to give the same book (the snapshot tests rely on it), so it stays one
sequence of steps.)
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

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
#: which of the routine texts (same order in every language) fit a call or meeting, and
#: which an e-mail or message
_SPOKEN = (0, 2, 3, 4, 5)
_WRITTEN = (1, 3, 5)
#: notes the consultant writes to themselves (not contact: they never move the last contact)
_NOTES = {
    "en": (
        "Prepared the agenda for the next call",
        "Ideas for the next phase",
        "Remember to ask about the budget",
    ),
    "ro": (
        "Am pregătit agenda pentru apelul următor",
        "Idei pentru etapa următoare",
        "De întrebat despre buget",
    ),
    "pl": (
        "Przygotowałem agendę następnej rozmowy",
        "Pomysły na kolejny etap",
        "Zapytać o budżet",
    ),
    "ru": (
        "Подготовил повестку следующего созвона",
        "Идеи для следующего этапа",
        "Не забыть спросить про бюджет",
    ),
}


@dataclass(frozen=True)
class Persona:
    name: str
    share: float
    #: signal kind -> (fewest, most) times it happens over a history of ~200 entries;
    #: longer histories get proportionally more, so no client piles up dozens of one sign
    incidents: dict
    #: the tone of an ordinary call or meeting with them
    tones: tuple
    pays_late: float  # chance an invoice is paid late (or is still unpaid)
    #: where their signs lie: in recent months, or in the early years (troubles faded)
    recent: bool = True


_PERSONAS = (
    Persona(
        "good",
        0.58,
        {"praise": (0, 3), "referral": (0, 1), "own_mistake": (0, 1), "missed_call": (0, 1)},
        ("warm", "warm", "neutral", "neutral"),
        0.03,
    ),
    Persona(
        "late_payer",
        0.12,
        {"late_payment": (2, 4), "missed_call": (0, 2), "praise": (0, 1)},
        ("neutral", "neutral", "warm", "tense"),
        0.6,
    ),
    Persona(
        "scope_creeper",
        0.10,
        {"scope_creep": (2, 5), "changed_mind": (0, 2), "complaint": (0, 1), "own_mistake": (0, 1)},
        ("neutral", "warm", "neutral", "tense"),
        0.15,
    ),
    Persona(
        "no_show_complainer",
        0.06,
        {"missed_call": (2, 4), "no_show": (1, 3), "complaint": (1, 3)},
        ("neutral", "neutral", "tense"),
        0.25,
    ),
    Persona(
        "aggressive",
        0.04,
        {"rude": (1, 3), "aggressive": (1, 2), "complaint": (0, 2), "legal_threat": (0, 1)},
        ("neutral", "tense", "tense", "warm"),
        0.35,
    ),
    Persona(
        "dispute",
        0.02,
        {
            "changed_mind": (1, 2),
            "refused_payment": (1, 2),
            "legal_threat": (1, 1),
            "complaint": (1, 3),
            "own_mistake": (0, 1),
        },
        ("tense", "neutral", "tense"),
        0.8,
    ),
    Persona(
        "faded_trouble",
        0.08,
        {"rude": (1, 2), "late_payment": (1, 3), "praise": (0, 2)},
        ("neutral", "warm"),
        0.05,
        recent=False,
    ),
)

#: the channel and tone an entry carrying this sign naturally has
_SIGNAL_CHANNEL = {
    "changed_mind": ("meeting", "tense"),
    "refused_payment": ("email", None),
    "late_payment": ("email", None),
    "rude": ("call", "hostile"),
    "aggressive": ("call", "hostile"),
    "missed_call": ("call", None),
    "no_show": ("meeting", None),
    "complaint": ("email", None),
    "scope_creep": ("call", "neutral"),
    "legal_threat": ("email", None),
    "own_mistake": ("email", None),
    "referral": ("call", "warm"),
    "praise": ("meeting", "warm"),
}
#: ordinary entries: mostly e-mails and calls, some messages and meetings, a few notes
_CHANNELS = ("call", "email", "meeting", "message", "note")
_CHANNEL_WEIGHTS = (30, 35, 10, 15, 10)
_DAY = 86400
#: the share of a demo book that is archived (kept, out of the list)
ARCHIVED_SHARE = 0.03
#: the book the dashboard's "load demo data" makes, and ``callsheet demo``'s default
DEMO_CLIENTS = 500
DEMO_INTERACTIONS = 25_000


def archived_count(n_clients: int) -> int:
    """How many of ``n_clients`` demo clients are archived (the rest are in the list)."""
    return int(n_clients * ARCHIVED_SHARE)


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


def _working_hours(moment: int, rng: random.Random) -> int:
    """``moment`` moved onto a working day (Monday-Friday) between 06:00 and 16:00 UTC
    (08:00-18:00 or so in the demo's European time zones)."""
    day = moment // _DAY
    weekday = (day + 3) % 7  # 1 January 1970 was a Thursday
    if weekday >= 5:
        day -= weekday - 4
    return day * _DAY + 6 * 3600 + rng.randrange(10 * 3600)


@dataclass
class _Plan:
    """The shape of one client's history, decided before any entry is written."""

    persona: Persona
    language: str
    start: int  # first contact
    last: int  # last contact (the newest call, e-mail, meeting or message)
    #: (start, end) of each project: the bursts of the history
    projects: list[tuple[int, int]]


def _history_span(rng: random.Random, status: str, archived: bool, now: int) -> tuple[int, int]:
    """(first contact, last contact) for a client of ``status``: active clients were heard
    from lately (a few have gone quiet), others months or years ago."""
    if archived:
        # quiet for months (at least two) before they were archived, a while ago
        last = now - rng.randrange(61, 600) * _DAY
        return last - rng.randrange(60, 1000) * _DAY, last
    if status == "active":
        start = now - rng.randrange(90, 1400) * _DAY
        roll = rng.random()
        if roll < 0.88:
            age = int(rng.expovariate(1 / 4) * _DAY)  # most heard from within days
        elif roll < 0.95:
            age = rng.randrange(12, 20) * _DAY
        else:
            age = rng.randrange(22, 80) * _DAY  # gone quiet: triage asks about them
        return start, now - min(age, 19 * _DAY) if roll < 0.88 else now - age
    if status == "paused":
        start = now - rng.randrange(200, 1400) * _DAY
        return start, now - rng.randrange(30, 180) * _DAY
    if status == "prospect":
        start = now - rng.randrange(3, 120) * _DAY
        return start, min(now - rng.randrange(0, 30) * _DAY, now)
    if status == "former":
        start = now - rng.randrange(300, 1460) * _DAY
        return start, now - rng.randrange(90, max(91, (now - start) // _DAY - 60)) * _DAY
    # declined: a short courtship, months or years ago
    start = now - rng.randrange(45, 900) * _DAY
    return start, start + rng.randrange(2, 30) * _DAY


def _projects(rng: random.Random, start: int, last: int, status: str) -> list[tuple[int, int]]:
    """Bursts of work inside the relationship; an active client's latest one is current."""
    span = last - start
    if status in ("prospect", "declined") or span < 30 * _DAY:
        return []
    count = max(1, min(6, round(span / (365 * _DAY) * rng.uniform(0.6, 1.5))))
    projects = []
    for _ in range(count):
        begin = start + rng.randrange(max(span - 30 * _DAY, 1))
        projects.append((begin, min(begin + rng.randrange(30, 180) * _DAY, last)))
    if status == "active":
        begin = max(start, last - rng.randrange(20, 150) * _DAY)
        projects.append((begin, last))
    return sorted(projects)


def _entry_counts(rng: random.Random, weights: list[float], total: int) -> list[int]:
    """``total`` entries shared out by ``weights``: everyone gets a couple, nobody more than
    eight times the average, the rest in proportion."""
    n = len(weights)
    floor = 2 if total >= 2 * n else 0
    counts = [floor] * n
    left = total - floor * n
    if left <= 0 or not n:
        return counts
    cap = 8 * sum(weights) / n
    weights = [min(w, cap) for w in weights]
    scale = left / sum(weights)
    shares = [w * scale for w in weights]
    for i, share in enumerate(shares):
        counts[i] += int(share)
    remainder = left - sum(int(share) for share in shares)
    by_fraction = sorted(range(n), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for i in by_fraction[:remainder]:
        counts[i] += 1
    return counts


def generate(
    n_clients: int = DEMO_CLIENTS,
    n_interactions: int = DEMO_INTERACTIONS,
    seed: int = 42,
    now: datetime | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict:
    """Fill the open (empty) database with sample data; return counts of what was made.

    Each client's history has a shape: a first and a last contact that fit their status
    (active clients heard from lately, former ones long ago, archived ones quiet for
    months before they were archived), bursts of entries around projects, invoices and
    time spent on those projects, and a handful of signs that fit their persona.
    """
    if Client.select().exists():
        raise ValueError("demo data goes into an empty database; choose another file with --db")
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    now_ts = int(now.timestamp())
    today = now.date()
    report = progress or (lambda stage, done, total: None)

    # Rows for insert_many, one dict per row, grouped by table.
    Rows = list[dict[str, Any]]
    clients: Rows = []
    phones: Rows = []
    emails: Rows = []
    agreements: Rows = []
    invoices: Rows = []
    time_entries: Rows = []
    follow_ups: Rows = []
    plans: list[_Plan] = []
    seen_e164: set[str] = set()
    archived_ids = set(rng.sample(range(1, n_clients + 1), archived_count(n_clients)))
    for client_id in range(1, n_clients + 1):
        language = rng.choice(("en", "ro", "ro", "pl", "ru"))
        firsts, lasts = _PEOPLE[language]
        first, title = rng.choice(firsts)
        last_name = rng.choice(lasts)
        if language == "pl" and first in _FEMININE_PL and last_name.endswith("ski"):
            last_name = last_name[:-1] + "a"
        if language == "ru" and first in _FEMININE_RU:
            last_name = last_name + "а"
        name = f"{first} {last_name}"
        salutation = {
            "en": f"{title} {last_name}",
            "ro": f"{title} {last_name}",
            "pl": title,
            "ru": f"{first} {title}",
        }[language]
        persona = _pick_persona(rng)
        archived = client_id in archived_ids
        if archived:
            status = "former" if rng.random() < 0.7 else "declined"
        else:
            status = rng.choices(
                ("active", "prospect", "paused", "former", "declined"), (60, 12, 10, 12, 6)
            )[0]
        if persona.name == "dispute" and status in ("prospect", "declined"):
            status = "active"
        start, last = _history_span(rng, status, archived, now_ts)
        start, last = _working_hours(start, rng), _working_hours(last, rng)
        if last > now_ts - 600:  # later today: the working day before, then
            last = min(_working_hours(last - _DAY, rng), now_ts - 600)
        if start > last - _DAY:  # even a short history spans a few days
            start = _working_hours(last - rng.randrange(2, 20) * _DAY, rng)
        plan = _Plan(persona, language, start, last, _projects(rng, start, last, status))
        plans.append(plan)
        company = rng.choice(_COMPANIES[language])
        tags = []
        if rng.random() < 0.05:
            tags.append("vip")
        if status == "active" and rng.random() < 0.1:
            tags.append("retainer")
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
                "tags": tags,  # a list: the field stores it as JSON
                "notes": "",
                "rapport": rng.choice(_RAPPORT[language]) if rng.random() < 0.6 else "",
                "created_at": start - rng.randrange(0, 14 * _DAY),
                "updated_at": now_ts,
                # archived after at least two months of silence, and at least a day ago
                "archived_at": min(last + rng.randrange(60, 300) * _DAY, now_ts - _DAY)
                if archived
                else None,
                "last_contact_at": None,  # set below, once each log's size is known
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
        local = f"{first}.{last_name}".lower().translate(_TRANSLIT)
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

        # money and scope: one agreement per project, invoiced monthly, time spent on it
        titles_used: set[str] = set()
        for begin, end in plan.projects:
            start_day = datetime.fromtimestamp(begin, UTC).date()
            end_day = datetime.fromtimestamp(end, UTC).date()
            title_text = (
                rng.choice(
                    (
                        "Website redesign",
                        "Market analysis",
                        "CRM migration",
                        "Brand workshop",
                        "Audit",
                    )
                )
                + f" {start_day:%Y-%m-%d}"
            )
            if title_text in titles_used:
                continue  # titles are unique per client
            titles_used.add(title_text)
            agreement_id = len(agreements) + 1
            budget = rng.choice((2_000, 5_000, 8_000, 12_000, 25_000)) * 100
            current = status == "active" and end >= plan.last
            agreements.append(
                {
                    "id": agreement_id,
                    "client": client_id,
                    "title": title_text,
                    "scope": "Discovery, two design rounds, delivery and one revision.",
                    "budget_cents": budget,
                    "currency": "EUR",
                    "start": start_day.isoformat(),
                    "end": (
                        end_day + timedelta(days=rng.randrange(20, 90)) if current else end_day
                    ).isoformat(),
                    "status": "active" if current else "done",
                }
            )
            months = max(1, (end_day - start_day).days // 30)
            for n in range(months):
                issued = start_day + timedelta(days=30 * (n + 1))
                if issued > today:
                    break
                due = issued + timedelta(days=rng.choice((14, 14, 30)))
                if persona.recent:
                    late = rng.random() < persona.pays_late
                else:  # their late payments are long past
                    late = (today - issued).days > 365 and rng.random() < 0.5
                if late:
                    paid_day = due + timedelta(days=rng.randrange(5, 120))
                    paid = paid_day.isoformat() if paid_day < today else None
                else:
                    paid_day = issued + timedelta(days=rng.randrange(1, 14))
                    paid = paid_day.isoformat() if paid_day <= today else None
                if status in ("former", "declined") and persona.name != "dispute":
                    paid = paid or due.isoformat()  # a finished relationship is settled
                invoices.append(
                    {
                        "client": client_id,
                        "agreement": agreement_id,
                        "number": f"{issued.year}-{len(invoices) + 1:05d}",
                        "amount_cents": budget // months,
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
                moment = _working_hours(begin + rng.randrange(max(end - begin, 1)), rng)
                if moment < now_ts:
                    time_entries.append(
                        {
                            "client": client_id,
                            "agreement": agreement_id,
                            "started_at": moment,
                            "minutes": rng.choice((30, 45, 60, 90, 120, 240)),
                            "note": rng.choice(
                                ("Design work", "Calls and notes", "Implementation", "Review")
                            ),
                        }
                    )
        open_chance = {"active": 0.3, "paused": 0.1, "prospect": 0.4}.get(status, 0)
        if not archived and rng.random() < open_chance:
            follow_ups.append(
                {
                    "client": client_id,
                    "due_at": now_ts + rng.randrange(-5 * _DAY, 10 * _DAY),
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
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            done_at = plan.start + rng.randrange(max(plan.last - plan.start, 1))
            follow_ups.append(
                {
                    "client": client_id,
                    "due_at": done_at,
                    "text": "Send meeting notes",
                    "done_at": done_at,
                }
            )

    # How many entries each client's log has: a few for prospects, up to a few hundred for
    # long relationships (never more than eight times the average).
    status_weight = {"active": 1.0, "paused": 0.7, "former": 0.6, "prospect": 0.08}
    weights = [
        rng.lognormvariate(0, 0.7)
        * status_weight.get(row["status"], 0.05)
        * (0.5 + ((plan.last - plan.start) / (365 * _DAY)) ** 0.5)
        for row, plan in zip(clients, plans, strict=True)
    ]
    entry_counts = _entry_counts(rng, weights, n_interactions)
    for row, plan, count in zip(clients, plans, entry_counts, strict=True):
        # every history ends with a contact at plan.last (see _write_histories)
        row["last_contact_at"] = plan.last if count else None

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

        _write_histories(rng, plans, entry_counts, n_interactions, report)
        # ids were assigned here, not by the database (PostgreSQL's sequences must follow)
        sync_id_sequences(Client, Agreement, Interaction)

    from models.scoring import refresh_all

    refresh_all(now, progress=lambda done, total: report("risk", done, total))
    return {
        "clients": len(clients),
        "archived": len(archived_ids),
        "interactions": n_interactions,
        "signals": Signal.select().count(),
        "invoices": len(invoices),
        "follow_ups": len(follow_ups),
    }


def _write_histories(
    rng: random.Random,
    plans: list[_Plan],
    entry_counts: list[int],
    n_interactions: int,
    report: Callable[[str, int, int], None],
) -> None:
    """Write every client's log; each ends with a contact (not a note) at ``plan.last``."""
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
    next_id = (Interaction.select(fn.MAX(Interaction.id)).scalar() or 0) + 1
    batch, signal_batch, done = [], [], 0
    minutes = (5, 10, 15, 30, 45, 60)
    for client_id, (plan, count) in enumerate(zip(plans, entry_counts, strict=True), start=1):
        if not count:
            continue
        moments = _moments(rng, plan, count)
        channels = rng.choices(_CHANNELS, _CHANNEL_WEIGHTS, k=count)
        channels[-1] = rng.choice(("call", "email", "meeting", "message"))  # the last contact
        directions = rng.choices(("in", "out"), k=count)
        routine = _ROUTINE[plan.language]
        spoken_texts = rng.choices([routine[i] for i in _SPOKEN], k=count)
        written_texts = rng.choices([routine[i] for i in _WRITTEN], k=count)
        tones = rng.choices(plan.persona.tones, k=count)
        signs: dict[int, list[str]] = {}
        for kind, index in _incidents(rng, plan.persona, count):
            kinds_here = signs.setdefault(index, [])
            if kind not in kinds_here:  # one entry carries a sign once
                kinds_here.append(kind)
        notes = _NOTES[plan.language]
        language = _LANG_INDEX[plan.language]
        for index in range(count):
            channel = channels[index]
            kinds = signs.get(index)
            tone = tones[index]
            summary = (spoken_texts if channel in ("call", "meeting") else written_texts)[index]
            if kinds:
                channel, sign_tone = _SIGNAL_CHANNEL[kinds[0]]
                tone = sign_tone or tone
                summary = _SIGNAL_TEXT[kinds[0]][language]
                for kind in kinds:
                    signal_batch.append((next_id, client_id, kind, moments[index]))
            elif channel == "note":
                summary = rng.choice(notes)
            spoken = channel in ("call", "meeting")
            batch.append(
                (
                    next_id,
                    client_id,
                    moments[index],
                    channel,
                    "out" if channel == "note" else directions[index],
                    rng.choice(minutes) if spoken else None,
                    tone if spoken else None,
                    summary,
                )
            )
            next_id += 1
        if len(batch) >= 4000:
            done += _flush(batch, fields, signal_batch, signal_fields)
            batch, signal_batch = [], []
            report("interactions", done, n_interactions)
    done += _flush(batch, fields, signal_batch, signal_fields)
    report("interactions", done, n_interactions)


def _flush(batch, fields, signal_batch, signal_fields) -> int:
    for rows in chunked(batch, 4000):
        Interaction.insert_many(rows, fields=fields).execute()
    # signals only after their interactions are in (foreign keys)
    for rows in chunked(signal_batch, 4000):
        Signal.insert_many(rows, fields=signal_fields).execute()
    return len(batch)


def _moments(rng: random.Random, plan: _Plan, count: int) -> list[int]:
    """``count`` moments between the first and last contact, oldest first, most of them
    inside projects; the newest is the last contact itself."""
    start, last = plan.start, plan.last
    span = max(last - start, 1)
    projects = plan.projects
    moments = []
    for _ in range(count - 1):
        if projects and rng.random() < 0.75:
            begin, end = projects[rng.randrange(len(projects))]
            at = begin + rng.randrange(max(end - begin, 1))
        else:
            at = start + rng.randrange(span)
        at = _working_hours(at, rng)
        if not start <= at < last:  # moved out of the relationship: anywhere inside it
            at = start + rng.randrange(span)
        moments.append(at)
    moments.sort()
    moments.append(last)
    return moments


def _incidents(rng: random.Random, persona: Persona, count: int) -> list[tuple[str, int]]:
    """(signal, entry index) for each sign in this history: a handful, placed where the
    persona's trouble lies (recent months, or the early years for faded trouble)."""
    scale = 1 + count // 300
    placed = []
    for kind, (fewest, most) in persona.incidents.items():
        for _ in range(rng.randint(fewest, most) * scale):
            if persona.recent:
                # in the later part of the history; now and then on the newest entries,
                # so a few clients' risk is rising this week
                if rng.random() < 0.03:
                    index = count - 1 - rng.randrange(min(count, 3))
                else:
                    index = count - 1 - int(count * 0.6 * rng.random())
            else:
                index = int(count * 0.5 * rng.random())
            placed.append((kind, max(0, min(index, count - 1))))
    return placed
