"""Who the demo clients are: names and forms of address in English, Romanian, Polish and
Russian, their companies, what to remember about them, and their phone numbers."""

from __future__ import annotations

import random
from typing import NamedTuple

# (first name, last name, salutation, ascii for e-mail)
PEOPLE = {
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
FEMININE_PL = {"Anna", "Katarzyna", "Magdalena", "Agnieszka", "Małgorzata"}
FEMININE_RU = {"Анна", "Елена", "Ольга", "Наталья", "Татьяна"}
TRANSLIT = str.maketrans(
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
COMPANIES = {
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
REGIONS = {
    "en": ("+44", "7{}{}{} {}{}{}{}{}{}"),
    "ro": ("+40", "7{}{} {}{}{} {}{}{}"),
    "pl": ("+48", "5{}{} {}{}{} {}{}{}"),
    "ru": ("+7", "9{}{} {}{}{}-{}{}-{}{}"),
}
RAPPORT = {
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


class Person(NamedTuple):
    language: str
    first: str
    last_name: str
    salutation: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last_name}"


def person(rng: random.Random) -> Person:
    """A client in one of the four languages, greeted as people there greet each other."""
    language = rng.choice(("en", "ro", "ro", "pl", "ru"))
    firsts, lasts = PEOPLE[language]
    first, title = rng.choice(firsts)
    last_name = rng.choice(lasts)
    if language == "pl" and first in FEMININE_PL and last_name.endswith("ski"):
        last_name = last_name[:-1] + "a"
    if language == "ru" and first in FEMININE_RU:
        last_name = last_name + "а"
    salutation = {
        "en": f"{title} {last_name}",
        "ro": f"{title} {last_name}",
        "pl": title,
        "ru": f"{first} {title}",
    }[language]
    return Person(language, first, last_name, salutation)


def phone_number(rng: random.Random, language: str) -> tuple[str, str]:
    prefix, pattern = REGIONS[language]
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
