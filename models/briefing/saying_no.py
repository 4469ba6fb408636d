"""Saying no well (domain rule 6): a reply outline for a request beyond the agreement.

Know the person, explain the reasons with the facts and the agreed scope and budget, and
always offer an alternative as close to the request as possible (a priced change, a later
phase, or a swap for something of equal effort). The outline is text the consultant can
copy or save to the log; it is a skeleton to speak from, not a letter to send unread.
"""

from __future__ import annotations

from datetime import datetime

from callsheet.models.briefing.brief import brief_of
from callsheet.models.values.text import money_text

#: the outline's words per language: entirely in the client's language where the phrases
#: exist (the greeting comes in the same four), else entirely in English
PHRASES = {
    "en": {
        "title": "Reply outline: {name} asks for more than agreed",
        "new": "the new request",
        "greet": '1. Greet and acknowledge: "{greeting}. Thank you for telling me what you need: {asked}."',
        "scope": "the agreed scope",
        "budget": "the agreed budget",
        "agreed": '2. What we agreed: "{title}": {scope}; budget {budget}.',
        "used": "{invoiced} invoiced and {hours} hours spent so far",
        "why": "3. Why this is outside it: the request is not part of that scope, and {used}. "
        "Doing it inside the same budget would cut time from what you already asked for.",
        "no_agreement": "2. What we agreed: (no written agreement recorded — say what was agreed, "
        "and put it in writing now).",
        "why_unknown": "3. Why this is outside it: explain with facts what the request adds in "
        "time and cost.",
        "alternative": "4. The closest alternative: \"I can do this as a priced change: I'll send "
        'an estimate by <date>." Or: schedule it as the next phase after delivery, or swap it '
        "for an item of equal effort.",
        "calm": "5. Stay calm and concrete: no excuses, no passive tone; confirm the decision in "
        "writing (rules 6, 7).",
        "remember": "Remember: {rapport}",
    },
    "ro": {
        "title": "Schiță de răspuns: {name} cere mai mult decât s-a convenit",
        "new": "noua cerere",
        "greet": '1. Salutați și confirmați: "{greeting}. Vă mulțumesc că mi-ați spus de ce aveți '
        'nevoie: {asked}."',
        "scope": "domeniul convenit",
        "budget": "bugetul convenit",
        "agreed": '2. Ce am convenit: "{title}": {scope}; buget {budget}.',
        "used": "{invoiced} facturați și {hours} ore lucrate până acum",
        "why": "3. De ce nu intră în acord: cererea nu face parte din acest domeniu, iar {used}. "
        "Dacă o facem în același buget, luăm timp de la ce ați cerut deja.",
        "no_agreement": "2. Ce am convenit: (niciun acord scris înregistrat — spuneți ce s-a "
        "convenit și puneți-l acum în scris).",
        "why_unknown": "3. De ce nu intră în acord: explicați cu fapte ce adaugă cererea în timp "
        "și cost.",
        "alternative": '4. Cea mai apropiată alternativă: "Pot face asta ca modificare cu preț '
        'separat: vă trimit o estimare până la <data>." Sau: programați-o ca etapă următoare '
        "după livrare, ori schimbați-o cu ceva de efort egal.",
        "calm": "5. Rămâneți calm și concret: fără scuze, fără ton pasiv; confirmați decizia în "
        "scris (regulile 6, 7).",
        "remember": "De reținut: {rapport}",
    },
    "pl": {
        "title": "Szkic odpowiedzi: {name} prosi o więcej, niż uzgodniono",
        "new": "nowa prośba",
        "greet": '1. Przywitaj się i potwierdź: "{greeting}. Dziękuję za informację, czego '
        'Państwo potrzebują: {asked}."',
        "scope": "uzgodniony zakres",
        "budget": "uzgodniony budżet",
        "agreed": '2. Co uzgodniliśmy: "{title}": {scope}; budżet {budget}.',
        "used": "{invoiced} zafakturowano i {hours} godz. przepracowano do tej pory",
        "why": "3. Dlaczego to wykracza poza umowę: prośba nie należy do tego zakresu, a {used}. "
        "Zrobienie tego w tym samym budżecie zabrałoby czas z tego, o co już Państwo prosili.",
        "no_agreement": "2. Co uzgodniliśmy: (brak zapisanej umowy — powiedz, co uzgodniono, "
        "i spisz to teraz).",
        "why_unknown": "3. Dlaczego to wykracza poza umowę: wyjaśnij faktami, ile prośba dodaje "
        "czasu i kosztów.",
        "alternative": '4. Najbliższa alternatywa: "Mogę to zrobić jako płatną zmianę: wyślę '
        'wycenę do <data>." Albo: zaplanuj to jako kolejny etap po dostarczeniu lub zamień na '
        "element o równym nakładzie pracy.",
        "calm": "5. Zachowaj spokój i konkret: bez wymówek, bez biernego tonu; potwierdź decyzję "
        "na piśmie (zasady 6, 7).",
        "remember": "Pamiętaj: {rapport}",
    },
    "ru": {
        "title": "План ответа: {name} просит больше, чем договорились",
        "new": "новый запрос",
        "greet": '1. Поприветствуйте и признайте запрос: "{greeting}. Спасибо, что рассказали, '
        'что вам нужно: {asked}."',
        "scope": "согласованный объём работ",
        "budget": "согласованный бюджет",
        "agreed": '2. О чём мы договорились: "{title}": {scope}; бюджет {budget}.',
        "used": "выставлено счетов на {invoiced}, потрачено {hours} ч",
        "why": "3. Почему это за рамками договора: запрос не входит в этот объём, а уже {used}. "
        "Сделать это в том же бюджете значит отнять время у того, что вы уже заказали.",
        "no_agreement": "2. О чём мы договорились: (письменной договорённости нет — скажите, "
        "о чём договорились, и зафиксируйте это письменно сейчас).",
        "why_unknown": "3. Почему это за рамками договора: объясните на фактах, сколько времени "
        "и денег добавляет запрос.",
        "alternative": '4. Ближайшая альтернатива: "Я могу сделать это как отдельное изменение '
        'за отдельную плату: пришлю оценку до <дата>." Или: запланируйте это следующим этапом '
        "после сдачи, или замените на задачу равной трудоёмкости.",
        "calm": "5. Сохраняйте спокойствие и конкретность: без оправданий и пассивного тона; "
        "подтвердите решение письменно (правила 6, 7).",
        "remember": "Помните: {rapport}",
    },
}


def _clause(text: str) -> str:
    """User text placed mid-sentence: its own closing punctuation would double ours."""
    return text.strip().rstrip(".;,: ")


def reply_outline(client_id: int, as_of: datetime, request: str | None = None) -> str:
    brief = brief_of(client_id, as_of)
    words = PHRASES.get((brief.language or "en").lower()[:2], PHRASES["en"])
    asked = _clause(
        request
        or (brief.recent_scope_requests[0].summary if brief.recent_scope_requests else words["new"])
    )
    agreement = next(
        (a for a in brief.agreements if a.status == "active"),
        brief.agreements[0] if brief.agreements else None,
    )
    lines = [words["title"].format(name=brief.name), ""]
    lines.append(words["greet"].format(greeting=brief.greeting, asked=asked))
    if agreement:
        budget = (
            f"{money_text(agreement.budget_cents)} {agreement.currency}"
            if agreement.budget_cents is not None
            else words["budget"]
        )
        scope = _clause(agreement.scope) or words["scope"]
        lines.append(words["agreed"].format(title=agreement.title, scope=scope, budget=budget))
        used = words["used"].format(
            invoiced=agreement.invoiced_text(),
            hours=f"{agreement.minutes / 60:.0f}",
        )
        lines.append(words["why"].format(used=used))
    else:
        lines.append(words["no_agreement"])
        lines.append(words["why_unknown"])
    lines.append(words["alternative"])
    lines.append(words["calm"])
    if brief.rapport:
        lines.append(words["remember"].format(rapport=brief.rapport))
    return "\n".join(lines) + "\n"
