"""What happens in a demo client's history: the routine of calls and e-mails, the text of
each warning or positive sign in four languages, notes to self, and the *personas* from
domain.md whose signs shape a history (good clients who refer others, late payers, scope
creepers, no-show complainers, aggressive clients, disputes, faded trouble)."""

from __future__ import annotations

from dataclasses import dataclass

ROUTINE = {
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
SIGNAL_TEXT = {
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
LANG_INDEX = {"en": 0, "ro": 1, "pl": 2, "ru": 3}
#: which of the routine texts (same order in every language) fit a call or meeting, and
#: which an e-mail or message
SPOKEN = (0, 2, 3, 4, 5)
WRITTEN = (1, 3, 5)
#: notes the consultant writes to themselves (not contact: they never move the last contact)
NOTES = {
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
    pays_late: float  # chance an invoice is paid late (or is still unpaid)
    #: the tone of an ordinary call or meeting with them
    tones: tuple
    #: signal kind -> (fewest, most) times it happens over a history of ~200 entries;
    #: longer histories get proportionally more, so no client piles up dozens of one sign
    incidents: dict
    #: where their signs lie: in recent months, or in the early years (troubles faded)
    recent: bool = True


# One persona a row: name, share of the book, chance an invoice is paid late, the tones of
# an ordinary call, then the signs; laid out as a table so personas read side by side.
# fmt: off
PERSONAS = (
    Persona("good", 0.58, 0.03, ("warm", "warm", "neutral", "neutral"),
            {"praise": (0, 3), "referral": (0, 1), "own_mistake": (0, 1), "missed_call": (0, 1)}),
    Persona("late_payer", 0.12, 0.6, ("neutral", "neutral", "warm", "tense"),
            {"late_payment": (2, 4), "missed_call": (0, 2), "praise": (0, 1)}),
    Persona("scope_creeper", 0.10, 0.15, ("neutral", "warm", "neutral", "tense"),
            {"scope_creep": (2, 5), "changed_mind": (0, 2), "complaint": (0, 1),
             "own_mistake": (0, 1)}),
    Persona("no_show_complainer", 0.06, 0.25, ("neutral", "neutral", "tense"),
            {"missed_call": (2, 4), "no_show": (1, 3), "complaint": (1, 3)}),
    Persona("aggressive", 0.04, 0.35, ("neutral", "tense", "tense", "warm"),
            {"rude": (1, 3), "aggressive": (1, 2), "complaint": (0, 2), "legal_threat": (0, 1)}),
    Persona("dispute", 0.02, 0.8, ("tense", "neutral", "tense"),
            {"changed_mind": (1, 2), "refused_payment": (1, 2), "legal_threat": (1, 1),
             "complaint": (1, 3), "own_mistake": (0, 1)}),
    Persona("faded_trouble", 0.08, 0.05, ("neutral", "warm"),
            {"rude": (1, 2), "late_payment": (1, 3), "praise": (0, 2)}, recent=False),
)
# fmt: on

#: the channel and tone an entry carrying this sign naturally has
SIGNAL_CHANNEL = {
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
CHANNELS = ("call", "email", "meeting", "message", "note")
CHANNEL_WEIGHTS = (30, 35, 10, 15, 10)
