"""Does the score work? A replay of the book with no look-ahead, and how well it ranked.

For every invoice issued in the period, the client's score and band **as of the issue
moment** (the start of the issue day), computed only from what had happened before it
(:func:`as_of_view`): signals and conversations before that moment, the invoices issued on
earlier days with the payments made before that day. Nothing of the invoice itself, nor of
anything later, is read. The book records when an event happened, not when it was typed, so
"before" is the event's own moment. A dispute carries no date in the book (only a flag on
the invoice), so the replay cannot know when it was raised: earlier invoices' disputes are
left out of the as-of view, and the score's "invoice disputed" factor is not tested here.
Client status does not enter the score (only the stance), so today's status is not read.
Money in other currencies is converted at today's rates (the model in force), not the
rates of the issue day: a book in one currency is not affected.

Each invoice's **outcome** is what happened to it after (as of today):

- ``late``: paid more than 14 days after its due day, or still unpaid more than 14 days
  after it; an unpaid invoice whose due day is fewer than 14 days behind is not counted
  (its outcome is not known yet), nor is an invoice with no due day;
- ``late30``: the same with 30 days;
- ``disputed``: the invoice is marked disputed;
- ``any``: late or disputed.

The figures (:func:`summarise`): per band, invoices, outcomes and the observed rate with a
95% Wilson interval; the AUC of the score for the outcome (Mann-Whitney, ties counted
half) with its Hanley-McNeil 95% interval; and the Brier score of a calibrated
probability against the base rate's. The probability is **binned** (scores in tens, each
bin's outcome rate shrunk towards the base rate by two pseudo-cases) and
**cross-validated**: the book is cut into five folds by client, each fold's invoices are
predicted from the other four, so no invoice is predicted from itself or from its own
client's other invoices. The intervals treat invoices as independent; a client's invoices
are not quite (clients that pay late tend to do so again), so they are somewhat too
narrow. Below :data:`FEW_CASES` outcomes the figures are marked "too few cases".

Pure: no database, no clock.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from callsheet.models.risk.evidence import InvoiceFact, SignalEvent, ToneEvent
from callsheet.models.risk.model import BANDS, band_of, scores_at
from callsheet.models.risk.settings import DEFAULT_MODEL, RiskModel

OUTCOMES = ("late", "late30", "disputed", "any")
#: below this many outcomes the figures say "too few cases"
FEW_CASES = 30
#: days after the due day past which an invoice is late, per outcome
LATE_DAYS = {"late": 14, "late30": 30, "any": 14}
FOLDS = 5
#: how many pseudo-cases at the base rate each score bin's rate is shrunk with
PRIOR_CASES = 2.0
Z95 = 1.959963984540054


class ReplayInvoice(NamedTuple):
    """An invoice as the replay reads it: the whole amount, and its payments by day."""

    number: str
    amount_cents: int
    currency: str
    issued: date
    due: date | None
    paid: date | None
    disputed: bool
    #: (day, cents) of each part payment
    payments: tuple[tuple[date, int], ...] = ()


@dataclass
class History:
    """One client's whole recorded history, each list in time order."""

    signals: list[SignalEvent] = field(default_factory=list)
    tones: list[ToneEvent] = field(default_factory=list)
    invoices: list[ReplayInvoice] = field(default_factory=list)

    def sort(self) -> History:
        self.signals.sort(key=lambda s: s.at)
        self.tones.sort(key=lambda t: t.at)
        self.invoices.sort(key=lambda i: (i.issued, i.number))
        return self


def _fact_as_of(invoice: ReplayInvoice, day: date) -> InvoiceFact:
    """An earlier invoice as it stood at the start of ``day``: paid only if paid before it,
    less the part payments made before it, and never disputed (a dispute has no date)."""
    paid = invoice.paid if invoice.paid is not None and invoice.paid < day else None
    cents = invoice.amount_cents
    if paid is None:
        cents -= sum(part for on, part in invoice.payments if on < day)
    return InvoiceFact(
        invoice.number, cents, invoice.currency, invoice.issued, invoice.due, paid, False
    )


def as_of_view(
    history: History,
    moment: datetime,
    signal_moments: Sequence[datetime] | None = None,
    tone_moments: Sequence[datetime] | None = None,
) -> tuple[list[SignalEvent], list[ToneEvent], list[InvoiceFact]]:
    """What had been recorded strictly before ``moment`` (the start of an issue day): the
    signals and tones before it, and the invoices issued on earlier days as they stood.
    (``history`` sorted; the moment lists, when given, are its events' moments.)"""
    day = moment.date()
    if signal_moments is None:
        signal_moments = [s.at for s in history.signals]
    if tone_moments is None:
        tone_moments = [t.at for t in history.tones]
    signals = history.signals[: bisect_left(signal_moments, moment)]
    tones = history.tones[: bisect_left(tone_moments, moment)]
    invoices = [_fact_as_of(i, day) for i in history.invoices if i.issued < day]
    return signals, tones, invoices


def issue_moment(issued: date, like: datetime) -> datetime:
    """The start of the issue day, in ``like``'s zone."""
    return datetime(issued.year, issued.month, issued.day, tzinfo=like.tzinfo)


def score_as_of(history: History, moment: datetime, model: RiskModel = DEFAULT_MODEL) -> int:
    """The client's score at ``moment`` from what was recorded before it only."""
    signals, tones, invoices = as_of_view(history, moment)
    [score] = scores_at(signals, invoices, [moment], model, tones=tones)
    return score


def outcome_of(invoice: ReplayInvoice, outcome: str, today: date) -> bool | None:
    """Whether ``outcome`` happened to the invoice (None: not known yet, or undefined)."""
    if outcome == "disputed":
        return invoice.disputed
    if outcome == "any" and invoice.disputed:
        return True
    if invoice.due is None:
        return None
    limit = invoice.due + timedelta(days=LATE_DAYS[outcome])
    if invoice.paid is not None:
        return invoice.paid > limit
    if today > limit:
        return True
    return None


class Case(NamedTuple):
    """One invoice of the replay: its client, issue day, score and band then, and outcome."""

    client_id: int
    number: str
    issued: date
    score: int
    band: str
    outcome: bool


def replay(
    histories: Mapping[int, History],
    outcome: str,
    today: date,
    since: date | None = None,
    like: datetime | None = None,
    model: RiskModel = DEFAULT_MODEL,
) -> tuple[list[Case], list[date]]:
    """Every invoice issued from ``since`` to ``today`` whose outcome is known, scored as of
    its issue moment; and the issue days of those left out because their outcome is not
    known yet."""
    like = like or datetime.now().astimezone()
    cases: list[Case] = []
    unknown: list[date] = []
    for client_id, history in histories.items():
        scored: dict[date, int] = {}  # one score per issue day
        signal_moments = [s.at for s in history.signals]
        tone_moments = [t.at for t in history.tones]
        for invoice in history.invoices:
            if invoice.issued > today or (since is not None and invoice.issued < since):
                continue
            happened = outcome_of(invoice, outcome, today)
            if happened is None:
                unknown.append(invoice.issued)
                continue
            score = scored.get(invoice.issued)
            if score is None:
                moment = issue_moment(invoice.issued, like)
                signals, tones, facts = as_of_view(history, moment, signal_moments, tone_moments)
                [score] = scores_at(signals, facts, [moment], model, tones=tones)
                scored[invoice.issued] = score
            cases.append(
                Case(client_id, invoice.number, invoice.issued, score, band_of(score), happened)
            )
    return cases, unknown


# --- the figures ---------------------------------------------------------------------


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (0, 0 when there are no cases)."""
    if n == 0:
        return (0.0, 0.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def auc(cases: Sequence[Case]) -> tuple[float, float, float] | None:
    """The AUC of the score for the outcome (the chance an invoice with the outcome scored
    higher than one without, ties half), with its Hanley-McNeil 95% interval; None when
    either group is empty."""
    positives = sum(1 for c in cases if c.outcome)
    negatives = len(cases) - positives
    if not positives or not negatives:
        return None
    # ranks with ties averaged (Mann-Whitney U)
    by_score: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for case in cases:
        by_score[case.score][1 if case.outcome else 0] += 1
    rank_sum = 0.0
    below = 0
    for score in sorted(by_score):
        neg, pos = by_score[score]
        tied = neg + pos
        average_rank = below + (tied + 1) / 2
        rank_sum += pos * average_rank
        below += tied
    area = (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)
    q1 = area / (2 - area)
    q2 = 2 * area * area / (1 + area)
    variance = (
        area * (1 - area)
        + (positives - 1) * (q1 - area * area)
        + (negatives - 1) * (q2 - area * area)
    ) / (positives * negatives)
    half = Z95 * math.sqrt(max(variance, 0.0))
    return area, max(0.0, area - half), min(1.0, area + half)


def _bin(score: int) -> int:
    return min(score // 10, 9)


def _fold(client_id: int) -> int:
    # a fixed scramble of the id, so folds do not follow the order clients were added in
    return (client_id * 2654435761) % 2**32 % FOLDS


def calibrated(cases: Sequence[Case]) -> tuple[list[float], list[float]]:
    """Per case, the cross-validated binned probability and the cross-validated base rate
    (both learnt from the other folds' clients only)."""
    counts = [[[0, 0] for _ in range(10)] for _ in range(FOLDS)]  # fold -> bin -> [n, k]
    for case in cases:
        cell = counts[_fold(case.client_id)][_bin(case.score)]
        cell[0] += 1
        cell[1] += case.outcome
    totals = [[0, 0] for _ in range(10)]
    for per_bin in counts:
        for b, (n, k) in enumerate(per_bin):
            totals[b][0] += n
            totals[b][1] += k
    probabilities, base_rates = [], []
    cache: dict[tuple[int, int], tuple[float, float]] = {}
    for case in cases:
        fold, b = _fold(case.client_id), _bin(case.score)
        if (fold, b) not in cache:
            n_all = sum(totals[x][0] - counts[fold][x][0] for x in range(10))
            k_all = sum(totals[x][1] - counts[fold][x][1] for x in range(10))
            base = k_all / n_all if n_all else 0.0
            n = totals[b][0] - counts[fold][b][0]
            k = totals[b][1] - counts[fold][b][1]
            cache[(fold, b)] = ((k + PRIOR_CASES * base) / (n + PRIOR_CASES), base)
        probability, base = cache[(fold, b)]
        probabilities.append(probability)
        base_rates.append(base)
    return probabilities, base_rates


def brier(probabilities: Iterable[float], cases: Sequence[Case]) -> float:
    values = [(p - c.outcome) ** 2 for p, c in zip(probabilities, cases, strict=True)]
    return sum(values) / len(values) if values else 0.0


@dataclass(frozen=True)
class BandFigures:
    band: str
    invoices: int
    outcomes: int
    rate: float
    low: float
    high: float

    @property
    def few(self) -> bool:
        return self.outcomes < FEW_CASES


@dataclass(frozen=True)
class MonthFigures:
    month: str  # "2026-11"
    invoices: int
    outcomes: int
    rate: float
    #: invoices of the month whose outcome is not known yet (recent months: their late
    #: ones are still to show, so the rate there is too low until they do)
    pending: int = 0


@dataclass(frozen=True)
class Backtest:
    """The figures of one replay."""

    outcome: str
    since: date | None
    today: date
    invoices: int
    outcomes: int
    unknown: int
    bands: tuple[BandFigures, ...]
    auc: tuple[float, float, float] | None
    brier: float
    brier_base: float
    months: tuple[MonthFigures, ...] = ()

    @property
    def few(self) -> bool:
        return self.outcomes < FEW_CASES

    @property
    def base_rate(self) -> float:
        return self.outcomes / self.invoices if self.invoices else 0.0

    @property
    def ordered(self) -> bool:
        """Whether high's rate is above watch's, and watch's above low's."""
        rates = {b.band: b.rate for b in self.bands}
        return rates["high"] > rates["watch"] > rates["low"]

    def json(self) -> dict:
        return {
            "outcome": self.outcome,
            "since": self.since.isoformat() if self.since else None,
            "as_of": self.today.isoformat(),
            "invoices": self.invoices,
            "outcomes": self.outcomes,
            "base_rate": round(self.base_rate, 4),
            "not_yet_known": self.unknown,
            "too_few_cases": self.few,
            "bands": [
                {
                    "band": b.band,
                    "invoices": b.invoices,
                    "outcomes": b.outcomes,
                    "rate": round(b.rate, 4),
                    "interval_95": [round(b.low, 4), round(b.high, 4)],
                    "too_few_cases": b.few,
                }
                for b in self.bands
            ],
            "ordered": self.ordered,
            "auc": None
            if self.auc is None
            else {
                "value": round(self.auc[0], 4),
                "interval_95": [round(self.auc[1], 4), round(self.auc[2], 4)],
                "method": "Mann-Whitney; Hanley-McNeil interval",
            },
            "brier": {
                "calibrated": round(self.brier, 4),
                "base_rate": round(self.brier_base, 4),
                "skill": round(1 - self.brier / self.brier_base, 4) if self.brier_base else None,
                "method": "score bins of 10, shrunk to the base rate by 2 cases; "
                "5-fold cross-validated by client",
            },
            "months": [
                {
                    "month": m.month,
                    "invoices": m.invoices,
                    "outcomes": m.outcomes,
                    "rate": m.rate,
                    "not_yet_known": m.pending,
                }
                for m in self.months
            ],
        }


def _months(
    cases: Sequence[Case], unknown: Sequence[date], today: date, count: int = 12
) -> tuple[MonthFigures, ...]:
    """The outcome rate of the invoices issued in each of the last ``count`` months."""
    keys = []
    year, month = today.year, today.month
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    keys.reverse()
    tally = {key: [0, 0, 0] for key in keys}
    for case in cases:
        key = f"{case.issued.year:04d}-{case.issued.month:02d}"
        if key in tally:
            tally[key][0] += 1
            tally[key][1] += case.outcome
    for day in unknown:
        key = f"{day.year:04d}-{day.month:02d}"
        if key in tally:
            tally[key][2] += 1
    return tuple(
        MonthFigures(key, n, k, round(k / n, 4) if n else 0.0, pending)
        for key, (n, k, pending) in tally.items()
    )


def summarise(
    cases: Sequence[Case], outcome: str, today: date, since: date | None, unknown: Sequence[date]
) -> Backtest:
    """The figures of a replay (``unknown``: the issue days of the invoices left out)."""
    bands = []
    for band in BANDS:
        chosen = [c for c in cases if c.band == band]
        k = sum(c.outcome for c in chosen)
        low, high = wilson(k, len(chosen))
        bands.append(
            BandFigures(band, len(chosen), k, k / len(chosen) if chosen else 0.0, low, high)
        )
    probabilities, base_rates = calibrated(cases)
    return Backtest(
        outcome,
        since,
        today,
        len(cases),
        sum(c.outcome for c in cases),
        len(unknown),
        tuple(bands),
        auc(cases),
        brier(probabilities, cases),
        brier(base_rates, cases),
        _months(cases, unknown, today),
    )


def _percent(share: float) -> str:
    """ "24.8%", or "0.02%" for a share under one percent (never a bare 0.0% for a few)."""
    return f"{share:.2%}" if 0 < share < 0.01 else f"{share:.1%}"


def report_text(result: Backtest) -> str:
    """The figures in plain text, as ``callsheet risk --backtest`` prints them."""
    what = {
        "late": "paid more than 14 days after due (or still unpaid that long)",
        "late30": "paid more than 30 days after due (or still unpaid that long)",
        "disputed": "disputed",
        "any": "late (14 days) or disputed",
    }[result.outcome]
    since = f"issued since {result.since}" if result.since else "issued up to today"
    lines = [
        f"Backtest: {result.invoices:,} invoices {since}, each scored as of its issue day"
        " from what was recorded before it.",
        f"Outcome: {what}: {result.outcomes:,} ({_percent(result.base_rate)})"
        + (
            f"; {result.unknown:,} more not known yet (not yet"
            f" {LATE_DAYS[result.outcome]} days past due, or no due day)."
            if result.unknown
            else "."
        ),
        "",
        f"{'band':<6} {'invoices':>9} {'outcomes':>9} {'rate':>7}  95% interval",
    ]
    for b in result.bands:
        few = "  too few cases" if b.few else ""
        lines.append(
            f"{b.band:<6} {b.invoices:>9,} {b.outcomes:>9,} {_percent(b.rate):>7}"
            f"  {_percent(b.low)}-{_percent(b.high)}{few}"
        )
    lines.append("")
    if result.auc is None:
        lines.append("AUC: none (every invoice had the same outcome)")
    else:
        area, low, high = result.auc
        lines.append(
            f"AUC of the score: {area:.3f} (95% {low:.3f}-{high:.3f}; 0.5 is chance, 1 perfect)"
        )
    skill = 1 - result.brier / result.brier_base if result.brier_base else 0.0
    lines.append(
        f"Brier score of the calibrated probability: {result.brier:.4f} against"
        f" {result.brier_base:.4f} for the base rate alone ({skill:+.1%});"
        " score bins of 10, 5-fold cross-validated by client."
    )
    lines.append(
        "Bands ordered (high above watch above low): " + ("yes" if result.ordered else "NO")
    )
    if result.few:
        lines.append(
            f"Too few cases: {result.outcomes} outcomes (under {FEW_CASES}); these figures"
            " say little yet."
        )
    return "\n".join(lines)
