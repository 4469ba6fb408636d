"""The shape of one demo client's history, drawn before any entry is written: its persona,
its first and last contact (fitting its status), the projects that make its bursts, how
many entries it gets, when they happen and where its signs fall.

Every function draws from the one seeded ``rng`` it is given; the generator calls them in a
fixed order, so a seed always gives the same book.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from callsheet.models.demo.events import PERSONAS, Persona

DAY = 86400


def pick_persona(rng: random.Random) -> Persona:
    roll = rng.random()
    for persona in PERSONAS:
        roll -= persona.share
        if roll <= 0:
            return persona
    return PERSONAS[0]


def working_hours(moment: int, rng: random.Random) -> int:
    """``moment`` moved onto a working day (Monday-Friday) between 06:00 and 16:00 UTC
    (08:00-18:00 or so in the demo's European time zones)."""
    day = moment // DAY
    weekday = (day + 3) % 7  # 1 January 1970 was a Thursday
    if weekday >= 5:
        day -= weekday - 4
    return day * DAY + 6 * 3600 + rng.randrange(10 * 3600)


@dataclass
class Plan:
    """The shape of one client's history, decided before any entry is written."""

    persona: Persona
    language: str
    start: int  # first contact
    last: int  # last contact (the newest call, e-mail, meeting or message)
    #: (start, end) of each project: the bursts of the history
    projects: list[tuple[int, int]]


def span(rng: random.Random, status: str, archived: bool, now: int) -> tuple[int, int]:
    """(first contact, last contact) for a client of ``status``: active clients were heard
    from lately (a few have gone quiet), others months or years ago."""
    if archived:
        # quiet for months (at least two) before they were archived, a while ago
        last = now - rng.randrange(61, 600) * DAY
        return last - rng.randrange(60, 1000) * DAY, last
    if status == "active":
        start = now - rng.randrange(90, 1400) * DAY
        roll = rng.random()
        if roll < 0.88:
            age = int(rng.expovariate(1 / 4) * DAY)  # most heard from within days
        elif roll < 0.95:
            age = rng.randrange(12, 20) * DAY
        else:
            age = rng.randrange(22, 80) * DAY  # gone quiet: triage asks about them
        return start, now - min(age, 19 * DAY) if roll < 0.88 else now - age
    if status == "paused":
        start = now - rng.randrange(200, 1400) * DAY
        return start, now - rng.randrange(30, 180) * DAY
    if status == "prospect":
        start = now - rng.randrange(3, 120) * DAY
        return start, min(now - rng.randrange(0, 30) * DAY, now)
    if status == "former":
        start = now - rng.randrange(300, 1460) * DAY
        return start, now - rng.randrange(90, max(91, (now - start) // DAY - 60)) * DAY
    # declined: a short courtship, months or years ago
    start = now - rng.randrange(45, 900) * DAY
    return start, start + rng.randrange(2, 30) * DAY


def projects(rng: random.Random, start: int, last: int, status: str) -> list[tuple[int, int]]:
    """Bursts of work inside the relationship; an active client's latest one is current."""
    span = last - start
    if status in ("prospect", "declined") or span < 30 * DAY:
        return []
    count = max(1, min(6, round(span / (365 * DAY) * rng.uniform(0.6, 1.5))))
    projects = []
    for _ in range(count):
        begin = start + rng.randrange(max(span - 30 * DAY, 1))
        projects.append((begin, min(begin + rng.randrange(30, 180) * DAY, last)))
    if status == "active":
        begin = max(start, last - rng.randrange(20, 150) * DAY)
        projects.append((begin, last))
    return sorted(projects)


def entry_counts(rng: random.Random, weights: list[float], total: int) -> list[int]:
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


def moments(rng: random.Random, plan: Plan, count: int) -> list[int]:
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
        at = working_hours(at, rng)
        if not start <= at < last:  # moved out of the relationship: anywhere inside it
            at = start + rng.randrange(span)
        moments.append(at)
    moments.sort()
    moments.append(last)
    return moments


def incidents(rng: random.Random, persona: Persona, count: int) -> list[tuple[str, int]]:
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
